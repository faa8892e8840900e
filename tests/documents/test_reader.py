"""The reader of users' documents (validate, serve DOC, init): JSON as JSON, YAML as YAML 1.2
core, positions kept, bombs refused."""

from __future__ import annotations

import datetime
import json
import time
from contextlib import chdir
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from jobmock.cli import main
from jobmock.documents import reader
from jobmock.documents.reader import FALLBACKS, MAX_DEPTH, core_value, parse, read
from jobmock.errors import SourceError
from jobmock.validate import ValidateOptions, validate_paths

SPEC_HEAD = "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths: {}\n"


def invoke(path: Path) -> tuple[int, str, str]:
    with chdir(path.parent):
        result = CliRunner().invoke(main, ["validate", path.name])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "a: &a [*a]\n",
            "x.yaml:1:4: an alias refers to a node that contains it (a self-referencing alias)",
        ),
        (
            "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n"
            + "".join(
                f"{c}: &{c} [{', '.join([f'*{p}'] * 10)}]\n"
                for p, c in zip("abcdef", "bcdefg", strict=True)
            ),
            # e = 1 + 10 * d, d = 1 + 10 * c, ..., a = 1 + 10 scalars: 111,111 values, past
            # ten times what is written plus 100,000
            "x.yaml:5:4: aliases expand this value to 111,111 values: an alias bomb? "
            "write the repeated parts out, or use $ref",
        ),
        (
            # the bracket whose contents nest 128 deep is the 72nd of 200 (column 3 + 72)
            "b: " + "[" * 200 + "]" * 200 + "\n",
            f"x.yaml:1:75: nested deeper than {MAX_DEPTH} levels",
        ),
    ],
    ids=["self-referencing-alias", "alias-bomb", "too-deep"],
)
def test_refused_in_one_line_exit_2(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    code, out, err = invoke(path)
    assert (code, out) == (2, "")
    assert err == f"jobmock: {message}\n"


def test_json_with_a_long_key_and_a_lone_surrogate_is_json(tmp_path: Path) -> None:
    key = "k" * 2000
    document = {
        "openapi": "3.1.0",
        "info": {"title": "T\ud83d", "version": "1"},
        "paths": {},
        "components": {"schemas": {key: {"type": "string", "example": 5}}},
    }
    path = tmp_path / "api.json"
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    loaded = read(path)
    assert loaded.data == document
    report = validate_paths([path], ValidateOptions())
    [finding] = report.findings
    # indent=2: the `"example"` key of the long-named schema is on line 12, column 9
    assert (finding.rule, finding.line, finding.column) == ("example-invalid", 12, 9)
    assert finding.message == (
        "`example` does not match its schema: 5 is not of type 'string'; fix the value or the schema"
    )


def test_invalid_json_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "api.json"
    path.write_text('{"openapi": "3.1.0",\n "info": }\n', encoding="utf-8")
    code, _, err = invoke(path)
    assert code == 2
    assert err == "jobmock: api.json:2:10: invalid JSON: Expecting value\n"


def test_messages_never_show_python_reprs(tmp_path: Path) -> None:
    path = tmp_path / "n.yaml"
    path.write_text(
        "openapi: 3.0.3\ninfo: {title: N, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n"
        "    Name: {type: string, example: null}\n"
        "    Flag: {type: boolean, enum: [true], example: false}\n",
        encoding="utf-8",
    )
    messages = [f.message for f in validate_paths([path], ValidateOptions()).findings]
    assert messages == [
        "`example` does not match its schema: null is not allowed here (the schema is not "
        "`nullable: true`) (and 1 more); fix the value or the schema",
        "`example` does not match its schema: false is not one of [true]; fix the value or the "
        "schema",
    ]


@given(st.integers())
def test_decimal_integers_are_integers(number: int) -> None:
    assert core_value(str(number)) == number


@given(st.dates())
def test_dates_stay_strings(day: datetime.date) -> None:
    assert core_value(day.isoformat()) == day.isoformat()
    assert parse(f"d: {day.isoformat()}\n", "x.yaml").data == {"d": day.isoformat()}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("on", "on"),
        ("off", "off"),
        ("yes", "yes"),
        ("017", 17),
        ("0o17", 15),
        ("0x1F", 31),
        ("1_000", "1_000"),
        ("1.5e3", 1500.0),
        ("-.inf", float("-inf")),
        ("~", None),
        ("2024-10-01T10:00:00Z", "2024-10-01T10:00:00Z"),
        ("!!str 12", "12"),
        ("!!float 1", 1.0),
    ],
)
def test_yaml_1_2_core_values(text: str, value: Any) -> None:
    assert parse(f"v: {text}\n", "x.yaml").data == {"v": value}


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=60, deadline=None)
@given(JSON, st.sampled_from([None, 2]))
def test_json_positions_point_at_each_value(value: Any, indent: int | None) -> None:
    """Every value's position is where its own JSON text starts."""
    text = json.dumps({"root": value}, indent=indent)
    loaded = parse(text, "x.json")
    lines = text.split("\n")
    decoder = json.JSONDecoder()

    def walk(node: Any, pointer: tuple[Any, ...]) -> None:
        line, column = loaded.source.positions[pointer]
        offset = sum(len(x) + 1 for x in lines[: line - 1]) + column - 1
        assert decoder.raw_decode(text, offset)[0] == node
        children = (
            node.items()
            if isinstance(node, dict)
            else enumerate(node)
            if isinstance(node, list)
            else ()
        )
        for key, child in children:
            walk(child, (*pointer, key))

    walk(loaded.data, ())


def pointers(node: Any, pointer: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every pointer into `node`, and one past each container's members (a pointer to nothing)."""
    found = [pointer]
    if isinstance(node, dict | list):
        members = node.items() if isinstance(node, dict) else enumerate(node)
        for key, child in members:
            found += pointers(child, (*pointer, key))
        found.append((*pointer, "missing" if isinstance(node, dict) else len(node)))
    return found


@settings(max_examples=80, deadline=None)
@given(JSON, st.sampled_from([None, 2]), st.booleans())
def test_a_json_pointer_found_alone_is_where_the_full_scan_puts_it(
    value: Any, indent: int | None, ascii_only: bool
) -> None:
    """A start warning locates a few pointers without scanning the whole text: the same line and
    column (of the value, and of its key) as the scan of every token, for pointers to nothing too
    (their closest ancestor)."""
    text = json.dumps({"root": value}, indent=indent, ensure_ascii=ascii_only)
    scanned = parse(text, "x.json").source
    scanned.positions  # noqa: B018  # the full scan
    for pointer in pointers({"root": value}):
        alone = parse(text, "x.json").source  # nothing found before
        assert alone.locate(pointer) == scanned.locate(pointer), pointer
        assert alone.locate_key(pointer) == scanned.locate_key(pointer), pointer  # type: ignore[attr-defined]


def test_a_3mb_yaml_with_one_unquoted_date_stays_on_the_fast_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The date used to send the whole file to ruamel.yaml (6.5 s of 9 on a 3 MB document)."""
    schemas = "".join(
        f"    S{i}:\n      type: object\n      properties:\n        id: {{type: string, "
        f"example: id-{i}}}\n        n: {{type: integer, example: {i}}}\n"
        for i in range(30_000)
    )
    text = SPEC_HEAD.replace("'1'", "2024-10-01") + "components:\n  schemas:\n" + schemas
    assert len(text) > 3_000_000

    def refuse(*_: Any) -> Any:
        raise AssertionError("fell back to ruamel.yaml")

    monkeypatch.setattr(reader, "parse_yaml", refuse)
    before = sum(FALLBACKS.values())
    started = time.process_time()
    loaded = parse(text, "big.yaml")
    spent = time.process_time() - started
    assert loaded.data["info"]["version"] == "2024-10-01"
    assert sum(FALLBACKS.values()) == before
    print(f"3 MB YAML read in {spent:.2f} s CPU")  # measured, not asserted


def test_unusual_tags_fall_back_and_say_so() -> None:
    before = FALLBACKS["tags, complex or duplicate keys"]
    loaded = parse("when: !!timestamp 2024-10-01\n", "x.yaml")
    assert loaded.data == {"when": "2024-10-01"}
    assert FALLBACKS["tags, complex or duplicate keys"] == before + 1


def test_syntax_errors_are_one_line() -> None:
    with pytest.raises(SourceError) as error:
        parse("a: 1\nb: [unclosed\nc: 2\n", "x.yaml")
    assert str(error.value).startswith("x.yaml:3:")  # where the unclosed list is seen to end
    assert "invalid YAML: " in str(error.value) and "\n" not in str(error.value)


def test_many_json_pointers_asked_of_one_document_are_where_the_full_scan_puts_them() -> None:
    """Past the first few pointers walked to one by one, every position is noted at once: the
    answers do not change at the switch."""
    value = {f"k{i}": [i, {"x": str(i)}] for i in range(2 * reader.WALKS)}
    text = json.dumps({"root": value}, indent=2)
    scanned = parse(text, "x.json").source
    scanned.positions  # noqa: B018  # the full scan
    asked = parse(text, "x.json").source
    every = pointers({"root": value})
    assert len(every) > reader.WALKS
    for pointer in every:
        assert asked.locate(pointer) == scanned.locate(pointer), pointer
        assert asked.locate_key(pointer) == scanned.locate_key(pointer), pointer  # type: ignore[attr-defined]


def test_an_example_valid_under_two_one_of_schemas_is_said_without_python_reprs(
    tmp_path: Path,
) -> None:
    """JSON Schema's `oneOf`: valid against exactly one; jsonschema's own message lists the
    schemas it matched as Python dicts (`{'type': 'object'}`)."""
    path = tmp_path / "o.yaml"
    path.write_text(
        SPEC_HEAD + "components:\n  schemas:\n    Either:\n      oneOf: [{type: object}, "
        "{type: object, properties: {a: {type: string}}}]\n      example: {a: x}\n",
        encoding="utf-8",
    )
    messages = [f.message for f in validate_paths([path], ValidateOptions()).findings]
    assert messages == [
        '`example` does not match its schema: {"a": "x"} is valid under more than one of its '
        "`oneOf` schemas; fix the value or the schema"
    ]
