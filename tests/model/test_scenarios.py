"""jobmock.model.scenarios: what makes a phase, a scenario and a status model valid, and a scenario fit."""

from __future__ import annotations

import math

import pytest

from jobmock.model.scenarios import (
    Phase,
    Scenario,
    ScenarioError,
    StatusModel,
    UnknownStatus,
    check_scenario,
)

MODEL = StatusModel(("QUEUED", "PAUSED", "PROCESSING"), ("COMPLETED", "FAILED", "CANCELLED"))


@pytest.mark.parametrize(
    ("phases", "message"),
    [
        ([], "no phases"),
        ([Phase("QUEUED", 5)], "exactly the last phase must be terminal"),
        ([Phase("COMPLETED", None), Phase("COMPLETED", None)], "exactly the last phase"),
        ([Phase("QUEUED", 5, {"n": 0.5}), Phase("DONE", None, {"n": 0.4})], "goes back"),
    ],
)
def test_invalid_scenarios(phases: list[Phase], message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        Scenario("bad", tuple(phases))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"status": "QUEUED", "seconds": 0}, "seconds must be a number > 0"),
        ({"status": "QUEUED", "seconds": -1.0}, "seconds must be a number > 0"),
        ({"status": "QUEUED", "seconds": math.inf}, "seconds must be a number > 0"),
        ({"status": "", "seconds": 1}, "non-empty"),
        ({"status": "QUEUED", "seconds": 1, "progress": {"n": 1.5}}, "fraction in"),
        ({"status": "QUEUED", "seconds": 1, "progress": {"n": math.nan}}, "fraction in"),
    ],
)
def test_invalid_phases(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        Phase(**kwargs)  # type: ignore[arg-type]


def test_build_rejects_unknown_keys() -> None:
    with pytest.raises(ScenarioError, match="needs 'status'"):
        Scenario.build("bad", [{"status": "QUEUED", "duration": 5}, {"status": "COMPLETED"}])


@pytest.mark.parametrize(
    ("phases", "message"),
    [
        ([Phase("QUEUED", 1), Phase("DONE", None)], "'DONE' is not one of"),
        ([Phase("PROCESSING", 1), Phase("QUEUED", 1), Phase("COMPLETED", None)], "goes back"),
        ([Phase("QUEUED", 1), Phase("FAILED", 1), Phase("COMPLETED", None)], "non-terminal"),
        ([Phase("QUEUED", 1), Phase("PROCESSING", None)], "used as a terminal"),
    ],
)
def test_check_scenario_against_the_model(phases: list[Phase], message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        check_scenario(Scenario("bad", tuple(phases)), MODEL)


def test_status_model() -> None:
    assert [MODEL.rank(s) for s in ("QUEUED", "PAUSED", "PROCESSING")] == [0, 1, 2]
    assert MODEL.rank("COMPLETED") == MODEL.rank("CANCELLED") == 3
    assert MODEL.is_terminal("FAILED") and not MODEL.is_terminal("QUEUED")
    assert "PAUSED" in MODEL and "BOGUS" not in MODEL
    with pytest.raises(UnknownStatus, match="BOGUS"):
        MODEL.rank("BOGUS")
    with pytest.raises(LookupError):
        MODEL.is_terminal("BOGUS")
    with pytest.raises(ScenarioError, match="distinct"):
        StatusModel(("QUEUED",), ("QUEUED",))
    with pytest.raises(ScenarioError, match="terminal"):
        StatusModel(("QUEUED",), ())
