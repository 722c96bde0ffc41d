"""Python's cyclic garbage collector paused, or made lazy, while a batch builds many objects.

A collection of 30 000 debits builds about a million objects that live until its end
(sepaxml's ElementTree of the pain.008, the debits, the journal's entries): while they pile
up, the collector's full passes walk every object of the process again and again without
finding any garbage (a tenth of a collection's time, issue 10). None of them is freed by the
collector anyway: they hold no reference cycle, reference counting frees them. Paused, then
the collector is put back as it was; any cycle made meanwhile goes at its next pass.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Within the block, no automatic cyclic collection; after it, the collector as before
    (still off when it was off, e.g. inside another such block)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextlib.contextmanager
def cyclic_gc_lazy(thresholds: tuple[int, int, int]) -> Iterator[None]:
    """For a long batch that keeps a growing state and makes garbage as it goes (the claims'
    ingestion: its ledgers stay, each chunk's rows go): the objects alive so far are frozen out
    of the collector's reach and it runs at ``thresholds`` (e.g. the young generation every
    50 000 allocations instead of 700); after the block, the collector as before."""
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*thresholds)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()
