"""The data rows of an uploaded file, read as a stream in CSV, JSON, XML, XLSX or XLS.

`records(file, fmt)` yields one mapping per data row of a CSV (header excluded, blank lines
skipped), JSON (elements of a top-level array, streamed; a top-level object is one record, or the
elements of its only array member) or XML file (children of the root element), and counts the rows
of an XLSX workbook's first sheet (header excluded; no cell values). A legacy Excel (.xls, BIFF)
workbook's first sheet gives its rows after the header row, with their values, read by xlrd
(which reads the whole file: BIFF is not a stream). `count_rows` and `rows_at`
read a spooled upload in a worker thread. A file that cannot be read raises `UnreadableFile`.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import zipfile
from collections.abc import Callable, Collection, Iterator, Mapping
from typing import IO, Any
from xml.etree import ElementTree

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from jobmock.http import jsondepth
from jobmock.limits import Limits
from jobmock.uploads.forms import UploadProblem

FORMATS = ("csv", "json", "xml", "xlsx", "xls")
CHUNK = 64 * 1024


class UnreadableFile(UploadProblem):
    def __init__(self, fmt: str, reason: str) -> None:
        super().__init__(f"{fmt}: {reason}")
        self.format = fmt
        self.reason = reason


class NotUtf8(UnreadableFile):
    def __init__(self, fmt: str) -> None:
        super().__init__(fmt, "not valid UTF-8 text")


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


def _csv_records(file: IO[bytes], limits: Limits) -> Iterator[Mapping[str, Any]]:
    with _text(file) as text:
        reader = csv.reader(text)
        header = next(reader, None)
        if header is None:
            return
        header = [name.strip() for name in header]
        for row in reader:
            if any(cell.strip() for cell in row):
                yield dict(zip(header, row, strict=False))


def _json_records(file: IO[bytes], limits: Limits) -> Iterator[Mapping[str, Any]]:
    with _text(file) as text:
        yield from _json_elements(text, limits.json_max_depth)


def _json_elements(text: IO[str], max_depth: int) -> Iterator[Mapping[str, Any]]:
    """Elements of a top-level array, decoded one at a time (memory: one element plus a chunk);
    nesting past `max_depth` (the array included) is TooDeep, never a RecursionError."""
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
        document = jsondepth.loads(rest, max_depth)
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
            except RecursionError:  # ~1000 levels: past any limit, whatever follows
                raise jsondepth.TooDeep(max_depth, buffer, pos) from None
            if end == len(buffer) and not eof:  # a number or literal may go on in the next chunk
                more()
                continue
            break
        if buffer.count("[", pos, end) + buffer.count("{", pos, end) >= max_depth:
            try:  # inside the top-level array, which is one of the levels
                jsondepth.check_text(buffer[pos:end], max_depth - 1)
            except jsondepth.TooDeep as exc:
                raise jsondepth.TooDeep(max_depth, buffer, pos + exc.pos) from None
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


def _xml_records(file: IO[bytes], limits: Limits) -> Iterator[Mapping[str, Any]]:
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


def _xlsx_records(file: IO[bytes], limits: Limits) -> Iterator[Mapping[str, Any]]:
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


def _cell(value: Any) -> Any:
    """A cell's value as the file shows it: Excel stores every number as a float."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _xls_records(file: IO[bytes], limits: Limits) -> Iterator[Mapping[str, Any]]:
    """One record per non-empty row of the first worksheet after its header row (the first
    non-empty one), keyed by the header's cells."""
    import xlrd  # only when an .xls arrives

    contents = file.read()
    if not contents:  # xlrd takes empty contents for "no contents" and looks for a file name
        raise ValueError("empty file")
    try:
        book = xlrd.open_workbook(file_contents=contents, on_demand=True)
        sheet = book.sheet_by_index(0)
    except Exception as exc:  # xlrd meets a broken workbook with many unrelated exception types
        raise ValueError(f"not an Excel 97-2003 workbook ({exc})") from None
    header: list[str] | None = None
    for index in range(sheet.nrows):
        values = [_cell(value) for value in sheet.row_values(index)]
        if not any(str(value).strip() for value in values):
            continue
        if header is None:
            header = [str(value).strip() for value in values]
            continue
        yield {name: value for name, value in zip(header, values, strict=False) if name}


READERS: dict[str, Callable[[IO[bytes], Limits], Iterator[Mapping[str, Any]]]] = {
    "csv": _csv_records,
    "json": _json_records,
    "xml": _xml_records,
    "xlsx": _xlsx_records,
    "xls": _xls_records,
}
"""Format -> a reader yielding one mapping per data row."""


def records(file: IO[bytes], fmt: str, limits: Limits | None = None) -> Iterator[Mapping[str, Any]]:
    """Each data row of `file` read as `fmt`, from the start; problems raise UnreadableFile."""
    file.seek(0)
    try:
        yield from READERS[fmt](file, limits or Limits())
    except UnicodeDecodeError:
        raise NotUtf8(fmt) from None
    except (csv.Error, json.JSONDecodeError, ElementTree.ParseError) as exc:
        raise UnreadableFile(fmt, str(exc)) from None
    except (zipfile.BadZipFile, ValueError, KeyError) as exc:
        raise UnreadableFile(fmt, str(exc) or type(exc).__name__) from None


def _count(file: IO[bytes], fmt: str, limits: Limits | None) -> int:
    return sum(1 for _ in records(file, fmt, limits))


def _rows_at(
    file: IO[bytes], fmt: str, wanted: Collection[int], limits: Limits | None
) -> dict[int, Mapping[str, Any]]:
    wanted, found = set(wanted), {}
    if not wanted:
        return {}
    for number, record in enumerate(records(file, fmt, limits), start=1):
        if number in wanted:
            found[number] = record
            if len(found) == len(wanted):
                break
    return found


async def count_rows(upload: UploadFile, fmt: str, limits: Limits | None = None) -> int:
    """How many data rows the uploaded file holds (read in a worker thread)."""
    return await run_in_threadpool(_count, upload.file, fmt, limits)


async def rows_at(
    upload: UploadFile, fmt: str, wanted: Collection[int], limits: Limits | None = None
) -> dict[int, Mapping[str, Any]]:
    """The records of the given 1-based data rows (a second pass over the spooled file)."""
    return await run_in_threadpool(_rows_at, upload.file, fmt, wanted, limits)


def format_of(filename: str | None, default: str = "csv") -> str:
    """The format a file name's extension says (csv, json, xml, xlsx, xls), else `default`."""
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
