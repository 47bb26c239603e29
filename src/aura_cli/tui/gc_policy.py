"""Garbage collection while answers stream: full collections must not rescan finished text.

A long streamed answer leaves tens of thousands of long-lived objects behind (the widgets,
lines and styles of finished segments). Python's full collections walk every tracked object,
so without help each pause grows with the answer: ``bench/tui_stream.py`` measured the last
1,000 chunks 1.3-1.8x slower than the first and keystroke echo p95 above 300 ms. Moving what
is alive when a segment is frozen into the permanent generation (`gc.freeze`) keeps the scans
to new objects; when the answer ends, everything is handed back to the collector.
"""

from __future__ import annotations

import gc

__all__ = ["release", "settle"]

_state = {"frozen": False}


def settle() -> None:
    """Exempt every object alive now from future collections (a segment just froze)."""
    gc.freeze()
    _state["frozen"] = True


def release() -> None:
    """Give the exempted objects back to the collector (the stream ended).

    Garbage among them (e.g. replaced segments still in reference cycles) is reclaimed by the
    next full collection.
    """
    if _state["frozen"]:
        gc.unfreeze()
        _state["frozen"] = False
