"""jobmock.uploads: the one import of every vendor's upload endpoint, and idempotent answers."""

from __future__ import annotations

import asyncio

from jobmock import uploads
from jobmock.store import MemoryStore

LEASE = 60.0


def test_every_upload_problem_is_one_to_catch() -> None:
    for problem in (uploads.BodyTooLarge, uploads.MalformedBody, uploads.UnreadableFile):
        assert issubclass(problem, uploads.UploadProblem)
    assert issubclass(uploads.NotUtf8, uploads.UnreadableFile)


def test_a_repeated_key_gets_the_first_answer_back() -> None:
    async def claims() -> list[uploads.Claim]:
        store = MemoryStore()
        first = await uploads.claim_key(store, "k", LEASE)
        await first.settle({"id": "1", "status": "QUEUED"})
        return [
            first,
            await uploads.claim_key(store, "k", LEASE),
            await uploads.claim_key(store, "other", LEASE),
        ]

    first, again, other = asyncio.run(claims())
    assert first.replay is None and other.replay is None  # held: processed now
    assert again.replay == {"id": "1", "status": "QUEUED"}


def test_a_key_is_in_progress_until_its_holder_settles() -> None:
    async def claims() -> tuple[list[bool], uploads.Claim]:
        store = MemoryStore()
        holder = await uploads.claim_key(store, "k", LEASE)
        refused = []
        for _ in range(2):  # each one that sees it pending is refused, writing nothing
            try:
                await uploads.claim_key(store, "k", LEASE)
            except uploads.KeyInProgress:
                refused.append(True)
        await holder.settle({"id": "1"})
        return refused, await uploads.claim_key(store, "k", LEASE)

    refused, later = asyncio.run(claims())
    assert refused == [True, True]
    assert later.replay == {"id": "1"}


def test_a_failed_request_frees_its_key() -> None:
    async def claims() -> list[uploads.Claim]:
        store = MemoryStore()
        failed = await uploads.claim_key(store, "k", LEASE)
        await failed.settle(None)
        retry = await uploads.claim_key(store, "k", LEASE)
        await retry.settle({"id": "2"})
        return [retry, await uploads.claim_key(store, "k", LEASE)]

    retry, replay = asyncio.run(claims())
    assert retry.replay is None
    assert replay.replay == {"id": "2"}


def test_a_claim_never_settled_runs_out() -> None:
    async def claims() -> list[uploads.Claim]:
        store = MemoryStore()
        crashed = await uploads.claim_key(store, "k", 0.3)  # its request never ends
        await asyncio.sleep(0.5)
        retry = await uploads.claim_key(store, "k", LEASE)
        await crashed.settle({"id": "late"})  # the key is the retry's now: nothing is recorded
        await retry.settle({"id": "2"})
        return [retry, await uploads.claim_key(store, "k", LEASE)]

    retry, replay = asyncio.run(claims())
    assert retry.replay is None
    assert replay.replay == {"id": "2"}
