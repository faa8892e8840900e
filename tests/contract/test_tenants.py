"""One tenant cannot read another's jobs: every API, every job, every other tenant's credential.

The contract runs check it too (`tenant_isolation` replays each job a tenant read as every other
identity); this test does it exhaustively, without generated data.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from jobmock.config import Config
from jobmock.contract.session import fixture_identities
from jobmock.serving.app import create_app
from tests.contract.conftest import VENDOR_APIS, contract_run


@pytest.fixture(scope="module")
def app_client() -> Iterator[tuple[object, TestClient]]:
    app = create_app(Config(clock="manual"))
    with TestClient(app) as client:
        yield app, client


@pytest.mark.parametrize("api", VENDOR_APIS)
def test_no_tenant_reads_another_tenants_job(
    app_client: tuple[object, TestClient], api: str
) -> None:
    app, client = app_client
    identities = fixture_identities(app)[api]
    assert len({i.tenant for i in identities}) >= 2, f"{api} needs two tenants in its fixture"
    jobs = client.get(f"/_mock/apis/{api}/jobs").json()
    leaks = []
    for job in jobs:
        owner = client.get(job["status_path"], headers=job["headers"])
        assert owner.status_code == 200, f"{api}: {job['id']} unreadable by its own tenant"
        for identity in identities:
            if identity.tenant == job["tenant"]:
                continue
            answer = client.get(job["status_path"], headers=dict(identity.headers))
            if 200 <= answer.status_code < 300:
                leaks.append(f"{identity.name} read {job['tenant']}'s {job['id']}")
    assert not leaks, f"{api}: " + "; ".join(leaks)


@pytest.mark.parametrize("api", VENDOR_APIS)
def test_the_runs_replayed_jobs_as_other_tenants(api: str) -> None:
    """tenant_isolation really ran in the poll run, and found no leak."""
    result = contract_run("poll")
    assert result.probes.get(api, 0) > 0, f"{api}: no job was replayed as another identity"
    leaks = [f for f in result.failures if f.check == "tenant_isolation" and f.api == api]
    assert not leaks, leaks
