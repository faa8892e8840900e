"""The coverage gate: the in-process runs, both clocks together, reached every declared status
code of every operation and every phase status of every scenario.

Codes the mock can never legitimately answer are excluded below, one line of reason each.
"""

from __future__ import annotations

from typing import Any

import pytest

from jobmock.contract import Observation, Observations, gaps
from jobmock.contract.coverage import declared_codes
from tests.contract.conftest import ALL_APIS, CLOCKS, contract_run

# (api, operation, status code): why jobmock never answers it.
MATCHER_JOB = "GET /v1/imports/contexts/{contextId}/jobs/{jobId}"
MATCHER_LIST = "GET /v1/imports/contexts/{contextId}/jobs"
MATCHER_UPLOAD = "POST /v1/imports/contexts/{contextId}/sources/{sourceId}/upload"
TOO_BIG = "needs a body over the upload limit, too big for a unit run (tests/handlers covers it)"
GU1_UPLOADS = (
    "POST /batch-import/import/transactions",
    "POST /batch-import/import/entities",
    "POST /batch-import/import/user-events",
    "POST /transactions/batch/upload",
)
GU1_SCOPES = "a key without the import scope; runs send as the tenant's full key and replay only "
GU1_SCOPES += "reads as other keys (tests/handlers covers the 403)"
STORE_DOWN = "needs the store down or busy (tests/handlers/test_store_outages.py covers the 503)"
CLARET_STATUS = "GET /{tenant}/api/v1/imports/status/{job_log_id}"
UNEXPECTED = "Matcher's 'unexpected error': jobmock has no failure of its own to report"
EXCLUDED: dict[tuple[str, str, int], str] = {
    ("matcher", MATCHER_JOB, 500): UNEXPECTED,
    ("matcher", MATCHER_LIST, 500): UNEXPECTED,
    ("matcher", MATCHER_UPLOAD, 500): UNEXPECTED,
    ("matcher", MATCHER_UPLOAD, 202): "needs a parseable transaction file for a mapped source "
    "of the context; generated multipart bodies never are one (tests/handlers covers the 202)",
    ("matcher", MATCHER_UPLOAD, 413): "needs a body over 100 MB, too big for a unit run "
    "(tests/handlers covers the 413)",
    ("matcher", MATCHER_UPLOAD, 409): "needs a second upload with the same idempotency key while "
    "the first is still streaming; generated requests run one at a time (tests/handlers covers the 409)",
    ("claret", "POST /{tenant}/api/v1/inventory/import/process", 413): TOO_BIG,
    **{("gu1", upload, 413): TOO_BIG for upload in GU1_UPLOADS},
    **{("gu1", upload, 403): GU1_SCOPES for upload in GU1_UPLOADS},
    ("control", "GET /apis/{api}/jobs", 404): "generation is fed the real API names, so an unknown "
    "one comes only by chance (tests/handlers/test_control.py::test_unknown_api_job_and_scenario pins it)",
    ("control", "POST /clock", 409): "needs mock time within 100 years of 9999-12-31, which "
    "takes some 80 maximal advances in one run (tests/handlers/test_control.py pins the 409)",
    **{
        ("claret", route, 302): "Laravel's redirects (to the login page, or back) need a request "
        "without X-Requested-With: XMLHttpRequest; runs send the tenant's headers, that one "
        "included (tests/handlers/test_claret.py and test_claret_upload.py cover the 302s)"
        for route in (
            CLARET_STATUS,
            "POST /{tenant}/api/v1/inventory/import/process",
            "POST /{tenant}/api/v1/tokens/create",
        )
    },
    **{
        ("control", route, 409): "needs a server started with --no-journal; the contract run keeps "
        "a journal (tests/journal/test_journal.py pins the 409)"
        for route in ("GET /requests", "DELETE /requests")
    },
    ("seekr", "GET /v1/flow/alignment/ingestion/{ingestion_job_id}", 422): "its one parameter "
    "is a free string path segment: FastAPI has nothing to refuse, so SeekrFlow never answers 422",
}


def observed() -> Observations:
    union = Observations()
    for clock in CLOCKS:
        union.update(contract_run(clock).observations)
    return union


def document_of(api: str) -> dict[str, Any]:
    for clock in CLOCKS:
        for target_api, doc in contract_run(clock).documents.items():
            if target_api == api:
                return doc
    raise LookupError(api)


@pytest.mark.parametrize("api", ALL_APIS)
def test_every_declared_code_and_scenario_state_was_reached(api: str) -> None:
    scenarios = next(
        (r.scenarios[api] for r in map(contract_run, CLOCKS) if api in r.scenarios), {}
    )
    document = document_of(api)
    store_down = {  # every vendor operation declares it (overlays): a run's store never fails
        (api, operation, 503): STORE_DOWN
        for operation, codes in declared_codes(document).items()
        if 503 in codes
    }
    missed = gaps(api, document, scenarios, observed(), {**EXCLUDED, **store_down})
    assert not missed, "never reached:\n" + "\n".join(map(str, missed))


def test_exclusions_name_declared_codes() -> None:
    stale = [
        key
        for key in EXCLUDED
        if key[2] not in declared_codes(document_of(key[0])).get(key[1], set())
    ]
    assert not stale, f"excluded codes the spec does not declare: {stale}"


def test_the_gate_names_an_operation_no_run_reached() -> None:
    """The gate fails on what was not covered: an operation never called, a code never answered,
    a scenario state never shown (here with a run that called one of two operations)."""
    document: dict[str, Any] = {
        "paths": {
            "/jobs/{id}": {"get": {"responses": {"200": {}, "404": {}}}},
            "/jobs": {"post": {"responses": {"202": {}}}},
        }
    }
    seen = Observations()
    seen.add(Observation("demo", "GET /jobs/{id}", 200, "DONE", "fast"))
    missed = [str(gap) for gap in gaps("demo", document, {"fast": ("QUEUED", "DONE")}, seen)]
    assert missed == [
        "demo: GET /jobs/{id} never answered 404",
        "demo: POST /jobs never answered 202",
        "demo: scenario 'fast' never showed status 'QUEUED'",
    ]
