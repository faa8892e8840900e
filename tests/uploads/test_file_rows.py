"""jobmock.uploads.file_rows: the data rows of CSV, JSON, XML, XLSX and XLS files, and their problems."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from jobmock.limits import Limits
from jobmock.uploads import file_rows


def rows(content: bytes, fmt: str, limits: Limits | None = None) -> list[dict[str, object]]:
    return [dict(r) for r in file_rows.records(io.BytesIO(content), fmt, limits)]


def test_csv_rows_skip_the_header_and_blank_lines_and_keep_quoted_newlines() -> None:
    content = b'\xef\xbb\xbfid,memo\r\n1,"a\r\nb"\r\n\r\n ,  \r\n2,c\r\n'
    assert rows(content, "csv") == [{"id": "1", "memo": "a\r\nb"}, {"id": "2", "memo": "c"}]
    assert rows(b"id,memo\n", "csv") == [] and rows(b"", "csv") == []


def test_non_utf8_text_is_its_own_problem() -> None:
    with pytest.raises(file_rows.NotUtf8):
        rows(b"id\n\xff\n", "csv")
    with pytest.raises(file_rows.NotUtf8):
        rows(b'[{"a": "\xe9"}]', "json")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"[]", []),
        (b' [ {"a": 1} , {"a": [1, {"b": "]"}]} ] ', [{"a": 1}, {"a": [1, {"b": "]"}]}]),
        (b"[1, 2.5, true]", [{"value": 1}, {"value": 2.5}, {"value": True}]),
        (b'{"transactions": [{"a": 1}, {"a": 2}], "source": "x"}', [{"a": 1}, {"a": 2}]),
        (b'{"a": 1}', [{"a": 1}]),
    ],
)
def test_json_rows(content: bytes, expected: list[object]) -> None:
    assert rows(content, "json") == expected


def test_json_elements_are_read_across_chunk_boundaries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(file_rows, "CHUNK", 7)  # numbers and strings split between reads
    content = b"[12345678901234, " + b", ".join(b'{"id": "%d"}' % n for n in range(50)) + b"]"
    found = rows(content, "json")
    assert found[0] == {"value": 12345678901234} and len(found) == 51
    assert found[-1] == {"id": "49"}


@pytest.mark.parametrize("content", [b"[1, 2", b"[1 2]", b"[1,]", b"[1] x", b"[,1]", b"{"])
def test_broken_json_is_unreadable(content: bytes) -> None:
    with pytest.raises(file_rows.UnreadableFile):
        rows(content, "json")


def test_json_nested_past_the_limit_is_unreadable_not_a_recursion_error() -> None:
    """100,000 `[` was a RecursionError (500) in the streaming reader; the top-level array counts
    as one of Limits.json_max_depth's levels."""
    limit = Limits().json_max_depth
    for content in (
        b"[" * 100_000,
        b"{" + b'"a": {' * 100_000,
        b"[" + b"[" * limit + b"]" * limit + b"]",
        b'{"a": ' * (limit + 1) + b"1" + b"}" * (limit + 1),
    ):
        with pytest.raises(file_rows.UnreadableFile, match=f"nested deeper than {limit} levels"):
            rows(content, "json")
    within = b"[" + b"[" * (limit - 1) + b"]" * (limit - 1) + b"]"
    assert len(rows(within, "json")) == 1
    assert len(rows(b"[" + b'"[[[[",' * (limit + 1) + b"1]", "json")) == limit + 2  # in strings
    two = Limits(json_max_depth=2)  # the configured limit, not the default, is the one read
    assert rows(b"[[1]]", "json", two) == [{"value": [1]}]
    with pytest.raises(file_rows.UnreadableFile):
        rows(b"[[[1]]]", "json", two)


def test_xml_rows_are_the_roots_children() -> None:
    content = b'<?xml version="1.0"?><txs><tx id="1"><amount>2</amount></tx><tx id="2"/></txs>'
    assert rows(content, "xml") == [{"id": "1", "amount": "2"}, {"id": "2"}]
    with pytest.raises(file_rows.UnreadableFile):
        rows(b"<txs><tx></txs>", "xml")


def test_xlsx_rows_of_the_first_sheet_after_its_header() -> None:
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c t="inlineStr"><is><t>id</t></is></c></row>'
        '<row r="2"><c><v>1</v></c></row><row r="3"/><row r="4"><c><v>2</v></c></row>'
        "</sheetData></worksheet>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as workbook:
        workbook.writestr("xl/worksheets/sheet1.xml", sheet)
    assert len(rows(buffer.getvalue(), "xlsx")) == 2
    with pytest.raises(file_rows.UnreadableFile):
        rows(b"not a zip", "xlsx")


# Written with xlwt 1.3.0: sheet "transactions" with the header externalId, amount, date and rows
# TX-00001..TX-00400 (amount n * 10, date "2025-01-15"), one blank row before TX-00200; a second
# sheet "notes" of 50 rows.
XLS = Path(__file__).parents[1] / "handlers" / "files" / "transactions.xls"


def test_xls_rows_of_the_first_sheet_after_its_header_with_their_values() -> None:
    found = rows(XLS.read_bytes(), "xls")
    assert len(found) == 400
    assert found[0] == {"externalId": "TX-00001", "amount": 10, "date": "2025-01-15"}
    assert found[199] == {"externalId": "TX-00200", "amount": 2000, "date": "2025-01-15"}
    with pytest.raises(file_rows.UnreadableFile):
        rows(b"\xd0\xcf\x11\xe0 not a workbook", "xls")


@pytest.mark.parametrize(
    "content",
    [b"", b"\n", b"\x8d\xf2\x99", XLS.read_bytes()[:600]],
    ids=["empty", "newline", "garbage", "truncated"],
)
def test_a_broken_xls_is_unreadable_not_a_crash(content: bytes) -> None:
    # found by a random contract run: an empty .xls upload answered gu1's 500
    with pytest.raises(file_rows.UnreadableFile):
        rows(content, "xls")


def test_first_finds_a_column_by_any_spelling() -> None:
    record = {"External_ID": "tx-1", "tax-id": "", "taxId": "20"}
    assert file_rows.first(record, "externalId", "external_id") == "tx-1"
    assert file_rows.first(record, "tax_id") == "20"
    assert file_rows.first(record, "missing") is None


def test_format_of_a_file_name() -> None:
    assert file_rows.format_of("a.CSV") == "csv" and file_rows.format_of("b.xlsx") == "xlsx"
    assert file_rows.format_of("c.XLS") == "xls"
    assert file_rows.format_of("noext") == "csv" and file_rows.format_of(None, "json") == "json"
