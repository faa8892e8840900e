"""The document's gaps: answers a checker reports that no server could avoid while keeping to the
document, so `jobmock contract` lists them apart (`Document gaps (N)`) and does not fail on them.

- a refusal (401/403, 400/422, 404) where the operation declares no status of that kind (Twilio's
  operations declare only 2xx, though they require credentials; `jobmock.stateless.refusals`);
- a valid request refused (`positive_data_acceptance`) where the operation declares no 2xx or 3xx
  (nor `default`): its only documented answers are errors;
- an invalid value of a header parameter named Accept, Content-Type or Authorization accepted
  (`negative_data_rejection`): OpenAPI says such a parameter "SHALL be ignored";
- a server error (`not_a_server_error`) where the operation declares only 5xx answers, or 1xx
  (interim: never a final answer, so jobmock answers 501);
- a 501 where no declared success answer has a finite value (`jobmock.stateless.finite`: a schema
  that requires itself), which jobmock answers and says at start;
- an answer refused by a `oneOf` whose every branch has an identical twin
  (`jobmock.stateless.twins`): no value fits it. A `oneOf` whose branches only overlap has values
  that fit one branch, so an answer fitting two stays the server's failure.

Each gap names where in the tested document it is written (`Gap.at`, a JSON Pointer) and why.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from jobmock.documents.pointers import Node, Pointer, decode_pointer, deref, encode_pointer, lookup
from jobmock.http.openapi31 import IGNORED_HEADERS
from jobmock.stateless.finite import endless
from jobmock.stateless.twins import twin_branches

# Refusals of one meaning: a document that declares none of a family gives no status for it.
REFUSAL_FAMILIES = ({401, 403}, {400, 422}, {404})


def document_gap(status: int, declared: Iterable[str]) -> bool:
    """An undocumented refusal the operation declares no status of its kind for: the document's
    gap, which no server can answer within; a 4xx of a family it does declare (422 where it
    declares 400) stays a failure."""
    family = next((f for f in REFUSAL_FAMILIES if status in f), None)
    if family is None or any(str(c).upper() == "4XX" for c in declared):
        return False  # only these refusals: a 418 or a 5xx is the server's, whatever is declared
    return not {int(c) for c in declared if str(c).isdigit()} & family


def declared_responses(document: Mapping[str, Any] | None, operation: str) -> list[str]:
    """The response keys (upper case) `operation` ("GET /path") declares in `document`."""
    method, _, path = operation.partition(" ")
    item = ((document or {}).get("paths") or {}).get(path)
    spec = item.get(method.lower()) if isinstance(item, Mapping) else None
    responses = spec.get("responses") if isinstance(spec, Mapping) else None
    return [str(key).upper() for key in responses] if isinstance(responses, Mapping) else []


# a header parameter OpenAPI says to ignore (jobmock.http.openapi31.IGNORED_HEADERS): a checker
# that sends an invalid value there and expects a refusal reads it anyway
IGNORED_HEADER = re.compile(
    rf"parameter `({'|'.join(map(re.escape, sorted(IGNORED_HEADERS)))})` in header", re.I
)
TWICE = "is valid under more than one of the schemas listed in the 'oneOf' keyword"
SUCCESS = re.compile(r"2\d\d|2XX|DEFAULT")


@dataclass(frozen=True)
class Gap:
    """Why a failure is the document's gap, and where the document says what makes it one."""

    at: Pointer  # in the tested document
    why: str

    def pointer(self) -> str:
        return "#" + encode_pointer(self.at)


@dataclass(frozen=True)
class SchemaMiss:
    """An answer its schema refused (schemathesis' JsonSchemaError): the answer's status and media
    type, and where the refusing keyword is, as schemathesis gives it (a schema it bundled is
    `x-bundled/<name>/...`, `bundled` naming each one's URI)."""

    status: int
    media: str
    schema_path: Sequence[str | int]
    bundled: Mapping[str, str] = field(default_factory=dict)


def gap_of(
    check: str,
    status: int | None,
    defined: Iterable[str],
    document: Mapping[str, Any] | None,
    operation: str,
    message: str = "",
    miss: SchemaMiss | None = None,
) -> Gap | None:
    """Why a failure of `check` is the document's gap (the line `Document gaps` shows), or None:
    it is the server's failure."""
    document = document or {}
    at = _operation_at(operation)
    if check == "negative_data_rejection" and (ignored := IGNORED_HEADER.search(message)):
        where = _parameter_at(document, operation, ignored.group(1), "header") or at
        return Gap(
            where, f"declares header parameter {ignored.group(1)}, which OpenAPI says to ignore"
        )
    if check == "response_schema_conformance" and miss is not None and TWICE in message:
        return _twin_gap(document, operation, miss)
    keys = declared_responses(document, operation)
    listed = ", ".join(keys)
    interim_only = bool(keys) and all(key[0] == "1" for key in keys)
    responses = (*at, "responses")
    served_501 = status == 501 and check in ("status_code_conformance", "not_a_server_error")
    if served_501 and (endless_gap := _endless_gap(document, operation)) is not None:
        return endless_gap
    if check == "status_code_conformance":
        if interim_only:
            return Gap(responses, f"declares no final answer (only {listed}, interim)")
        if status and document_gap(status, defined):
            return Gap(responses, f"{status} undocumented")
        return None
    if not keys or "DEFAULT" in keys:
        return None
    if check == "positive_data_acceptance" and not any(key[0] in "23" for key in keys):
        return Gap(
            responses,
            f"declares no success response (only {listed}): a valid request gets one of those",
        )
    if check == "not_a_server_error" and all(key[0] in "15" for key in keys):
        return Gap(responses, f"declares no final answer but server errors ({listed})")
    return None


def _operation_at(operation: str) -> Pointer:
    method, _, path = operation.partition(" ")
    return ("paths", path, method.lower())


def _operation(document: Mapping[str, Any], operation: str) -> Mapping[str, Any]:
    found, spec = lookup(document, _operation_at(operation))
    return spec if found and isinstance(spec, Mapping) else {}


def _parameter_at(
    document: Mapping[str, Any], operation: str, name: str, where: str
) -> Pointer | None:
    """Where the operation's (or its path item's) parameter `name` in `where` is written."""
    at = _operation_at(operation)
    for holder in (at, at[:-1]):
        found, parameters = lookup(document, (*holder, "parameters"))
        for n, parameter in enumerate(parameters if found and isinstance(parameters, list) else []):
            node = deref(document, Node((*holder, "parameters", n), parameter))
            value = node.value if isinstance(node.value, Mapping) else {}
            if str(value.get("name", "")).lower() == name.lower() and value.get("in") == where:
                return node.pointer
    return None


def _endless_gap(document: Mapping[str, Any], operation: str) -> Gap | None:
    """The 501 of an operation no declared success answer of which has a finite value."""
    responses = _operation(document, operation).get("responses")
    found: list[Gap] = []
    for key, response in (responses if isinstance(responses, Mapping) else {}).items():
        if not SUCCESS.fullmatch(str(key).upper()):
            continue
        at = (*_operation_at(operation), "responses", str(key))
        node = deref(document, Node(at, response))
        content = node.value.get("content") if isinstance(node.value, Mapping) else None
        if not isinstance(content, Mapping) or not content:
            return None  # an answer without a body is one the server could give
        for media, holder in content.items():
            media_at = (*node.pointer, "content", str(media))
            schema = holder.get("schema", True) if isinstance(holder, Mapping) else True
            proof = endless(schema, (*media_at, "schema"), document)
            if proof is None:
                return None
            found.append(Gap(proof.at, f"answered 501: its {key} answer: {proof.why()}"))
    return found[0] if found else None


def _twin_gap(document: Mapping[str, Any], operation: str, miss: SchemaMiss) -> Gap | None:
    """An answer a `oneOf` refused for fitting two branches, where every branch has a twin."""
    path = list(miss.schema_path)
    if path[:1] == ["x-bundled"] and len(path) > 2:
        uri = miss.bundled.get(str(path[1]), "")
        start = decode_pointer(uri.partition("#")[2])
        rest = path[2:]
    else:
        start = _response_schema_at(document, operation, miss.status, miss.media)
        rest = path
    if start is None or rest[-1:] != ["oneOf"]:
        return None
    at = (*start, *rest[:-1])
    found, schema = lookup(document, at)
    named = (document.get("components") or {}).get("schemas") or {}
    if not found or not twin_branches(schema, named):
        return None  # branches that only overlap: an answer fitting one exists
    return Gap(
        (*at, "oneOf"),
        "every branch of this oneOf has an identical twin, so no value fits exactly one: "
        "no answer can be valid",
    )


def _response_schema_at(
    document: Mapping[str, Any], operation: str, status: int, media: str
) -> Pointer | None:
    """Where the schema of the operation's answer for `status` and `media` is written."""
    responses = _operation(document, operation).get("responses")
    responses = responses if isinstance(responses, Mapping) else {}
    keys = [str(status), f"{str(status)[0]}XX", "default"]
    key = next((k for k in keys if k in responses or k.lower() in responses), None)
    if key is None:
        return None
    key = key if key in responses else key.lower()
    node = deref(document, Node((*_operation_at(operation), "responses", key), responses[key]))
    content = node.value.get("content") if isinstance(node.value, Mapping) else None
    if not isinstance(content, Mapping):
        return None
    bare = media.split(";")[0].strip().lower()
    chosen = next((m for m in content if m.lower() == bare), None)
    if chosen is None and len(content) == 1:
        chosen = next(iter(content))
    if chosen is None:
        return None
    holder = deref(document, Node((*node.pointer, "content", chosen), content[chosen]))
    schema = holder.value.get("schema") if isinstance(holder.value, Mapping) else None
    return deref(document, Node((*holder.pointer, "schema"), schema)).pointer if schema else None
