"""Python's cyclic garbage collector paused while a batch builds many objects it keeps.

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
