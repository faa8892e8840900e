"""A document with integer ids, no security and `Location` only: `jobmock init` binds it, and its
jobs get ids the status route takes, written as integers where the schema says integer."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from jobmock.cli import main
from tests.polling.conftest import served

DOCUMENT = """\
openapi: 3.0.3
info: {title: imports, version: '1'}
paths:
  /imports:
    post:
      operationId: startImport
      responses:
        '201':
          description: started
          headers:
            Location: {schema: {type: string}}
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Import'}
  /imports/{importId}:
    get:
      operationId: getImport
      parameters:
        - {name: importId, in: path, required: true, schema: {type: integer, minimum: 1}}
      responses:
        '200':
          description: the import
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Import'}
        '404': {description: no such import}
components:
  schemas:
    Import:
      type: object
      required: [id, state]
      properties:
        id: {type: integer}
        state: {type: string, enum: [Pending, Importing, Done, Rejected]}
        percent: {type: number, minimum: 0, maximum: 1}
        rejectedAt: {type: string, format: date-time, nullable: true}
"""


def test_init_binds_it_and_jobs_move_with_integer_ids(tmp_path: Path) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text(DOCUMENT)
    out = tmp_path / "imports"
    result = CliRunner().invoke(main, ["init", str(spec), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "            the id: body property /id of its 201 answer -> {importId}" in result.output
    assert "  status    /state of getImport's answer: Pending, Importing -> Done | Rejected" in (
        result.output
    )
    assert "  tenants   dev (no security declared)" in result.output
    with served(out) as client:
        first = client.post("/imports")
        second = client.post("/imports")
        assert (first.status_code, first.json()["id"], second.json()["id"]) == (201, 1, 2)
        assert first.headers["location"] == "/imports/1"
        made = client.post("/_mock/apis/imports/jobs", json={"scenario": "Rejected"}).json()
        client.post("/_mock/clock", json={"advance_seconds": 12})
        done = client.get("/imports/1").json()
        assert (done["state"], done["percent"], done["rejectedAt"]) == ("Done", 1, None)
        rejected = client.get(made["status_path"]).json()
        assert (rejected["state"], rejected["percent"]) == ("Rejected", 0.5)
        assert rejected["rejectedAt"] is not None
