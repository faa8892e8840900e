"""Python clients: openapi-python-client generates a client from every served spec (the five APIs'
`/<api>/openapi.json` and the control API's `/_mock/openapi.json`) without a warning; with them a
program creates a job of every scenario of each API (the control API's client) and polls it (the
vendor's client) to its last phase, every answer parsed into the spec's models and back unchanged.

Needs openapi-python-client (the `test` extra); skipped, saying why, where it is not installed, and
failed under CI (tests/requirements.py).
"""

from __future__ import annotations

import datetime
import importlib
import importlib.util
import inspect
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jobmock.testing.mock import InProcessMock
from tests.requirements import require

APIS = ["matcher", "crosmos", "gu1", "seekr", "claret"]
# every answer of the status route, with each documented variant of it (gu1: the failures bodies)
QUERIES: dict[str, list[dict[str, str]]] = {"gu1": [{}, {"include": "failures"}]}
CONFIG = "post_hooks: []\n"  # the generator alone: no formatter run over its output
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")


def spec_url(name: str) -> str:
    return "/_mock/openapi.json" if name == "control" else f"/{name}/openapi.json"


def generate(spec: Path, package: Path, config: Path) -> subprocess.CompletedProcess[str]:
    args = ["generate", "--path", str(spec), "--output-path", str(package), "--meta", "none"]
    return subprocess.run(
        [sys.executable, "-m", "openapi_python_client", *args, "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def clients(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """Each served spec's generated package (`<name>_client`, importable), and the mock serving
    them on a real port (`--clock poll`: every status request moves its job one phase)."""
    installed = importlib.util.find_spec("openapi_python_client") is not None
    require(installed, "openapi-python-client is not installed (pip install '.[test]')")
    folder = tmp_path_factory.mktemp("python-clients")
    (folder / "config.yaml").write_text(CONFIG)
    with InProcessMock(clock="poll") as mock, mock.live() as url:
        for name in ["control", *APIS]:
            spec = folder / f"{name}.json"
            spec.write_text(mock.client.get(spec_url(name)).text)
            generated = generate(spec, folder / f"{name}_client", folder / "config.yaml")
            output = generated.stdout + generated.stderr
            assert generated.returncode == 0, output
            assert "Warning" not in output and "Unable to" not in output, output
        sys.path.insert(0, str(folder))
        try:
            yield url, folder
        finally:
            sys.path.remove(str(folder))
            for name in [m for m in sys.modules if m.split(".")[0].endswith("_client")]:
                if Path(getattr(sys.modules[name], "__file__", None) or "/").is_relative_to(folder):
                    del sys.modules[name]


def plain(value: Any) -> Any:
    """JSON as compared: RFC 3339 strings as instants (the models write `+00:00` for `Z`)."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, str) and RFC3339.fullmatch(value):
        return datetime.datetime.fromisoformat(value)
    return value


def status_of(body: dict[str, Any]) -> str:
    """The job's status in a vendor's 200 body: on top, under `job` (gu1) or `content` (Claret)."""
    for wrapper in ("job", "content"):
        if isinstance(body.get(wrapper), dict):
            return str(body[wrapper]["status"])
    return str(body["status"])


def status_operation(folder: Path, api: str, path: str) -> tuple[Any, dict[str, str]]:
    """The generated function of the GET operation whose route `path` is (under the API's
    prefix), and its path parameters by their Python names."""
    spec = json.loads((folder / f"{api}.json").read_text())
    for template, item in spec["paths"].items():
        pattern = re.sub(r"\\\{([^}]+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
        match = re.fullmatch(pattern, path.removeprefix(f"/{api}"))
        if match and "get" in item:
            wanted = bare(item["get"]["operationId"])
            (file,) = [
                f for f in (folder / f"{api}_client").glob("api/*/*.py") if bare(f.stem) == wanted
            ]
            module = importlib.import_module(f"{api}_client.api.{file.parent.name}.{file.stem}")
            names = {bare(p): p for p in inspect.signature(module.sync_detailed).parameters}
            return module, {names[bare(k)]: v for k, v in match.groupdict().items()}
    raise AssertionError(f"no GET route of {api}'s served spec matches {path}")


def bare(name: str) -> str:
    """A name compared as the generator changes it (`getJobStatus_api__x_` is `get_job_status_api_x`)."""
    return name.replace("_", "").lower()


def poll(
    api: str, url: str, folder: Path, job: Any, polls: int, query: dict[str, str]
) -> list[Any]:
    """`polls` answers of the job's status route, through the API's generated client."""
    vendor = importlib.import_module(f"{api}_client")
    operation, parameters = status_operation(folder, api, job.status_path)
    headers = job.headers.additional_properties
    with vendor.Client(base_url=f"{url}/{api}", headers=headers) as client:
        return [operation.sync_detailed(client=client, **parameters, **query) for _ in range(polls)]


# gu1's failures bodies: each kind's rows parse into that kind's row model (the overlay's typing)
ROW_MODELS = {
    "transaction_batch": "TransactionBatchFailure",
    "entity_automatic": "EntityBatchFailure",
    "user_event_batch": "UserEventBatchFailure",
}


def rows(parsed: Any, raw: dict[str, Any], where: Any) -> None:
    if "failures" in raw:
        wanted = ROW_MODELS[raw["kind"]]
        for row in parsed.failures:
            assert type(row).__name__ == wanted, (type(row).__name__, where)


def test_every_served_spec_generates_a_python_client_that_polls_every_scenario_to_its_end(
    clients: tuple[str, Path],
) -> None:
    url, folder = clients
    control_client = importlib.import_module("control_client")
    list_scenarios = importlib.import_module("control_client.api.ap_is.list_scenarios")
    create_job = importlib.import_module("control_client.api.jobs.create_job")
    job_create = importlib.import_module("control_client.models.job_create")

    ended: dict[tuple[str, str, str], str] = {}
    with control_client.Client(base_url=f"{url}/_mock") as control:
        for api in APIS:
            for scenario in list_scenarios.sync(api=api, client=control):
                phases = [phase.status for phase in scenario.phases]
                for query in QUERIES.get(api, [{}]):
                    body = job_create.JobCreate(scenario=scenario.name)
                    job = create_job.sync(api=api, client=control, body=body)
                    seen = []
                    # one poll per phase and one more: --clock poll moves the job at each
                    for response in poll(api, url, folder, job, len(phases) + 1, query):
                        where = (api, scenario.name, query, response.content)
                        assert response.status_code == 200, where
                        parsed = response.parsed
                        assert type(parsed).__module__.startswith(f"{api}_client.models."), where
                        raw = json.loads(response.content)
                        assert plain(parsed.to_dict()) == plain(raw), where
                        rows(parsed, raw, where)
                        seen.append(status_of(raw))
                    assert seen == sorted(seen, key=phases.index), (api, scenario.name, seen)
                    assert seen[-1] == phases[-1], (api, scenario.name, seen)
                    ended[api, scenario.name, "&".join(query)] = seen[-1]
    assert {api for api, _, _ in ended} == set(APIS)
