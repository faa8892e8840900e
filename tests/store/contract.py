"""More of the Store contract: ``update_clock`` for every store, and sharing for the shared ones.

``SharedStoreContract`` adds to :class:`tests.store.test_base.StoreContract` what a store shared by
several workers must also do: two opens of the same URL see each other's writes, and concurrent
read-modify-writes from several connections, in one process or in several, lose nothing.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Awaitable, Callable
from typing import Any, cast

import pytest

from jobmock.model.clock import ClockError, ClockState, advance, start
from jobmock.model.lifecycle import Job, Transition, TransitionRefused
from jobmock.store import Store, open_store
from tests.store.test_base import StoreContract, job

PROCESS_TIMEOUT = 60.0


def _append(current: Job) -> Transition:
    return Transition(float(len(current.transitions)), "PROCESSING")


def _plus_one(current: ClockState | None) -> ClockState:
    return advance(current or start("manual", wall=0.0), 1.0, wall=0.0)


def changes_in_a_process(url: str, count: int, ready: Any) -> None:
    """Runs in a child process: ``count`` read-modify-writes of each kind at ``url``, started
    together with the other children (``ready`` is their barrier)."""

    async def main() -> None:
        store = open_store(url)
        try:
            await store.get("matcher", "a")  # connected before the start line
            ready.wait(PROCESS_TIMEOUT)
            for _ in range(count):
                await store.add_transition("matcher", "a", _append)
                await store.update_clock(_plus_one)
                await store.next_sequence("matcher")
        finally:
            await store.close()

    asyncio.run(main())


class UpdateClockContract:
    """``update_clock`` is an atomic read-modify-write of the clock (every store)."""

    def make_store(self) -> Store:
        raise NotImplementedError

    def run(self, body: Callable[[Store], Awaitable[None]]) -> None:
        StoreContract.run(cast(StoreContract, self), body)  # it only needs make_store

    def test_update_clock_starts_changes_and_refuses(self) -> None:
        async def body(store: Store) -> None:
            seen: list[ClockState | None] = []

            def first(current: ClockState | None) -> ClockState:
                seen.append(current)
                return current or start("manual", 2.0, wall=10.0)

            started = await store.update_clock(first)
            assert seen == [None] and started == start("manual", 2.0, wall=10.0)
            assert await store.update_clock(first) == started  # already there: kept
            assert await store.get_clock() == started
            moved = await store.update_clock(_plus_one)
            assert moved.anchor_mock == started.anchor_mock + 1.0
            assert await store.get_clock() == moved

            def refuse(current: ClockState | None) -> ClockState:
                raise ClockError("speed must be > 0")

            with pytest.raises(ClockError):
                await store.update_clock(refuse)
            assert await store.get_clock() == moved

        self.run(body)

    def test_concurrent_clock_updates_are_not_lost(self) -> None:
        async def body(store: Store) -> None:
            await asyncio.gather(*(store.update_clock(_plus_one) for _ in range(20)))
            state = await store.get_clock()
            assert state is not None and state.anchor_mock == 20.0

        self.run(body)


class SharedStoreContract(StoreContract, UpdateClockContract):
    """A store that several workers open by the same URL.  ``make_store`` opens ``self.url``."""

    url: str

    def make_store(self) -> Store:
        return open_store(self.url)

    def test_two_opens_share_everything(self) -> None:
        async def body(first: Store) -> None:
            second = self.make_store()
            try:
                await first.put(job("a"))
                await first.set_clock(ClockState(mode="manual", anchor_wall=1.0, anchor_mock=5.0))
                assert await second.get("matcher", "a") == job("a")
                moved = await second.add_transition("matcher", "a", _append)
                assert await first.get("matcher", "a") == moved
                assert await second.get_clock() == await first.get_clock()
                numbers = [await s.next_sequence("matcher") for s in (first, second, first)]
                assert numbers == [1, 2, 3]
                assert await first.remember("k", b"one") is None
                assert await second.remember("k", b"two") == b"one"
                await second.put(job("b", tenant="globex"))
                assert [j.id for j in await first.list("matcher")] == ["a", "b"]
                assert await first.delete("matcher", "b")
                assert await second.get("matcher", "b") is None
                await second.clear()
                assert await first.get("matcher", "a") is None and await first.get_clock() is None
            finally:
                await second.close()

        self.run(body)

    def test_what_one_open_read_is_not_served_after_another_wrote(self) -> None:
        """A store may keep what it read (SQLite does), never past another worker's write.

        Each read is a request of its own here (`next_request` lets the event loop turn), as it
        is in a worker; reads within one step of the loop may share one check (SQLite's).
        """

        async def next_request() -> None:
            await asyncio.sleep(0)

        async def body(first: Store) -> None:
            second = self.make_store()
            try:
                assert await second.get("matcher", "a") is None
                assert await second.get_clock() is None
                await first.put(job("a"))
                await next_request()
                assert await second.get("matcher", "a") == job("a")
                moved = await first.add_transition("matcher", "a", _append)
                await next_request()
                assert await second.get("matcher", "a") == moved
                state = ClockState(mode="manual", anchor_wall=1.0, anchor_mock=5.0)
                await first.set_clock(state)
                await next_request()
                assert await second.get_clock() == state
                assert (await first.update_clock(_plus_one)).anchor_mock == 6.0
                await next_request()
                clock = await second.get_clock()
                assert clock is not None and clock.anchor_mock == 6.0
                await first.delete("matcher", "a")
                await next_request()
                assert await second.get("matcher", "a") is None
            finally:
                await second.close()

        self.run(body)

    def test_concurrent_changes_through_several_opens_are_not_lost(self) -> None:
        async def body(first: Store) -> None:
            others = [self.make_store() for _ in range(3)]
            try:
                stores = [first, *others]
                await first.put(job("a"))
                await asyncio.gather(
                    *(s.add_transition("matcher", "a", _append) for s in stores for _ in range(5)),
                    *(s.update_clock(_plus_one) for s in stores for _ in range(5)),
                )
                stored = await others[0].get("matcher", "a")
                assert stored is not None
                assert [tr.at for tr in stored.transitions] == [float(i) for i in range(20)]
                clock = await others[1].get_clock()
                assert clock is not None and clock.anchor_mock == 20.0
            finally:
                for other in others:
                    await other.close()

        self.run(body)

    def test_a_refused_transition_elsewhere_leaves_the_job_as_it_was(self) -> None:
        async def body(first: Store) -> None:
            second = self.make_store()
            try:
                await first.put(job("a"))
                await first.add_transition("matcher", "a", lambda j: Transition(1.0, "COMPLETED"))

                def only_once(current: Job) -> Transition:  # what resolve_transition does
                    if current.transitions and current.transitions[-1].to == "COMPLETED":
                        raise TransitionRefused("job is already COMPLETED")
                    return Transition(2.0, "COMPLETED")

                with pytest.raises(TransitionRefused):
                    await second.add_transition("matcher", "a", only_once)
                stored = await first.get("matcher", "a")
                assert stored is not None and [t.at for t in stored.transitions] == [1.0]
            finally:
                await second.close()

        self.run(body)

    def test_processes_changing_one_job_lose_nothing(self) -> None:
        count, processes = 40, 2

        async def prepare(store: Store) -> None:
            await store.put(job("a"))

        self.run(prepare)
        context = multiprocessing.get_context("spawn")
        ready = context.Barrier(processes)
        children = [
            context.Process(target=changes_in_a_process, args=(self.url, count, ready))
            for _ in range(processes)
        ]
        try:
            for child in children:
                child.start()
            for child in children:
                child.join(PROCESS_TIMEOUT)
            assert [child.exitcode for child in children] == [0] * processes
        finally:
            for child in children:
                if child.is_alive():
                    child.kill()
                    child.join(5)

        async def check(store: Store) -> None:
            stored = await store.get("matcher", "a")
            assert stored is not None
            total = count * processes
            assert [tr.at for tr in stored.transitions] == [float(i) for i in range(total)]
            clock = await store.get_clock()
            assert clock is not None and clock.anchor_mock == float(total)
            assert await store.next_sequence("matcher") == total + 1

        store_check = self.make_store

        async def main() -> None:
            store = store_check()
            try:
                await check(store)
            finally:
                await store.close()

        asyncio.run(main())
