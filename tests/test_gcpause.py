"""The cyclic collector paused for a batch, then put back as it was."""

from __future__ import annotations

import gc
import weakref

import pytest

from mutuelle.gcpause import cyclic_gc_paused


class _Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cyclic collector frees it


@pytest.fixture(autouse=True)
def _collector_back_on():
    yield
    gc.enable()


def test_inside_the_block_no_automatic_collection_after_it_the_collector_is_back() -> None:
    assert gc.isenabled()
    with cyclic_gc_paused():
        assert not gc.isenabled()
        cycle = _Node()
        alive = weakref.ref(cycle)
        del cycle
    assert gc.isenabled()
    gc.collect()
    assert alive() is None  # the cycle made during the pause is freed at the next pass


def test_nested_or_already_off_it_stays_off_until_the_outer_block_ends() -> None:
    with cyclic_gc_paused():
        with cyclic_gc_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    with cyclic_gc_paused():
        pass
    assert not gc.isenabled()


def test_an_error_in_the_block_still_puts_the_collector_back() -> None:
    with pytest.raises(ZeroDivisionError), cyclic_gc_paused():
        _ = 1 / 0
    assert gc.isenabled()


def test_the_lazy_collector_runs_at_its_thresholds_then_as_before() -> None:
    from mutuelle.gcpause import cyclic_gc_lazy

    before = gc.get_threshold()
    with pytest.raises(ZeroDivisionError), cyclic_gc_lazy((50_000, 20, 100)):
        assert gc.get_threshold() == (50_000, 20, 100)
        assert gc.get_freeze_count() > 0  # what was alive is out of the collector's reach
        _ = 1 / 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
