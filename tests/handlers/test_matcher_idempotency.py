"""Matcher's idempotency keys are leases: a key whose upload never ended (its worker killed) is free
again after `Limits.idempotency_lease_s`, and a retry of a held key reads one record and writes none,
however many came before it."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from jobmock.limits import Limits
from jobmock.uploads import claim_key
from tests.handlers.conftest import MockClient
from tests.handlers.test_matcher_upload import (
    API,
    CONTEXT,
    IN_PROGRESS,
    SOURCE,
    csv_file,
    upload,
    upload_url,
)

KEY_SCOPE = f"matcher:idempotency:acme:{CONTEXT}:{SOURCE}"  # how handlers/matcher.py scopes keys
HOLD_KEY = """
import asyncio, sys
from jobmock.store.sqlite import SQLiteStore
from jobmock.uploads import claim_key

async def main() -> None:
    await claim_key(SQLiteStore(sys.argv[1]), sys.argv[2], float(sys.argv[3]))
    print("claimed", flush=True)
    await asyncio.sleep(3600)  # an upload in progress until it is killed

asyncio.run(main())
"""


def stored_rows(path: Path) -> int:
    """Every row of the SQLite store's key tables (remembered values and leases)."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        return sum(db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in KEY_TABLES)


KEY_TABLES = ("remembered", "leases")


@pytest.mark.servers
def test_a_key_claimed_by_a_killed_worker_is_free_after_its_lease(
    client_for: Callable[..., MockClient], tmp_path: Path
) -> None:
    path = tmp_path / "state.db"
    lease = 3.0
    client = client_for(API, store=f"sqlite://{path}", limits=Limits(idempotency_lease_s=lease))
    acme = client.tenant_headers(API, "acme")
    keyed = {**acme, "X-Idempotency-Key": "crashed"}
    command = [sys.executable, "-c", HOLD_KEY, str(path), f"{KEY_SCOPE}:crashed", str(lease)]
    with subprocess.Popen(command, stdout=subprocess.PIPE) as holder:
        try:
            assert holder.stdout is not None and holder.stdout.readline() == b"claimed\n"
            os.kill(holder.pid, signal.SIGKILL)  # mid-claim: its `finally` never runs
        finally:
            holder.kill()
    assert upload(client, keyed, csv_file(2)).json() == IN_PROGRESS  # the lease still runs
    deadline = time.monotonic() + 30
    retried = upload(client, keyed, csv_file(2))
    while retried.status_code == 409 and time.monotonic() < deadline:
        time.sleep(0.1)
        retried = upload(client, keyed, csv_file(2))
    assert retried.status_code == 202 and retried.headers["X-Idempotency-Replayed"] == "false"
    replay = upload(client, keyed, csv_file(2))
    assert replay.headers["X-Idempotency-Replayed"] == "true" and replay.json() == retried.json()


def test_retries_of_a_held_key_write_nothing(
    client_for: Callable[..., MockClient], tmp_path: Path
) -> None:
    path = tmp_path / "state.db"
    client = client_for(API, store=f"sqlite://{path}")
    acme = client.tenant_headers(API, "acme")
    keyed = {**acme, "X-Idempotency-Key": "held"}
    client.call(claim_key, client.app.mock.store, f"{KEY_SCOPE}:held", 600.0)  # still uploading
    before = stored_rows(path)
    parts = {"format": (None, "csv"), "file": ("retry.csv", csv_file(1), "text/csv")}
    for _ in range(500):
        assert client.http.post(upload_url(), headers=keyed, files=parts).status_code == 409
    assert stored_rows(path) == before  # each check one lookup of one row, however many retries
