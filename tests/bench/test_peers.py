"""bench/peers.py: WireMock's stub for the measured route, and when a JIT-compiled peer counts as warm."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from bench.peers import mockoon_argv, steady, wiremock_argv, wiremock_stub

PATH = "/v1/imports/contexts/c/jobs/j"
BODY = b'{"id": "j", "status": "PROCESSING"}'


def test_the_stub_matches_the_route_and_its_auth_header_by_value() -> None:
    stub = wiremock_stub(PATH, {"Authorization": "Bearer t0k"}, BODY)
    assert stub["request"] == {
        "method": "GET",
        "urlPath": PATH,
        "headers": {"Authorization": {"equalTo": "Bearer t0k"}},
    }
    assert stub["response"]["status"] == 200
    assert json.loads(stub["response"]["body"]) == json.loads(BODY)  # jobmock's own body


def test_wiremock_reads_its_one_stub_from_the_root_folder(tmp_path: Path) -> None:
    (tmp_path / "node_modules" / "wiremock" / "build").mkdir(parents=True)
    jar = tmp_path / "node_modules" / "wiremock" / "build" / "wiremock-standalone-3.13.2.jar"
    jar.write_bytes(b"")
    argv = wiremock_argv(tmp_path, tmp_path / "root", PATH, {"Authorization": "Bearer t"}, BODY)
    assert argv[1:3] == ["-jar", str(jar)]
    assert argv[argv.index("--root-dir") + 1] == str(tmp_path / "root")
    written = json.loads((tmp_path / "root" / "mappings" / "status.json").read_text())
    assert written["request"]["urlPath"] == PATH
    assert "<port>" in argv and "127.0.0.1" in argv


def test_mockoon_is_given_the_document_as_written() -> None:
    argv = mockoon_argv(Path("/n"), Path("/specs/matcher.yaml"))
    assert argv[1:4] == ["start", "--data", "/specs/matcher.yaml"]


def test_warm_after_two_rounds_in_a_row_cost_the_same() -> None:
    assert steady([900.0, 300.0, 290.0]) is True
    assert steady([900.0, 300.0, 200.0]) is False  # still getting cheaper: still compiling
    assert steady([300.0, 300.0]) is False  # the first round is never trusted


@given(st.lists(st.floats(min_value=1, max_value=1e4), min_size=3, max_size=10))
def test_steady_reads_only_the_last_two_rounds(costs: list[float]) -> None:
    last, previous = costs[-1], costs[-2]
    assert steady(costs) is (abs(last - previous) / previous <= 0.05)
