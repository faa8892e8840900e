"""Issue 18's list of false alarms and misses, each with the corpus file that shows it and the test
that holds it (the list is the issue's; a new item gets a row here).

The reader's cases live in `corpus/reader/` (their first line says what `jobmock validate` must
answer: `# refused: <the one line>` exits 2, `# messages: <message>` lists the findings' messages;
a JSON file holds it in `x-expect`). The rules' cases are `corpus/specs/` files, checked by
test_corpus.py, and the suite's in `oas31/`, checked by test_written_suite.py.
"""

from __future__ import annotations

import json
from contextlib import chdir
from pathlib import Path

import pytest
from click.testing import CliRunner

from jobmock.cli import main
from jobmock.validate import ValidateOptions, validate_paths
from tests.validate.expectations import CORPUS

HERE = Path(__file__).parent
READER = sorted((CORPUS / "reader").iterdir())

# issue 18's item -> the file that shows it (the test that checks the file is named beside)
ITEMS = {
    "advice rules are errors (security-no-401)": "corpus/specs/security-no-401.yaml",
    "advice rules are errors (response-no-schema)": "oas31/pass/advice-only.yaml",
    "an unquoted date is a datetime.date (info.version, example)": "corpus/specs/yaml-1.2-scalars.yaml",
    "messages leak Python reprs": "corpus/reader/python-reprs.yaml",
    "a JSON key over 1,024 characters is invalid YAML": "corpus/reader/long-key.json",
    "non-JSON media types' examples checked as JSON": "corpus/specs/example-media-types.yaml",
    "the Link Object's `server` refused, `body` accepted": "corpus/specs/link-server.yaml",
    "duplicate parameters": "corpus/specs/parameter-duplicate.yaml",
    "a pattern that is no regular expression": "corpus/specs/pattern-invalid.yaml",
    "a server variable default not in its enum": "corpus/specs/server-variable-default.yaml",
    "example and examples together": "corpus/specs/example-and-examples.yaml",
    "external $ref targets never checked": "corpus/specs/ref-target-invalid.yaml",
    "a self-referencing alias accepted": "corpus/reader/self-alias.yaml",
    "an alias bomb accepted": "corpus/reader/alias-bomb.yaml",
}


@pytest.mark.parametrize("item", ITEMS)
def test_every_item_has_its_corpus_file(item: str) -> None:
    assert (HERE / ITEMS[item]).is_file()


def _expectation(path: Path) -> tuple[str, str]:
    if path.suffix == ".json":
        return "x-expect", json.loads(path.read_text(encoding="utf-8"))["x-expect"]
    kind, _, text = (
        path.read_text(encoding="utf-8").splitlines()[0].removeprefix("# ").partition(": ")
    )
    return kind, text


@pytest.mark.parametrize("path", READER, ids=[p.name for p in READER])
def test_reader_case(path: Path) -> None:
    kind, text = _expectation(path)
    with chdir(path.parent):
        result = CliRunner().invoke(main, ["validate", path.name])
    if kind == "refused":
        assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"jobmock: {text}\n")
    elif kind == "messages":
        messages = [f.message for f in validate_paths([path], ValidateOptions()).findings]
        assert messages == [text]
        assert "None" not in result.stdout and "datetime" not in result.stdout
    else:
        assert (kind, text.split(":")[0]) == ("x-expect", "none")
        assert (result.exit_code, result.stdout) == (0, "1 file checked, no problems\n")
