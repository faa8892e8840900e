"""The compiled verdict (jsonschema-rs) and the Python pass agree on every document of the corpus,
so skipping the Python pass where the compiled one says valid loses no finding."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jobmock.documents.reader import read
from jobmock.validate.openapi import schema_roots
from jobmock.validate.schemas import document_validator, meta_errors
from jobmock.validate.verdicts import document_is_valid, schema_is_valid
from tests.validate.expectations import CORPUS

HERE = Path(__file__).parent
DOCUMENTS = sorted(
    p
    for p in [*(CORPUS / "specs").rglob("*.yaml"), *(HERE / "oas31").rglob("*.yaml")]
    if not p.name.endswith(".overlay.yaml")
)


def _version(document: dict[str, Any]) -> str:
    return str(document.get("openapi", ""))[:3]


@pytest.mark.parametrize("path", DOCUMENTS, ids=[str(p.relative_to(HERE)) for p in DOCUMENTS])
def test_document_verdicts_agree(path: Path) -> None:
    document = read(path).data
    version = _version(document)
    if version not in ("3.0", "3.1"):
        pytest.skip(f"not an OpenAPI 3.0/3.1 document: {version!r}")
    validator = document_validator(version)
    assert validator is not None
    python_valid = next(iter(validator.iter_errors(document)), None) is None
    assert document_is_valid(version, document) == python_valid
    if version == "3.1":
        for root in schema_roots(document):
            valid = next(meta_errors(root.value), None) is None
            assert schema_is_valid(root.value) == valid, root.pointer


def test_the_corpus_has_invalid_documents_for_the_comparison() -> None:
    verdicts = set()
    for path in DOCUMENTS:
        document = read(path).data
        if _version(document) in ("3.0", "3.1"):
            verdicts.add(document_is_valid(_version(document), document))
    assert verdicts == {True, False}


_KEYWORDS = st.sampled_from(
    ["type", "minimum", "maxLength", "pattern", "items", "required", "enum", "const", "x-note"]
)
_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYWORDS, inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(_KEYWORDS, _VALUES, max_size=4))
def test_schema_verdicts_agree_on_any_schema(schema: dict[str, Any]) -> None:
    """An invariant: for any would-be Schema Object both engines say the same."""
    assert schema_is_valid(schema) == (next(meta_errors(schema), None) is None)
