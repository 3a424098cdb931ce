"""Bounded concurrency for the upload helpers: a small thread pool, results in input order."""
from __future__ import annotations

from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from typing import Any, Callable, Iterable, List, TypeVar

__all__ = ["check_concurrency", "map_bounded"]

T = TypeVar("T")
R = TypeVar("R")


def check_concurrency(max_concurrency: Any) -> int:
    if isinstance(max_concurrency, bool) or not isinstance(max_concurrency, int):
        raise TypeError("max_concurrency must be an int, not %s" % type(max_concurrency).__name__)
    if max_concurrency < 1:
        raise ValueError("max_concurrency must be >= 1, got %d" % max_concurrency)
    return max_concurrency


def map_bounded(fn: Callable[[T], R], items: Iterable[T], max_concurrency: int) -> List[R]:
    """``[fn(item) for item in items]`` on at most ``max_concurrency`` threads.

    The first failure cancels what has not started yet, waits for what is running, and
    is raised; no thread outlives the call.
    """
    items = list(items)
    if len(items) <= 1 or max_concurrency == 1:
        return [fn(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(max_concurrency, len(items)),
                            thread_name_prefix="openai_lite-upload") as pool:
        futures = [pool.submit(fn, item) for item in items]
        wait(futures, return_when=FIRST_EXCEPTION)
        failed = next((f for f in futures if f.done() and not f.cancelled() and f.exception() is not None), None)
        if failed is not None:
            for future in futures:
                future.cancel()
            raise failed.exception()  # type: ignore[misc]
        return [future.result() for future in futures]
