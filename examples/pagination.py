"""Pagination: iterate a list call to walk every page, or go page by page yourself.

With OPENAI_API_KEY set this calls the real API (models, then your files). Without it, it
starts the offline server that ships with openai_lite (openai_lite.testing) and lists its models.
"""
import os

from openai_lite import OpenAI


def main(client: OpenAI, real: bool) -> None:
    # Iterating a list result walks every page, fetching each one only when it is needed.
    ids = [model.id for model in client.models.list()]
    print("%d models, e.g. %s" % (len(ids), ", ".join(sorted(ids)[:3])))

    page = client.models.list()
    print("first page: %d items, has a next page: %s" % (len(page.data), page.has_next_page()))

    if not real:
        return
    # Cursor pages: limit= sets the page size; the next page's query comes from this one.
    files = client.files.list(limit=5)
    for number, current in enumerate(files.iter_pages(), 1):
        print("files page %d: %s" % (number, ", ".join(f.filename for f in current.data) or "(empty)"))
        if number == 3:
            break
    info = files.next_page_info()
    if info is not None:
        print("the next page would be fetched with", info.params)
        second = files.get_next_page()
        print("second page has %d files" % len(second.data))


if __name__ == "__main__":
    if os.environ.get("OPENAI_API_KEY"):
        print("Using the real OpenAI API (OPENAI_API_KEY is set).")
        with OpenAI() as client:
            main(client, real=True)
    else:
        from openai_lite.testing import OfflineServer

        print("OPENAI_API_KEY is not set: running against openai_lite's offline server.")
        with OfflineServer() as server, OpenAI(api_key="sk-offline", base_url=server.url) as client:
            main(client, real=False)
