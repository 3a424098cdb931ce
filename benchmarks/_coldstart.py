"""A Lambda-style cold start, in one fresh process: ``python _coldstart.py CONTENDER BASE``.

Import, build a client, make one chat call and read one short streamed answer (the
``bench_stream=short`` route of ``_server.py``), then exit: what the first invocation of a
handler costs. ``run.py`` times the whole process (interpreter start-up included, as for
every contender) and reads its peak RSS. Nothing else is imported before the contender's
own modules, so the figure is theirs. Prints ``chunks characters`` so ``run.py`` can check
both answers arrived.
"""
import sys

API_KEY = "sk-bench-0123456789abcdefghijklmnopqrstuvwxyz"
MODEL = "gpt-4o-mini"
MESSAGES = [{"role": "user", "content": "Hello! How are you today? Please answer in one sentence."}]
SHORT = {"bench_stream": "short"}


def with_sdk(module_name: str, base: str) -> tuple:
    """openai_lite and openai: the same ten lines a handler written for openai has."""
    if module_name == "openai_lite":
        from openai_lite import OpenAI
    else:
        from openai import OpenAI
    client = OpenAI(api_key=API_KEY, base_url=base + "/v1")
    text = client.chat.completions.create(model=MODEL, messages=MESSAGES).choices[0].message.content
    count, chars = 0, len(text)
    stream = client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True, extra_query=SHORT)
    for chunk in stream:
        count += 1
        chars += len(chunk.choices[0].delta.content or "")
    return count, chars


def with_requests(base: str) -> tuple:
    """The floor: what a careful engineer writes with requests alone."""
    import json

    import requests

    session = requests.Session()
    session.trust_env = False
    session.headers["Authorization"] = "Bearer " + API_KEY
    url = base + "/v1/chat/completions"
    text = session.post(url, json={"model": MODEL, "messages": MESSAGES}).json()["choices"][0]["message"]["content"]
    count, chars = 0, len(text)
    body = {"model": MODEL, "messages": MESSAGES, "stream": True}
    with session.post(url, json=body, params=SHORT, stream=True) as response:
        for line in response.iter_lines():
            if line[:6] == b"data: ":
                if line[6:] == b"[DONE]":
                    break
                count += 1
                chars += len(json.loads(line[6:])["choices"][0]["delta"].get("content") or "")
    return count, chars


def main() -> None:
    contender, base = sys.argv[1], sys.argv[2]
    count, chars = with_requests(base) if contender == "requests" else with_sdk(contender, base)
    sys.stdout.write("%d %d\n" % (count, chars))


if __name__ == "__main__":
    main()
