"""`jobmock init SPEC`: the project folder it writes, what it prints, and then serve and poll it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from jobmock.cli import main
from tests.polling.conftest import KEY, REPORTS, served

BOOKSHELF = REPORTS.parent / "bookshelf" / "openapi.yaml"


def init(*arguments: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["init", *arguments])
    return result.exit_code, result.output


def test_init_finds_the_pair_status_scenarios_and_tenants(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    code, output = init(str(REPORTS / "openapi.yaml"), "--out", str(out))
    assert code == 0
    assert output.splitlines() == [
        f"jobmock init: wrote {out}/ (openapi.yaml, fixture.yaml)",
        "  jobs      createReport (POST /reports) starts a job; getReport (GET"
        " /reports/{reportId}) reports it",
        "            the id: link GetReport of its 202 answer -> {reportId}",
        "  status    /status of getReport's answer: queued, running -> succeeded | failed",
        "  scenarios succeeded, failed (default: succeeded)",
        "  tenants   dev, by any scheme: apiKey (X-API-Key: dev-reports-apiKey)",
        "  progress  /progress (counter progress)",
        f"next: jobmock serve {out}   then   jobmock contract {out}",
    ]
    assert (out / "openapi.yaml").read_bytes() == (REPORTS / "openapi.yaml").read_bytes()
    assert sorted(p.name for p in out.iterdir()) == ["fixture.yaml", "openapi.yaml"]


def test_the_written_folder_serves_jobs_that_reach_each_terminal_status(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    assert init(str(REPORTS / "openapi.yaml"), "--out", str(out))[0] == 0
    with served(out) as client:
        for scenario, progress in (("succeeded", 100), ("failed", 50)):
            made = client.post("/_mock/apis/reports/jobs", json={"scenario": scenario}).json()
            client.post("/_mock/clock", json={"advance_seconds": 12})  # 2 s queued, 10 running
            body = client.get(made["status_path"], headers=KEY).json()
            assert (body["status"], body["progress"]) == (scenario, progress)
        created = client.post("/reports", json={"kind": "sales", "format": "csv"}, headers=KEY)
        assert created.status_code == 202
        client.post("/_mock/clock", json={"advance_seconds": 12})
        assert client.get(created.headers["location"], headers=KEY).json()["status"] == "succeeded"


def test_what_init_cannot_decide_is_listed_and_points_serve_at_the_line(tmp_path: Path) -> None:
    out = tmp_path / "shelf"
    code, output = init(str(BOOKSHELF), "--out", str(out))
    assert code == 0
    assert "  to fill in (FILL-IN in" in output
    assert (
        "    binding/status/property: a JSON pointer to the status in the status answer" in output
    )
    fixture = out / "fixture.yaml"
    line = fixture.read_text().splitlines().index("    property: FILL-IN") + 1
    result = CliRunner().invoke(main, ["serve", "--store", "memory://", str(out), "--get", "/"])
    assert result.exit_code == 2
    assert result.output == (
        f"jobmock: {fixture}:{line}:15: binding/status/property: 'FILL-IN' points to no property"
        " of the status answer\n"
    )
    report = tmp_path / "report.json"
    checked = CliRunner().invoke(
        main, ["validate", "--format", "json", "--output", str(report), str(out)]
    )
    assert checked.exit_code == 1
    findings = json.loads(report.read_text())["findings"]
    invalid = [f for f in findings if f["rule"] == "fixture-invalid"]
    assert [(f["line"], f["message"].split(":")[0]) for f in invalid] == [
        (line, "binding/status/property")
    ]


def test_init_does_not_overwrite_a_project(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    assert init(str(REPORTS / "openapi.yaml"), "--out", str(out))[0] == 0
    code, output = init(str(REPORTS / "openapi.yaml"), "--out", str(out))
    assert code == 2
    assert (
        output == f"jobmock: {out}/fixture.yaml exists already; edit it, or --out another folder\n"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "swagger: '2.0'\ninfo: {title: x, version: '1'}\npaths: {}\n",
            "Swagger 2.0 is not served",
        ),
        (
            "openapi: 3.1.0\ninfo: {title: x, version: '1'}\npaths:\n  /a:\n    get:\n"
            "      responses:\n        '200': {$ref: '#/components/responses/Nope'}\n",
            "$ref to nothing",
        ),
    ],
)
def test_a_document_it_cannot_read_is_one_line_exit_2(
    tmp_path: Path, text: str, message: str
) -> None:
    spec = tmp_path / "api.yaml"
    spec.write_text(text)
    code, output = init(str(spec), "--out", str(tmp_path / "out"))
    assert code == 2
    assert output.startswith(f"jobmock: {spec}:") and message in output
    assert output.count("\n") == 1


def test_without_a_pair_the_binding_is_commented_out_and_the_folder_serves(
    tmp_path: Path,
) -> None:
    petstore = REPORTS.parents[1] / "tests" / "stateless" / "documents" / "petstore-3.1.yaml"
    out = tmp_path / "petstore"
    code, output = init(str(petstore), "--out", str(out))
    assert code == 0
    assert "  jobs      no POST or PUT answers an id that a GET's path takes" in output
    assert (
        f"  to fill in (the binding is commented out in {out / 'fixture.yaml'}; served stateless"
        " until then):"
    ) in output
    text = (out / "fixture.yaml").read_text()
    assert "\n# binding:\n#   create:\n#     operation: FILL-IN\n" in text
    result = CliRunner().invoke(main, ["serve", "--store", "memory://", str(out), "--get", "/pets"])
    assert result.exit_code == 0, result.output


def test_one_tenant_answers_to_every_scheme_a_job_created_with_one_is_polled_with_another(
    tmp_path: Path,
) -> None:
    text = (REPORTS / "openapi.yaml").read_text()
    text = text.replace(  # either scheme signs a request in (OpenAPI: alternatives are a list)
        "security:\n  - apiKey: []\n", "security:\n  - apiKey: []\n  - bearer: []\n", 1
    ).replace(
        "  securitySchemes:\n",
        "  securitySchemes:\n    bearer:\n      type: http\n      scheme: bearer\n",
        1,
    )
    spec = tmp_path / "src" / "openapi.yaml"
    spec.parent.mkdir()
    spec.write_text(text)
    out = tmp_path / "reports"
    code, output = init(str(spec), "--out", str(out))
    assert code == 0, output
    # the credentials are the documented development ones: dev-<api>-<scheme name>
    assert (
        "  tenants   dev, by any scheme: apiKey (X-API-Key: dev-reports-apiKey), bearer"
        " (Authorization: Bearer dev-reports-bearer)"
    ) in output.splitlines()
    bearer = {"Authorization": "Bearer dev-reports-bearer"}
    with served(out) as client:
        created = client.post("/reports", json={"kind": "sales", "format": "csv"}, headers=KEY)
        assert created.status_code == 202
        polled = client.get(created.headers["location"], headers=bearer)
        assert polled.status_code == 200
        assert polled.json()["status"] == "queued"  # the fixture's first phase, 2 s
        client.post("/_mock/clock", json={"advance_seconds": 12})
        assert client.get(created.headers["location"], headers=bearer).json()["status"] == (
            "succeeded"
        )
        tenants = client.get("/_mock/apis/reports/tenants").json()
        assert [tenant["name"] for tenant in tenants] == ["dev"]
