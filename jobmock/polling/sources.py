"""What a job's status answer can be filled with, and which property names ask for what.

A source is a function of the job's view; it returns a value, or ABSENT when it does not apply
now (no `finished_at` before the job finished): the property is then null, or left out, or kept
as generated, whichever its schema allows. `NAMES` maps property names (lower case, without `_`
or `-`) to sources; a fixture's `binding.fields` names a source for any pointer explicitly.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jobmock.model.lifecycle import count

ABSENT = object()

OUTCOMES = ("success", "failure", "cancelled")

# words of terminal statuses, by outcome (matched as whole words, any case)
OUTCOME_WORDS: dict[str, tuple[str, ...]] = {
    "cancelled": ("cancelled", "canceled", "cancel", "aborted", "abort", "revoked", "stopped"),
    "failure": (
        "failed",
        "failure",
        "fail",
        "error",
        "errored",
        "rejected",
        "expired",
        "timeout",
        "timedout",
        "invalid",
        "crashed",
        "dead",
    ),
    "success": (
        "completed",
        "complete",
        "succeeded",
        "success",
        "successful",
        "done",
        "finished",
        "ready",
        "available",
        "processed",
        "ok",
        "exported",
        "imported",
        "delivered",
    ),
}

if TYPE_CHECKING:
    from jobmock.engine.mock import JobView


def words(value: str) -> list[str]:
    return [w for w in re.split(r"[^a-z0-9]+", value.lower()) if w]


def outcome_of(status: str) -> str:
    """The outcome a terminal status word suggests (success when none does)."""
    found = words(status)
    for outcome in ("cancelled", "failure", "success"):
        if any(word in OUTCOME_WORDS[outcome] for word in found):
            return outcome
    return "success"


def finished_looking(value: str) -> bool:
    joined = "".join(words(value))
    return any(
        word in OUTCOME_WORDS[outcome] or joined in OUTCOME_WORDS[outcome]
        for outcome in OUTCOMES
        for word in words(value)
    )


@dataclass(frozen=True)
class Facts:
    """What sources read besides the view: the binding's outcomes and counter totals."""

    outcomes: Mapping[str, str]
    totals: Mapping[str, float | str]
    result_url: str  # where a successful job's result is; `{id}` is the job's id

    def outcome(self, view: JobView) -> str | None:
        return self.outcomes.get(view.status) if view.snapshot.terminal else None

    def total(self, view: JobView, counter: str) -> float:
        total = self.totals.get(counter, 100)
        if isinstance(total, str):
            total = view.fields.get(total, 0)
        return float(total) if isinstance(total, int | float) else 0.0


Source = Callable[["JobView", Facts], Any]


def _created(view: JobView, facts: Facts) -> Any:
    return Moment(view.job.created_at)


def _started(view: JobView, facts: Facts) -> Any:
    path = view.snapshot.path
    return Moment(view.snapshot.entered[path[1]]) if len(path) > 1 else ABSENT


def _updated(view: JobView, facts: Facts) -> Any:
    return Moment(max(view.snapshot.entered.values()))


def _finished(view: JobView, facts: Facts) -> Any:
    return Moment(view.snapshot.entered[view.status]) if view.snapshot.terminal else ABSENT


def _failed(view: JobView, facts: Facts) -> Any:
    return _finished(view, facts) if facts.outcome(view) == "failure" else ABSENT


def _cancelled(view: JobView, facts: Facts) -> Any:
    return _finished(view, facts) if facts.outcome(view) == "cancelled" else ABSENT


def _error(view: JobView, facts: Facts) -> Any:
    if facts.outcome(view) != "failure":
        return ABSENT
    # invented wording unless the scenario's fields give one (x-jobmock: invented)
    return str(view.fields.get("error", f"The job ended {view.status}."))


def _error_code(view: JobView, facts: Facts) -> Any:
    if facts.outcome(view) != "failure":
        return ABSENT
    return str(view.fields.get("error_code", view.status))


def _result(view: JobView, facts: Facts) -> Any:
    if facts.outcome(view) != "success":
        return ABSENT
    return str(view.fields.get("result_url", facts.result_url)).replace("{id}", view.job.id)


def fraction(view: JobView, facts: Facts) -> float:
    """How far the job is: its `progress` counter, else 1 once it succeeded, else 0."""
    if "progress" in view.snapshot.counters:
        return float(view.snapshot.counters["progress"])
    return 1.0 if facts.outcome(view) == "success" else 0.0


def _percent(view: JobView, facts: Facts) -> Any:
    return Percent(fraction(view, facts))


def _status(view: JobView, facts: Facts) -> Any:
    return view.status


def _id(view: JobView, facts: Facts) -> Any:
    return view.job.id


@dataclass(frozen=True)
class Moment:
    """A point in mock time, written as its property's schema wants (date-time, date, epoch)."""

    t: float


@dataclass(frozen=True)
class Percent:
    """A fraction of the work, written 0-100 or 0-1 as its property's schema bounds it."""

    fraction: float


SOURCES: dict[str, Source] = {
    "id": _id,
    "status": _status,
    "created": _created,
    "started": _started,
    "updated": _updated,
    "finished": _finished,
    "failed": _failed,
    "cancelled": _cancelled,
    "error": _error,
    "error_code": _error_code,
    "result": _result,
    "progress": _percent,
}

NAMES: dict[str, str] = {
    **dict.fromkeys(["id", "jobid", "taskid"], "id"),
    **dict.fromkeys(["status", "state", "jobstatus", "phase"], "status"),
    **dict.fromkeys(
        [
            "createdat",
            "created",
            "createdtime",
            "createdon",
            "submittedat",
            "requestedat",
            "queuedat",
            "enqueuedat",
        ],
        "created",
    ),
    **dict.fromkeys(
        ["startedat", "started", "starttime", "startedon", "processingat", "runningat"], "started"
    ),
    **dict.fromkeys(
        ["updatedat", "updated", "lastupdated", "modifiedat", "lastmodified"], "updated"
    ),
    **dict.fromkeys(
        [
            "finishedat",
            "completedat",
            "endedat",
            "endtime",
            "finishedon",
            "completedon",
            "doneat",
            "succeededat",
        ],
        "finished",
    ),
    **dict.fromkeys(["failedat", "erroredat", "rejectedat", "abortedat"], "failed"),
    **dict.fromkeys(["cancelledat", "canceledat"], "cancelled"),
    **dict.fromkeys(
        [
            "error",
            "errormessage",
            "failurereason",
            "failuremessage",
            "reason",
            "errordetail",
            "errordescription",
        ],
        "error",
    ),
    **dict.fromkeys(["errorcode", "failurecode"], "error_code"),
    **dict.fromkeys(
        [
            "downloadurl",
            "resulturl",
            "resultlink",
            "downloadlink",
            "fileurl",
            "outputurl",
            "result",
            "download",
            "url",
            "href",
        ],
        "result",
    ),
    **dict.fromkeys(
        [
            "progress",
            "percent",
            "percentage",
            "percentcomplete",
            "progresspercent",
            "completion",
            "completionpercentage",
            "percentdone",
        ],
        "progress",
    ),
}


def normal(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def source_for(name: str, counters: set[str], fields: Mapping[str, Any]) -> str | None:
    """The source a property named `name` asks for: a counter or field of that name, else its
    `NAMES` entry."""
    if name in counters:
        return f"counter.{name}"
    if name in fields:
        return f"field.{name}"
    return NAMES.get(normal(name))


def value_of(what: str, view: JobView, facts: Facts) -> Any:
    kind, _, name = what.partition(".")
    if kind == "counter":
        return count(int(facts.total(view, name)), view.snapshot.counters.get(name, 0.0))
    if kind == "field":
        return view.fields.get(name, ABSENT)
    return SOURCES[what](view, facts)
