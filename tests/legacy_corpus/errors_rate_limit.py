import time

import openai_lite as openai


def ask(retries=3):
    for attempt in range(retries):
        try:
            return openai.ChatCompletion.create(model="gpt-3.5-turbo", messages=[{"role": "user", "content": "hi"}])
        except openai.error.RateLimitError as e:
            print("rate limited:", e.http_status, e.user_message, e.headers.get("x-ratelimit-remaining-requests"))
            time.sleep(0)
    return None


print(ask(retries=1))
