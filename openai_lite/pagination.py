"""Page classes under openai-python's names (``from openai_lite.pagination import SyncCursorPage``).

Every list call returns one of these; iterating a page walks every item of every page.
"""
from ._pagination import (
    BasePage, LastIdCursorPage, NextCursorPage, PageInfo, PageNumberPage, SyncConversationCursorPage,
    SyncCursorPage, SyncPage, SyncTokenPage,
)

__all__ = [
    "BasePage", "BaseSyncPage", "PageInfo", "CursorPageItem", "SyncPage", "SyncCursorPage",
    "SyncConversationCursorPage", "SyncNextCursorPage", "SyncTokenPage",
]

BaseSyncPage = BasePage
SyncNextCursorPage = NextCursorPage
CursorPageItem = object  # openai-python's protocol for items with an ``id``; any item here


def __dir__():
    return sorted(__all__ + ["LastIdCursorPage", "NextCursorPage", "PageNumberPage"])
