"""What clients send to start a job: multipart forms read as a bounded stream, and the rows inside.

Every vendor's job-creating endpoint reads its input here and words the problems its own way:

    UploadProblem                   something is wrong with what was sent (a handler turns it into
    ├── BodyTooLarge                the vendor's error)
    ├── MalformedBody               not multipart/form-data, or a broken one
    └── UnreadableFile              a file that cannot be read in its declared format
        └── NotUtf8                 a text file that is not UTF-8

Bounded: `read_form` refuses a `Content-Length` over the limit before reading anything, and counts
the bytes as they stream in, so an oversized body is never read whole (a chunked body stops at the
limit). File parts are spooled (to disk past 1 MB, by Starlette's parser), never held in memory.

Rows: `records(file, fmt)` yields one mapping per data row of a CSV (header excluded, blank lines
skipped), JSON (elements of a top-level array, streamed; a top-level object is one record, or the
elements of its only array member) or XML file (children of the root element), and counts the rows
of an XLSX workbook's first sheet (header excluded; no cell values). `count_rows` and
`rows_at` read a spooled file in a worker thread.

Which rows fail: `plan_rows` picks, for a scenario counter such as `failed`, the row numbers its
final share amounts to, the same ones for the same upload (seeded, no global randomness).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import random
import zipfile
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO, Any
from xml.etree import ElementTree

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import ClientDisconnect, Request

from jobmock.lifecycle import Scenario, count

FORMATS = ("csv", "json", "xml", "xlsx")
CHUNK = 64 * 1024


class UploadProblem(Exception):
    """Something is wrong with what the client sent; the vendor's handler words the answer."""


class BodyTooLarge(UploadProblem):
    def __init__(self, limit: int) -> None:
        super().__init__(f"request body exceeds {limit} bytes")
        self.limit = limit


class MalformedBody(UploadProblem):
    """The body is not the multipart/form-data it should be (or is cut short)."""


class UnreadableFile(UploadProblem):
    def __init__(self, fmt: str, reason: str) -> None:
        super().__init__(f"{fmt}: {reason}")
        self.format = fmt
        self.reason = reason


class NotUtf8(UnreadableFile):
    def __init__(self, fmt: str) -> None:
        super().__init__(fmt, "not valid UTF-8 text")


# ------------------------------------------------------------------------------ bounded bodies
def current_request() -> Request:
    """The request being handled, its body not yet read (see `openapi31.StreamedMultipart`)."""
    from connexion.context import receive, scope  # imported late: `jobmock validate` never needs it

    return Request(scope._get_current_object(), receive._get_current_object())


def declared_length(request: Request) -> int | None:
    value = request.headers.get("content-length", "")
    return int(value) if value.isdigit() else None


def check_length(request: Request, limit: int) -> None:
    """Refuse, before reading a byte, a body whose declared length is over `limit`."""
    length = declared_length(request)
    if length is not None and length > limit:
        raise BodyTooLarge(limit)


async def bounded(stream: AsyncIterator[bytes], limit: int) -> AsyncGenerator[bytes, None]:
    """The body's chunks, stopping with BodyTooLarge as soon as more than `limit` bytes came."""
    seen = 0
    async for chunk in stream:
        seen += len(chunk)
        if seen > limit:
            raise BodyTooLarge(limit)
        yield chunk


def is_multipart(request: Request) -> bool:
    return request.headers.get("content-type", "").lower().startswith("multipart/form-data")


@dataclass
class Form:
    """A parsed multipart body: text fields and spooled files, by field name, in body order."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    files: dict[str, list[UploadFile]] = field(default_factory=dict)

    def field(self, name: str) -> str | None:
        values = self.fields.get(name)
        return values[0] if values else None

    def file(self, name: str) -> UploadFile | None:
        files = self.files.get(name)
        return files[0] if files else None

    def close(self) -> None:
        for files in self.files.values():
            for upload in files:
                upload.file.close()


@contextlib.asynccontextmanager
async def read_form(
    limit: int, *, max_files: int = 10, max_fields: int = 50
) -> AsyncIterator[Form]:
    """The current request's multipart body, read once as a stream of at most `limit` bytes.

    Files are closed when the block ends. A part named twice keeps every value (`fields[name]`).
    """
    request = current_request()
    check_length(request, limit)
    if not is_multipart(request):
        raise MalformedBody("the body is not multipart/form-data")
    parser = MultiPartParser(
        request.headers,
        bounded(request.stream(), limit),
        max_files=max_files,
        max_fields=max_fields,
    )
    try:
        data = await parser.parse()
    except (MultiPartException, ClientDisconnect) as exc:
        raise MalformedBody(str(exc) or "incomplete body") from None
    form = Form()
    for name, value in data.multi_items():
        if isinstance(value, UploadFile):
            form.files.setdefault(name, []).append(value)
        else:
            form.fields.setdefault(name, []).append(value)
    try:
        yield form
    finally:
        form.close()


def media_type(upload: UploadFile) -> str:
    """The part's Content-Type without parameters, lower case ('' when the client sent none)."""
    return (upload.content_type or "").split(";")[0].strip().lower()


# ------------------------------------------------------------------------------------- rows
@contextlib.contextmanager
def _text(file: IO[bytes]) -> Iterator[io.TextIOWrapper]:
    """The file as UTF-8 text (a BOM is dropped); undecodable bytes raise UnicodeDecodeError.

    The wrapper is detached afterwards: closing it (or collecting it) would close the file.
    """
    text = io.TextIOWrapper(file, encoding="utf-8-sig", errors="strict", newline="")
    try:
        yield text
    finally:
        text.detach()


def _csv_records(file: IO[bytes]) -> Iterator[Mapping[str, Any]]:
    with _text(file) as text:
        reader = csv.reader(text)
        header = next(reader, None)
        if header is None:
            return
        header = [name.strip() for name in header]
        for row in reader:
            if any(cell.strip() for cell in row):
                yield dict(zip(header, row, strict=False))


def _json_records(file: IO[bytes]) -> Iterator[Mapping[str, Any]]:
    with _text(file) as text:
        yield from _json_elements(text)


def _json_elements(text: IO[str]) -> Iterator[Mapping[str, Any]]:
    """Elements of a top-level array, decoded one at a time (memory: one element plus a chunk)."""
    decoder = json.JSONDecoder()
    buffer, pos, eof = "", 0, False

    def more() -> None:
        nonlocal buffer, pos, eof
        chunk = text.read(CHUNK)
        eof = not chunk
        buffer, pos = buffer[pos:] + chunk, 0

    def next_char() -> str:  # the next non-blank character, "" at the end
        nonlocal pos
        while True:
            while pos < len(buffer) and buffer[pos] in " \t\r\n":
                pos += 1
            if pos < len(buffer) or eof:
                return buffer[pos] if pos < len(buffer) else ""
            more()

    first = next_char()
    if first != "[":
        rest = buffer[pos:] + text.read()  # not an array: the whole document (within the limit)
        document = json.loads(rest)
        arrays = (
            [v for v in document.values() if isinstance(v, list)]
            if isinstance(document, dict)
            else []
        )
        items = arrays[0] if len(arrays) == 1 else [document]
        for item in items:
            yield item if isinstance(item, Mapping) else {"value": item}
        return
    pos += 1
    expect_value = False  # after "[" a "]" may come; after "," a value must
    while True:
        char = next_char()
        if char == "]" and not expect_value:
            pos += 1
            if next_char():
                raise json.JSONDecodeError("extra data after the array", buffer, pos)
            return
        while True:
            try:
                value, end = decoder.raw_decode(buffer, pos)
            except json.JSONDecodeError:
                if eof:
                    raise
                more()
                continue
            if end == len(buffer) and not eof:  # a number or literal may go on in the next chunk
                more()
                continue
            break
        pos = end
        yield value if isinstance(value, Mapping) else {"value": value}
        char = next_char()
        if char == ",":
            pos += 1
            expect_value = True
        elif char == "]":
            expect_value = False
        else:
            raise json.JSONDecodeError("expected ',' or ']'", buffer, pos)


def _xml_records(file: IO[bytes]) -> Iterator[Mapping[str, Any]]:
    depth = 0
    for event, element in ElementTree.iterparse(file, events=("start", "end")):
        if event == "start":
            depth += 1
            continue
        depth -= 1
        if depth == 1:  # a child of the root: one record
            record: dict[str, Any] = dict(element.attrib)
            record.update({child.tag: (child.text or "").strip() for child in element})
            element.clear()
            yield record


def _xlsx_records(file: IO[bytes]) -> Iterator[Mapping[str, Any]]:
    """One empty record per non-empty row of the first worksheet after its header row."""
    with zipfile.ZipFile(file) as workbook:
        sheets = sorted(n for n in workbook.namelist() if n.startswith("xl/worksheets/sheet"))
        if not sheets:
            raise ValueError("no worksheet in the workbook")
        with workbook.open(sheets[0]) as sheet:
            seen_header = False
            for _, element in ElementTree.iterparse(sheet):
                if element.tag.rsplit("}", 1)[-1] != "row":
                    continue
                filled = any(
                    (value.text or "").strip()
                    for value in element.iter()
                    if value.tag.rsplit("}", 1)[-1] in ("v", "t")
                )
                element.clear()
                if filled and seen_header:
                    yield {}
                seen_header = seen_header or filled


READERS: dict[str, Callable[[IO[bytes]], Iterator[Mapping[str, Any]]]] = {
    "csv": _csv_records,
    "json": _json_records,
    "xml": _xml_records,
    "xlsx": _xlsx_records,
}
"""Format -> a reader yielding one mapping per data row."""


def records(file: IO[bytes], fmt: str) -> Iterator[Mapping[str, Any]]:
    """Each data row of `file` read as `fmt`, from the start; problems raise UnreadableFile."""
    file.seek(0)
    try:
        yield from READERS[fmt](file)
    except UnicodeDecodeError:
        raise NotUtf8(fmt) from None
    except (csv.Error, json.JSONDecodeError, ElementTree.ParseError) as exc:
        raise UnreadableFile(fmt, str(exc)) from None
    except (zipfile.BadZipFile, ValueError, KeyError) as exc:
        raise UnreadableFile(fmt, str(exc) or type(exc).__name__) from None


def _count(file: IO[bytes], fmt: str) -> int:
    return sum(1 for _ in records(file, fmt))


def _rows_at(file: IO[bytes], fmt: str, wanted: Collection[int]) -> dict[int, Mapping[str, Any]]:
    wanted, found = set(wanted), {}
    if not wanted:
        return {}
    for number, record in enumerate(records(file, fmt), start=1):
        if number in wanted:
            found[number] = record
            if len(found) == len(wanted):
                break
    return found


async def count_rows(upload: UploadFile, fmt: str) -> int:
    """How many data rows the uploaded file holds (read in a worker thread)."""
    return await run_in_threadpool(_count, upload.file, fmt)


async def rows_at(
    upload: UploadFile, fmt: str, wanted: Collection[int]
) -> dict[int, Mapping[str, Any]]:
    """The records of the given 1-based data rows (a second pass over the spooled file)."""
    return await run_in_threadpool(_rows_at, upload.file, fmt, wanted)


def format_of(filename: str | None, default: str = "csv") -> str:
    """The format a file name's extension says (csv, json, xml, xlsx), else `default`."""
    suffix = (filename or "").rsplit(".", 1)[-1].lower() if "." in (filename or "") else ""
    return suffix if suffix in FORMATS else default


def first(record: Mapping[str, Any], *names: str) -> str | None:
    """The first non-empty value among `names` (matched ignoring case, `_` and `-`)."""

    def key(name: str) -> str:
        return name.lower().replace("_", "").replace("-", "")

    by_key = {key(k): v for k, v in record.items() if isinstance(k, str)}
    for name in names:
        value = by_key.get(key(name))
        if value not in (None, ""):
            return str(value)
    return None


# ---------------------------------------------------------------------------- failing rows
def final_share(scenario: Scenario, counter: str) -> float:
    """The share of the total a scenario's `counter` reaches by its end."""
    return max((p.progress.get(counter, 0.0) for p in scenario.phases), default=0.0)


def plan_rows(
    total: int, shares: Mapping[str, float], seed: str, cap: int | None = None
) -> dict[str, list[int]]:
    """Disjoint sets of 1-based row numbers per counter (e.g. failed, skipped), each in file order.

    A counter reaching share s of `total` rows gets `count(total, s)` rows (at most `cap` listed);
    the same seed picks the same rows.
    """
    sizes = {name: count(total, share) for name, share in shares.items()}
    rng = random.Random(seed)
    pool = rng.sample(range(1, total + 1), min(total, sum(sizes.values())))
    plan, start = {}, 0
    for name, size in sizes.items():
        plan[name] = sorted(pool[start : start + size])[:cap]
        start += size
    return plan


# ------------------------------------------------------------------------------- idempotency
async def remember_answer(
    store: Any, key: str, answer: Mapping[str, Any]
) -> tuple[Mapping[str, Any], bool]:
    """The first answer given under `key`: `answer` itself (False) or the one stored before (True).

    The store's set-if-absent decides between concurrent requests, across workers; a replay is
    the first answer byte for byte, however the job has moved since.
    """
    stored = await store.remember(key, json.dumps(answer).encode())
    if stored is None:
        return answer, False
    replay: Mapping[str, Any] = json.loads(stored)
    return replay, True
