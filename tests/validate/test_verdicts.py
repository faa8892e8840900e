"""The compiled verdict (jsonschema-rs) and the Python pass agree on every document of the corpus,
so skipping the Python pass where the compiled one says valid loses no finding."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jobmock.documents.pointers import encode_pointer
from jobmock.documents.reader import read
from jobmock.validate.documents import spec_document
from jobmock.validate.openapi import foreign_dialects, schema_roots
from jobmock.validate.rules.values import _values
from jobmock.validate.schemas import DOCUMENT_URI, SchemaSet, document_validator, meta_errors
from jobmock.validate.verdicts import ValueVerdicts, document_is_valid, schema_is_valid
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


def _python_refuses(schema: dict[str, Any], value: Any) -> bool:
    document = {"components": {"schemas": {"S": schema}}}
    return bool(
        SchemaSet(document, "3.1", compiled=False).errors(("components", "schemas", "S"), value)
    )


_FORMATS = st.sampled_from(["date", "date-time", "email", "uuid", "ipv4", "uri", "duration"])
_SCALARS = st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=12)
_SAMPLES = st.sampled_from(
    ["2024-10-01", "2024-13-01", "2024-10-01T10:00:00Z", "a@b.c", "not an email", "1.2.3.4",
     "https://x.y/z", "P1D", "00000000-0000-0000-0000-000000000000"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(_FORMATS, st.sampled_from(["string", "integer", "number", "null"]), _SCALARS | _SAMPLES)
def test_a_compiled_yes_is_a_python_yes(format_: str, type_: str, value: Any) -> None:
    """Where jsonschema-rs accepts a value the Python pass (formats asserted) finds no error, so
    skipping it loses no `example-invalid` or `default-invalid` finding."""
    schema = {"type": [type_, "string"], "format": format_, "maxLength": 10}
    document = {"components": {"schemas": {"S": schema}}}
    fast = ValueVerdicts(document, DOCUMENT_URI)
    if fast.is_valid("/components/schemas/S", value):
        assert not _python_refuses(schema, value)


@pytest.mark.parametrize("path", DOCUMENTS, ids=[str(p.relative_to(HERE)) for p in DOCUMENTS])
def test_example_verdicts_agree_on_the_corpus(path: Path) -> None:
    loaded = read(path)
    document = loaded.data
    if _version(document) != "3.1":
        pytest.skip("values of 3.0 documents are checked in Python only (its dialect)")
    doc = spec_document(loaded, None)
    fast = ValueVerdicts(document, DOCUMENT_URI)
    slow = SchemaSet(document, "3.1", compiled=False)
    foreign = foreign_dialects(document)  # not read as 2020-12 by either (oas-structure's)
    for _, pointer, value, _ in _values(doc):
        if any(pointer[: len(root)] == root for root in foreign):
            continue
        assert fast.is_valid(encode_pointer(pointer), value) == (not slow.errors(pointer, value))
