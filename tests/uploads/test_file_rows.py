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


# ---------------------------------------------------------------------------------------- limits
def too_large(content: bytes, fmt: str, **limits: int) -> file_rows.FileTooLarge:
    with pytest.raises(file_rows.FileTooLarge) as raised:
        list(file_rows.records(io.BytesIO(content), fmt, Limits(**limits)))
    return raised.value


def test_rows_past_the_limit_stop_the_reading_at_the_first_one_over() -> None:
    assert len(rows(b"id\n1\n2\n3\n", "csv")) == 3
    problem = too_large(b"id\n1\n2\n3\n", "csv", upload_max_rows=2)
    assert (problem.limit, problem.reason) == ("upload_max_rows", "more than 2 data rows")
    assert too_large(b"[1, 2, 3]", "json", upload_max_rows=2).limit == "upload_max_rows"
    assert too_large(b"<t><r/><r/><r/></t>", "xml", upload_max_rows=2).limit == "upload_max_rows"


def test_cells_in_one_row_are_bounded_in_csv_and_xlsx() -> None:
    assert too_large(b"a,b\n1,2,3,4\n", "csv", upload_max_columns=3).limit == "upload_max_columns"
    sheet = (
        '<worksheet><sheetData><row r="1"><c><v>1</v></c><c/><c/><c/></row></sheetData></worksheet>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as workbook:
        workbook.writestr("xl/worksheets/sheet1.xml", sheet)
    assert too_large(buffer.getvalue(), "xlsx", upload_max_columns=3).limit == "upload_max_columns"


def test_one_record_is_bounded_in_every_text_format() -> None:
    limit = {"upload_max_record_bytes": 100}
    assert (
        too_large(b"id\n" + b"x" * 200 + b"\n", "csv", **limit).reason
        == "more than 100 bytes in one line"
    )
    assert too_large(
        b'[{"a": "' + b"x" * 200 + b'"}]', "json", **limit, json_max_document_bytes=10**6
    )
    assert too_large(b"<t><r><a>" + b"x" * 200 + b"</a></r></t>", "xml", **limit)
    assert too_large(b"<t><r>" + b"<a/>" * 200 + b"</r></t>", "xml", **limit)  # names count too


def test_a_json_document_that_is_not_an_array_is_read_whole_only_within_its_limit() -> None:
    content = b'{"transactions": [' + b", ".join(b'{"a": 1}' for _ in range(20)) + b"]}"
    assert len(rows(content, "json")) == 20
    assert (
        too_large(content, "json", json_max_document_bytes=100).limit == "json_max_document_bytes"
    )


def test_xml_is_read_without_entities_and_within_its_depth() -> None:
    with pytest.raises(file_rows.UnreadableFile):  # an entity declaration: refused, never expanded
        rows(b'<!DOCTYPE t [<!ENTITY e "x">]><t><r><a>&e;</a></r></t>', "xml")
    with pytest.raises(file_rows.UnreadableFile):  # an external one: never fetched
        rows(b'<!DOCTYPE t [<!ENTITY e SYSTEM "file:///etc/passwd">]><t><r>&e;</r></t>', "xml")
    assert rows(b"<t>" + b"<a>" * 63 + b"</a>" * 63 + b"</t>", "xml") == [{"a": ""}]
    with pytest.raises(file_rows.UnreadableFile) as raised:
        rows(b"<t>" + b"<a>" * 64 + b"</a>" * 64 + b"</t>", "xml")
    assert not isinstance(
        raised.value, file_rows.FileTooLarge
    )  # a broken file, as Go's parser says


def test_json_nested_past_the_interpreters_stack_is_unreadable() -> None:
    # found with a bomb: a RecursionError from the decoder answered Matcher's 500
    for content in (b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 100_000 + b"1" + b"}" * 100_000):
        with pytest.raises(file_rows.UnreadableFile):
            rows(content, "json")


def test_an_xlsx_zip_is_checked_before_its_parts_are_read() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as workbook:
        workbook.writestr("xl/worksheets/sheet1.xml", "<worksheet>" + " " * 10_000 + "</worksheet>")
    content = buffer.getvalue()
    assert len(content) < 1_000
    assert too_large(content, "xlsx", xlsx_max_part_bytes=5_000).limit == "xlsx_max_part_bytes"
    assert (
        too_large(content, "xlsx", xlsx_max_directory_bytes=10).limit == "xlsx_max_directory_bytes"
    )


def test_a_legacy_xls_is_read_whole_only_within_its_limit() -> None:
    problem = too_large(XLS.read_bytes(), "xls", xls_max_bytes=1_000)
    assert problem.reason == "more than 1,000 bytes of a legacy .xls workbook"
