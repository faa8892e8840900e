"""Every operation of every served spec passes every schemathesis check, in-process."""

from __future__ import annotations

import pytest
import schemathesis
from schemathesis.checks import CHECKS
from schemathesis.core.result import Ok

from jobmock.contract import CheckFailure, ContractOptions
from jobmock.contract.output import render_summary
from jobmock.contract.schemas import content_refusals, schemathesis_config
from jobmock.documents.specs import load_spec
from jobmock.engine import resources
from tests.contract.conftest import ALL_APIS, CLOCKS, FRESH, REPLAY, RUNS, contract_run
from tests.contract.known import known

# schemathesis checks that cannot apply to jobmock, with why (they stay enabled all the same).
INAPPLICABLE = {
    "max_response_time": "no response-time budget is declared (enabled only with a limit)",
    "object_level_authorization": "needs a WFC users document and listed or linked resources; "
    "tenant_isolation (jobmock.contract.hooks) does this job for single-route status APIs",
}


def describe(failures: list[CheckFailure]) -> str:
    lines = []
    for f in failures:
        lines += [f"{f.api} {f.operation}: {f.check} - {f.title}", f"  {f.message}", f"  {f.curl}"]
    return "\n".join(lines)


def test_every_check_is_on() -> None:
    config = schemathesis_config(ContractOptions(), 1, headers={}, base_url=None)
    checks = config.projects.get_default().checks
    names = set(CHECKS.get_all_names()) - set(INAPPLICABLE)
    off = sorted(n for n in names if not checks.get_by_name(name=n).enabled)
    assert not off, f"checks switched off: {off}"
    assert "tenant_isolation" in names


def test_a_content_refusal_is_acceptable_from_its_operation_only() -> None:
    """Matcher's list and upload may answer a schema-valid request with their marked 400; its job
    route may not, and every check stays on for all three."""
    document = load_spec(resources.specs_dir() / "matcher.yaml").document
    job_route = "GET /v1/imports/contexts/{contextId}/jobs/{jobId}"
    config = schemathesis_config(
        ContractOptions(),
        1,
        headers={},
        base_url=None,
        refusals=content_refusals(document),
        walks={job_route.removeprefix("GET "): 100},
    )
    schema = schemathesis.openapi.from_dict(document, config=config)
    accepted = {}
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result
        operation = result.ok()
        checks = schema.config.checks_config_for(operation=operation)
        off = [n for n in CHECKS.get_all_names() if not checks.get_by_name(name=n).enabled]
        assert set(off) <= set(INAPPLICABLE), f"{operation.label}: checks switched off: {off}"
        accepted[operation.label] = "400" in checks.positive_data_acceptance.expected_statuses
    assert accepted == {
        job_route: False,
        "GET /v1/imports/contexts/{contextId}/jobs": True,
        "POST /v1/imports/contexts/{contextId}/sources/{sourceId}/upload": True,
    }
    # the walk's examples go to the job route alone
    walked = {
        op.label: schema.config.generation_for(operation=op).max_examples
        for op in (r.ok() for r in schema.get_all_operations() if isinstance(r, Ok))
    }
    assert walked[job_route] == 100
    assert walked["GET /v1/imports/contexts/{contextId}/jobs"] == ContractOptions().max_examples


# every API under each run that serves it (the poll run leaves the control API out)
CASES = [(run, api) for run in (*CLOCKS, FRESH) for api in ALL_APIS if api in RUNS[run]["apis"]]


@pytest.mark.parametrize(("clock", "api"), CASES, ids=[f"{c}-{a}" for c, a in CASES])
def test_every_operation_passes_every_check(clock: str, api: str) -> None:
    """`clock` names the run: a clock's pinned one, or FRESH (a seed of this session's)."""
    result = contract_run(clock)
    operations = [op for op in result.operations if op.api == api]
    assert operations, f"{api}: no operation was tested"
    errors = [f"{op.operation}: {e}" for op in operations for e in op.errors]
    assert not errors, "\n".join(errors) + (f"\n{REPLAY}" if clock == FRESH else "")
    untested = [op.operation for op in operations if not op.calls]
    assert not untested, f"{api}: operations that got no request: {untested}"
    unexpected = [f for op in operations for f in op.failures if known(f) is None]
    replay = f"\n{REPLAY}" if clock == FRESH else ""
    assert not unexpected, (
        f"{api} in the {clock} run:\n{describe(unexpected)}\n{render_summary(result)}{replay}"
    )


def test_runs_are_replayable() -> None:
    result = contract_run(CLOCKS[0])
    assert result.seed == contract_run(CLOCKS[0]).seed
    assert all(f.curl.startswith(("curl", "#")) for f in result.failures)
