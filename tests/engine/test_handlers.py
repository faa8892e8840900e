"""The handler interface (jobmock.engine.handlers): a sixth API from folders outside the repository,
and a handler module that breaks the interface refused at start in one line."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from jobmock.cli import main
from jobmock.config import Config
from jobmock.engine import resources
from jobmock.engine.handlers import HandlerError, load_handlers
from jobmock.testing import InProcessMock

CORPUS = Path(__file__).resolve().parents[1] / "validate" / "corpus"
SEED_JOB = "6f1c9a0e-2b4d-4c8a-9e1f-3a5b7c9d1e2f"  # fixtures/shelf.yaml: 250 rows, 4 s old
TOKEN = {"Authorization": "Bearer shelf-token-acme"}

BODY = """
from jobmock.model.lifecycle import count


def render(view):
    total = view.fields.get("total", 0)
    processed = count(total, view.snapshot.counters.get("processed", 0.0))
    return {"id": view.job.id, "status": view.status, "processed": processed, "total": total}
"""

SHELF = """
from jobmock.errors import NotFound
from jobmock.http.envelopes import ErrorReply

from .shelf_body import render  # a sibling module: the folder is imported as a package


class MessageEnvelope:
    def render(self, error, request):
        return ErrorReply(error.status, {"message": error.message})


ENVELOPE = MessageEnvelope()


def status_path(job):
    return f"/shelves/main/jobs/{job.id}"


async def get_job(ctx, shelfId, jobId):
    try:
        return render(await ctx.view(jobId))
    except NotFound:
        raise NotFound("no such job") from None


OPERATIONS = {"getJob": get_job}
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A sixth API in three folders of its own: no control spec, no vendor fixture."""
    for folder in ("specs", "fixtures", "handlers"):
        (tmp_path / folder).mkdir()
    shutil.copy(CORPUS / "specs" / "shelf.yaml", tmp_path / "specs")
    shutil.copy(CORPUS / "fixtures" / "shelf.yaml", tmp_path / "fixtures")
    (tmp_path / "handlers" / "shelf.py").write_text(textwrap.dedent(SHELF))
    (tmp_path / "handlers" / "shelf_body.py").write_text(textwrap.dedent(BODY))
    return tmp_path


def serve_args(project: Path) -> list[str]:
    return [
        "serve",
        "--store=memory://",
        "--clock=manual",
        f"--specs={project / 'specs'}",
        f"--fixtures={project / 'fixtures'}",
        f"--handlers={project / 'handlers'}",
    ]


def test_a_sixth_api_outside_the_repository_is_served(project: Path) -> None:
    result = CliRunner().invoke(
        main,
        [
            *serve_args(project),
            "--get",
            f"/shelf/shelves/main/jobs/{SEED_JOB}",
            "-H",
            "Authorization: Bearer shelf-token-acme",
        ],
    )
    assert result.exit_code == 0, result.output
    # the seed job is 4 s old: past its 2 s queued phase, 2 s into 10 s of running (processed: 1)
    assert json.loads(result.output) == {
        "id": SEED_JOB,
        "status": "running",
        "processed": 50,
        "total": 250,
    }


def test_a_sixth_api_moves_through_the_control_api_and_answers_in_its_envelope(
    project: Path,
) -> None:
    config = {
        "specs_dir": project / "specs",
        "fixtures_dir": project / "fixtures",
        "handlers_dir": project / "handlers",
    }
    with InProcessMock(config=config) as mock:
        assert [api["name"] for api in mock.control("GET", "/apis")] == ["shelf"]
        job = mock.create_job("shelf", "breaks")
        assert job.status_path == f"/shelf/shelves/main/jobs/{job.id}"
        assert mock.client.get(job.status_path, headers=job.headers).json()["status"] == "queued"
        mock.advance(7)  # 2 s queued + 5 s running: failed
        body = mock.client.get(job.status_path, headers=job.headers).json()
        assert body == {"id": job.id, "status": "failed", "processed": 30, "total": 100}
        missing = mock.client.get(
            "/shelf/shelves/main/jobs/00000000-0000-4000-8000-000000000000", headers=TOKEN
        )
        assert (missing.status_code, missing.json()) == (404, {"message": "no such job"})


def test_a_handler_without_render_fails_at_start_in_one_line(project: Path) -> None:
    handler = project / "handlers" / "shelf.py"
    handler.write_text(handler.read_text().replace("from .shelf_body import render", ""))
    result = CliRunner().invoke(main, [*serve_args(project), "--get", "/shelf/x"])
    assert result.exit_code == 2
    assert result.output == (
        f"jobmock: {handler}: handler module for API 'shelf' has no `render`"
        " (a function render(view) -> body)\n"
    )


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("OPERATIONS = []\nrender = status_path = print\n", "has a wrong `OPERATIONS`"),
        ("OPERATIONS = {}\nrender = print\n", "has no `status_path`"),
        ("OPERATIONS = {}\nrender = status_path = print\nENVELOPE = 1\n", "has a wrong `ENVELOPE`"),
        ("raise RuntimeError('boom')\n", "cannot import: RuntimeError: boom"),
    ],
)
def test_a_broken_handler_module_is_one_handler_error(
    tmp_path: Path, source: str, message: str
) -> None:
    (tmp_path / "broken.py").write_text(source)
    with pytest.raises(HandlerError) as raised:
        load_handlers("broken", tmp_path)
    assert str(raised.value).startswith(str(tmp_path / "broken.py"))
    assert message in str(raised.value)


def test_a_missing_handler_module_names_where_it_looked(tmp_path: Path) -> None:
    with pytest.raises(HandlerError, match=r"no handler module for API 'nowhere' \(looked in "):
        load_handlers("nowhere", tmp_path)


def test_optional_hooks_take_their_defaults(tmp_path: Path) -> None:
    (tmp_path / "bare.py").write_text("OPERATIONS = {}\nrender = status_path = print\n")
    handlers = load_handlers("bare", tmp_path)
    assert handlers.client_headers == {} and handlers.issues_credentials is False
    assert type(handlers.envelope).__name__ == "ProblemJson"
    import random

    job_id, fields = handlers.new_job(1, random.Random(7), None, {"a": 1}, 0.0)  # type: ignore[arg-type]
    assert len(job_id) == 36 and job_id[14] == "4" and fields == {"a": 1}  # a UUID4


def test_the_bundled_vendors_satisfy_the_interface() -> None:
    names = [p.stem for p in resources.specs_dir().glob("*.yaml") if "." not in p.stem]
    for api in [n for n in names if n != "control"]:
        handlers = load_handlers(api, Config().handlers_dir)
        assert handlers.operations and handlers.path.name == f"{api}.py"
