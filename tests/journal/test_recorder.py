"""Journal.flush: the batch is built a slice at a time, and a read waits for a flush under way."""

from __future__ import annotations

import asyncio
from typing import Any

from jobmock.config import Config
from jobmock.journal.recorder import FLUSH_SLICE, Journal, journal_of
from jobmock.serving.app import create_app
from tests.asgi import answer, http_scope

CROSMOS = {"authorization": "Bearer csk_acme_dev_7Qm2VhX9pL4rT8wZ3nB6yK1cF5sD0gJ"}
CROSMOS_JOB = "/crosmos/api/v1/jobs/3f2b8c1e-9a4d-4e6f-b1c2-7d8e9f0a1b2c"  # README's running job
REQUESTS = 100


async def recorded_journal() -> Journal:
    app = create_app(Config(apis=("crosmos",)))
    await app.mock.start()
    for _ in range(REQUESTS):
        status, _, _ = await answer(app, http_scope(CROSMOS_JOB, CROSMOS.items()))
        assert status == 200
    journal = journal_of(app.mock)
    assert journal is not None
    return journal


def test_a_flush_lets_the_event_loop_turn_between_slices() -> None:
    async def main() -> int:
        journal = await recorded_journal()
        turns = 0
        flushing = asyncio.ensure_future(journal.flush())
        while not flushing.done():  # another task: runs only when the flush gives the loop back
            turns += 1
            await asyncio.sleep(0)
        return turns

    assert asyncio.run(main()) >= REQUESTS // FLUSH_SLICE


def test_a_read_during_a_flush_sees_every_recorded_request() -> None:
    async def main() -> list[dict[str, Any]]:
        journal = await recorded_journal()
        flushing = asyncio.ensure_future(journal.flush())
        await asyncio.sleep(0)  # the flush has taken the batch and is building it
        read = await journal.entries("crosmos")
        await flushing
        return read

    read = asyncio.run(main())
    assert len(read) == REQUESTS
    assert {entry["path"] for entry in read} == {CROSMOS_JOB}
