"""How the shared stores (SQLite, Redis) write jobs and the clock: compact JSON text.

A job is one JSON object with its transitions inside, so reading a job is one lookup and one
``json.loads``.  Its ``fields`` must be JSON values (they come from YAML fixtures and JSON request
bodies, so they are); a tuple comes back as a list, as it would through the HTTP API.
"""

from __future__ import annotations

import json
from typing import Any

from jobmock.model.clock import ClockError, ClockState
from jobmock.model.lifecycle import Job, Transition


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def dump_job(job: Job) -> str:
    return _dumps(
        {
            "api": job.api,
            "id": job.id,
            "tenant": job.tenant,
            "scenario": job.scenario,
            "created_at": job.created_at,
            "fields": job.fields,
            "transitions": [[tr.at, tr.to] for tr in job.transitions],
        }
    )


def load_job(text: str | bytes) -> Job:
    record: dict[str, Any] = json.loads(text)
    return Job(
        record["api"],
        record["id"],
        record["tenant"],
        record["scenario"],
        record["created_at"],
        record["fields"],
        tuple(Transition(at, to) for at, to in record["transitions"]),
    )


def dump_clock(state: ClockState) -> str:
    return _dumps(
        {
            "mode": state.mode,
            "speed": state.speed,
            "anchor_wall": state.anchor_wall,
            "anchor_mock": state.anchor_mock,
        }
    )


def load_clock(text: str | bytes) -> ClockState:
    """The stored clock; ClockError if it is not one (`Mock.clock` then repairs it)."""
    try:
        record = json.loads(text)
        return ClockState(**record)
    except ClockError:
        raise
    except (ValueError, TypeError, RecursionError) as exc:  # not JSON, not an object, wrong keys
        raise ClockError(f"not a clock: {exc}") from None
