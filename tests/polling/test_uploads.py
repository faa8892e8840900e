"""An upload API bound by data: the fixture's rules see the uploaded file's name, so a file named
for an outcome ends in it, as the vendors' do."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from jobmock.cli import main
from tests.polling.conftest import served

DOCUMENT = """\
openapi: 3.1.0
info: {title: uploads, version: '1'}
paths:
  /uploads:
    post:
      operationId: upload
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema:
              type: object
              required: [file]
              properties:
                file: {type: string, format: binary}
      responses:
        '202':
          description: queued
          content:
            application/json:
              schema:
                type: object
                required: [jobId]
                properties: {jobId: {type: string, format: uuid}}
  /uploads/{jobId}:
    get:
      operationId: getUpload
      parameters:
        - {name: jobId, in: path, required: true, schema: {type: string, format: uuid}}
      responses:
        '200':
          description: the job
          content:
            application/json:
              schema:
                type: object
                required: [status]
                properties:
                  status: {type: string, enum: [queued, processing, completed, failed]}
                  errorMessage: {type: [string, 'null']}
        '404': {description: no such job}
"""

RULE = """\
rules:
  - match: {field: file, contains: fail}
    scenario: failed
"""


def test_a_rule_sees_the_uploaded_files_name(tmp_path: Path) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text(DOCUMENT)
    out = tmp_path / "uploads"
    assert CliRunner().invoke(main, ["init", str(spec), "--out", str(out)]).exit_code == 0
    with (out / "fixture.yaml").open("a") as fixture:
        fixture.write(RULE)
    with served(out) as client:
        ends = {}
        for name in ("q3.csv", "q3_FAILED.csv"):
            sent = client.post("/uploads", files={"file": (name, b"a,b\n1,2\n", "text/csv")})
            assert sent.status_code == 202, sent.text
            ends[name] = sent.json()["jobId"]
        client.post("/_mock/clock", json={"advance_seconds": 60})
        polled = {name: client.get(f"/uploads/{job}").json() for name, job in ends.items()}
    assert polled == {
        "q3.csv": {"status": "completed", "errorMessage": None},
        "q3_FAILED.csv": {"status": "failed", "errorMessage": "The job ended failed."},
    }
