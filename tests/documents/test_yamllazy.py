"""YAML built without positions, positions found when asked (from libyaml's events, or from the
composed nodes): the same values and the same positions as the builder that notes every one
(`yamlfast.Builder`), for any document."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from jobmock.documents import reader
from jobmock.documents.reader import parse
from jobmock.documents.yamlevents import EventSourceMap
from jobmock.documents.yamlfast import Builder, KeyedSourceMap, compose
from jobmock.documents.yamllazy import NodeSourceMap, build_plain

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=8)
    | st.sampled_from(["2024-10-01", "on", "off", "017", "0o17", "0x1F", "1_000", "~", ""])
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=25,
)


def pointers(node: Any, pointer: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every pointer into `node`, and one past each container's members (a pointer to nothing)."""
    found = [pointer]
    if isinstance(node, dict | list):
        members = node.items() if isinstance(node, dict) else enumerate(node)
        for key, child in members:
            found += pointers(child, (*pointer, key))
        found.append((*pointer, "missing" if isinstance(node, dict) else len(node)))
    return found


def noted(text: str) -> tuple[Any, KeyedSourceMap]:
    """What the builder that notes every position gives (the reference)."""
    builder = Builder(reader._core_scalar)
    data = builder.build(compose(text))
    return data, KeyedSourceMap(Path("x.yaml"), builder.positions, builder.keys)


@settings(max_examples=120, deadline=None)
@given(VALUES, st.sampled_from([None, False, True]), st.booleans())
def test_positions_found_when_asked_are_the_noted_ones(
    value: Any, flow: bool | None, sort: bool
) -> None:
    """The same values, and for every pointer (to nothing too) the same line and column of the
    value and of its key, asked one by one and after the full maps are built."""
    text = yaml.safe_dump({"root": value}, default_flow_style=flow, sort_keys=sort)
    expected, reference = noted(text)
    loaded = parse(text, "x.yaml")  # built from libyaml's events
    assert loaded.data == expected
    assert isinstance(loaded.source, EventSourceMap)
    node = compose(text)
    data, _ = build_plain(node, reader._core_scalar, reader.MAX_DEPTH)
    assert data == expected
    for source in (loaded.source, NodeSourceMap(Path("x.yaml"), node, reader._core_scalar)):
        every = pointers(expected)
        for pointer in every:
            assert source.locate(pointer) == reference.locate(pointer), pointer
            assert source.locate_key(pointer) == reference.locate_key(pointer), pointer
        assert (source.positions, source.keys) == (reference.positions, reference.keys)
        for pointer in every:  # now from the full maps
            assert source.locate(pointer) == reference.locate(pointer), pointer


def test_aliases_point_where_the_anchored_node_is_written() -> None:
    text = "a: &x {b: 1}\nc: *x\n"
    loaded = parse(text, "x.yaml")
    assert loaded.data == {"a": {"b": 1}, "c": {"b": 1}}
    source = loaded.source
    assert isinstance(source, NodeSourceMap)
    assert source.locate(("c", "b")) == (1, 11)  # the `1` after `b: ` on line 1
    assert source.locate_key(("c", "b")) == (1, 8)  # the `b`
    _, reference = noted(text)
    assert source.locate(("c",)) == reference.locate(("c",))


def test_merge_keys_still_place_merged_keys_where_the_mapping_starts() -> None:
    text = "base: &b {x: 1}\nthing:\n  <<: *b\n  y: 2\n"
    loaded = parse(text, "x.yaml")
    assert loaded.data["thing"] == {"y": 2, "x": 1}
    assert loaded.source.locate(("thing", "x")) == (3, 3)
    assert loaded.source.locate(("thing", "y")) == (4, 6)
