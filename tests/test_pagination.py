"""Pagination: every cursor style, lazily fetched, the page object never changed by iterating,
the first call's query kept on every following page. Scripted list routes on loopback, plus the
generated ``files.list`` and ``models.list``.
"""
import copy

import pytest

from openai_lite import OpenAI
from openai_lite._pagination import LastIdCursorPage, NextCursorPage, PageNumberPage, SyncCursorPage, SyncPage
from openai_lite.testing import OfflineServer, Scripted

ITEMS = [{"id": "item_%d" % i, "object": "thing", "n": i} for i in range(7)]


class CursorAPI:
    """GET /v1/things in one cursor style over ITEMS, ``size`` items a page."""

    def __init__(self, style, size=3, items=ITEMS):
        self.style = style
        self.size = size
        self.items = items

    def _start(self, query):
        if self.style == "SyncCursorPage":
            after = query.get("after", [None])[0]
            return 0 if after is None else [i["id"] for i in self.items].index(after) + 1
        if self.style in ("LastIdCursorPage", "NextCursorPage"):
            return int(query["after"][0].split("_")[1]) if "after" in query else 0
        if self.style == "PageNumberPage":
            return (int(query["page"][0]) - 1) * self.size if "page" in query else 0
        return 0

    def __call__(self, srv, req, match):
        start = self._start(req.query)
        end = start + self.size
        page = self.items[start:end]
        more = end < len(self.items)
        body = {"object": "list", "data": page}
        if self.style == "SyncCursorPage":
            body.update(has_more=more, first_id=page[0]["id"] if page else None)
        elif self.style == "LastIdCursorPage":
            body.update(has_more=more, last_id="cur_%d" % end)
        elif self.style == "NextCursorPage":
            body.update(has_more=more, next="cur_%d" % end if more else None)
        elif self.style == "PageNumberPage":
            body.update(has_more=more, next_page=str(end // self.size + 1) if more else None)
        return Scripted(json=body)


STYLES = ["SyncCursorPage", "LastIdCursorPage", "NextCursorPage", "PageNumberPage"]
CURSOR = {"SyncCursorPage": ("after", "item_2"), "LastIdCursorPage": ("after", "cur_3"),
          "NextCursorPage": ("after", "cur_3"), "PageNumberPage": ("page", "2")}


@pytest.fixture
def server():
    with OfflineServer() as srv:
        yield srv


@pytest.fixture
def client(server):
    with OpenAI(api_key="sk-test", base_url=server.url, max_retries=0) as c:
        yield c


def list_things(client, style, query=None, **kwargs):
    return client._request("GET", "/things", page=style, cast_to=None, query=query, **kwargs)


def things(server):
    return [r for r in server.requests if r.path == "/v1/things"]


@pytest.mark.parametrize("style", STYLES)
def test_iterating_walks_every_page_fetching_only_when_needed(client, server, style):
    server.add_route("GET", r"/v1/things", CursorAPI(style))
    page = list_things(client, style)
    assert len(things(server)) == 1
    items = iter(page)
    seen = [next(items)["n"] for _ in range(3)]
    assert seen == [0, 1, 2] and len(things(server)) == 1  # the first page is used up, no fetch yet
    seen.append(next(items)["n"])
    assert len(things(server)) == 2
    seen.extend(item.n for item in items)
    assert seen == list(range(7)) and len(things(server)) == 3
    key, value = CURSOR[style]
    assert things(server)[1].query[key] == [value]


@pytest.mark.parametrize("style", STYLES)
def test_page_methods(client, server, style):
    server.add_route("GET", r"/v1/things", CursorAPI(style))
    page = list_things(client, style)
    assert isinstance(page, {"SyncCursorPage": SyncCursorPage, "LastIdCursorPage": LastIdCursorPage,
                             "NextCursorPage": NextCursorPage, "PageNumberPage": PageNumberPage}[style])
    assert [t.id for t in page.data] == ["item_0", "item_1", "item_2"]
    assert page.has_next_page()
    key, value = CURSOR[style]
    assert page.next_page_info().params == {key: value}
    second = page.get_next_page()
    assert [t.n for t in second.data] == [3, 4, 5]
    third = second.get_next_page()
    assert [t.n for t in third.data] == [6]
    assert not third.has_next_page() and third.next_page_info() is None
    with pytest.raises(RuntimeError):
        third.get_next_page()
    assert [[t.n for t in p.data] for p in page.iter_pages()] == [[0, 1, 2], [3, 4, 5], [6]]
    assert page._request_id and page._request_id.startswith("req_")


@pytest.mark.parametrize("style", STYLES)
def test_iterating_never_changes_the_page(client, server, style):
    server.add_route("GET", r"/v1/things", CursorAPI(style))
    page = list_things(client, style)
    before = copy.deepcopy(page._data)
    first_data = page.data
    assert [t.n for t in page] == list(range(7))
    assert [t.n for t in page] == list(range(7))  # again, from the start
    assert page._data == before and page.data is first_data and len(page.data) == 3
    assert page.has_next_page() and page.next_page_info().params == dict([CURSOR[style]])


@pytest.mark.parametrize("style", STYLES)
def test_the_first_calls_query_and_headers_are_kept(client, server, style):
    server.add_route("GET", r"/v1/things", CursorAPI(style))
    page = list_things(client, style, query={"limit": 3, "order": "asc", "after": "ignored-by-server"}
                       if style == "PageNumberPage" else {"limit": 3, "order": "asc"},
                       extra_query={"tag": "x"}, extra_headers={"X-Trace": "t"})
    assert len(list(page)) == 7
    requests = things(server)
    assert len(requests) == 3
    for request in requests:
        assert request.query["limit"] == ["3"] and request.query["order"] == ["asc"]
        assert request.query["tag"] == ["x"] and request.headers["X-Trace"] == "t"


def test_sync_page_is_one_page(client, server):
    server.add_route("GET", r"/v1/things", lambda s, r, m: Scripted(json={"object": "list", "data": ITEMS[:2],
                                                                          "has_more": True}))
    page = list_things(client, "SyncPage")
    assert isinstance(page, SyncPage) and not page.has_next_page() and page.next_page_info() is None
    assert [t.id for t in page] == ["item_0", "item_1"] and len(things(server)) == 1


@pytest.mark.parametrize("style,continues", [("SyncCursorPage", False), ("LastIdCursorPage", True),
                                             ("NextCursorPage", True), ("PageNumberPage", True)])
def test_an_empty_page_with_more_continues_where_the_cursor_allows(client, server, style, continues):
    empty = {"object": "list", "data": [], "has_more": True, "last_id": "cur_0", "next": "cur_0", "next_page": "1"}
    server.enqueue(Scripted(json=empty), path="/v1/things")
    server.add_route("GET", r"/v1/things", CursorAPI(style, size=10))
    page = list_things(client, style)
    assert page.data == [] and page.has_next_page() is continues
    assert len(list(page)) == (7 if continues else 0)
    assert len(things(server)) == (2 if continues else 1)


def test_has_more_false_stops_even_with_a_cursor(client, server):
    body = {"object": "list", "data": ITEMS[:1], "has_more": False, "last_id": "x", "next": "y", "next_page": "2"}
    server.add_route("GET", r"/v1/things", lambda s, r, m: Scripted(json=body))
    for style in STYLES:
        assert not list_things(client, style).has_next_page(), style


def test_a_repeated_cursor_does_not_loop_forever(client, server):
    stuck = {"object": "list", "data": ITEMS[:1], "has_more": True, "next": "same"}
    server.add_route("GET", r"/v1/things", lambda s, r, m: Scripted(json=stuck))
    page = list_things(client, "NextCursorPage")
    assert page.has_next_page()
    assert [t.id for t in page] == ["item_0", "item_0"]  # the second page hands back its own cursor
    assert len(things(server)) == 2


def test_generated_files_list_walks_pages(client, server):
    files = [{"id": "file-%d" % i, "object": "file", "filename": "f%d.jsonl" % i} for i in range(5)]

    def handler(srv, req, match):
        after = req.query.get("after", [None])[0]
        start = 0 if after is None else [f["id"] for f in files].index(after) + 1
        limit = int(req.query.get("limit", ["2"])[0])
        page = files[start:start + limit]
        return Scripted(json={"object": "list", "data": page, "has_more": start + limit < len(files),
                              "first_id": page[0]["id"], "last_id": page[-1]["id"]})

    server.add_route("GET", r"/v1/files", handler)
    listed = client.files.list(limit=2, purpose="batch")
    assert [f.filename for f in listed.data] == ["f0.jsonl", "f1.jsonl"]
    assert [f.id for f in listed] == [f["id"] for f in files]
    requests = [r for r in server.requests if r.path == "/v1/files"]
    assert [r.query.get("after") for r in requests] == [None, ["file-1"], ["file-3"]]
    assert all(r.query["purpose"] == ["batch"] and r.query["limit"] == ["2"] for r in requests)


def test_generated_models_list_is_one_page(client, server):
    models = client.models.list()
    assert not models.has_next_page()
    assert [m.id for m in models] == [m.id for m in models.data] and len(models.data) >= 1


def test_usage_reports_are_one_object_paged_by_next_page(server):
    """The admin usage and costs reports answer one object of the report's class (as openai-python's do),
    not a page: iterating gives its fields; the caller asks for ``page=report.next_page``."""
    from openai_lite.types.admin.organization import UsageCompletionsResponse, UsageCostsResponse
    from openai_lite.types.admin.organization.usage_costs_response import UsageCostsResponse as ByPath

    buckets = [{"object": "bucket", "start_time": i, "end_time": i + 1, "results": [
        {"object": "organization.costs.result", "amount": {"value": float(i), "currency": "usd"}}]}
        for i in range(3)]

    def handler(srv, req, match):
        start = int(req.query.get("page", ["0"])[0])
        more = start + 2 < len(buckets)
        return Scripted(json={"object": "page", "data": buckets[start:start + 2], "has_more": more,
                              "next_page": str(start + 2) if more else None})

    server.add_route("GET", r"/v1/organization/costs", handler)
    with OpenAI(api_key="sk-test", admin_api_key="sk-admin", base_url=server.url, max_retries=0) as client:
        report = client.admin.organization.usage.costs(start_time=5, limit=2)
        assert type(report).__name__ == "UsageCostsResponse" and ByPath is UsageCostsResponse
        assert isinstance(report, UsageCostsResponse) and not isinstance(report, UsageCompletionsResponse)
        assert not hasattr(report, "has_next_page")
        assert dict(report) == {"object": "page", "data": report.data, "has_more": True, "next_page": "2"}
        assert type(report.data[0]).__name__ == "Data"
        assert type(report.data[0].results[0]).__name__ == "DataResultOrganizationCostsResult"
        assert report.data[1].results[0].amount.value == 1.0
        assert report.model_dump()["data"][0] == buckets[0]
        values = []
        while True:
            values.extend(r.amount.value for b in report.data for r in b.results)
            if not report.has_more:
                break
            report = client.admin.organization.usage.costs(start_time=5, limit=2, page=report.next_page)
        assert values == [0.0, 1.0, 2.0]
    sent = [r for r in server.requests if r.path == "/v1/organization/costs"]
    assert [r.query.get("page") for r in sent] == [None, ["2"]]
    assert all(r.query["start_time"] == ["5"] and r.headers["Authorization"] == "Bearer sk-admin" for r in sent)
