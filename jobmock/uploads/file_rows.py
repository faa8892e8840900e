"""The data rows of an uploaded file, read as a stream in CSV, JSON, XML, XLSX or XLS.

`records(file, fmt)` yields one mapping per data row of a CSV (header excluded, blank lines
skipped), JSON (elements of a top-level array, streamed; a top-level object is one record, or the
elements of its only array member) or XML file (children of the root element), and counts the rows
of an XLSX workbook's first sheet (header excluded; no cell values). A legacy Excel (.xls, BIFF)
workbook's first sheet gives its rows after the header row, with their values, read by xlrd
(which reads the whole file: BIFF is not a stream). `count_rows` and `rows_at`
read a spooled upload in a worker thread. A file that cannot be read raises `UnreadableFile`;
one that passes a limit of `jobmock.limits.Limits` (rows, cells in a row, bytes of one record,
parts of an XLSX zip) raises `FileTooLarge` as soon as the reader gets there. XML and XLSX are
read by `jobmock.uploads.markup` (defusedxml, SAX).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import zipfile
from collections.abc import Callable, Collection, Iterator, Mapping
from typing import IO, Any
from xml.sax import SAXException

from defusedxml import DefusedXmlException
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from jobmock.limits import Limits
from jobmock.uploads import markup
from jobmock.uploads.problems import FileTooLarge, NotUtf8, UnreadableFile

__all__ = ["FileTooLarge", "NotUtf8", "UnreadableFile"]  # raised here, defined in .problems
from jobmock.http import jsondepth

FORMATS = ("csv", "json", "xml", "xlsx", "xls")
CHUNK = 64 * 1024


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


def _lines(text: IO[str], limit: int) -> Iterator[str]:
    """The text's lines, none longer than `limit` characters (a line is otherwise read whole)."""
    while line := text.readline(limit + 1):
        if len(line) > limit and not line.endswith(("\n", "\r")):
            raise FileTooLarge("csv", "upload_max_record_bytes", limit, "bytes in one line")
        yield line


def _csv_records(file: IO[bytes], limits: Limits) -> Iterator[Mapping[str, Any]]:
    with _text(file) as text:
        reader = csv.reader(_lines(text, limits.upload_max_record_bytes))
        header = next(reader, None)
        if header is None:
            return
        header = [name.strip() for name in header]
        for row in reader:
            if len(row) > limits.upload_max_columns:
                raise FileTooLarge(
                    "csv", "upload_max_columns", limits.upload_max_columns, "cells in one row"
                )
            if any(cell.strip() for cell in row):
                yield dict(zip(header, row, strict=False))


def _json_records(file: IO[bytes], limits: Limits) -> Iterator[Mapping[str, Any]]:
    with _text(file) as text:
        yield from _json_elements(text, limits)


def _json_elements(text: IO[str], limits: Limits) -> Iterator[Mapping[str, Any]]:
    """Elements of a top-level array, decoded one at a time (memory: one element plus a chunk)."""
    decoder = json.JSONDecoder()
    buffer, pos, eof = "", 0, False

    def too_large() -> FileTooLarge:
        bound = limits.upload_max_record_bytes
        return FileTooLarge("json", "upload_max_record_bytes", bound, "bytes in one record")

    def more() -> None:
        nonlocal buffer, pos, eof
        if len(buffer) - pos > limits.upload_max_record_bytes:  # one element still not decoded
            raise too_large()
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
    if first != "[":  # not an array: the whole document, up to its limit
        cap = limits.json_max_document_bytes
        rest = buffer[pos:] + text.read(cap + 1)
        if len(rest) > cap:
            raise FileTooLarge(
                "json", "json_max_document_bytes", cap, "bytes in a document that is not an array"
            )
        document = jsondepth.loads(rest, limits.json_max_depth)
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
                raise jsondepth.TooDeep(limits.json_max_depth, buffer, pos) from None
            if end == len(buffer) and not eof:  # a number or literal may go on in the next chunk
                more()
                continue
            break
        if end - pos > limits.upload_max_record_bytes:  # decoded within one chunk, still too big
            raise too_large()
        if buffer.count("[", pos, end) + buffer.count("{", pos, end) >= limits.json_max_depth:
            try:  # inside the top-level array, which is one of the levels
                jsondepth.check_text(buffer[pos:end], limits.json_max_depth - 1)
            except jsondepth.TooDeep as exc:
                raise jsondepth.TooDeep(limits.json_max_depth, buffer, pos + exc.pos) from None
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


def _cell(value: Any) -> Any:
    """A cell's value as the file shows it: Excel stores every number as a float."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _xls_records(file: IO[bytes], limits: Limits) -> Iterator[Mapping[str, Any]]:
    """One record per non-empty row of the first worksheet after its header row (the first
    non-empty one), keyed by the header's cells."""
    import xlrd  # only when an .xls arrives

    contents = file.read(limits.xls_max_bytes + 1)
    if len(contents) > limits.xls_max_bytes:
        raise FileTooLarge(
            "xls", "xls_max_bytes", limits.xls_max_bytes, "bytes of a legacy .xls workbook"
        )
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
        if len(values) > limits.upload_max_columns:
            raise FileTooLarge(
                "xls", "upload_max_columns", limits.upload_max_columns, "cells in one row"
            )
        if not any(str(value).strip() for value in values):
            continue
        if header is None:
            header = [str(value).strip() for value in values]
            continue
        yield {name: value for name, value in zip(header, values, strict=False) if name}


READERS: dict[str, Callable[[IO[bytes], Limits], Iterator[Mapping[str, Any]]]] = {
    "csv": _csv_records,
    "json": _json_records,
    "xml": markup.xml_records,
    "xlsx": markup.xlsx_records,
    "xls": _xls_records,
}
"""Format -> a reader yielding one mapping per data row."""


def records(file: IO[bytes], fmt: str, limits: Limits | None = None) -> Iterator[Mapping[str, Any]]:
    """Each data row of `file` read as `fmt`, from the start; problems raise UnreadableFile."""
    limits = limits or Limits()
    file.seek(0)
    try:
        for number, record in enumerate(READERS[fmt](file, limits), start=1):
            if number > limits.upload_max_rows:
                raise FileTooLarge(fmt, "upload_max_rows", limits.upload_max_rows, "data rows")
            yield record
    except UnicodeDecodeError:
        raise NotUtf8(fmt) from None
    except UnreadableFile:
        raise
    except (csv.Error, json.JSONDecodeError, SAXException, DefusedXmlException) as exc:
        raise UnreadableFile(fmt, str(exc)) from None
    except RecursionError:  # JSON nested past the interpreter's stack: a client's file, not a crash
        raise UnreadableFile(fmt, "nested too deeply") from None
    except (zipfile.BadZipFile, ValueError, KeyError, EOFError) as exc:
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
