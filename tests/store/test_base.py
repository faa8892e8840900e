"""The Store contract, as a reusable test class, run here against MemoryStore.

A new backend reuses every test by subclassing :class:`StoreContract` with its own factory::

    from tests.store.test_base import StoreContract

    class TestSqliteStore(StoreContract):
        def make_store(self) -> Store:
            return open_store(f"sqlite:///{self.tmp}/jobs.db")

Each test runs in its own event loop (``asyncio.run``; no async pytest plugin needed).  The
factory is called inside that loop, and the store is cleared first and closed after.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobmock.model.clock import ClockState
from jobmock.model.lifecycle import Job, Transition, TransitionRefused
from jobmock.store import STORES, JobNotFound, MemoryStore, Store, StoreError, open_store


def job(job_id: str, *, api: str = "matcher", tenant: str = "acme", at: float = 1_000.0) -> Job:
    return Job(api, job_id, tenant, "default", at, {"name": f"import {job_id}", "rows": [1, 2]})


class StoreContract:
    """Behaviour every Store must have.  Subclasses define ``make_store``."""

    def make_store(self) -> Store:
        raise NotImplementedError

    def run(self, body: Callable[[Store], Awaitable[None]]) -> None:
        async def main() -> None:
            store = self.make_store()
            try:
                await store.clear()
                await body(store)
            finally:
                await store.close()

        asyncio.run(main())

    def test_satisfies_the_protocol(self) -> None:
        async def body(store: Store) -> None:
            assert isinstance(store, Store)

        self.run(body)

    def test_put_get_round_trip(self) -> None:
        async def body(store: Store) -> None:
            assert await store.get("matcher", "a") is None
            a = job("a").with_transition(Transition(1_001.5, "PROCESSING"))
            await store.put(a)
            assert await store.get("matcher", "a") == a
            assert await store.get("other", "a") is None  # ids are per API

        self.run(body)

    def test_list_keeps_creation_order_and_filters(self) -> None:
        async def body(store: Store) -> None:
            for job_id, tenant in [("c", "acme"), ("a", "globex"), ("b", "acme")]:
                await store.put(job(job_id, tenant=tenant))
            await store.put(job("x", api="other"))
            assert [j.id for j in await store.list("matcher")] == ["c", "a", "b"]
            assert [j.id for j in await store.list("matcher", "acme")] == ["c", "b"]
            assert [j.id for j in await store.list("matcher", "nobody")] == []
            assert [j.id for j in await store.list("other")] == ["x"]
            assert await store.list("unknown-api") == []
            # replacing keeps the place; deleting and re-adding moves to the end
            await store.put(job("c", tenant="globex"))
            assert [(j.id, j.tenant) for j in await store.list("matcher")] == [
                ("c", "globex"),
                ("a", "globex"),
                ("b", "acme"),
            ]
            assert await store.delete("matcher", "a") is True
            assert await store.delete("matcher", "a") is False
            await store.put(job("a"))
            assert [j.id for j in await store.list("matcher")] == ["c", "b", "a"]

        self.run(body)

    def test_delete(self) -> None:
        async def body(store: Store) -> None:
            await store.put(job("a"))
            assert await store.delete("other", "a") is False
            assert await store.delete("matcher", "a") is True
            assert await store.get("matcher", "a") is None
            assert await store.delete("matcher", "never") is False

        self.run(body)

    def test_add_transition_appends_what_make_returns(self) -> None:
        async def body(store: Store) -> None:
            await store.put(job("a"))
            seen: list[Job] = []

            def make(current: Job) -> Transition:
                seen.append(current)
                return Transition(1_010.0 + len(current.transitions), "PROCESSING")

            first = await store.add_transition("matcher", "a", make)
            second = await store.add_transition("matcher", "a", make)
            assert seen == [job("a"), first]
            assert second.transitions == (
                Transition(1_010.0, "PROCESSING"),
                Transition(1_011.0, "PROCESSING"),
            )
            assert await store.get("matcher", "a") == second
            assert second.fields == job("a").fields

        self.run(body)

    def test_add_transition_refused_changes_nothing(self) -> None:
        async def body(store: Store) -> None:
            await store.put(job("a"))

            def refuse(current: Job) -> Transition:
                raise TransitionRefused("job is already COMPLETED")

            with pytest.raises(TransitionRefused, match="already COMPLETED"):
                await store.add_transition("matcher", "a", refuse)
            assert await store.get("matcher", "a") == job("a")

        self.run(body)

    def test_add_transition_to_a_missing_job(self) -> None:
        async def body(store: Store) -> None:
            called: list[Job] = []

            def decide(current: Job) -> Transition:
                called.append(current)
                return Transition(0, "X")

            with pytest.raises(JobNotFound):
                await store.add_transition("matcher", "nope", decide)
            assert called == []
            assert issubclass(JobNotFound, LookupError)

        self.run(body)

    def test_concurrent_transitions_are_not_lost(self) -> None:
        async def body(store: Store) -> None:
            await store.put(job("a"))

            def make(current: Job) -> Transition:
                return Transition(float(len(current.transitions)), "PROCESSING")

            await asyncio.gather(*(store.add_transition("matcher", "a", make) for _ in range(25)))
            stored = await store.get("matcher", "a")
            assert stored is not None
            assert [tr.at for tr in stored.transitions] == [float(i) for i in range(25)]

        self.run(body)

    def test_sequences_count_per_api(self) -> None:
        async def body(store: Store) -> None:
            assert [await store.next_sequence("matcher") for _ in range(3)] == [1, 2, 3]
            assert await store.next_sequence("other") == 1
            many = await asyncio.gather(*(store.next_sequence("matcher") for _ in range(20)))
            assert sorted(many) == list(range(4, 24))

        self.run(body)

    def test_clock(self) -> None:
        async def body(store: Store) -> None:
            assert await store.get_clock() is None
            state = ClockState(
                mode="manual", speed=2.5, anchor_wall=1_700_000_000.25, anchor_mock=5.0
            )
            await store.set_clock(state)
            assert await store.get_clock() == state
            await store.set_clock(ClockState(anchor_wall=1.0, anchor_mock=2.0))
            assert await store.get_clock() == ClockState(anchor_wall=1.0, anchor_mock=2.0)

        self.run(body)

    def test_remember_is_set_if_absent(self) -> None:
        async def body(store: Store) -> None:
            assert await store.remember("idem:acme:k1", b'{"id": 1}') is None
            assert await store.remember("idem:acme:k1", b'{"id": 2}') == b'{"id": 1}'
            assert await store.remember("idem:acme:k1", b'{"id": 3}') == b'{"id": 1}'
            assert await store.remember("idem:acme:k2", b"") is None
            assert await store.remember("idem:acme:k2", b"x") == b""  # empty values count too

        self.run(body)

    def test_recall_reads_without_writing(self) -> None:
        async def body(store: Store) -> None:
            assert await store.recall("credential:unknown") is None
            assert await store.remember("credential:unknown", b"v") is None  # nothing was kept
            assert await store.recall("credential:unknown") == b"v"

        self.run(body)

    def test_a_lease_is_set_if_absent_until_it_runs_out(self) -> None:
        async def body(store: Store) -> None:
            assert await store.lease("idem:k", b"held:1", 60.0) is None
            assert await store.lease("idem:k", b"held:2", 60.0) == b"held:1"
            assert await store.lease("idem:short", b"held:3", 0.3) is None
            await asyncio.sleep(0.5)  # past the lease: a holder that crashed frees its key
            assert await store.lease("idem:short", b"held:4", 60.0) is None
            assert await store.settle("idem:short", b"held:3", b"late") is False  # not its key now
            assert await store.lease("idem:short", b"held:5", 60.0) == b"held:4"

        self.run(body)

    def test_a_settled_lease_keeps_its_value_or_frees_the_key(self) -> None:
        async def body(store: Store) -> None:
            await store.lease("idem:a", b"held:1", 1.0)
            assert await store.settle("idem:a", b"held:1", b'{"id": 1}') is True
            await asyncio.sleep(1.2)  # a settled value no longer expires
            assert await store.lease("idem:a", b"held:2", 60.0) == b'{"id": 1}'
            await store.lease("idem:b", b"held:1", 60.0)
            assert await store.settle("idem:b", b"held:1", None) is True
            assert await store.lease("idem:b", b"held:2", 60.0) is None
            assert await store.remember("idem:b", b"apart") is None  # leases are their own keys

        self.run(body)

    def test_clear_forgets_everything(self) -> None:
        async def body(store: Store) -> None:
            await store.put(job("a"))
            await store.next_sequence("matcher")
            await store.remember("k", b"v")
            await store.lease("l", b"held:1", 60.0)
            await store.set_clock(ClockState(anchor_wall=1.0, anchor_mock=2.0))
            await store.clear()
            assert await store.get("matcher", "a") is None
            assert await store.list("matcher") == []
            assert await store.next_sequence("matcher") == 1
            assert await store.remember("k", b"w") is None
            assert await store.lease("l", b"held:2", 60.0) is None
            assert await store.get_clock() is None

        self.run(body)

    def test_journal_keeps_the_last_n_of_each_api(self) -> None:
        # the invariant of --journal-size N: per API, exactly the newest min(N, added) records,
        # oldest first, whatever the batches they arrived in
        @given(
            st.lists(st.lists(st.tuples(APIS, st.integers(0, 99)), max_size=6), max_size=6),
            st.integers(1, 5),
        )
        def check(batches: list[list[tuple[str, int]]], keep: int) -> None:
            async def body(store: Store) -> None:
                added: dict[str, list[str]] = {"matcher": [], "other": []}
                for batch in batches:
                    entries = [(api, f"{api}-{n}") for api, n in batch]
                    await store.journal_add(entries, keep)
                    for api, record in entries:
                        added[api].append(record)
                for api, records in added.items():
                    assert await store.journal(api) == records[-keep:]
                every = await store.journal()
                assert sorted(every) == sorted(r for rs in added.values() for r in rs[-keep:])

            self.run(body)

        check()

    def test_journal_clear_and_clear_forget_the_journal_only_or_all(self) -> None:
        async def body(store: Store) -> None:
            await store.put(job("a"))
            await store.journal_add([("matcher", "one"), ("other", "two")], 10)
            await store.journal_clear()
            assert await store.journal() == []
            assert await store.get("matcher", "a") == job("a")  # jobs stay
            await store.journal_add([("matcher", "three")], 10)
            await store.clear()
            assert await store.journal() == []

        self.run(body)

    def test_close_twice_is_harmless(self) -> None:
        async def body(store: Store) -> None:
            await store.close()

        self.run(body)  # run() closes it once more

    def test_behaves_like_an_ordered_dict(self) -> None:
        # the property is built per call: a @given method shared by several subclasses would
        # trip Hypothesis' differing_executors health check
        @given(st.lists(st.tuples(st.booleans(), APIS, IDS, TENANTS), max_size=15))
        def check(ops: list[tuple[bool, str, str, str]]) -> None:
            model: dict[str, dict[str, Job]] = {"matcher": {}, "other": {}}

            async def body(store: Store) -> None:
                for put, api, job_id, tenant in ops:
                    if put:
                        await store.put(job(job_id, api=api, tenant=tenant))
                        model[api][job_id] = job(job_id, api=api, tenant=tenant)
                    else:
                        existed = model[api].pop(job_id, None) is not None
                        assert await store.delete(api, job_id) == existed
                for api, jobs in model.items():
                    assert await store.list(api) == list(jobs.values())
                    acme = [j for j in jobs.values() if j.tenant == "acme"]
                    assert await store.list(api, "acme") == acme
                    for job_id in "abcd":
                        assert await store.get(api, job_id) == jobs.get(job_id)

            self.run(body)

        check()


APIS = st.sampled_from(["matcher", "other"])
IDS = st.sampled_from(["a", "b", "c", "d"])
TENANTS = st.sampled_from(["acme", "globex"])


class TestMemoryStore(StoreContract):
    def make_store(self) -> Store:
        return open_store("memory://")


def test_open_store_registry() -> None:
    first, second = open_store("memory://"), open_store("MEMORY://")
    assert isinstance(first, MemoryStore) and isinstance(second, MemoryStore)
    assert first is not second  # every open is a fresh store
    assert {"memory", "sqlite", "redis"} <= set(STORES)


@pytest.mark.parametrize("url", ["postgres://localhost/jobs", "memory", "", "/tmp/jobs.db"])
def test_open_store_rejects_unknown_urls(url: str) -> None:
    with pytest.raises(StoreError, match=r"known schemes: memory://"):
        open_store(url)
    assert issubclass(StoreError, ValueError)
