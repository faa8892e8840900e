"""The shared upload machinery: bounded streams, rows in every format, row plans, scenario rules."""

from __future__ import annotations

import asyncio
import io
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from jobmock import resources, uploads
from jobmock.errors import FixtureError
from jobmock.fixtures import load_fixture
from jobmock.lifecycle import Phase, Scenario


def rows(content: bytes, fmt: str) -> list[dict[str, object]]:
    return [dict(r) for r in uploads.records(io.BytesIO(content), fmt)]


# ---------------------------------------------------------------------------------------- rows
def test_csv_rows_skip_the_header_and_blank_lines_and_keep_quoted_newlines() -> None:
    content = b'\xef\xbb\xbfid,memo\r\n1,"a\r\nb"\r\n\r\n ,  \r\n2,c\r\n'
    assert rows(content, "csv") == [{"id": "1", "memo": "a\r\nb"}, {"id": "2", "memo": "c"}]
    assert rows(b"id,memo\n", "csv") == [] and rows(b"", "csv") == []


def test_non_utf8_text_is_its_own_problem() -> None:
    with pytest.raises(uploads.NotUtf8):
        rows(b"id\n\xff\n", "csv")
    with pytest.raises(uploads.NotUtf8):
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
    monkeypatch.setattr(uploads, "CHUNK", 7)  # numbers and strings split between reads
    content = b"[12345678901234, " + b", ".join(b'{"id": "%d"}' % n for n in range(50)) + b"]"
    found = rows(content, "json")
    assert found[0] == {"value": 12345678901234} and len(found) == 51
    assert found[-1] == {"id": "49"}


@pytest.mark.parametrize("content", [b"[1, 2", b"[1 2]", b"[1,]", b"[1] x", b"[,1]", b"{"])
def test_broken_json_is_unreadable(content: bytes) -> None:
    with pytest.raises(uploads.UnreadableFile):
        rows(content, "json")


def test_xml_rows_are_the_roots_children() -> None:
    content = b'<?xml version="1.0"?><txs><tx id="1"><amount>2</amount></tx><tx id="2"/></txs>'
    assert rows(content, "xml") == [{"id": "1", "amount": "2"}, {"id": "2"}]
    with pytest.raises(uploads.UnreadableFile):
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
    with pytest.raises(uploads.UnreadableFile):
        rows(b"not a zip", "xlsx")


def test_first_finds_a_column_by_any_spelling() -> None:
    record = {"External_ID": "tx-1", "tax-id": "", "taxId": "20"}
    assert uploads.first(record, "externalId", "external_id") == "tx-1"
    assert uploads.first(record, "tax_id") == "20"
    assert uploads.first(record, "missing") is None


def test_format_of_a_file_name() -> None:
    assert uploads.format_of("a.CSV") == "csv" and uploads.format_of("b.xlsx") == "xlsx"
    assert uploads.format_of("noext") == "csv" and uploads.format_of(None, "json") == "json"


# ------------------------------------------------------------------------------- bounded bodies
async def chunks(*parts: bytes) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


def test_bounded_stops_as_soon_as_the_limit_is_passed() -> None:
    read: list[bytes] = []

    async def consume() -> None:
        async for chunk in uploads.bounded(chunks(b"12345", b"67890", b"never read"), 8):
            read.append(chunk)

    with pytest.raises(uploads.BodyTooLarge):
        asyncio.run(consume())
    assert read == [b"12345"]


# ----------------------------------------------------------------------------------- row plans
def test_plan_rows_is_disjoint_sorted_capped_and_seeded() -> None:
    plan = uploads.plan_rows(1000, {"failed": 0.02, "skipped": 0.01}, "seed")
    assert (len(plan["failed"]), len(plan["skipped"])) == (20, 10)
    assert not set(plan["failed"]) & set(plan["skipped"])
    assert plan["failed"] == sorted(plan["failed"]) and all(1 <= r <= 1000 for r in plan["failed"])
    assert plan == uploads.plan_rows(1000, {"failed": 0.02, "skipped": 0.01}, "seed")
    assert len(uploads.plan_rows(100_000, {"failed": 0.5}, "s", cap=500)["failed"]) == 500


def test_final_share_is_the_most_a_counter_reaches() -> None:
    scenario = Scenario(
        "s", (Phase("a", 1, {"failed": 0.2}), Phase("b", 1, {"failed": 0.5}), Phase("c", None))
    )
    assert uploads.final_share(scenario, "failed") == 0.5
    assert uploads.final_share(scenario, "skipped") == 0.0


# -------------------------------------------------------------------------------------- rules
def test_rules_choose_the_first_matching_scenario() -> None:
    fixture = load_fixture(resources.fixtures_dir() / "matcher.yaml")
    assert fixture.choose({"fileName": "settlements.csv"}).scenario == "completes"
    choice = fixture.choose({"fileName": "Bank_FAILED.csv"})
    assert (choice.scenario, choice.matched) == ("fails", ("Bank_FAILED.csv",))
    assert choice.rule is not None and choice.rule.test == "contains"
    assert fixture.choose({}).scenario == fixture.default_scenario


@pytest.mark.parametrize(
    ("match", "facts", "matched"),
    [
        (
            {"field": "files.filename", "contains": "fail"},
            {"files": [{"filename": "a_fail.pdf"}, {"filename": "b.pdf"}]},
            ("a_fail.pdf",),
        ),
        (
            {"field": "metadata.fileName", "pattern": "^err"},
            {"metadata": {"fileName": "ERR.csv"}},
            ("ERR.csv",),
        ),
        ({"field": "rows", "equals": 3}, {"rows": 3}, ("3",)),
        ({"field": "names", "contains": "x"}, {"names": ["ax", "b", "xy"]}, ("ax", "xy")),
        ({"field": "missing", "contains": "x"}, {"other": "x"}, ()),
    ],
)
def test_a_match_looks_through_paths_and_lists(
    tmp_path: Path, match: dict[str, object], facts: dict[str, object], matched: tuple[str, ...]
) -> None:
    fixture = fixture_with_rules(tmp_path, [{"match": match, "scenario": "fails"}])
    assert fixture.rules[0].matching(facts) == matched


def fixture_with_rules(tmp_path: Path, rules: list[dict[str, object]]) -> object:
    import yaml

    data = yaml.safe_load((resources.fixtures_dir() / "matcher.yaml").read_text())
    data["rules"] = rules
    path = tmp_path / "matcher.yaml"
    path.write_text(yaml.safe_dump(data))
    return load_fixture(path)


@pytest.mark.parametrize(
    ("rule", "problem"),
    [
        ({"match": {"field": "fileName", "contains": "x"}, "scenario": "nope"}, "unknown scenario"),
        ({"match": {"field": "fileName", "pattern": "("}, "scenario": "fails"}, "invalid pattern"),
        ({"match": {"field": "fileName"}, "scenario": "fails"}, "rules/0/match"),
        (
            {"match": {"field": "f", "contains": "a", "equals": "b"}, "scenario": "fails"},
            "rules/0/match",
        ),
    ],
)
def test_a_broken_rule_names_its_place(
    tmp_path: Path, rule: dict[str, object], problem: str
) -> None:
    with pytest.raises(FixtureError, match=problem) as raised:
        fixture_with_rules(tmp_path, [rule])
    assert raised.value.line is not None
