"""A document found valid is remembered by its files' content: the next start skips the check,
and any change to a file (the document or one it `$ref`s) checks it again."""

from __future__ import annotations

from pathlib import Path

import pytest

from jobmock.documents.validity import ValidDocuments
from jobmock.errors import SpecError
from jobmock.stateless.documents import load_document

DOCUMENT = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_a_valid_document_is_remembered_and_a_changed_one_is_not(
    tmp_path: Path, cache: Path
) -> None:
    document = tmp_path / "api.yaml"
    document.write_text(DOCUMENT)
    assert not ValidDocuments().known([document])
    load_document(document, "api")
    assert ValidDocuments().known([document])
    document.write_text(DOCUMENT + "components: {}\n")
    assert not ValidDocuments().known([document])


def test_an_invalid_document_is_never_remembered(tmp_path: Path, cache: Path) -> None:
    document = tmp_path / "api.yaml"
    document.write_text("openapi: 3.1.0\ninfo: {title: t}\npaths: {}\n")  # no version
    for _ in range(2):
        with pytest.raises(SpecError) as refused:
            load_document(document, "api")
        # OpenAPI 3.1, Info Object: `version` REQUIRED; `jobmock validate`'s first error, at `info`
        assert str(refused.value) == (
            f"{document}:2:1: not valid OpenAPI 3.1: 'version' is a required property; add"
            " `version` here (oas-structure)"
        )
    assert not ValidDocuments().known([document])
