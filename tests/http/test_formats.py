"""Formats jsonschema leaves unchecked without optional packages are checked all the same."""

from __future__ import annotations

from pathlib import Path

from starlette.testclient import TestClient

from jobmock.config import Config
from jobmock.http.validators import FORMAT_CHECKER
from jobmock.serving.app import create_app

# DigitalOcean's app domain spec, in small: `zone` is `format: hostname`
DOMAINS = """\
openapi: 3.0.0
info: {title: Apps, version: '1'}
paths:
  /apps/propose:
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties:
                zone: {type: string, format: hostname}
      responses:
        '200': {description: proposed}
"""


def test_hostnames_are_checked_as_rfc_1123_writes_them() -> None:
    assert FORMAT_CHECKER.conforms("example.com", "hostname")
    assert FORMAT_CHECKER.conforms("localhost", "hostname")
    for wrong in ("", "a..b", "-a.com", "a" * 64 + ".com"):  # empty; empty label; hyphen; > 63
        assert not FORMAT_CHECKER.conforms(wrong, "hostname"), wrong


def test_a_body_with_an_empty_hostname_is_refused(tmp_path: Path) -> None:
    (tmp_path / "apps.yaml").write_text(DOMAINS)
    with TestClient(create_app(Config(documents=(f"={tmp_path / 'apps.yaml'}",)))) as client:
        assert client.post("/apps/propose", json={"zone": "example.com"}).status_code == 200
        refused = client.post("/apps/propose", json={"zone": ""})
    assert refused.status_code == 422
    assert "hostname" in refused.text
