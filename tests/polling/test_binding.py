"""A binding that does not fit its document stops `jobmock serve FOLDER` with one line naming the
fixture's file:line (exit 2), and `jobmock validate FOLDER` reports the same place."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from jobmock.cli import main
from tests.polling.conftest import KEY, served


def edit(folder: Path, old: str, new: str) -> int:
    """Replace `old` in the project's fixture; the 1-based line it was on."""
    path = folder / "fixture.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return text[: text.index(old)].count("\n") + 1


CASES = [
    (
        "operation: getReport",
        "operation: getReports",
        "binding/status/operation: no operation 'getReports' in the document; operationIds:"
        " createReport, getReport, listFormats",
    ),
    (
        "parameter: reportId",
        "parameter: id",
        "binding/status/parameter: /reports/{reportId} has no path parameter 'id'",
    ),
    (
        "property: /status",
        "property: /state",
        "binding/status/property: '/state' points to no property of the status answer",
    ),
    (
        "terminal: [succeeded, failed]",
        "terminal: [succeeded, failed, cancelled]",
        "statuses/terminal/2: 'cancelled' is not a value of the status property"
        " (queued, running, succeeded, failed)",
    ),
    (
        "id: {link: GetReport}",
        "id: {link: Report}",
        "binding/create/id/link: the 2xx answer declares no link 'Report' (GetReport)",
    ),
    (
        "id: {link: GetReport}",
        "id: {body: /report_id}",
        "binding/create/id/body: '/report_id' points to no property of createReport's answer",
    ),
    (
        "id: {link: GetReport}",
        "id: {header: X-Report-Id}",
        "binding/create/id/header: the 2xx answer of createReport declares no header 'X-Report-Id'",
    ),
    (
        "counters: {progress: 100, rows_written: total_rows}",
        "counters: {progress: 100, rows: total_rows}",
        "binding/counters/rows: no scenario phase has a progress counter 'rows'",
    ),
]


@pytest.mark.parametrize(("old", "new", "message"), CASES, ids=[c[1] for c in CASES])
def test_serve_names_the_line(project: Path, old: str, new: str, message: str) -> None:
    line = edit(project, old, new)
    result = CliRunner().invoke(main, ["serve", "--store", "memory://", str(project), "--get", "/"])
    assert result.exit_code == 2
    fixture = project / "fixture.yaml"
    assert result.output.startswith(f"jobmock: {fixture}:{line}:")
    assert result.output.rstrip().endswith(message)
    assert result.output.count("\n") == 1 and "Traceback" not in result.output


def test_a_field_mapping_names_a_known_source(project: Path) -> None:
    edit(project, "  counters:", "  fields: {/download_url: link}\n  counters:")
    result = CliRunner().invoke(main, ["serve", "--store", "memory://", str(project), "--get", "/"])
    assert result.exit_code == 2
    assert "binding/fields//download_url: 'link' is not something jobmock knows" in result.output


@pytest.mark.parametrize(("old", "new", "message"), CASES[:5], ids=[c[1] for c in CASES[:5]])
def test_validate_reports_the_same_line(
    project: Path, tmp_path: Path, old: str, new: str, message: str
) -> None:
    line = edit(project, old, new)
    report = tmp_path / "report.json"
    arguments = ["validate", "--format", "json", "--output", str(report), str(project)]
    assert CliRunner().invoke(main, arguments).exit_code == 1
    findings = json.loads(report.read_text())["findings"]
    invalid = [(f["line"], f["message"]) for f in findings if f["rule"] == "fixture-invalid"]
    assert invalid == [(line, message)]


@pytest.mark.parametrize("place", ["{body: /id}", "{header: Location}"])
def test_the_id_may_be_bound_by_body_or_location(project: Path, place: str) -> None:
    edit(project, "id: {link: GetReport}", f"id: {place}")
    with served(project) as client:
        created = client.post("/reports", json={"kind": "sales", "format": "csv"}, headers=KEY)
        assert created.status_code == 202
        job_id = created.json()["id"]
        assert created.headers["location"] == f"/reports/{job_id}"
        polled = client.get(f"/reports/{job_id}", headers=KEY)
        assert (polled.status_code, polled.json()["id"]) == (200, job_id)
