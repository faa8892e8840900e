"""The request journal: every request a worker answers, recorded in the store all workers share.

`jobmock.journal.capture` notes each request and its answer as they stream (the head, at most a
limit of each body) and hands the `Exchange` to `Journal.record`.  `Journal` keeps the last `size`
answered requests of each API in the worker and, every `FLUSH_S`, builds their entries (masking,
problems, near misses) and writes them to the store in one write, which keeps the last `size` per
API.  So a request costs a few references; under load, requests the bound would drop anyway are
dropped before any entry is built for them.  Reading the journal (`GET /_mock/requests`) writes
this worker's batch first; another worker's reaches the store within `FLUSH_S`.  The control API's
own requests (`/_mock`) are not recorded: the dashboard polls it; nor is a browser's `/favicon.ico`.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import os
import sys
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from jobmock.documents.routes import ROUTING_CONTEXT
from jobmock.journal.masking import Secrets, body_text
from jobmock.journal.operations import Operations
from jobmock.journal.problems import ANSWERED_ERROR, first_problem, problems_of
from jobmock.model.timestamps import rfc3339
from jobmock.store import Store, StoreError

if TYPE_CHECKING:
    from jobmock.journal.capture import Exchange

logger = logging.getLogger("jobmock")

FLUSH_S = 1.0  # answered requests wait at most this long before their entries are written
FLUSH_SLICE = 16  # entries built between two turns of the event loop (200 at once: a ~10 ms stall)
NO_API = ""  # requests under no API's prefix are kept under this name
_ATTRIBUTE = "_jobmock_journal"
MASKED_HEADERS_KEPT = 4096  # header lines remembered masked (a worker's few clients repeat theirs)
_COMPACT = json.JSONEncoder(
    separators=(",", ":")
).encode  # built once: json.dumps builds one a call


class Journal:
    """Entries of one worker on their way to the store, and the store's journal read back."""

    def __init__(
        self,
        store: Store,
        operations: Operations,
        secrets: Mapping[str, Secrets],
        *,
        size: int,
        body_limit: int,
        keep: bool = True,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.store = store
        self.operations = operations
        # any request may carry any API's credential (a wrong prefix, a copied header)
        every = frozenset(v for each in secrets.values() for v in each.values)
        self.secrets = {api: replace(each, values=every) for api, each in secrets.items()}
        self.secrets[NO_API] = Secrets(values=every)
        self.size = size
        self.body_limit = body_limit
        self.keep = keep  # False (--no-journal): entries are only logged
        self.log = log
        # answered requests not yet written, per API, the last `size` of each: under load the
        # older ones are dropped here, before any work was spent on them
        self._batch: dict[str, deque[Exchange]] = {}
        self._pending: asyncio.TimerHandle | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._flushing: asyncio.Lock | None = None  # made on the serving loop, at the first flush
        self._ids = itertools.count(1)
        self._masked_headers: dict[tuple[str | None, bytes, bytes], tuple[str, str]] = {}
        self._worker = f"{os.getpid():x}"

    def new_id(self, wall: float) -> str:
        return f"{int(wall * 1000):x}-{self._worker}-{next(self._ids)}"

    def record(self, exchange: Exchange) -> None:
        """Keep an answered request for the next write (its entry is built then, if still kept)."""
        if self.log is not None:
            entry = self.entry(exchange)
            self.log(self.secrets_of(entry["api"]).known_masked(log_line(entry)))
        if not self.keep:
            return
        api = self.operations.api_of(exchange.scope["path"]) or NO_API
        kept = self._batch.get(api)
        if kept is None:
            kept = self._batch[api] = deque(maxlen=self.size)
        kept.append(exchange)
        if self._pending is None:
            self._pending = asyncio.get_running_loop().call_later(FLUSH_S, self._spawn)

    def secrets_of(self, api: str | None) -> Secrets:
        return self.secrets.get(api or "") or Secrets()

    def serialized(self, api: str, entry: dict[str, Any]) -> str:
        """The entry as stored; a known credential echoed anywhere (a path segment quoted in a
        problem or a near miss) is masked in the text as a whole, last."""
        return self.secrets_of(api).known_masked(_COMPACT(entry))

    def _spawn(self) -> None:
        task = asyncio.ensure_future(self.flush())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def flush(self) -> None:
        """Write the entries recorded so far (a store outage loses them: the journal is advice).

        Entries are built a slice at a time, the event loop turning in between, so requests
        arriving meanwhile are answered instead of waiting for the whole batch (the p99 under
        load). A second flush (a read of the journal) waits for the first: it must see its entries.
        """
        if self._flushing is None:
            self._flushing = asyncio.Lock()
        async with self._flushing:
            await self._flush_batch()

    async def _flush_batch(self) -> None:
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
        exchanges, self._batch = self._batch, {}
        batch = []
        built = 0
        for api, kept in exchanges.items():
            for exchange in kept:
                if built and built % FLUSH_SLICE == 0:
                    await asyncio.sleep(0)
                built += 1
                try:
                    batch.append((api, self.serialized(api, self.entry(exchange))))
                except Exception:  # recording must never break serving
                    logger.exception("a request could not be recorded in the journal")
        if not batch:
            return
        try:
            await self.store.journal_add(batch, self.size)
        except StoreError as exc:  # an outage is logged by the store once; the 503s say the rest
            logger.debug("journal entries lost: %s", exc)

    async def entries(
        self,
        api: str | None = None,
        status: str | None = None,
        since: datetime | None = None,
        tenant: str | None = None,
    ) -> list[dict[str, Any]]:
        """Entries newest first, filtered: `status` is a code (`404`) or a class (`4XX`)."""
        await self.flush()
        found = [json.loads(raw) for raw in await self.store.journal(api)]
        wanted = (status or "").upper()
        kept = []
        for entry in found:
            code = str(entry["status"])
            if wanted and not (code == wanted or (wanted.endswith("XX") and code[0] == wanted[0])):
                continue
            if tenant is not None and entry.get("tenant") != tenant:
                continue
            if since is not None and datetime.fromisoformat(entry["time"]) <= since:
                continue
            kept.append(entry)
        kept.sort(key=lambda entry: (entry["time"], entry["id"]), reverse=True)
        return kept

    def discard(self) -> None:
        """Drop this worker's entries not yet written (a reset or clear forgets them too)."""
        self._batch = {}

    async def clear(self) -> None:
        self.discard()
        await self.store.journal_clear()

    def _headers(self, raw: Any, api: str | None) -> dict[str, str]:
        """Headers by lower-case name, masked; a pair already seen is masked once (most repeat)."""
        headers: dict[str, str] = {}
        seen = self._masked_headers
        for name, value in raw:
            pair = seen.get((api, name, value))
            if pair is None:
                if len(seen) >= MASKED_HEADERS_KEPT:
                    seen.clear()
                key = name.decode("latin-1").lower()
                pair = seen[(api, name, value)] = (
                    key,
                    self.secrets_of(api).header(key, value.decode("latin-1")),
                )
            key, text = pair
            headers[key] = f"{headers[key]}, {text}" if key in headers else text
        return headers

    def entry(self, exchange: Exchange) -> dict[str, Any]:
        """The journal entry of one finished exchange."""
        scope = exchange.scope
        path = scope["path"]
        api = self.operations.api_of(path)
        secrets = self.secrets_of(api)
        extensions = scope.get("extensions") or {}
        routing = extensions.get(ROUTING_CONTEXT) or {}
        operation_id = routing.get("operation_id")
        operation = self.operations.find(api, str(operation_id)) if api and operation_id else None
        token = (extensions.get("connexion_context") or {}).get("token_info") or {}
        request_headers = self._headers(scope.get("headers") or (), api)
        response_headers = self._headers(exchange.response_headers, api)
        query = scope.get("query_string", b"").decode("latin-1")
        entry: dict[str, Any] = {
            "id": self.new_id(exchange.wall),
            "time": rfc3339(exchange.wall, 6),
            "api": api,
            "operation": operation.operation_id if operation else None,
            "method": scope["method"],
            "path": secrets.known_masked(path),
            "query": secrets.query(query),
            "tenant": token.get("sub") if isinstance(token.get("sub"), str) else None,
            "status": exchange.status,
            "duration_ms": round(exchange.duration_s * 1000, 3),
            "request": {
                "headers": request_headers,
                "body": body_text(
                    exchange.request_body,
                    exchange.request_bytes,
                    request_headers.get("content-type", ""),
                    self.body_limit,
                    secrets,
                ),
            },
            "response": {
                "headers": response_headers,
                "body": body_text(
                    exchange.response_body,
                    exchange.response_bytes,
                    response_headers.get("content-type", ""),
                    self.body_limit,
                    secrets,
                ),
            },
            "problems": [],
        }
        error = extensions.get(ANSWERED_ERROR)
        if error is not None and exchange.status >= 400:
            entry["problems"] = problems_of(error)
            if operation is not None:
                entry["documented_request"] = dict(operation.documented)
        if operation_id is None and exchange.status in (404, 405):
            entry["near_misses"] = self.operations.near_misses(scope["method"], path)
            where = f"of {api}" if api else "of any API"
            entry["problems"] = [
                {"pointer": "", "message": f"no operation {where} matches {scope['method']} {path}"}
            ]
        return entry


def log_line(entry: dict[str, Any]) -> str:
    """`--log requests`: method, path, status, milliseconds, the first problem."""
    path = entry["path"] + (f"?{entry['query']}" if entry["query"] else "")
    line = f"{entry['method']} {path} {entry['status']} {entry['duration_ms']:.1f} ms"
    problem = first_problem(entry)
    return f"{line}  {problem}" if problem else line


def print_line(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def attach(mock: Any, journal: Journal | None) -> None:
    """Give the control API's handlers, bound to the Mock, the app's journal (None: off)."""
    setattr(mock, _ATTRIBUTE, journal)


def journal_of(mock: Any) -> Journal | None:
    journal: Journal | None = getattr(mock, _ATTRIBUTE, None)
    return journal
