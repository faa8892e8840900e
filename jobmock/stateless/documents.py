"""A user's OpenAPI document as jobmock serves it: `$ref`s across files bundled, checked, 3.1.

`load_document(path)` reads YAML or JSON with line numbers, refuses what cannot be served with one
`file:line: reason` (Swagger 2.0, a `$ref` to nothing, an invalid document), copies what other
files' `$ref`s point at into this document (a `#/components/<kind>/<name>` target keeps its kind
and name; any other target is inlined, one that contains itself named in `components/schemas`),
then converts a 3.0 document's schemas to 3.1 (see `upgrade`), so one JSON Schema 2020-12
machinery validates and generates for both versions.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jobmock.documents.bundle import Bundler, refs
from jobmock.documents.pointers import decode_pointer, lookup
from jobmock.documents.reader import read
from jobmock.documents.routes import METHODS
from jobmock.documents.specs import ServedSpec, validate_document
from jobmock.documents.validity import ValidDocuments
from jobmock.documents.yamlsource import SourceMap
from jobmock.errors import SpecError
from jobmock.stateless.contradictions import nullable_enum, paths_where, warn_nullable_enums
from jobmock.stateless.start_warnings import warn_places

SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "dependentSchemas")
SCHEMA_ONE = ("items", "additionalProperties", "not", "if", "then", "else", "contains")


def check_local_refs(
    document: dict[str, Any],
    source: SourceMap,
    found: list[tuple[tuple[Any, ...], dict[str, Any]]] | None = None,
) -> None:
    """A `$ref` of `document` (`found`: its refs, when known) to nothing is a SpecError."""
    for where, holder in refs(document) if found is None else found:
        ref = holder["$ref"]
        if not ref.startswith("#"):
            continue
        pointer = decode_pointer(ref[1:])
        if pointer is None or not lookup(document, pointer)[0]:
            raise source.error((*where, "$ref"), f"$ref to nothing: {ref}", SpecError)


def inline_path_item_refs(document: dict[str, Any]) -> None:
    """A Path Item whose `$ref` names another in this document (`/a: {$ref: '#/paths/~1b'}`) as
    a copy of it (its own fields kept): connexion follows such a ref, and every operation must
    be found under its own path (a chain of them is followed, a cycle left as it is)."""
    paths = document.get("paths")
    if not isinstance(paths, dict):
        return
    for path, item in list(paths.items()):
        seen: set[str] = set()
        while isinstance(item, dict) and isinstance(ref := item.get("$ref"), str):
            pointer = decode_pointer(ref[1:]) if ref.startswith("#/paths/") else None
            found, target = lookup(document, pointer) if pointer else (False, None)
            if not found or not isinstance(target, dict) or ref in seen:
                break
            seen.add(ref)
            own = {key: value for key, value in item.items() if key != "$ref"}
            item = paths[path] = {**copy.deepcopy(target), **own}


def check_security_names(document: dict[str, Any], source: SourceMap) -> None:
    """SpecError at the first security requirement naming a scheme the document does not declare
    (3.1.0, Security Requirement Object: each name "MUST correspond to a security scheme which
    is declared in the Security Schemes under the Components Object")."""
    declared = (document.get("components") or {}).get("securitySchemes") or {}
    places: list[tuple[tuple[Any, ...], Any]] = [(("security",), document.get("security"))]
    for path, item in (document.get("paths") or {}).items():
        for method, operation in (item or {}).items() if isinstance(item, dict) else ():
            if isinstance(operation, dict) and "security" in operation:
                places.append((("paths", path, method, "security"), operation["security"]))
    for where, requirements in places:
        for index, requirement in enumerate(requirements or ()):
            for name in requirement if isinstance(requirement, dict) else ():
                if name not in declared:
                    raise source.error(
                        (*where, index, name),
                        f"security names {name!r}, which components.securitySchemes does not"
                        " declare",
                        SpecError,
                    )


def upgrade(document: dict[str, Any]) -> dict[str, Any]:
    """A 3.0 document as the 3.1 document that means the same: `nullable` as a `null` type (or
    branch), boolean `exclusiveMinimum`/`exclusiveMaximum` as numbers. Converting, rather than
    validating 3.0 with draft 4, keeps one validator and one generator for both versions, and
    loses nothing a client relies on (`/openapi.json` then says 3.1.0). Converted in place: the
    document is load_document's own."""
    for schema in schemas(document):
        _upgrade_schema(schema)
    document["openapi"] = "3.1.0"
    return document


def _upgrade_schema(schema: dict[str, Any]) -> None:
    for bound, limit in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if schema.get(bound) is True and limit in schema:
            schema[bound] = schema.pop(limit)
        elif isinstance(schema.get(bound), bool):
            del schema[bound]
    _upgrade_nullable(schema)


def _upgrade_nullable(schema: dict[str, Any]) -> None:
    # an enum without null contradicts the flag; null is taken (jobmock.stateless.contradictions)
    if schema.pop("nullable", False) is True:
        declared = schema.get("type")
        if isinstance(declared, str):
            schema["type"] = [declared, "null"]
            if "enum" in schema and None not in schema["enum"]:
                schema["enum"] = [*schema["enum"], None]
        elif declared is None:  # $ref, allOf... : null is one more branch
            inner = {k: schema.pop(k) for k in list(schema) if k not in ("description", "title")}
            schema["anyOf"] = [inner, {"type": "null"}]


def schemas(document: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every schema object of an OpenAPI document, nested ones included."""
    roots: list[Any] = list((document.get("components") or {}).get("schemas", {}).values())

    def in_content(content: Any) -> None:
        for media in (content or {}).values():
            if isinstance(media, dict) and "schema" in media:
                roots.append(media["schema"])

    def in_parameters(parameters: Any) -> None:
        for parameter in parameters or ():
            if isinstance(parameter, dict):
                roots.append(parameter.get("schema"))
                in_content(parameter.get("content"))

    components = document.get("components") or {}
    in_parameters(components.get("parameters", {}).values())
    for header in components.get("headers", {}).values():
        roots.append(header.get("schema") if isinstance(header, dict) else None)
    responses = list(components.get("responses", {}).values())
    bodies = list(components.get("requestBodies", {}).values())
    for item in (document.get("paths") or {}).values():
        in_parameters(item.get("parameters"))
        for method in METHODS:  # OpenAPI 3.1 operations may leave `responses` out
            operation = item.get(method)
            if isinstance(operation, dict):
                in_parameters(operation.get("parameters"))
                bodies.append(operation.get("requestBody"))
                responses += list((operation.get("responses") or {}).values())
    for body in bodies:
        in_content((body or {}).get("content"))
    for response in responses:
        if isinstance(response, dict):
            in_content(response.get("content"))
            for header in (response.get("headers") or {}).values():
                roots.append(header.get("schema") if isinstance(header, dict) else None)
    return nested(roots)


def nested(roots: list[Any]) -> Iterator[dict[str, Any]]:
    """The schema objects among `roots` and every schema nested in them, each once."""
    seen: set[int] = set()
    stack = [r for r in roots if isinstance(r, dict)]
    while stack:
        schema = stack.pop()
        if id(schema) in seen:
            continue
        seen.add(id(schema))
        yield schema
        children = [schema.get(k) for k in SCHEMA_ONE]
        children += [v for k in SCHEMA_LISTS for v in schema.get(k) or ()]
        children += [v for k in SCHEMA_MAPS for v in (schema.get(k) or {}).values()]
        stack += [c for c in children if isinstance(c, dict)]


# validate's errors that serve reads past: a `$ref` where OpenAPI takes none is followed
SERVED_ANYWAY = frozenset({"ref-not-allowed"})


def validates_first_error(path: Path) -> SpecError | None:
    """The first error `jobmock validate` finds in the document at `path`, as the reason it is not
    served: the check that refused it (openapi-spec-validator's) can name no place (`1:1`) and
    speak Python (`the maximum of True`); validate locates each schema's own error. None if
    validate finds no error (the check's own reason then stands)."""
    from jobmock.validate.findings import Severity
    from jobmock.validate.runner import validate_paths

    for finding in validate_paths([path]).findings:
        if finding.severity is Severity.ERROR and finding.rule not in SERVED_ANYWAY:
            message = f"{finding.message} ({finding.rule})"
            same = Path(finding.file).resolve() == path.resolve()  # validate's path is relative
            return SpecError(path if same else finding.file, message, finding.line, finding.column)
    return None


def load_document(path: Path, name: str) -> ServedSpec:
    """The document at `path`, bundled, checked and in 3.1; SpecError (file:line) if it cannot be served."""
    loaded = read(path, SpecError)
    if not isinstance(loaded.data, dict):
        raise loaded.source.error((), "an OpenAPI document must be a mapping", SpecError)
    if "swagger" in loaded.data:
        raise loaded.source.error(
            ("swagger",),
            "Swagger 2.0 is not served; convert it to OpenAPI 3 (e.g. swagger2openapi)",
            SpecError,
        )
    if "openapi" not in loaded.data:
        raise loaded.source.error((), "not an OpenAPI document (no `openapi` field)", SpecError)
    bundler = Bundler(loaded, path)
    document = bundler.bundle(path)
    source = bundler.source  # a node from another file is located in that file
    check_local_refs(document, source, bundler.found)
    inline_path_item_refs(document)
    check_security_names(document, source)
    try:
        ValidDocuments().check(bundler.files, lambda: validate_document(document, source))
    except SpecError as refused:
        raise validates_first_error(path) or refused from None
    if str(document["openapi"]).startswith("3.0"):
        contradicted = sum(1 for schema in schemas(document) if nullable_enum(schema))
        warn_nullable_enums(document, source, contradicted)
        document = upgrade(document)
    else:
        read_nullable_as_meant(document, source)
    return ServedSpec(name=name, path=path, document=document, source=source)


def _says_nullable(node: Any) -> bool:
    return isinstance(node, dict) and node.get("nullable") is True


def read_nullable_as_meant(document: dict[str, Any], source: SourceMap) -> None:
    """A 3.1 document's `nullable: true` (a 3.0 keyword 3.1 dropped: JSON Schema 2020-12 reads it
    as an annotation, null refused) read as its author meant it, as in a 3.0 document: null taken
    there, in requests and answers; one warning names them. Clients and checkers that read the
    flag (schemathesis does) send null there, and a faithful-to-3.1 refusal would fail them all."""
    flagged = [schema for schema in schemas(document) if _says_nullable(schema)]
    warn_places(
        f"jobmock: %d schema(s) of this OpenAPI {document.get('openapi')} document say"
        " `nullable: true`, a 3.0 keyword 3.1 does not have (use `type: [T, 'null']`); jobmock"
        " takes null there, as the author meant and as schemathesis reads it",
        len(flagged),
        (((*path, "nullable"), "nullable: true") for path in paths_where(document, _says_nullable)),
        source,
    )
    for schema in flagged:
        _upgrade_nullable(schema)


DOCUMENT_SUFFIXES = (".yaml", ".yml", ".json")


# File names that say "an OpenAPI document", not which API: the folder holding one names it.
GENERIC_STEMS = frozenset({"openapi", "swagger", "api", "spec", "schema", "oas", "index"})


def api_name(path: Path) -> str:
    """The API name (and prefix) of a document: its file name (its folder's, for a generic one
    like `openapi.yaml`), as the control API spells names."""
    stem = path.stem.lower()
    if stem in GENERIC_STEMS and path.resolve().parent.name:
        stem = path.resolve().parent.name.lower()
    return re.sub(r"[^a-z0-9_-]+", "-", stem).strip("-") or "api"


def documents_in(path: Path) -> list[Path]:
    """`path` itself, or the OpenAPI documents of folder `path` (files with a top-level `openapi`
    or `swagger` field: the files they `$ref` are not served on their own)."""
    if not path.is_dir():
        return [path]
    found = []
    for candidate in sorted(path.iterdir()):
        if candidate.suffix.lower() not in DOCUMENT_SUFFIXES or not candidate.is_file():
            continue
        data = read(candidate, SpecError).data
        if isinstance(data, dict) and ("openapi" in data or "swagger" in data):
            found.append(candidate)
    if not found:
        raise SpecError(path, "no OpenAPI document in this folder (.yaml, .yml or .json)")
    return found
