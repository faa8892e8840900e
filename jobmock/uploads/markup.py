"""XML uploads and XLSX worksheets, read as a stream of SAX events by defusedxml's expat parser.

Why SAX and not iterparse (or openpyxl's read-only mode, which iterparses each `<row>`): an
element is built whole before iterparse hands it over, so one record of 40 MB, or one row of 2
million cells, is held in memory at once (measured: 560 MB and 523 MB peak; openpyxl 913 MB and
43 s for that row). SAX hands over each tag and each piece of text as it streams, so every limit
is checked before the next piece is read. defusedxml refuses entity declarations and external
references (no billion laughs, no XXE); depth, record size, cells per row, the worksheet's
elements (parse time) and the zip's parts are bounded by `jobmock.limits.Limits`.
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Iterator, Mapping
from typing import IO, Any, Protocol
from xml.sax.handler import ContentHandler
from xml.sax.xmlreader import AttributesImpl

from defusedxml.expatreader import DefusedExpatParser

from jobmock.limits import Limits
from jobmock.uploads.problems import FileTooLarge, UnreadableFile

CHUNK = 64 * 1024


class _Readable(Protocol):
    def read(self, n: int, /) -> bytes: ...


def _local(name: str) -> str:
    return name.rsplit(":", 1)[-1]


class _Records(ContentHandler):
    """Children of the root element as records: their attributes, then their children's text."""

    def __init__(self, limits: Limits) -> None:
        super().__init__()
        self.limits = limits
        self.done: list[Mapping[str, Any]] = []
        self.depth = 0
        self.record: dict[str, Any] | None = None
        self.size = 0  # characters of the current record: names, attribute values, text
        self.field: str | None = None  # the record's child whose leading text is being read
        self.text: list[str] = []

    def grow(self, n: int) -> None:
        self.size += n
        if self.size > self.limits.upload_max_record_bytes:
            raise FileTooLarge(
                "xml",
                "upload_max_record_bytes",
                self.limits.upload_max_record_bytes,
                "bytes in one record",
            )

    def startElement(self, name: str, attrs: AttributesImpl) -> None:
        self.depth += 1
        if self.depth > self.limits.xml_max_depth:
            raise UnreadableFile("xml", f"elements nested deeper than {self.limits.xml_max_depth}")
        if self.depth == 2:
            self.record, self.size = {}, 0
            for key, value in attrs.items():
                self.grow(len(key) + len(value))
                self.record[key] = value
        elif self.depth == 3:
            self.grow(len(name))
            self.field, self.text = name, []
        elif (
            self.depth == 4 and self.field is not None
        ):  # ElementTree's .text: up to the first child
            self.end_field()

    def characters(self, content: str) -> None:
        if self.field is not None:
            self.grow(len(content))
            self.text.append(content)

    def end_field(self) -> None:
        assert self.record is not None and self.field is not None
        self.record[self.field] = "".join(self.text).strip()
        self.field, self.text = None, []

    def endElement(self, name: str) -> None:
        if self.depth == 3 and self.field is not None:
            self.end_field()
        elif self.depth == 2 and self.record is not None:
            self.done.append(self.record)
            self.record = None
        self.depth -= 1


class _SheetRows(ContentHandler):
    """Non-empty `<row>`s of a worksheet, as empty records (rows are counted, not valued)."""

    def __init__(self, limits: Limits) -> None:
        super().__init__()
        self.limits = limits
        self.done: list[Mapping[str, Any]] = []
        self.cells = 0
        self.size = 0
        self.filled = False
        self.in_row = False
        self.in_value = False  # in a <v> (value) or <t> (inline text)
        self.elements = 0  # every element counts: empty rows and cells cost parse time too

    def startElement(self, name: str, attrs: AttributesImpl) -> None:
        self.elements += 1
        if self.elements > self.limits.xlsx_max_elements:
            raise FileTooLarge(
                "xlsx",
                "xlsx_max_elements",
                self.limits.xlsx_max_elements,
                "elements in the worksheet (empty rows and cells included)",
            )
        tag = _local(name)
        if tag == "row":
            self.in_row, self.cells, self.size, self.filled = True, 0, 0, False
        elif tag == "c" and self.in_row:
            self.cells += 1
            if self.cells > self.limits.upload_max_columns:
                raise FileTooLarge(
                    "xlsx", "upload_max_columns", self.limits.upload_max_columns, "cells in one row"
                )
        elif tag in ("v", "t"):
            self.in_value = True

    def characters(self, content: str) -> None:
        if self.in_value and self.in_row:
            self.size += len(content)
            if self.size > self.limits.upload_max_record_bytes:
                raise FileTooLarge(
                    "xlsx",
                    "upload_max_record_bytes",
                    self.limits.upload_max_record_bytes,
                    "bytes in one row",
                )
            self.filled = self.filled or bool(content.strip())

    def endElement(self, name: str) -> None:
        tag = _local(name)
        if tag in ("v", "t"):
            self.in_value = False
        elif tag == "row" and self.in_row:
            self.in_row = False
            if self.filled:
                self.done.append({})


def _stream(source: _Readable, handler: _Records | _SheetRows) -> Iterator[Mapping[str, Any]]:
    """Feed `source` to a defused expat parser chunk by chunk, yielding the records each completes."""
    parser = DefusedExpatParser()
    parser.setContentHandler(handler)
    while chunk := source.read(CHUNK):
        parser.feed(chunk)
        yield from handler.done
        handler.done.clear()
    parser.close()
    yield from handler.done


def xml_records(file: IO[bytes], limits: Limits) -> Iterator[Mapping[str, Any]]:
    yield from _stream(file, _Records(limits))


class _Bounded:
    """A zip member's stream that stops at `limit` decompressed bytes, whatever its header says."""

    def __init__(self, stream: _Readable, limit: int) -> None:
        self.stream, self.limit, self.seen = stream, limit, 0

    def read(self, n: int) -> bytes:
        data = self.stream.read(n)
        self.seen += len(data)
        if self.seen > self.limit:
            raise FileTooLarge(
                "xlsx", "xlsx_max_part_bytes", self.limit, "bytes in one part once decompressed"
            )
        return data


def _directory_size(file: IO[bytes]) -> int:
    """The zip's central directory size from its end record (read before zipfile parses it whole)."""
    file.seek(0, 2)
    end = file.tell()
    file.seek(max(0, end - 22 - 0xFFFF))
    tail = file.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) < at + 22:
        raise UnreadableFile("xlsx", "not a zip archive")
    entries, size = struct.unpack("<HI", tail[at + 10 : at + 16])
    file.seek(0)
    return (
        1 << 62 if entries == 0xFFFF or size == 0xFFFFFFFF else int(size)
    )  # zip64: no XLSX needs it


def xlsx_records(file: IO[bytes], limits: Limits) -> Iterator[Mapping[str, Any]]:
    """One empty record per non-empty row of the first worksheet after its header row."""
    if _directory_size(file) > limits.xlsx_max_directory_bytes:
        raise FileTooLarge(
            "xlsx",
            "xlsx_max_directory_bytes",
            limits.xlsx_max_directory_bytes,
            "bytes of zip directory",
        )
    with zipfile.ZipFile(file) as workbook:
        sheets = sorted(n for n in workbook.namelist() if n.startswith("xl/worksheets/sheet"))
        if not sheets:
            raise ValueError("no worksheet in the workbook")
        info = workbook.getinfo(sheets[0])
        if info.file_size > limits.xlsx_max_part_bytes:
            raise FileTooLarge(
                "xlsx",
                "xlsx_max_part_bytes",
                limits.xlsx_max_part_bytes,
                "bytes in one part once decompressed",
            )
        with workbook.open(info) as sheet:
            rows = _stream(_Bounded(sheet, limits.xlsx_max_part_bytes), _SheetRows(limits))
            next(rows, None)  # the header row
            yield from rows
