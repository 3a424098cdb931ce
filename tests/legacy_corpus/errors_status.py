import openai_lite as openai

calls = [
    ("auth", openai.error.AuthenticationError),
    ("perm", openai.error.PermissionError),
    ("unavailable", openai.error.ServiceUnavailableError),
    ("server", openai.error.APIError),
    ("conflict", openai.error.TryAgain),
]
for label, expected in calls:
    try:
        openai.ChatCompletion.create(model="gpt-3.5-turbo", messages=[{"role": "user", "content": label}])
    except expected as e:
        print(label, type(e).__name__, e.http_status, e.user_message)
