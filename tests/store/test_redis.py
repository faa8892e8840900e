"""RedisStore against a real redis-server: the Store contract, sharing, key layout, URLs, errors."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import pytest

from jobmock.store import StoreError, open_store
from jobmock.store.redis import RedisStore, parse_url
from tests.servers import LOOPBACK, RedisServer, free_port
from tests.store.contract import SharedStoreContract
from tests.store.test_base import job


class TestRedisStore(SharedStoreContract):
    @pytest.fixture(autouse=True)
    def _url(self, redis_url: str) -> None:
        self.url = redis_url


def test_keys_are_namespaced_and_clear_deletes_only_its_own(redis_server: RedisServer) -> None:
    import redis

    raw = redis.Redis(host=LOOPBACK, port=redis_server.port)
    try:
        raw.set("someone-else:key", b"theirs")
        raw.set("jobmock-other", b"theirs too")

        async def main() -> None:
            mine, neighbour = (
                open_store(redis_server.url("mine")),
                open_store(redis_server.url("next")),
            )
            try:
                await mine.put(job("a"))
                await neighbour.put(job("a"))
                await mine.remember("idem:acme:k", b"v")
                await mine.next_sequence("matcher")
                assert {k.decode() for k in raw.scan_iter("mine:*")} == {
                    "mine:matcher:job:a", "mine:matcher:jobs", "mine:matcher:order",
                    "mine:matcher:seq", "mine:_remember:idem:acme:k",
                }  # fmt: skip
                await mine.clear()
                assert list(raw.scan_iter("mine:*")) == []
                assert await neighbour.get("matcher", "a") == job("a")
                assert raw.get("someone-else:key") == b"theirs"
                assert raw.get("jobmock-other") == b"theirs too"
            finally:
                await neighbour.clear()
                await mine.close()
                await neighbour.close()

        asyncio.run(main())
    finally:
        raw.delete("someone-else:key", "jobmock-other")
        raw.close()


def test_the_default_prefix_is_jobmock(redis_server: RedisServer) -> None:
    url = f"redis://{LOOPBACK}:{redis_server.port}/1"
    store = open_store(url)
    assert isinstance(store, RedisStore) and store.prefix == "jobmock"

    async def main() -> None:
        try:
            await store.put(job("a"))
            import redis.asyncio as aioredis

            raw = aioredis.Redis(host=LOOPBACK, port=redis_server.port, db=1)
            assert await raw.exists("jobmock:matcher:job:a") == 1
            await raw.aclose()
        finally:
            await store.clear()
            await store.close()

    asyncio.run(main())


@pytest.mark.parametrize(
    ("url", "redis_url", "prefix"),
    [
        ("redis://h:6379/0", "redis://h:6379/0", "jobmock"),
        ("redis://h/2?prefix=ci-42", "redis://h/2", "ci-42"),
        (
            "rediss://:pw@h:6380/0?prefix=a.b_c&ssl_cert_reqs=none",
            "rediss://:pw@h:6380/0?ssl_cert_reqs=none",
            "a.b_c",
        ),
    ],
)
def test_url_prefix_is_jobmocks_and_the_rest_is_redis_pys(
    url: str, redis_url: str, prefix: str
) -> None:
    assert parse_url(url) == (redis_url, prefix)


@pytest.mark.parametrize("prefix", ["a*", "a:b", "", "a b"])
def test_prefix_must_be_plain(prefix: str) -> None:
    with pytest.raises(StoreError, match="prefix"):
        open_store(f"redis://localhost/0?prefix={prefix}")


def test_the_password_stays_out_of_messages() -> None:
    store = open_store("redis://user:s3cret@localhost:6390/3")
    assert "s3cret" not in repr(store) and "localhost:6390/3" in repr(store)


def test_an_unreachable_server_is_a_store_error() -> None:
    async def main() -> None:
        store = open_store(f"redis://{LOOPBACK}:{free_port()}/0")
        try:
            with pytest.raises(
                StoreError, match=r"RedisStore\('redis://127.0.0.1:\d+/0'.*Connection"
            ):
                await store.get_clock()
        finally:
            await store.close()

    asyncio.run(main())


def test_redis_is_imported_only_when_a_redis_url_is_opened() -> None:
    code = (
        "import sys, asyncio\n"
        "import jobmock.serving.app, jobmock.cli, jobmock.store\n"
        "from jobmock.store import open_store\n"
        "asyncio.run(open_store('memory://').close())\n"
        "assert 'redis' not in sys.modules and 'jobmock.store.redis' not in sys.modules\n"
        "open_store('redis://localhost:6379/0')\n"
        "assert 'jobmock.store.redis' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
