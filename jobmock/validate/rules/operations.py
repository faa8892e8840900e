"""Operations: unique ids, path templates against path parameters, and the responses a client
will meet (unauthenticated, not found, with a body it can check)."""

from __future__ import annotations

from collections.abc import Iterator

from jobmock.validate.documents import Kind, SpecDocument
from jobmock.validate.findings import Problem, Severity
from jobmock.validate.openapi import TEMPLATE, Node, Operation, deref, items, mapping
from jobmock.validate.openapi import operations as all_operations
from jobmock.validate.openapi import parameters as all_parameters
from jobmock.validate.openapi import responses as all_responses
from jobmock.validate.rules.registry import rule

NOT_FOUND_MARK = "x-jobmock-not-found"


def _where(doc: SpecDocument, node_pointer: tuple[str | int, ...]) -> str:
    position = doc.locate(node_pointer)
    if position.file == doc.path:
        return f"line {position.line}"
    return f"{position.file.name}:{position.line}"


@rule(
    "operation-id-unique",
    Severity.ERROR,
    Kind.OPENAPI,
    catches="two operations share an `operationId` (handlers and generated clients key on it)",
    fix="rename one of them",
)
def unique_operation_ids(doc: SpecDocument) -> Iterator[Problem]:
    seen: dict[str, Operation] = {}
    for operation in all_operations(doc.document):
        operation_id = operation.value.get("operationId")
        if not isinstance(operation_id, str):
            continue
        if operation_id in seen:
            first = seen[operation_id]
            yield Problem(
                f"operationId {operation_id!r} is already used by {first.label} "
                f"({_where(doc, (*first.pointer, 'operationId'))}); rename this one",
                (*operation.pointer, "operationId"),
            )
        else:
            seen[operation_id] = operation


@rule(
    "path-params-mismatch",
    Severity.ERROR,
    Kind.OPENAPI,
    catches="a `{name}` in a path template has no `in: path` parameter, a path parameter is not "
    "in the template, or a template repeats a name",
    fix="declare the parameter (`in: path`, `required: true`) or correct the template",
)
def path_parameters(doc: SpecDocument) -> Iterator[Problem]:
    reported: set[tuple[str | int, ...]] = set()
    for operation in all_operations(doc.document):
        if operation.item_pointer[:1] != ("paths",):
            continue
        names = TEMPLATE.findall(operation.path)
        for name in sorted({n for n in names if names.count(n) > 1}):
            if operation.item_pointer not in reported:
                reported.add(operation.item_pointer)
                yield Problem(
                    f"the path template {operation.path} names {{{name}}} twice; rename one",
                    operation.item_pointer,
                    key=True,
                )
        declared = {
            name: node
            for (name, where), node in all_parameters(doc.document, operation).items()
            if where == "path"
        }
        for name in dict.fromkeys(names):
            if name not in declared:
                has_list = isinstance(operation.value.get("parameters"), list)
                yield Problem(
                    f"{operation.label}: {{{name}}} is in the path template but no parameter "
                    f"declares it; add `- {{name: {name}, in: path, required: true, schema: "
                    "{type: string}}`",
                    (*operation.pointer, "parameters") if has_list else operation.pointer,
                    key=True,
                )
        for name, node in declared.items():
            if name not in names and node.pointer not in reported:
                reported.add(node.pointer)
                yield Problem(
                    f"path parameter `{name}` is not in the path template {operation.path}; "
                    f"add {{{name}}} to the path or remove the parameter",
                    node.pointer,
                )


@rule(
    "path-template-identical",
    Severity.ERROR,
    Kind.OPENAPI,
    catches="two templated paths differ only in their templates' names (`/jobs/{id}` and "
    "`/jobs/{jobId}`): the specification says they are identical and MUST NOT both exist",
    fix="merge the two path items under one template name",
)
def identical_templates(doc: SpecDocument) -> Iterator[Problem]:
    first: dict[str, str] = {}
    for path in mapping(doc.document.get("paths")):
        if not isinstance(path, str) or not TEMPLATE.search(path):
            continue
        shape = TEMPLATE.sub("{}", path)
        if shape in first:
            yield Problem(
                f"{path} and {first[shape]} are the same path with other template names; "
                "merge them under one",
                ("paths", path),
                key=True,
            )
        else:
            first[shape] = path


def _requires_auth(doc: SpecDocument, operation: Operation) -> list[str]:
    """The security schemes an operation requires; empty when none or when auth is optional."""
    own = "security" in operation.value
    requirements = items(operation.value["security"] if own else doc.document.get("security"))
    if not requirements or any(isinstance(r, dict) and not r for r in requirements):
        return []
    return sorted({str(name) for r in requirements for name in mapping(r)})


def _declares(codes: dict[str, Node], *wanted: str) -> bool:
    return any(code.upper() in wanted for code in codes)


@rule(
    "security-no-401",
    Severity.WARNING,
    Kind.OPENAPI,
    catches="an operation requires credentials (its own `security` or the document's) but declares "
    "no 401, 4XX or default response: what does a call without them get?",
    fix="add a `401` response with the body the API sends (in the overlay if the vendor omits it)",
)
def unauthenticated_response(doc: SpecDocument) -> Iterator[Problem]:
    for operation in all_operations(doc.document):
        schemes = _requires_auth(doc, operation)
        if not schemes or operation.item_pointer[:1] != ("paths",):  # webhooks: the API calls out
            continue
        codes = all_responses(doc.document, operation)
        if not _declares(codes, "401", "4XX", "DEFAULT"):
            yield Problem(
                f"{operation.label} requires {', '.join(schemes)} but declares no 401 response; "
                "add one describing what a call without valid credentials gets",
                (*operation.pointer, "responses"),
                key=True,
            )


def _signals_not_found(response: Node) -> bool:
    value = mapping(response.value)
    described = "not found" in str(value.get("description", "")).lower()
    return value.get(NOT_FOUND_MARK) is True or described


@rule(
    "path-param-no-404",
    Severity.WARNING,
    Kind.OPENAPI,
    catches="an operation looks a resource up by a path parameter but declares no 404 (or 4XX, "
    "default, or a 4xx response marked `x-jobmock-not-found: true` or described as not found)",
    fix="add the `404` response (or mark the status the vendor uses, e.g. a 422, with "
    "`x-jobmock-not-found: true`)",
)
def not_found_response(doc: SpecDocument) -> Iterator[Problem]:
    for operation in all_operations(doc.document):
        names = TEMPLATE.findall(operation.path)
        if operation.item_pointer[:1] != ("paths",) or not names:
            continue
        codes = all_responses(doc.document, operation)
        if _declares(codes, "404", "4XX", "DEFAULT"):
            continue
        if any(code.startswith("4") and _signals_not_found(r) for code, r in codes.items()):
            continue
        looked_up = ", ".join(f"{{{n}}}" for n in dict.fromkeys(names))
        yield Problem(
            f"{operation.label} looks a resource up by {looked_up} but declares no 404; add the "
            "response an unknown id gets (or mark the one the API uses with "
            f"`{NOT_FOUND_MARK}: true`)",
            (*operation.pointer, "responses"),
            key=True,
        )


def _all_responses(doc: SpecDocument) -> Iterator[tuple[str, str, Node]]:
    """(label, code, response) for every response, each defined response once."""
    seen: set[tuple[str | int, ...]] = set()
    for operation in all_operations(doc.document):
        for code, node in all_responses(doc.document, operation).items():
            if node.pointer not in seen:
                seen.add(node.pointer)
                yield operation.label, code, node
    components = mapping(doc.document.get("components"))
    for name, raw in mapping(components.get("responses")).items():
        node = deref(doc.document, Node(("components", "responses", name), raw))
        if node.pointer not in seen:
            seen.add(node.pointer)
            yield f"components.responses.{name}", "", node


@rule(
    "response-no-schema",
    Severity.WARNING,
    Kind.OPENAPI,
    catches="a response declares a body (`content`) with no `schema`: nothing says what it holds, "
    "so nothing can check or generate it",
    fix="add `schema:` under the media type (`{}` to allow anything, "
    "`{type: string, format: binary}` for a file)",
)
def response_schemas(doc: SpecDocument) -> Iterator[Problem]:
    for label, code, node in _all_responses(doc):
        for media, media_type in mapping(mapping(node.value).get("content")).items():
            if not (isinstance(media_type, dict) and "schema" in media_type):
                what = f"response {code} of {label}" if code else label
                yield Problem(
                    f"{what} has a {media} body but no schema; add `schema:` under {media}",
                    (*node.pointer, "content", media),
                    key=True,
                )
