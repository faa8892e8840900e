"""Upload bombs: small files that once cost the server gigabytes, each answered with its API's 4xx
while the process stays small.

Each bomb is built in the test (kilobytes to a few megabytes on disk) and sent in a subprocess of
its own (tests/uploads/peak.py), whose peak RSS (VmHWM: ru_maxrss survives fork and exec) covers
the app, the in-process client holding the body, and the reading of the file. Figures measured
before the readers were bounded are in each test's comment.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from httpx import Response
from starlette.testclient import TestClient

from jobmock.config import Config
from jobmock.limits import Limits
from jobmock.serving.app import create_app

ROOT = Path(__file__).parents[2]
PEAK_MB = 300  # the hardening issue's bound for any upload within the documented size limits
MATCHER_UPLOAD = (
    "/matcher/v1/imports/contexts/019c96a0-10a0-72d2-9fb0-2b7de8093182"
    "/sources/019c96a0-108c-7a74-8e31-3789daffe1ed/upload"
)
GU1_UPLOAD = "/gu1/batch-import/import/transactions"
CLARET_UPLOAD = "/claret/demo/api/v1/inventory/import/process"
SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def upload(request: dict[str, Any]) -> dict[str, Any]:
    """The answer to one upload and the peak RSS of the process that served it."""
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-m", "tests.uploads.peak", json.dumps(request)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    measured: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return measured


def matcher(path: Path, fmt: str) -> dict[str, Any]:
    return upload(
        {
            "api": "matcher",
            "path": MATCHER_UPLOAD,
            "file": str(path),
            "name": path.name,
            "data": {"format": fmt},
        }
    )


def matcher_error(status: int, title: str, message: str) -> dict[str, str]:
    return {"code": str(status), "title": title, "message": message}


def workbook(path: Path, rows: list[bytes] | None = None, *, cells: int = 0) -> Path:
    """A minimal workbook whose first sheet has a header row, then `rows`, then one row of
    `cells` cells (written in pieces: the zip holds kilobytes)."""
    book = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED)
    with book, book.open("xl/worksheets/sheet1.xml", "w") as sheet:
        sheet.write(f'<worksheet xmlns="{SHEET_NS}"><sheetData>'.encode())
        sheet.write(b'<row r="1"><c t="inlineStr"><is><t>id</t></is></c></row>')
        for row in rows or []:
            sheet.write(row)
        if cells:
            sheet.write(b'<row r="9">')
            for _ in range(cells // 10_000):
                sheet.write(b"<c><v>1</v></c>" * 10_000)
            sheet.write(b"</row>")
        sheet.write(b"</sheetData></worksheet>")
    return path


def test_one_xlsx_row_of_two_million_cells_is_413_in_little_memory(tmp_path: Path) -> None:
    # before: 202 after 15 s at 523 MB peak (the row was built whole: 20 million cells, 4.6 GB)
    book = workbook(tmp_path / "tx.xlsx", cells=2_000_000)
    assert book.stat().st_size < 100_000
    answer = upload({"api": "gu1", "path": GU1_UPLOAD, "file": str(book), "name": "tx.xlsx"})
    assert answer["status"] == 413
    assert answer["body"] == {
        "success": False,
        "error": "File tx.xlsx exceeds the limit: more than 1,000 cells in one row",
    }
    assert answer["peak_mb"] < PEAK_MB


def test_a_single_xml_record_of_10_mb_is_413_in_little_memory(tmp_path: Path) -> None:
    # before: 202 at 560 MB peak for a 40 MB record (its 5 million children built as one element)
    path = tmp_path / "one.xml"
    path.write_bytes(b"<txs><tx>" + b"<f>1</f>" * 1_300_000 + b"</tx></txs>")
    answer = matcher(path, "xml")
    assert answer["status"] == 413
    assert answer["body"] == matcher_error(
        413,
        "request_entity_too_large",
        "file exceeds limit: more than 1,048,576 bytes in one record",
    )
    assert answer["peak_mb"] < PEAK_MB


def test_billion_laughs_is_refused_unexpanded(tmp_path: Path) -> None:
    # before: 400 (expat's amplification guard) after expanding to 156 MB peak
    entities = b"".join(b'<!ENTITY l%d "%s">' % (i, b"&l%d;" % (i - 1) * 10) for i in range(1, 10))
    path = tmp_path / "lol.xml"
    path.write_bytes(
        b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY l0 "lol">'
        + entities
        + b"]><t><r><a>&l9;</a></r></t>"
    )
    answer = matcher(path, "xml")
    assert answer["status"] == 400
    assert answer["body"] == matcher_error(400, "invalid_request", "failed to parse xml file")
    assert answer["peak_mb"] - answer["baseline_mb"] < 20  # nothing was expanded


def test_xml_nested_past_the_depth_limit_is_400(tmp_path: Path) -> None:
    # before: 202, 100,000 levels deep (Go's encoding/xml, Matcher's parser, fails such a file)
    path = tmp_path / "deep.xml"
    path.write_bytes(b"<a>" * 100_000 + b"</a>" * 100_000)
    answer = matcher(path, "xml")
    assert answer["status"] == 400
    assert answer["body"] == matcher_error(400, "invalid_request", "failed to parse xml file")


def test_json_nested_past_the_stack_is_400_not_500(tmp_path: Path) -> None:
    # before: 500 internal_server_error (RecursionError in the JSON decoder, a traceback logged)
    path = tmp_path / "deep.json"
    path.write_bytes(b"[" * 100_000 + b"]" * 100_000)
    answer = matcher(path, "json")
    assert answer["status"] == 400
    assert answer["body"] == matcher_error(400, "invalid_request", "failed to parse json file")


def test_one_json_element_of_8_mb_is_413_in_little_memory(tmp_path: Path) -> None:
    # before: 202 for a 20 MB element (10 million numbers decoded as one list)
    path = tmp_path / "one.json"
    path.write_bytes(b"[[" + b"0," * 4_000_000 + b"0]]")
    answer = matcher(path, "json")
    assert answer["status"] == 413
    assert answer["body"] == matcher_error(
        413,
        "request_entity_too_large",
        "file exceeds limit: more than 1,048,576 bytes in one record",
    )
    assert answer["peak_mb"] < PEAK_MB


def test_one_csv_line_of_5_mb_is_claret_422_in_little_memory(tmp_path: Path) -> None:
    # before: 20 MB of commas made one row of 20 million cells: 311 MB peak (Matcher)
    path = tmp_path / "inventory.csv"
    path.write_bytes(b"item_name,qty\n" + b"," * 5_000_000 + b"\n")
    answer = upload(
        {
            "api": "claret",
            "tenant": "demo",
            "path": CLARET_UPLOAD,
            "file": str(path),
            "name": path.name,
            "type": "text/csv",
        }
    )
    message = "The file may not contain more than 1,048,576 bytes in one line."
    assert answer["status"] == 422
    assert answer["body"] == {"message": message, "errors": {"file": [message]}}
    assert answer["peak_mb"] < PEAK_MB


def upload_in_process(book: bytes, limits: Limits) -> Response:
    """gu1's acme uploads `book` as tx.xlsx to jobmock in this process, under `limits`."""
    app = create_app(Config(apis=("gu1",), clock="manual", limits=limits))
    with TestClient(app) as client:
        tenants = client.get("/_mock/apis/gu1/tenants").json()
        headers = next(t["headers"] for t in tenants if t["name"] == "acme")
        response: Response = client.post(
            GU1_UPLOAD, headers=headers, files={"file": ("tx.xlsx", book)}
        )
    return response


@pytest.mark.parametrize(
    ("limits", "error"),
    [
        (Limits(xlsx_max_part_bytes=4096), "more than 4,096 bytes in one part once decompressed"),
        (Limits(xlsx_max_directory_bytes=64), "more than 64 bytes of zip directory"),
        (
            Limits(xlsx_max_elements=600),
            "more than 600 elements in the worksheet (empty rows and cells included)",
        ),
    ],
)
def test_an_xlsx_zip_past_its_part_or_directory_limit_is_413(
    tmp_path: Path, limits: Limits, error: str
) -> None:
    # in-process: the check comes before any part is inflated, so nothing here needs measuring
    rows = [b'<row r="%d"><c><v>%d</v></c></row>' % (n, n) for n in range(2, 500)]
    book = workbook(tmp_path / "tx.xlsx", rows).read_bytes()
    response = upload_in_process(book, limits)
    assert response.status_code == 413
    assert response.json() == {
        "success": False,
        "error": f"File tx.xlsx exceeds the limit: {error}",
    }


def test_empty_rows_count_toward_the_worksheet_elements(tmp_path: Path) -> None:
    # before: empty rows were not counted at all: a 391 KB zip of `<row/>` parsed for 64 s of CPU
    rows = [b"<row/>"] * 1_000 + [b'<row r="2000"><c><v>1</v></c></row>']
    book = workbook(tmp_path / "tx.xlsx", rows).read_bytes()
    limits = Limits(xlsx_max_elements=1_000)
    response = upload_in_process(book, limits)
    assert response.status_code == 413
    assert response.json() == {
        "success": False,
        "error": "File tx.xlsx exceeds the limit: more than 1,000 elements in the worksheet "
        "(empty rows and cells included)",
    }
