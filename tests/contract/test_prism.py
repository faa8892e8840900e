"""`jobmock contract --spec DOC --url` tells a server that enforces the document's security from one
that does not: Prism's mock of the same document answers requests without credentials (its
`ignored_auth` failure), jobmock serving it refuses them.

Prism comes from npm (`@stoplight/prism-cli`, into a temporary folder), as a user would install it.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from jobmock.cli import main
from tests.npm import npm_install
from tests.servers import LOOPBACK, answers, free_port, jobmock_serve, log_tail, stop

BOOKSHELF = Path(__file__).parents[2] / "examples" / "bookshelf" / "openapi.yaml"
PRISM = "@stoplight/prism-cli@5"


@pytest.fixture(scope="module")
def prism_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = npm_install(tmp_path_factory.mktemp("prism"), [PRISM])
    port, log = free_port(), folder / "prism.log"
    with log.open("ab") as out:
        process = subprocess.Popen(
            [str(folder / "node_modules" / ".bin" / "prism"), "mock", "-h", LOOPBACK,
             "-p", str(port), str(BOOKSHELF)],
            stdin=subprocess.DEVNULL, stdout=out, stderr=out, start_new_session=True,
        )  # fmt: skip
    url = f"http://{LOOPBACK}:{port}"
    try:
        deadline = time.monotonic() + 60
        while not answers(f"{url}/books"):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"prism did not start:\n{log_tail(log)}")
            time.sleep(0.2)
        yield url
    finally:
        stop(process)


def contract(url: str) -> tuple[int, str]:
    args = ["contract", "--spec", str(BOOKSHELF), "--url", url, "--max-examples", "5"]
    result = CliRunner().invoke(main, [*args, "--seed", "11"])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_prism_fails_ignored_auth(prism_url: str) -> None:
    code, output = contract(prism_url)
    assert code == 1, output
    assert ": ignored_auth" in output, output


def test_jobmock_serving_the_same_document_passes() -> None:
    with jobmock_serve(str(BOOKSHELF)) as url:
        code, output = contract(url)
    assert code == 0, output
