"""Start-up pauses the cyclic garbage collector while it builds, and a server freezes what it
built (jobmock.serving.app.building)."""

from __future__ import annotations

import gc

import pytest

from jobmock.serving.app import building


@pytest.mark.parametrize("freeze", [False, True])
def test_collection_is_paused_while_building_and_resumed_after(freeze: bool) -> None:
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    try:
        with building(freeze=freeze):
            assert not gc.isenabled()
            made = [[n] for n in range(1000)]  # long-lived, tracked objects
        assert gc.isenabled()
        assert (gc.get_freeze_count() >= frozen + len(made)) is freeze
    finally:
        gc.unfreeze()  # the test process collects as before


def test_an_error_while_building_resumes_collection() -> None:
    with pytest.raises(RuntimeError), building(freeze=False):
        raise RuntimeError("a document that cannot be served")
    assert gc.isenabled()
