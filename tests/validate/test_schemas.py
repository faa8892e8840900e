"""The 3.1 meta-schema check reuses a verdict for schemas of the same shape: never a wrong one."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from jobmock.validate.schemas import meta_errors, meta_validator

ANY = st.none() | st.booleans() | st.integers() | st.text(max_size=3)
KEYWORDS = st.sampled_from(
    [
        "type",
        "description",
        "title",
        "example",
        "default",
        "const",
        "examples",
        "enum",
        "required",
        "minimum",
        "pattern",
        "items",
        "properties",
        "description",
    ]
)


def schemas() -> st.SearchStrategy[Any]:
    leaf = st.dictionaries(KEYWORDS, ANY | st.lists(ANY, max_size=2), max_size=4)
    return st.recursive(
        leaf,
        lambda inner: (
            st.dictionaries(KEYWORDS, inner | ANY, max_size=3)
            | st.fixed_dictionaries({"properties": st.dictionaries(KEYWORDS, inner, max_size=3)})
        ),
        max_leaves=8,
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(schemas(), min_size=1, max_size=4))
def test_the_shape_cache_agrees_with_the_meta_schema(found: list[Any]) -> None:
    for schema in found:
        expected = meta_validator().is_valid(schema)
        assert (not list(meta_errors(schema))) is expected, schema
