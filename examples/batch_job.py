"""A large job through the Batch API: submit, save the job's state, pick it up again, collect the results.

Run it once to submit (the state goes to $BATCH_JOB_STATE, else batch_job.json in the temp
directory); run it again later to collect: a batch can take up to 24 hours, and a cron job or a Lambda function does exactly this, one
invocation at a time. With OPENAI_API_KEY set this uses the real API (at half the price of the same calls
made one by one). Without it, it runs against openai_lite's offline server, which completes batches as it
is polled, so one run does everything.
"""
import os
import tempfile

from openai_lite import OpenAI
from openai_lite.lib.batch_jobs import BatchJobTimeout

STATE = os.environ.get("BATCH_JOB_STATE") or os.path.join(tempfile.gettempdir(), "batch_job.json")
TICKETS = [
    "My invoice is wrong, I was charged twice.",
    "The app crashes when I open settings.",
    "How do I change my password?",
    "Please cancel my subscription.",
    "The export button does nothing.",
]


def requests():
    """Any iterable works: a generator over a database cursor is read once, as the JSONL is written."""
    for number, ticket in enumerate(TICKETS):
        yield ("ticket-%d" % number, {
            "model": "gpt-4o-mini",
            "max_completion_tokens": 10,
            "messages": [{"role": "system", "content": "Answer with one word: billing, bug or account."},
                         {"role": "user", "content": ticket}],
        })


def submit(client: OpenAI, state: str) -> None:
    # Split into as many batches as the API's limits need (50,000 requests or 200 MiB per file);
    # two requests per batch here only to show a job of several batches.
    job = client.batches.submit(requests(), endpoint="/v1/chat/completions", max_requests_per_batch=2,
                                metadata={"job": "ticket-triage"})
    job.save(state)
    print("submitted %d requests as %d batches; state saved" % (job.requests, len(job.batch_ids)))


def collect(client: OpenAI, state: str, max_wait_seconds: float, poll_interval=None) -> bool:
    job = client.batches.job(state)  # what another process (or tomorrow's cron run) does
    try:
        status = job.wait(max_wait_seconds=max_wait_seconds, poll_interval=poll_interval)
    except BatchJobTimeout as still:
        print("not finished yet (%s); run again later" % ", ".join(still.running))
        return False
    print(status)
    for result in job.results():  # in input order, one per request, streamed from the result files
        if result.ok:
            print("%s: %s" % (result.custom_id, result.response.choices[0].message.content))
        else:
            print("%s: %s (%s)" % (result.custom_id, result.status, result.error.message))
    failed = job.retry_failed()  # only what failed, expired or was cancelled
    print("resubmitted %d failed request(s)" % failed.requests)
    os.unlink(state)
    os.unlink(state + ".ids")
    return True


def main(client: OpenAI, state: str = STATE, offline: bool = False) -> None:
    if not os.path.exists(state):
        submit(client, state)
    collect(client, state, max_wait_seconds=30 if offline else 60, poll_interval=0 if offline else None)


if __name__ == "__main__":
    if os.environ.get("OPENAI_API_KEY"):
        print("Using the real OpenAI API (OPENAI_API_KEY is set).")
        with OpenAI() as client:
            main(client)
    else:
        from openai_lite.testing import OfflineServer

        print("OPENAI_API_KEY is not set: running against openai_lite's offline server.")
        with OfflineServer() as server, OpenAI(api_key="sk-offline", base_url=server.url) as client, \
                tempfile.TemporaryDirectory() as workdir:
            server.batch_api.fail("ticket-3")  # one failure, to show what a failed request looks like
            main(client, os.path.join(workdir, "batch_job.json"), offline=True)
