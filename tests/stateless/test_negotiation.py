"""Which declared media type answers a request's `Accept` (RFC 9110, section 12.5.1)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from starlette.testclient import TestClient

from jobmock.config import Config
from jobmock.serving.app import create_app
from jobmock.stateless.negotiation import accepted, is_json, negotiate

MEDIA = st.sampled_from(
    ["application/json", "application/problem+json", "text/plain", "text/csv", "image/png"]
)


def test_json_and_structured_json_suffixes_are_json() -> None:
    assert is_json("application/json; charset=utf-8")
    assert is_json("application/vnd.api+json")  # RFC 6839's +json suffix
    assert not is_json("text/json-seq")


def test_ranges_are_ordered_by_quality_and_q_zero_is_refused() -> None:
    # RFC 9110 12.4.2: "q=0" means "not acceptable"
    assert accepted("text/plain;q=0.5, application/json, image/png;q=0") == [
        (1.0, "application/json"),
        (0.5, "text/plain"),
    ]
    assert accepted(None) == [(1.0, "*/*")]  # no Accept: any media type (RFC 9110 12.5.1)


def test_the_most_wanted_range_decides_and_a_wildcard_takes_json_first() -> None:
    offered = ["text/csv", "application/json"]
    assert negotiate(offered, "text/csv, application/json;q=0.1") == "text/csv"
    assert negotiate(offered, "text/*") == "text/csv"
    assert negotiate(offered, "*/*") == "application/json"
    assert negotiate(offered, "image/png") is None


@given(st.lists(MEDIA, min_size=1, unique=True), st.lists(MEDIA, unique=True))
def test_the_answer_is_one_offered_and_one_the_request_takes(
    offered: list[str], wanted: list[str]
) -> None:
    chosen = negotiate(offered, ", ".join(wanted) or None)
    if not wanted:
        assert chosen in offered
    elif set(offered) & set(wanted):
        assert chosen in set(offered) & set(wanted)
    else:
        assert chosen is None


PLAIN = """\
openapi: 3.1.0
info: {title: Plain, version: '1'}
paths:
  /plain:
    get:
      responses:
        '200':
          description: a text
          content:
            text/plain:
              schema: {type: string}
"""


def test_a_media_type_the_request_does_not_accept_is_406(tmp_path: Path) -> None:
    (tmp_path / "plain.yaml").write_text(PLAIN)
    with TestClient(create_app(Config(documents=(f"={tmp_path / 'plain.yaml'}",)))) as client:
        response = client.get("/plain", headers={"Accept": "text/html"})
    assert response.status_code == 406
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "answers only text/plain"


def test_a_406_answers_the_documented_default_in_its_own_media_type(
    petstore30: TestClient,
) -> None:
    # petstore-3.0.yaml: GET /pets/{petId} declares `default` as application/json `Error`
    # (required code, message); a problem+json answer would be undocumented (DigitalOcean's
    # `Accept: application/yaml`, which its `Accept` parameter lists, ends here)
    response = petstore30.get("/pets/1", headers={"Accept": "application/yaml"})
    assert response.status_code == 406
    assert response.headers["content-type"] == "application/json"
    assert {"code", "message"} <= set(response.json())
