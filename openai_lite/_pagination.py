"""Pages of list results. Each cursor style in the API is two hooks: the items of a page and
the query of the next one. Iterating a page walks every item of every following page,
fetching as it goes; a page object never changes while you do.

    SyncPage                 one page, no cursor                          (models.list)
    SyncCursorPage           after = id of the last item, while has_more  (most lists)
    SyncConversationCursorPage / LastIdCursorPage
                             after = the page's last_id, while has_more
    NextCursorPage           after = the page's ``next`` cursor
    PageNumberPage           page = the page's ``next_page``
"""
from __future__ import annotations

from typing import Any, Dict, Generic, Iterator, List, Optional, TypeVar

from ._models import BaseModel, _rebuild, picked, resolve_model

__all__ = [
    "PageInfo", "BasePage", "SyncPage", "SyncCursorPage", "SyncConversationCursorPage", "LastIdCursorPage",
    "NextCursorPage", "PageNumberPage", "SyncTokenPage", "resolve_page",
]

T = TypeVar("T")
_P = TypeVar("_P", bound="BasePage[Any]")


class PageInfo:
    def __init__(self, *, params: Dict[str, Any]) -> None:
        self.params = params

    def __repr__(self) -> str:
        return "PageInfo(params=%r)" % (self.params,)


class BasePage(BaseModel, Generic[T]):
    __slots__ = ("_client", "_call")

    _nested = {}

    def __init__(self, data: Dict[str, Any], *, client: Any = None, call: Any = None,
                 request_id: Optional[str] = None) -> None:
        super().__init__(data if isinstance(data, dict) else {"data": data})
        object.__setattr__(self, "_client", client)
        object.__setattr__(self, "_call", call)
        object.__setattr__(self, "_request_id", request_id)

    @property
    def data(self) -> List[T]:  # type: ignore[override]
        cached = self._cache.get("data")
        if cached is None:
            item_cls = resolve_model(self._call.cast_to) if self._call is not None else BaseModel
            raw = self._data.get("data") or []
            pick = None if isinstance(item_cls, type) else item_cls  # items of a union type: each picks its class
            if item_cls is dict or item_cls is object:  # get_api_list with a bare page class: the JSON as it is
                cached = self._cache["data"] = list(raw)
            else:
                # a union's item: picked(), whose model_dump() is as openai-python's validated objects'
                cached = self._cache["data"] = [
                    (picked(pick(item), item, None) if pick else _rebuild(item_cls, item, None))
                    if isinstance(item, dict) else item for item in raw]
        return cached

    # the two hooks a style overrides
    def _get_page_items(self) -> List[T]:
        return self.data

    def _next_params(self) -> Optional[Dict[str, Any]]:
        return None

    def _fresh_next_params(self) -> Optional[Dict[str, Any]]:
        params = self._next_params()
        if params is None or self._call is None:
            return params
        current = self._call.query or {}
        if all(current.get(key) == value for key, value in params.items()):
            return None  # the cursor that fetched this very page: following it would loop forever
        return params

    def has_next_page(self) -> bool:
        return self._fresh_next_params() is not None

    def next_page_info(self) -> Optional[PageInfo]:
        params = self._fresh_next_params()
        return None if params is None else PageInfo(params=params)

    def get_next_page(self: _P) -> _P:
        params = self._fresh_next_params()
        if params is None:
            raise RuntimeError("No next page expected; check `.has_next_page()` before calling `.get_next_page()`.")
        call = self._call
        return self._client._execute(call.replace(query=dict(call.query or {}, **params)))

    def iter_pages(self: _P) -> Iterator[_P]:
        page = self
        while True:
            yield page
            if not page.has_next_page():
                return
            page = page.get_next_page()

    def __iter__(self) -> Iterator[T]:  # type: ignore[override]
        for page in self.iter_pages():
            for item in page._get_page_items():
                yield item

    def __reduce__(self) -> Any:
        return (type(self), (self._data,), None)

    def __repr__(self) -> str:
        return "%s(data=%r, has_more=%r)" % (type(self).__name__, self.data, self._data.get("has_more"))


class SyncPage(BasePage[T]):
    __slots__ = ()


class SyncCursorPage(BasePage[T]):
    __slots__ = ()

    def _next_params(self) -> Optional[Dict[str, Any]]:
        if not self._data.get("has_more"):
            return None
        items = self._data.get("data") or []
        last = items[-1].get("id") if items and isinstance(items[-1], dict) else None
        return None if last is None else {"after": last}


class LastIdCursorPage(BasePage[T]):
    __slots__ = ()

    def _next_params(self) -> Optional[Dict[str, Any]]:
        last_id = self._data.get("last_id")
        if not self._data.get("has_more") or not last_id:
            return None
        return {"after": last_id}


SyncConversationCursorPage = LastIdCursorPage


class NextCursorPage(BasePage[T]):
    __slots__ = ()

    def _next_params(self) -> Optional[Dict[str, Any]]:
        cursor = self._data.get("next")
        if not cursor or self._data.get("has_more") is False:
            return None
        return {"after": cursor}


class PageNumberPage(BasePage[T]):
    __slots__ = ()

    def _next_params(self) -> Optional[Dict[str, Any]]:
        nxt = self._data.get("next_page")
        if nxt in (None, "", False) or self._data.get("has_more") is False:
            return None
        return {"page": nxt}


class SyncTokenPage(BasePage[T]):
    """Pages whose ``next`` token is sent back as ``page`` (openai-python's ``SyncTokenPage``)."""

    __slots__ = ()

    def _next_params(self) -> Optional[Dict[str, Any]]:
        token = self._data.get("next")
        if not token or self._data.get("has_more") is False:
            return None
        return {"page": token}


_PAGES = {cls.__name__: cls for cls in (SyncPage, SyncCursorPage, LastIdCursorPage, NextCursorPage, PageNumberPage,
                                        SyncTokenPage)}
_PAGES["SyncConversationCursorPage"] = LastIdCursorPage


def resolve_page(ref: Any) -> Any:
    return ref if isinstance(ref, type) else _PAGES[ref]
