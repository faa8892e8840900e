"""`InProcessMock` without pytest's fixture: its clients, its errors, its project folders."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from jobmock.engine import resources
from jobmock.testing import ControlError, InProcessMock
from jobmock.testing.mock import project_config


@pytest.fixture(scope="module")
def gu1() -> Iterator[InProcessMock]:
    with InProcessMock(apis="gu1") as mock:
        yield mock


def test_one_api_name_serves_that_api(gu1: InProcessMock) -> None:
    assert gu1.settings.apis == ("gu1",)
    assert [api["name"] for api in gu1.control("GET", "/apis")] == ["gu1"]


def test_the_client_is_an_httpx_client_that_sends_uploads(gu1: InProcessMock) -> None:
    assert isinstance(gu1.client, httpx.Client)
    assert str(gu1.client.base_url) == gu1.base_url
    rows = ["external_id,amount,entity_external_id", "TX-1,1.25,cust-1", "TX-2,2.50,cust-2"]

    def chunks() -> Iterator[bytes]:  # a streamed body: the transport reads it before sending
        yield b'{"scenario": '
        yield b'"fails"}'

    upload = gu1.client.post(
        "/gu1/batch-import/import/transactions",
        headers=gu1.headers("gu1"),
        files=[("file", ("march.csv", b"\n".join(r.encode() for r in rows), "text/csv"))],
    )
    assert upload.status_code == 202, upload.text
    status = gu1.client.get(
        f"/gu1/batch-import/jobs/{upload.json()['jobId']}", headers=gu1.headers("gu1")
    )
    assert status.json()["job"]["totalItems"] == len(rows) - 1
    json = {"Content-Type": "application/json"}
    streamed = gu1.client.post("/_mock/apis/gu1/jobs", content=chunks(), headers=json)
    assert streamed.status_code == 201, streamed.text
    assert streamed.json()["scenario"] == "fails"


def test_a_refusal_is_a_control_error_naming_the_request(gu1: InProcessMock) -> None:
    with pytest.raises(ControlError) as refused:
        gu1.create_job("gu1", "no-such-scenario")
    assert refused.value.status_code == 422
    assert "unknown scenario 'no-such-scenario'" in str(refused.value)
    assert str(refused.value).startswith("POST /_mock/apis/gu1/jobs: 422 ")
    with pytest.raises(KeyError, match="no tenant 'nobody'"):
        gu1.headers("gu1", "nobody")


def test_a_closed_mock_sends_nothing() -> None:
    with InProcessMock(apis=["seekr"]) as mock:
        assert mock.client.get("/_mock/apis").status_code == 200
    with pytest.raises(RuntimeError, match="not started"):
        mock.client  # noqa: B018


def test_a_control_token_is_sent_by_the_helpers() -> None:
    with InProcessMock(apis=["seekr"], config={"control_token": "s3cret"}) as mock:
        assert mock.client.get("/_mock/apis").status_code == 401
        assert mock.create_job("seekr").api == "seekr"


def test_a_project_folder_must_cover_an_api(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="does not exist"):
        project_config(tmp_path / "missing")
    with pytest.raises(FileNotFoundError, match="has none of specs/, fixtures/, handlers/"):
        project_config(tmp_path)
    (tmp_path / "specs").mkdir()  # the control API's spec is always jobmock's own
    with pytest.raises(FileNotFoundError, match="covers no API"):
        project_config(tmp_path)
    shutil.copy(resources.specs_dir() / "seekr.yaml", tmp_path / "specs")
    shutil.copy(resources.specs_dir() / "seekr.overlay.yaml", tmp_path / "specs")
    assert project_config(tmp_path) == {"specs_dir": tmp_path / "specs", "apis": ("seekr",)}
