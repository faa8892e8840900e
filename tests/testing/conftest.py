"""Tests of the pytest plugin run it as a user does: test files in a scratch project (pytester)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

README = Path(__file__).resolve().parents[2] / "README.md"
SECTION = "## Test your Python client with pytest"
# what every run passes: the marker must be registered, and jobmock must not warn
STRICT = ("-p", "no:cacheprovider", "--strict-markers", "-W", "error")


def readme_example() -> str:
    """The README's pytest example, as written: the first Python block of its section."""
    text = README.read_text()
    section = text[text.index(SECTION) :]
    section = section[: section.index("\n## ", len(SECTION))]
    blocks = re.findall(r"^```python\n(.*?)^```", section, re.M | re.S)
    return str(blocks[0])


def run(pytester: pytest.Pytester, source: str, *args: str) -> pytest.RunResult:
    """Write `source` as a test file of a fresh project and run pytest on it, strictly.

    In a subprocess: an in-process run drops the modules it imported when it ends, and classes
    imported again later (httpcore's errors) no longer match what httpx already holds."""
    pytester.makepyfile(source)
    return pytester.runpytest_subprocess(*STRICT, *args)
