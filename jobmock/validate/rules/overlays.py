"""Overlays: a valid OpenAPI Overlay document whose every action finds its target."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

from jobmock.documents.yamlfast import fast_load
from jobmock.errors import SourceError
from jobmock.validate.documents import Kind, OverlayDocument
from jobmock.validate.findings import Problem, Severity
from jobmock.validate.rules.registry import rule
from jobmock.validate.schemas import hint, leaf_errors, package_file, unexpected_key


@cache
def _overlay_validator(version: str) -> Any:
    """The Overlay JSON Schema oas-patch ships (read as a file, not imported)."""
    from jsonschema import Draft202012Validator

    path = package_file("oas_patch", "schema", f"overlay_schema_{version}.0.yml")
    if path is None:  # pragma: no cover - oas-patch is a dependency
        return None
    try:
        schema = fast_load(path, SourceError).data
    except SourceError:  # pragma: no cover
        return None
    return Draft202012Validator(schema)


@rule(
    "overlay-invalid",
    Severity.ERROR,
    Kind.OVERLAY,
    catches="the overlay is not a valid OpenAPI Overlay 1.0 document (missing `info`, an action "
    "without `target`, an unknown key)",
    fix="follow the message; the Overlay 1.0 specification lists the allowed keys",
)
def overlay_schema(doc: OverlayDocument) -> Iterator[Problem]:
    written = doc.data.get("overlay") if isinstance(doc.data, dict) else None
    version = "1.1" if str(written).startswith("1.1") else "1.0"
    validator = _overlay_validator(version)
    if validator is None:  # pragma: no cover
        return
    for error in leaf_errors(validator.iter_errors(doc.data)):
        yield Problem(
            f"not a valid Overlay {version} document: {error.message}; {hint(error)}",
            (*error.absolute_path, *unexpected_key(error)),
            key=True,
        )


@rule(
    "overlay-target-missing",
    Severity.ERROR,
    Kind.OVERLAY,
    catches="an action's `target` matches nothing in the document (renamed path, typo, wrong "
    "quoting), so the change it carries is silently lost; or no document sits beside the overlay",
    fix="correct the JSONPath so it names an existing node (`$.paths['/jobs/{id}'].get`)",
)
def missing_targets(doc: OverlayDocument) -> Iterator[Problem]:
    if doc.spec_path is None:
        expected = doc.path.name.removesuffix(".overlay.yaml") + ".yaml"
        yield Problem(
            f"no OpenAPI document beside this overlay (expected {expected}), so its "
            "targets cannot be checked; put the overlay next to its document"
        )
        return
    actions = dict(doc.actions())
    for outcome in doc.outcomes:
        target = actions.get(outcome.index, {}).get("target")
        if outcome.problem is None or not isinstance(target, str):
            continue  # an action without a target string is overlay-invalid's
        pointer = ("actions", outcome.index, "target")
        yield Problem(
            f"action {outcome.index}: target {target!r} {outcome.problem}; fix it so it names a "
            f"node of {doc.spec_path.name}",
            pointer,
        )
