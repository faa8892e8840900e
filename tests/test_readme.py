"""The README tells the truth: its curl lines work and every `serve` option is documented."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
from starlette.testclient import TestClient

from jobmock.cli import serve
from jobmock.config import Config
from jobmock.serving.app import create_app

README = Path(__file__).resolve().parents[1] / "README.md"


def shell_blocks(text: str) -> list[str]:
    return re.findall(r"^```(?:sh|bash|shell|console)\s*\n(.*?)^```", text, re.M | re.S)


def test_readme_opens_with_install_and_run_then_install_and_test() -> None:
    first, second = shell_blocks(README.read_text())[:2]
    assert "pip install ." in first and "jobmock serve" in first
    assert "pip install" in second and "pytest" in second
    # CI runs that block (.ci/run): it checks lint, format and types as well as the tests
    for check in ("ruff check .", "ruff format --check .", "mypy jobmock handlers tests"):
        assert check in second, f"the README's test block does not run {check!r}"


def curl_commands(text: str) -> list[list[str]]:
    joined = text.replace("\\\n", " ")
    lines = [
        shlex.split(line) for line in joined.splitlines() if line.strip().startswith("curl -s ")
    ]
    bundled = ("matcher", "crosmos", "gu1", "seekr", "claret", "_mock")  # `jobmock serve`'s own
    return [
        words
        for words in lines
        if words[2].startswith("localhost:8000/")
        and words[2].removeprefix("localhost:8000/").split("/")[0] in bundled
    ]


def test_every_status_curl_in_the_readme_answers_200() -> None:
    commands = [c for c in curl_commands(README.read_text()) if "/_mock/" not in c[2]]
    assert len(commands) >= 5
    with TestClient(create_app(Config(clock="manual"))) as client:
        for command in commands:
            url = command[2].removeprefix("localhost:8000")
            headers = dict(h.split(": ", 1) for h in command[command.index("-H") + 1 :: 2])
            response = client.get(url, headers=headers)
            assert response.status_code == 200, f"{url}: {response.status_code} {response.text}"


def test_every_serve_option_is_documented() -> None:
    text = README.read_text()
    options = [
        opt
        for param in serve.params
        if isinstance(param, click.Option)
        for opt in param.opts
        if opt.startswith("--")
    ]
    missing = [opt for opt in options if opt not in text and opt != "--help"]
    assert not missing, f"README does not mention {missing}"
