"""A job's story for the dashboard: its phases as a timeline, its progress, the body its status
route serves now, and the requests that polled it.

Everything is read, nothing is moved: the body is rendered from the job as it stands (a poll under
the poll clock would move it), and the polls come from the request journal.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from jobmock.engine.mock import JobView, Mock
from jobmock.model.timestamps import rfc3339

MAX_POLLS = 50


def _time(t: float | None) -> str | None:
    return None if t is None else rfc3339(t, 3)


def timeline(view: JobView, natural: bool) -> list[dict[str, Any]]:
    """Each phase: done, current, next or skipped, with when it started and ends (mock time)."""
    snap, phases = view.snapshot, view.scenario.phases
    current = snap.phase
    out: list[dict[str, Any]] = []
    upcoming = snap.ends_at if natural and current is not None else None
    for index, phase in enumerate(phases):
        entry: dict[str, Any] = {"status": phase.status, "seconds": phase.seconds}
        if current is None:  # a forced move left the scenario: only what it entered is known
            entered = snap.entered.get(phase.status)
            entry.update(
                state="done" if entered is not None else "skipped", starts_at=_time(entered)
            )
            entry["ends_at"] = None
        elif index < current:
            entry.update(state="done", starts_at=_time(snap.entered.get(phase.status)))
            entry["ends_at"] = None
        elif index == current:
            entry.update(state="current", starts_at=_time(snap.phase_started_at))
            entry["ends_at"] = _time(snap.ends_at)
        else:
            entry.update(state="next", starts_at=_time(upcoming), ends_at=None)
            if upcoming is not None and phase.seconds is not None:
                upcoming += phase.seconds
                entry["ends_at"] = _time(upcoming)
            elif phase.seconds is not None:
                upcoming = None
        out.append(entry)
    if current is None and snap.status not in {phase.status for phase in phases}:
        # forced off the scenario into a status of its own (a failure, a cancel): where it is now
        moved = _time(snap.entered.get(snap.status))
        out.append(
            {
                "status": snap.status,
                "seconds": None,
                "state": "current",
                "starts_at": moved,
                "ends_at": None,
            }
        )
    for before, after in pairwise(out):  # a done phase ended when the next began
        if before["state"] == "done" and before["ends_at"] is None:
            before["ends_at"] = after["starts_at"]
    return out


def progress(view: JobView) -> float:
    """How far along its scenario the job is: elapsed share of the timed phases (1 once terminal)."""
    snap, phases = view.snapshot, view.scenario.phases
    if snap.terminal:
        return 1.0
    timed = [phase.seconds or 0.0 for phase in phases if phase.seconds is not None]
    total = sum(timed)
    if snap.phase is None or not total:
        return 0.0
    done = sum(phase.seconds or 0.0 for phase in phases[: snap.phase])
    now = (phases[snap.phase].seconds or 0.0) * snap.fraction
    return max(0.0, min(1.0, (done + now) / total))


async def story(
    mock: Mock, api: str, job_id: str, job_resource: dict[str, Any], polls: list[dict[str, Any]]
) -> dict[str, Any]:
    runtime = mock.runtime(api)
    job = await mock.get(api, job_id)
    view = await mock.describe(api, job)
    return {
        "job": job_resource,
        "now": rfc3339(view.now, 3),
        "progress": round(progress(view), 4),
        "counters": dict(view.snapshot.counters),
        "phases": timeline(view, await mock.natural()),
        "body": runtime.render_body(view),
        "polls": polls[:MAX_POLLS],
    }
