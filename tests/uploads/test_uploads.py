"""jobmock.uploads: the one import of every vendor's upload endpoint, and idempotent answers."""

from __future__ import annotations

import asyncio

from jobmock import uploads
from jobmock.store import MemoryStore


def test_every_upload_problem_is_one_to_catch() -> None:
    for problem in (uploads.BodyTooLarge, uploads.MalformedBody, uploads.UnreadableFile):
        assert issubclass(problem, uploads.UploadProblem)
    assert issubclass(uploads.NotUtf8, uploads.UnreadableFile)


def test_a_repeated_key_gets_the_first_answer_back() -> None:
    async def answers() -> list[tuple[object, bool]]:
        store = MemoryStore()
        first = await uploads.remember_answer(store, "k", {"id": "1", "status": "QUEUED"})
        again = await uploads.remember_answer(store, "k", {"id": "2", "status": "RUNNING"})
        other = await uploads.remember_answer(store, "other", {"id": "3"})
        return [first, again, other]

    first, again, other = asyncio.run(answers())
    assert first == ({"id": "1", "status": "QUEUED"}, False)
    assert again == ({"id": "1", "status": "QUEUED"}, True)
    assert other == ({"id": "3"}, False)
