import asyncio

import openai_lite as openai


async def main():
    try:
        await openai.ChatCompletion.acreate(model="gpt-3.5-turbo", messages=[])
    except NotImplementedError as e:
        print("refused:", "synchronous" in str(e), "ChatCompletion.create" in str(e))
    for name in ("alist", "aretrieve", "adelete", "adownload"):
        print(name, hasattr(openai.File, name))
    print(hasattr(openai.Audio, "atranscribe"), hasattr(openai.FineTuningJob, "acancel"))


asyncio.run(main())
