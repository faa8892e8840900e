"""README's "Jobs that move": its curl lines answer, against `jobmock serve examples/reports`,
what the lines after them say; its `jobmock init` output is what init prints."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from jobmock.cli import main
from tests.polling.conftest import REPORTS, served

README = Path(__file__).resolve().parents[2] / "README.md"
SECTION = README.read_text().split("### Jobs that move")[1].split("\n## ")[0]


def blocks() -> list[str]:
    return re.findall(r"^```text\n(.*?)^```", SECTION, re.M | re.S)


def test_the_init_output_is_what_init_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    block = blocks()[0].splitlines()
    assert block[0] == "jobmock init examples/reports/openapi.yaml --out reports"
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["init", str(REPORTS / "openapi.yaml"), "--out", "reports"])
    assert result.exit_code == 0
    assert result.output.splitlines() == block[1:]


def test_the_curl_lines_answer_as_shown() -> None:
    text = blocks()[1].replace("\\\n", " ")
    commands = [shlex.split(line) for line in text.splitlines() if line.startswith("curl ")]
    create, poll = commands
    headers = dict(h.split(": ", 1) for h in create[create.index("-H") + 1 :: 2])
    with served(REPORTS) as client:
        body = json.loads(create[create.index("-d") + 1])
        made = client.post(create[2].removeprefix("localhost:8000"), json=body, headers=headers)
        assert made.status_code == 202
        assert f"location: {made.headers['location']}" in text
        shown = made.json()
        assert f'"id": "{shown["id"]}", "status": "queued", "kind": "sales"' in text
        client.post("/_mock/clock", json={"advance_seconds": 12})
        url = poll[2].removeprefix("localhost:8000")
        assert url == made.headers["location"]
        done = client.get(url, headers=dict([poll[poll.index("-H") + 1].split(": ", 1)])).json()
        assert (done["status"], done["progress"], done["rows_written"]) == ("succeeded", 100, 1200)
        assert done["download_url"] in text
