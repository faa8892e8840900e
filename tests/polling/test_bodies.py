"""Status answers are the document's schema filled with the job's values: valid at every moment of
every scenario, and the binding's `fields` place values names cannot tell."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from jobmock.http.validators import FORMAT_CHECKER
from jobmock.stateless.documents import load_document
from tests.polling.conftest import KEY, REPORTS, served
from tests.polling.test_binding import edit

DOCUMENT = load_document(REPORTS / "openapi.yaml", "reports").document
REPORT = Draft202012Validator(
    {**DOCUMENT["components"]["schemas"]["Report"], "components": DOCUMENT["components"]},
    format_checker=FORMAT_CHECKER,
)


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    kind=st.sampled_from(["sales", "inventory", "customers"]),
    moments=st.lists(st.floats(min_value=0, max_value=30), min_size=1, max_size=4),
)
def test_every_answer_is_valid_against_the_schema(kind: str, moments: list[float]) -> None:
    with served(REPORTS, validate_responses=False) as client:
        created = client.post("/reports", json={"kind": kind, "format": "xlsx"}, headers=KEY)
        assert REPORT.is_valid(created.json())
        for seconds in moments:
            client.post("/_mock/clock", json={"advance_seconds": seconds})
            polled = client.get(created.headers["location"], headers=KEY)
            errors = [e.message for e in REPORT.iter_errors(polled.json())]
            assert errors == []
            assert polled.json()["id"] == created.json()["id"]


def test_fields_place_a_job_field_where_names_cannot_tell(project: Path) -> None:
    # rows_written is a counter by name; map it to the total instead, explicitly
    edit(project, "  counters:", "  fields: {/rows_written: field.total_rows}\n  counters:")
    with served(project) as client:
        created = client.post("/reports", json={"kind": "sales", "format": "csv"}, headers=KEY)
        polled = client.get(created.headers["location"], headers=KEY).json()
        assert (polled["status"], polled["rows_written"]) == ("queued", 1200)
