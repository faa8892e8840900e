"""The README's frontend sections tell the truth: each curl line answers the status written under it
(`# -> NNN`), every `--fault` it shows parses, its fixture example loads."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import yaml
from starlette.testclient import TestClient

from jobmock.config import Config
from jobmock.frontend.faults import parse_fault, parse_option
from jobmock.serving.app import create_app

README = Path(__file__).resolve().parents[2] / "README.md"


def section(start: str, end: str = "\n## ") -> str:
    text = README.read_text()
    begin = text.index(start)
    return text[begin : text.index(end, begin)]


def curls(text: str) -> list[tuple[list[str], int | None]]:
    """(curl words, expected status) for each `curl` line, from the `# -> NNN` line after it."""
    lines = text.replace("\\\n", " ").splitlines()
    found = []
    for index, line in enumerate(lines):
        if line.strip().startswith("curl "):
            after = lines[index + 1] if index + 1 < len(lines) else ""
            match = re.match(r"# -> (\d{3})", after.strip())
            found.append((shlex.split(line), int(match.group(1)) if match else None))
    return found


def run(client: TestClient, words: list[str]) -> Any:
    method, headers, body, url = "GET", {}, None, ""
    args = iter(words[1:])
    for word in args:
        if word == "-X":
            method = next(args)
        elif word == "-H":
            name, _, value = next(args).partition(": ")
            headers[name] = value
        elif word == "-d":
            body = next(args)
        elif word.startswith("localhost:8000/"):
            url = word.removeprefix("localhost:8000")
    return client.request(method, url, headers=headers, content=body)


def test_every_override_and_fault_curl_answers_as_written() -> None:
    commands = curls(section("#### Every state on demand"))
    assert len(commands) >= 10
    with TestClient(create_app(Config(clock="manual"))) as client:
        for words, status in commands:
            if "OPTIONS" in words:
                continue
            response = run(client, words)
            assert status is not None, f"no `# -> NNN` under {' '.join(words)}"
            assert response.status_code == status, (words, response.text)


def test_the_cors_curl_is_a_preflight_that_passes() -> None:
    [(words, _)] = curls(section("#### CORS", "#### Every state"))
    origin = "https://preview.example.dev"  # what the README's serve line allows
    with TestClient(create_app(Config(clock="manual", cors_origins=(origin,)))) as client:
        response = run(client, words)
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == origin


def test_the_fault_options_and_fixture_example_parse() -> None:
    text = section("#### Latency and faults")
    options = re.findall(r"--fault (\S+)", text)
    assert len(options) == 3
    for option in options:
        parse_option(option)
    example = re.search(r"```yaml\n(.*?)```", text, re.S)
    assert example is not None
    for raw in yaml.safe_load(example.group(1))["faults"]:
        parse_fault(raw, api="matcher")
