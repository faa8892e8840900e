"""jobmock's control API (`/_mock`, specs/control.yaml): jobs, transitions and the clock, scriptable."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from connexion.lifecycle import ConnexionResponse

from jobmock.engine.mock import Mock
from jobmock.engine.story import progress, story
from jobmock.errors import Conflict, Unprocessable
from jobmock.frontend import fault_injection as fault_control
from jobmock.frontend import faults
from jobmock.journal.recorder import Journal, journal_of
from jobmock.model.lifecycle import Job
from jobmock.model.timestamps import rfc3339

# Operations also declare application/problem+json (errors), so connexion needs the type named.
JSON = {"Content-Type": "application/json"}


async def job_resource(mock: Mock, job: Job) -> dict[str, Any]:
    runtime = mock.runtime(job.api)
    view = await mock.describe(job.api, job)
    return {
        "id": job.id,
        "api": job.api,
        "tenant": job.tenant,
        "scenario": job.scenario,
        "status": view.status,
        "terminal": view.snapshot.terminal,
        "status_path": runtime.status_path(job),
        "headers": runtime.client_headers(job.tenant),
        "created_at": rfc3339(job.created_at, 3),
        "progress": round(progress(view), 4),
    }


async def list_apis(mock: Mock) -> Any:
    return (
        [
            {
                "name": runtime.name,
                "title": runtime.spec.title,
                "prefix": runtime.prefix,
                "openapi": f"{runtime.prefix}/openapi.json",
                "docs": f"{runtime.prefix}/ui/",
            }
            for runtime in mock.apis.values()
        ],
        200,
        JSON,
    )


async def list_scenarios(mock: Mock, api: str) -> Any:
    fixture = mock.runtime(api).fixture
    return (
        [
            {
                "name": scenario.name,
                "description": scenario.description,
                "phases": [{"status": p.status, "seconds": p.seconds} for p in scenario.phases],
            }
            for scenario in fixture.scenarios.values()
        ],
        200,
        JSON,
    )


async def list_tenants(mock: Mock, api: str) -> Any:
    fixture = mock.runtime(api).fixture
    return (
        [
            {"name": name, "headers": mock.runtime(api).client_headers(name)}
            for name in fixture.tenants
        ],
        200,
        JSON,
    )


async def create_job(mock: Mock, api: str, body: dict[str, Any] | None = None) -> Any:
    body = body or {}
    job = await mock.create(
        api, scenario=body.get("scenario"), tenant=body.get("tenant"), fields=body.get("fields")
    )
    return await job_resource(mock, job), 201, JSON


async def list_jobs(mock: Mock, api: str, tenant: str | None = None) -> Any:
    return [await job_resource(mock, job) for job in await mock.jobs(api, tenant)], 200, JSON


async def get_job(mock: Mock, api: str, id: str) -> Any:
    return await job_resource(mock, await mock.get(api, id)), 200, JSON


async def get_job_story(mock: Mock, api: str, id: str) -> Any:
    resource = await job_resource(mock, await mock.get(api, id))
    recorder = journal_of(mock)
    polls = []
    if recorder is not None and recorder.keep:
        path = resource["status_path"]
        polls = [e for e in await recorder.entries(api) if e["path"] == path]
    return await story(mock, api, id, resource, polls), 200, JSON


async def delete_job(mock: Mock, api: str, id: str) -> Any:
    await mock.delete(api, id)
    return ConnexionResponse(status_code=204)  # no body, so no Content-Type


async def transition_job(mock: Mock, api: str, id: str, body: dict[str, Any]) -> Any:
    return await job_resource(mock, await mock.transition(api, id, body["to"])), 200, JSON


async def clock_resource(mock: Mock) -> dict[str, Any]:
    state = await mock.clock()
    return {"mode": state.mode, "speed": state.speed, "now": rfc3339(await mock.now(), 3)}


async def get_clock(mock: Mock) -> Any:
    return await clock_resource(mock), 200, JSON


async def set_clock(mock: Mock, body: dict[str, Any]) -> Any:
    await mock.change_clock(
        advance=body.get("advance_seconds"), speed=body.get("speed"), mode=body.get("mode")
    )
    return await clock_resource(mock), 200, JSON


async def reset(mock: Mock) -> Any:
    recorder = journal_of(mock)
    if (
        recorder is not None
    ):  # the store's journal is cleared with the rest; this worker's batch too
        recorder.discard()
    return {"jobs": await mock.reset()}, 200, JSON


async def get_faults(mock: Mock) -> Any:
    return (await fault_control.control_of(mock).current()).to_json(), 200, JSON


async def set_faults(mock: Mock, body: dict[str, Any]) -> Any:
    control = fault_control.control_of(mock)
    try:
        settings = faults.FaultSettings(
            enabled=body.get("enabled", True),
            seed=body.get("seed", control.baseline.seed),
            faults=tuple(faults.parse_fault(raw) for raw in body.get("faults", ())),
        )
        settings = await control.replace(settings)
    except faults.FaultError as exc:
        raise Unprocessable(str(exc), slug="invalid_fault") from None
    return settings.to_json(), 200, JSON


async def delete_faults(mock: Mock) -> Any:
    control = fault_control.control_of(mock)
    await control.replace(faults.FaultSettings(seed=control.baseline.seed))
    return ConnexionResponse(status_code=204)


def journal(mock: Mock) -> Journal:
    found = journal_of(mock)
    if found is None or not found.keep:
        raise Conflict(
            "the request journal is off (jobmock serve --no-journal)", slug="journal_off"
        )
    return found


async def list_requests(
    mock: Mock,
    api: str | None = None,
    status: str | None = None,
    since: str | None = None,
    tenant: str | None = None,
) -> Any:
    if api is not None:
        mock.runtime(api)  # an unknown API: 404
    moment = None if since is None else datetime.fromisoformat(since.replace("z", "Z"))
    if moment is not None and moment.tzinfo is None:  # RFC 3339 always has an offset
        moment = moment.replace(tzinfo=UTC)
    return await journal(mock).entries(api, status, moment, tenant), 200, JSON


async def clear_requests(mock: Mock) -> Any:
    await journal(mock).clear()
    return ConnexionResponse(status_code=204)


OPERATIONS = {
    "list_requests": list_requests,
    "clear_requests": clear_requests,
    "list_apis": list_apis,
    "list_scenarios": list_scenarios,
    "list_tenants": list_tenants,
    "create_job": create_job,
    "list_jobs": list_jobs,
    "get_job": get_job,
    "get_job_story": get_job_story,
    "delete_job": delete_job,
    "transition_job": transition_job,
    "get_clock": get_clock,
    "set_clock": set_clock,
    "reset": reset,
    "get_faults": get_faults,
    "set_faults": set_faults,
    "delete_faults": delete_faults,
}
