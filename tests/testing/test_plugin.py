"""The `jobmock` fixture, as a test suite of a project that installed jobmock uses it."""

from __future__ import annotations

import dataclasses
import inspect
import re
import textwrap

import pytest

from jobmock.engine import resources
from jobmock.fixtures.loading import Fixture, load_fixture
from jobmock.testing import InProcessMock
from tests.testing.conftest import README, SECTION, readme_example, run


def fixture(api: str) -> Fixture:
    return load_fixture(resources.fixtures_dir() / f"{api}.yaml", api=api)


def test_the_readme_example_passes_as_written(pytester: pytest.Pytester) -> None:
    example = readme_example()
    assert len([line for line in example.splitlines() if line.strip()]) <= 14
    run(pytester, example).assert_outcomes(passed=1)


def test_the_readme_names_every_member_of_the_fixture() -> None:
    text = README.read_text()
    section = text[text.index(SECTION) : text.index("\n## ", text.index(SECTION) + 1)]
    fields = {f.name for f in dataclasses.fields(InProcessMock)}
    public = {name for name, _ in inspect.getmembers(InProcessMock) if not name.startswith("_")}
    members = (public - fields) | {"base_url"}
    missing = {name for name in members if f"`{name}" not in section}
    assert missing == {"close", "start"}  # its lifetime is the fixture's business


def test_a_job_moves_through_its_phases_as_the_clock_advances(pytester: pytest.Pytester) -> None:
    phases = [(p.status, p.seconds) for p in fixture("matcher").scenarios["completes"].phases]
    assert phases[-1][1] is None  # the last phase is terminal: it lasts for ever
    source = f"""
        PHASES = {phases!r}

        def test_phases(jobmock):
            job = jobmock.create_job("matcher", "completes")
            for status, seconds in PHASES:
                answer = jobmock.client.get(job.status_path, headers=job.headers)
                assert answer.status_code == 200
                assert answer.json()["status"] == status
                assert jobmock.job("matcher", job.id).status == status
                if seconds is not None:
                    jobmock.advance(seconds - 0.5)
                    assert jobmock.job("matcher", job.id).status == status
                    jobmock.advance(0.5)
            assert jobmock.job("matcher", job.id).terminal
    """
    run(pytester, textwrap.dedent(source)).assert_outcomes(passed=1)


def test_transition_moves_a_job_and_a_refused_move_raises(pytester: pytest.Pytester) -> None:
    statuses = fixture("gu1").statuses
    first, second = statuses.order[:2]
    assert "cancelled" in statuses.terminal
    source = f"""
        import pytest
        from jobmock.testing import ControlError

        def test_transition(jobmock):
            job = jobmock.create_job("gu1", "completes")
            assert job.status == {first!r}
            assert jobmock.transition("gu1", job.id).status == {second!r}
            moved = jobmock.transition("gu1", job.id, "cancelled")
            assert (moved.status, moved.terminal) == ("cancelled", True)
            body = jobmock.client.get(job.status_path, headers=job.headers).json()
            assert body["job"]["status"] == "cancelled"
            with pytest.raises(ControlError) as refused:
                jobmock.transition("gu1", job.id, "next")
            assert refused.value.status_code == 409
            assert refused.value.problem["status"] == 409
    """
    run(pytester, textwrap.dedent(source)).assert_outcomes(passed=1)


def test_reset_forgets_new_jobs_and_restarts_the_clock(pytester: pytest.Pytester) -> None:
    seeds = [job.id for job in fixture("seekr").jobs]
    source = f"""
        import pytest
        from jobmock.testing import ControlError

        @pytest.mark.jobmock(apis=["seekr"])
        def test_reset(jobmock):
            started = jobmock.control("GET", "/clock")["now"]
            job = jobmock.create_job("seekr")
            advanced = jobmock.advance(3600)
            assert jobmock.reset() == {len(seeds)}
            with pytest.raises(ControlError) as gone:
                jobmock.job("seekr", job.id)
            assert gone.value.status_code == 404
            assert [j["id"] for j in jobmock.control("GET", "/apis/seekr/jobs")] == {seeds!r}
            assert started <= jobmock.control("GET", "/clock")["now"] < advanced
    """
    run(pytester, textwrap.dedent(source)).assert_outcomes(passed=1)


def test_headers_are_each_tenants_own(pytester: pytest.Pytester) -> None:
    tenants = {name: t.credentials[0].value for name, t in fixture("claret").tenants.items()}
    first = next(iter(tenants))
    source = f"""
        TENANTS = {tenants!r}

        def test_headers(jobmock):
            for tenant, credential in TENANTS.items():
                assert jobmock.headers("claret", tenant) == {{
                    "Authorization": f"Bearer {{credential}}",
                    "X-Requested-With": "XMLHttpRequest",
                }}
            assert jobmock.headers("claret") == jobmock.headers("claret", {first!r})
            job = jobmock.create_job("claret", tenant="northwind")
            assert job.tenant == "northwind"
            assert job.headers == jobmock.headers("claret", "northwind")
            assert jobmock.client.get(job.status_path, headers=job.headers).status_code == 200
    """
    run(pytester, textwrap.dedent(source)).assert_outcomes(passed=1)


def test_live_serves_a_real_url_and_stops_after(pytester: pytest.Pytester) -> None:
    source = """
        import re
        import httpx
        import pytest

        def test_live(jobmock):
            job = jobmock.create_job("crosmos", "fails")
            with jobmock.live() as url:
                assert re.fullmatch(r"http://127\\.0\\.0\\.1:\\d+", url)
                answer = httpx.get(url + job.status_path, headers=job.headers)
                assert answer.status_code == 200
                assert answer.json()["job_id"] == job.id
                jobmock.transition("crosmos", job.id, "failed")  # one mock: the server sees it
                assert httpx.get(url + job.status_path, headers=job.headers).json()["status"] == "failed"
            with pytest.raises(httpx.ConnectError):
                httpx.get(url + job.status_path, headers=job.headers)
    """
    run(pytester, textwrap.dedent(source)).assert_outcomes(passed=1)


def test_async_client_answers_under_asyncio_run_and_anyio(pytester: pytest.Pytester) -> None:
    first = fixture("seekr").scenarios["completes"].phases[0].status
    source = f"""
        import asyncio
        import pytest

        async def status(jobmock, job):
            answer = await jobmock.async_client.get(job.status_path, headers=job.headers)
            assert answer.status_code == 200
            return answer.json()["status"]

        def test_with_asyncio_run(jobmock):
            job = jobmock.create_job("seekr", "completes")
            assert asyncio.run(status(jobmock, job)) == {first!r}

        @pytest.mark.anyio
        async def test_with_anyio(jobmock):
            job = jobmock.create_job("seekr", "completes")
            assert await status(jobmock, job) == {first!r}
            jobmock.transition("seekr", job.id, "completed")
            assert await status(jobmock, job) == "completed"
    """
    run(pytester, textwrap.dedent(source)).assert_outcomes(passed=2)


def test_marker_options_take_effect(pytester: pytest.Pytester) -> None:
    source = """
        import pytest
        from jobmock.testing import InProcessMock

        pytestmark = pytest.mark.jobmock(apis=["gu1"], clock="poll")

        def served(jobmock):
            return [api["name"] for api in jobmock.control("GET", "/apis")]

        def test_module_marker(jobmock):
            assert served(jobmock) == ["gu1"]
            assert jobmock.control("GET", "/clock")["mode"] == "poll"

        @pytest.mark.jobmock("matcher", "seekr", clock="manual", seed=7)
        def test_closest_marker_wins(jobmock):
            assert served(jobmock) == ["matcher", "seekr"]
            assert jobmock.control("GET", "/clock")["mode"] == "manual"
            with InProcessMock(apis=["seekr"], seed=7) as seven, InProcessMock(apis=["seekr"]) as zero:
                assert jobmock.create_job("seekr").id == seven.create_job("seekr").id
                assert seven.create_job("seekr").id != zero.create_job("seekr").id
    """
    run(pytester, textwrap.dedent(source)).assert_outcomes(passed=2)


def test_an_overridden_jobmock_config_sets_defaults_a_marker_refines(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(
        """
        import pytest

        @pytest.fixture
        def jobmock_config():
            return {"apis": ["claret"], "clock": "poll", "speed": 10}
        """
    )
    source = """
        import pytest

        def test_defaults(jobmock):
            assert [api["name"] for api in jobmock.control("GET", "/apis")] == ["claret"]
            assert jobmock.control("GET", "/clock")["mode"] == "poll"
            assert jobmock.control("GET", "/clock")["speed"] == 10

        @pytest.mark.jobmock(apis=["crosmos"])
        def test_refined(jobmock):
            assert [api["name"] for api in jobmock.control("GET", "/apis")] == ["crosmos"]
            assert jobmock.control("GET", "/clock")["mode"] == "poll"
    """
    run(pytester, textwrap.dedent(source)).assert_outcomes(passed=2)


def test_a_project_folder_replaces_the_bundled_fixtures(pytester: pytest.Pytester) -> None:
    bundled = (resources.fixtures_dir() / "matcher.yaml").read_text()
    assert "\ndefault_scenario: completes\n" in bundled
    folder = pytester.path / "mocks" / "fixtures"
    folder.mkdir(parents=True)
    (folder / "matcher.yaml").write_text(
        bundled.replace("\ndefault_scenario: completes\n", "\ndefault_scenario: stays-queued\n")
    )
    source = """
        import pytest

        @pytest.mark.jobmock(project="mocks")
        def test_project(jobmock):
            assert [api["name"] for api in jobmock.control("GET", "/apis")] == ["matcher"]
            assert jobmock.create_job("matcher").scenario == "stays-queued"
    """
    run(pytester, textwrap.dedent(source)).assert_outcomes(passed=1)


def test_the_plugin_loads_without_importing_the_app(pytester: pytest.Pytester) -> None:
    source = """
        import sys

        def test_nothing_heavy():
            assert "jobmock.testing.plugin" in sys.modules
            loaded = [m for m in ("jobmock.serving.app", "connexion", "starlette", "httpx") if m in sys.modules]
            assert loaded == []
    """
    pytester.makepyfile(textwrap.dedent(source))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:anyio")
    result.assert_outcomes(passed=1)


def test_the_jobmock_fixture_can_be_overridden_for_a_session(pytester: pytest.Pytester) -> None:
    text = README.read_text()
    section = text[text.index(SECTION) :]
    override = re.findall(r"^```python\n(.*?)^```", section, re.M | re.S)[2]
    assert "def jobmock():" in override
    pytester.makeconftest("import pytest\n" + override)
    jobs = len(fixture("matcher").jobs) + 1  # the seed jobs, and test_first's
    source = f"""
        SEEN = []

        def test_first(jobmock):
            SEEN.append(jobmock)
            jobmock.create_job("matcher")

        def test_second(jobmock):
            assert SEEN == [jobmock]
            assert jobmock.settings.seed == 7
            assert len(jobmock.control("GET", "/apis/matcher/jobs")) == {jobs}
    """
    run(pytester, textwrap.dedent(source)).assert_outcomes(passed=2)
