"""Loading the OpenAPI documents jobmock serves: the documented spec plus its Overlay.

A documented file (`specs/<api>.yaml`) stays exactly as the vendor documents it; what it leaves out
lives in `specs/<api>.overlay.yaml` (OpenAPI Overlay 1.0), applied here at load time.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jobmock.documents.validity import ValidDocuments
from jobmock.documents.yamlfast import fast_load
from jobmock.documents.yamlsource import LoadedYaml, SourceMap
from jobmock.errors import SpecError

CONTROL_API = "control"
OVERLAY_SUFFIX = ".overlay.yaml"


@dataclass(frozen=True)
class ServedSpec:
    """One API's served document and where its parts came from."""

    name: str
    path: Path
    document: dict[str, Any]
    source: SourceMap
    overlay_path: Path | None = None
    overlay_source: SourceMap | None = None

    @property
    def title(self) -> str:
        return str(self.document.get("info", {}).get("title", self.name))

    def operations(self) -> Iterable[tuple[str, str, dict[str, Any]]]:
        """(path, method, operation) for every operation in the document."""
        for path, item in self.document.get("paths", {}).items():
            for method, operation in item.items():
                if method in HTTP_METHODS:
                    yield path, method, operation


HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})


def overlay_path_for(spec_path: Path) -> Path:
    return spec_path.with_name(spec_path.name.removesuffix(".yaml") + OVERLAY_SUFFIX)


def discover(directory: Path) -> list[Path]:
    """The vendor API documents in `directory` (overlays and the control API excluded)."""
    return sorted(
        p
        for p in directory.glob("*.yaml")
        if not p.name.endswith(OVERLAY_SUFFIX) and p.stem != CONTROL_API
    )


def apply_overlay(document: dict[str, Any], overlay: LoadedYaml) -> dict[str, Any]:
    """Apply an OpenAPI Overlay 1.0 to a copy of `document`; a target that matches nothing fails."""
    from jsonpath_ng.exceptions import JsonPathParserError
    from jsonpath_ng.ext import parse  # type: ignore[attr-defined]

    from jobmock.internals.oas_patch import apply_overlay as oas_apply

    data = overlay.data
    if not isinstance(data, dict) or "overlay" not in data or "actions" not in data:
        raise overlay.source.error(
            (), "not an OpenAPI Overlay (needs `overlay` and `actions`)", SpecError
        )
    result = copy.deepcopy(document)
    for index, action in enumerate(data["actions"]):
        where = ("actions", index, "target")
        target = action.get("target") if isinstance(action, dict) else None
        if not isinstance(target, str):
            raise overlay.source.error(("actions", index), "action has no `target`", SpecError)
        try:
            matches = parse(target).find(result)
        except (JsonPathParserError, Exception) as exc:  # jsonpath-ng raises bare Exceptions too
            raise overlay.source.error(
                where, f"invalid JSONPath {target!r}: {exc}", SpecError
            ) from None
        if not matches:
            raise overlay.source.error(
                where, f"target {target!r} matches nothing in the document", SpecError
            )
        oas_apply(result, {"actions": [action]})
    return result


def validate_document(document: dict[str, Any], source: SourceMap) -> None:
    """Raise SpecError (with the line of the offending node) if the document is not valid OpenAPI."""
    from jobmock.documents.checker import checker_for

    version = str(document.get("openapi", ""))
    validator_cls = checker_for(version)
    if not version.startswith(("3.0", "3.1")):
        raise source.error(
            ("openapi",), f"unsupported OpenAPI version {version!r} (3.0 or 3.1)", SpecError
        )
    for error in validator_cls(document).iter_errors():
        path = tuple(getattr(error, "absolute_path", ()) or ())
        message = error.message.strip().splitlines()[
            0
        ]  # jsonschema-rs appends the schema's details
        raise source.error(path, f"invalid OpenAPI document: {message}", SpecError)


def _file_state(path: Path) -> tuple[str, int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return str(path.resolve()), stat.st_mtime_ns, stat.st_size


_LOADED: dict[tuple[object, ...], ServedSpec] = {}


def load_spec(path: Path, *, name: str | None = None, validate: bool = True) -> ServedSpec:
    """The served document for the spec at `path`: the file plus the overlay beside it.

    Loaded documents are shared (treat them as read-only) until either file changes on disk.
    """
    key = (_file_state(path), _file_state(overlay_path_for(path)), name, validate)
    if key[0] is not None and key in _LOADED:
        return _LOADED[key]
    spec = _load_spec(path, name=name, validate=validate)
    _LOADED[key] = spec
    return spec


def _load_spec(path: Path, *, name: str | None, validate: bool) -> ServedSpec:
    loaded = fast_load(path, SpecError)
    if not isinstance(loaded.data, dict):
        raise loaded.source.error((), "an OpenAPI document must be a mapping", SpecError)
    document = loaded.data
    overlay_file = overlay_path_for(path)
    overlay_source = None
    if overlay_file.exists():
        overlay = fast_load(overlay_file, SpecError)
        document = apply_overlay(document, overlay)
        overlay_source = overlay.source
    if validate:  # remembered by content: a start does not import the validator again
        files = [path, overlay_file] if overlay_source else [path]
        ValidDocuments().check(files, lambda: validate_document(document, loaded.source))
    return ServedSpec(
        name=name or path.stem,
        path=path,
        document=document,
        source=loaded.source,
        overlay_path=overlay_file if overlay_source else None,
        overlay_source=overlay_source,
    )
