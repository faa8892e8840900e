"""jobmock's own specs, overlays and fixtures: clean, and read by `validate` as `serve` reads them."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from jobmock.documents.specs import apply_overlay as served_overlay
from jobmock.documents.specs import overlay_path_for
from jobmock.documents.yamlfast import fast_parse
from jobmock.documents.yamlsource import load_yaml, parse_yaml
from jobmock.engine import resources
from jobmock.validate import Severity, ValidateOptions, validate_paths
from jobmock.validate.documents import apply_overlay, overlay_document
from tests.validate.expectations import CORPUS

SPECS = sorted(resources.specs_dir().glob("*.yaml"))
FIXTURES = sorted(resources.fixtures_dir().glob("*.yaml"))
REPOSITORY_YAML = SPECS + FIXTURES
# corpus/reader holds alias bombs: documents every reader must refuse, not read
CORPUS_YAML = sorted(p for p in CORPUS.rglob("*.yaml") if p.parent.name != "reader")


def test_served_specs_and_fixtures_have_no_errors() -> None:
    assert SPECS and FIXTURES
    report = validate_paths((), ValidateOptions())
    errors = [
        f"{f.location}: [{f.rule}] {f.message}"
        for f in report.findings
        if f.severity is Severity.ERROR
    ]
    assert errors == []
    assert {Path(p).name for p in report.files} >= {p.name for p in REPOSITORY_YAML}


def _same(a: Any, b: Any) -> bool:
    """Equal values of the same kinds (True is not 1, 1.0 is not 1, "1" is not 1)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, str | int | float | bool) or a is None:
        return bool(a == b)
    return repr(a) == repr(b)  # objects ruamel builds for the odd cases (explicit tags)


@pytest.mark.parametrize("path", REPOSITORY_YAML + CORPUS_YAML, ids=lambda p: p.name)
def test_fast_yaml_reads_what_serve_reads(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    reference, fast = parse_yaml(text, path), fast_parse(text, path)
    assert _same(fast.data, reference.data)
    assert fast.source.positions == reference.source.positions


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\nb: 'x'\nc: yes\nd: on\ne: 1.5\nf: -3\ng: .inf\nh: 1e3\ni: +2\nj: ~\nk: True\n",
        "'200': ok\n404: gone\nnull: 1\n1.5: x\n",
        'a: |\n  literal\n  text\nb: >-\n  folded\n  text\nc: "quoted"\n',
        "a: [1, {b: c}, [d]]\nlist:\n- x\n- y: 1\n  z: 2\n",
        "date: 2024-01-15\nhex: 0x1F\noctal: 0o17\nunderscore: 1_000\nlead: 017\n",
        "tagged: !!str 12\nempty:\nnext: 1\n",
        "anchor: &a {x: 1}\nalias: *a\nmerged:\n  <<: *a\n  y: 2\n",
        "b: &b {x: 1, y: 2, z: {d: 1}}\no: &o {w: 0, x: 5}\nuse:\n  a: 0\n  <<: *b\n  y: 20\n"
        "multi:\n  <<: [*o, *b]\n  x: 9\nonly:\n  <<: *b\nchain: &c\n  <<: *o\n  v: 1\n"
        "deep:\n  <<: *c\n",
        "id: 019c96a0-10a0-72d2-9fb0-2b7de8093182\nversion: 3.1.0\nnan: .nan\n",
    ],
    ids=[
        "scalars",
        "keys",
        "block-strings",
        "collections",
        "yaml-1.2-numbers",
        "tags-and-empty",
        "anchors-and-merge",
        "merge-keys",
        "uuid-version-nan",
    ],
)
def test_fast_yaml_edge_cases(text: str) -> None:
    reference, fast = parse_yaml(text, "x.yaml"), fast_parse(text, "x.yaml")
    assert _same(fast.data, reference.data)
    assert fast.source.positions == reference.source.positions


def test_fast_yaml_reports_syntax_errors_as_serve_does() -> None:
    from jobmock.errors import SourceError

    text = "a: 1\nb: [unclosed\nc: 2\n"
    with pytest.raises(SourceError) as reference:
        parse_yaml(text, "x.yaml")
    with pytest.raises(SourceError) as fast:
        fast_parse(text, "x.yaml")
    assert str(fast.value) == str(reference.value)


OVERLAID = [p for p in SPECS if overlay_path_for(p).exists()] + [
    CORPUS / "specs" / "overlay-provenance.yaml"
]


@pytest.mark.parametrize("spec", OVERLAID, ids=lambda p: p.name)
def test_overlay_applied_as_serve_applies_it(spec: Path) -> None:
    document = load_yaml(spec).data
    overlay = load_yaml(overlay_path_for(spec))
    mine = overlay_document(overlay)
    assert apply_overlay(document, mine) == served_overlay(document, overlay)
    assert all(outcome.problem is None for outcome in mine.outcomes)
