"""Progress of long work (uploads, downloads, batch waits) on stderr: only when stderr is a terminal
and ``--quiet`` was not given, redrawn in place at most a few times a second."""
from __future__ import annotations

import sys
import time
from typing import Any, Optional

_REDRAW_EVERY = 0.2  # seconds


def _size(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return ("%d %s" if unit == "B" else "%.1f %s") % (n, unit)
        n /= 1024.0
    return "%d B" % n  # pragma: no cover


def _duration(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    if seconds >= 3600:
        return "%dh%02dm" % (seconds // 3600, seconds % 3600 // 60)
    return "%dm%02ds" % (seconds // 60, seconds % 60) if seconds >= 60 else "%ds" % seconds


class Progress:
    """``update(done, total)`` redraws ``label: done / total, rate, time left``; ``unit`` is
    ``"bytes"`` or a noun for counts ("requests"). Does nothing unless ``enabled``."""

    def __init__(self, label: str, unit: str = "bytes", enabled: bool = True) -> None:
        self.label, self.unit = label, unit
        self.enabled = enabled
        self.start = time.monotonic()
        self.last_draw = 0.0
        self.drawn = False

    @classmethod
    def for_args(cls, args: Any, label: str, unit: str = "bytes") -> "Progress":
        try:
            tty = sys.stderr.isatty()
        except (AttributeError, ValueError):
            tty = False
        return cls(label, unit, enabled=tty and not getattr(args, "quiet", False))

    def _amount(self, n: float) -> str:
        return _size(n) if self.unit == "bytes" else "%d" % n

    def update(self, done: float, total: Optional[float] = None, note: str = "") -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.last_draw < _REDRAW_EVERY and (total is None or done < total):
            return
        self.last_draw = now
        elapsed = max(now - self.start, 1e-6)
        rate = done / elapsed
        parts = [self._amount(done) + (" / " + self._amount(total) if total else "")]
        if self.unit == "bytes":
            parts.append(_size(rate) + "/s")
        elif done:
            parts.append("%.1f %s/min" % (rate * 60, self.unit))
        if total and rate > 0 and done < total:
            parts.append(_duration((total - done) / rate) + " left")
        if note:
            parts.append(note)
        sys.stderr.write("\r\x1b[K%s: %s" % (self.label, ", ".join(parts)))
        sys.stderr.flush()
        self.drawn = True

    def done(self) -> None:
        if self.enabled and self.drawn:
            sys.stderr.write("\n")
            sys.stderr.flush()
