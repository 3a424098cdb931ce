import requests

import openai_lite as openai

made = []


def make_session():
    session = requests.Session()
    session.headers["X-From-Factory"] = "1"
    made.append(session)
    return session


openai.requestssession = make_session
openai.debug = True
resp = openai.Moderation.create(input="hello")
print(resp.results[0].flagged, len(made))
openai.Moderation.create(input="again")
print(len(made))
