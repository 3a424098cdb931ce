"""Azure OpenAI: the same calls through AzureOpenAI.

Needs AZURE_OPENAI_ENDPOINT (https://<resource>.openai.azure.com), AZURE_OPENAI_API_KEY (or
AZURE_OPENAI_AD_TOKEN), and AZURE_OPENAI_DEPLOYMENT (a chat model deployment's name);
OPENAI_API_VERSION is optional. The offline server does not imitate Azure.
"""
import os
import sys

from openai_lite import AzureOpenAI


def main(client: AzureOpenAI, deployment: str) -> None:
    # With Azure, `model` is your deployment's name.
    completion = client.chat.completions.create(
        model=deployment, messages=[{"role": "user", "content": "Say hello from Azure in five words."}])
    print("chat:", completion.choices[0].message.content)

    stream = client.chat.completions.create(
        model=deployment, messages=[{"role": "user", "content": "Count to five."}], stream=True)
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            sys.stdout.write(chunk.choices[0].delta.content)
    print()

    # A copy with other options (here a 30 s timeout) that shares the connection pool.
    quick = client.with_options(timeout=30)
    print("request id:", quick.chat.completions.create(
        model=deployment, messages=[{"role": "user", "content": "Reply with OK."}])._request_id)


if __name__ == "__main__":
    endpoint = os.environ.get("AZURE_OPENAI_ENDPOINT")
    deployment = os.environ.get("AZURE_OPENAI_DEPLOYMENT")
    if not (endpoint and deployment and (os.environ.get("AZURE_OPENAI_API_KEY")
                                         or os.environ.get("AZURE_OPENAI_AD_TOKEN"))):
        print("This example needs Azure OpenAI: set AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_API_KEY "
              "and AZURE_OPENAI_DEPLOYMENT to run it.")
        sys.exit(0)
    with AzureOpenAI(azure_endpoint=endpoint, api_version=os.environ.get("OPENAI_API_VERSION", "2024-10-21")) as client:
        main(client, deployment)
