"""`require`: a missing tool skips a test on a developer's machine and fails it under CI."""

from __future__ import annotations

import pytest

from tests.requirements import in_ci, require


@pytest.mark.parametrize("value", ["true", "True", "1", "yes"])
def test_a_missing_tool_fails_under_ci(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("CI", value)
    assert in_ci()
    with pytest.raises(pytest.fail.Exception, match="CI=true and redis-server is not installed"):
        require(None, "redis-server is not installed")


@pytest.mark.parametrize("value", [None, "", "false", "0"])
def test_a_missing_tool_skips_elsewhere(monkeypatch: pytest.MonkeyPatch, value: str | None) -> None:
    if value is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", value)
    assert not in_ci()
    with pytest.raises(pytest.skip.Exception, match="chromium is not installed"):
        require(False, "chromium is not installed")


def test_a_present_tool_lets_the_test_go_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    require("/usr/bin/node", "Node.js is not installed")
