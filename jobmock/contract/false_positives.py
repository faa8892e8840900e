"""The checker's own false positives: a `negative_data_rejection` failure (an invalid request
accepted) whose request, read back from the bytes sent by OpenAPI's serialisation rules
(`jobmock.contract.wire`), is a valid request after all, so the server was right to accept it.

schemathesis 4.32 judges the value it meant to send, not the bytes it sent: a form field of type
array mutated into the string "AAA" goes out as `Tags=AAA`, which style `form` with `explode`
(the default) reads as the array ["AAA"]; an array mutated into another type goes out in XML as an
empty wrapper, `<tag></tag>`, the empty array; a multipart field mutated into null goes out as the
text `null`, a valid string. Such a failure is listed apart, with its proof ("sent Tags=AAA, which
decodes to ["AAA"], valid"), and does not fail the run. It is one only when the request as read
differs from the value meant (what the wire changed) and every parameter and the body validate
against the document; whatever cannot be read back (`Unreadable`) stays a failure.

`FalsePositives` is a schemathesis `filter_failure` hook: a dropped failure is not shrunk towards,
deduplicated with, or counted as, the failures that remain.
"""

from __future__ import annotations

import copy
import json
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012
from schemathesis.core.failures import AcceptedNegativeData

from jobmock.contract.wire import Read, Sent, read_request
from jobmock.contract.wire_schema import MISSING, Part, Schema, Unreadable
from jobmock.documents.pointers import encode_pointer

DOCUMENT_URI = "urn:jobmock:contract:document"


@dataclass(frozen=True)
class FalsePositive:
    """A failure the bytes sent disprove: which operation, why, and a curl line that replays it."""

    operation: str
    proof: str  # "sent Tags=AAA, which decodes to ["AAA"], valid"
    parts: tuple[str, ...]  # the parts the wire changed, what tells two of them apart
    curl: str
    message: str  # the checker's own


@dataclass(frozen=True)
class Proof:
    """Why a request is valid as sent, and the parts the wire changed."""

    text: str
    parts: tuple[str, ...]  # "body Tags", "query limit"


class Judge:
    """Reads requests back and validates them against one document."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = _as_31(document)
        resource = DRAFT202012.create_resource(self.document)
        self.registry: Registry[Any] = Registry().with_resource(DOCUMENT_URI, resource)
        self.validators: dict[tuple[Any, ...], Draft202012Validator] = {}

    def proof(self, operation: str, sent: Sent, meant: Mapping[str, Any]) -> Proof | None:
        """Why the request sent to `operation` ("POST /pet") is valid though `meant` is not, or
        None: it is not (or cannot be read back), and the failure stands. `meant`: the values the
        checker meant, by location (`path`, `query`, `header`, `cookie`, `body`)."""
        method, _, template = operation.partition(" ")
        try:
            read = read_request(self.document, method, template, sent)
            if self.problems(read):
                return None
        # a schema the validator cannot apply (a `$ref` out of the document, a pattern Python's re
        # does not take) gives no verdict either: the failure stands
        except (Unreadable, Unresolvable, re.error):
            return None
        changed = [part for part in read.parts if not _same(_meant(meant, part), part)]
        if not changed:
            return None  # what was meant is what was sent: the checker's verdict stands
        # the parts the wire made valid (a value meant of the wrong type, read as the right one);
        # a field the schema leaves free may read otherwise too, which proves nothing
        rescued = [
            p
            for p in changed
            if p.schema
            and _meant(meant, p) is not MISSING
            and self.errors(p.schema, _meant(meant, p))
        ]
        changed = rescued or changed
        text = "; ".join(f"sent {p.wire}, which decodes to {_show(p)}" for p in changed)
        return Proof(text + ", valid", tuple(f"{p.location} {p.name}".strip() for p in changed))

    def problems(self, read: Read) -> list[str]:
        """What makes the request read back invalid (nothing: it is valid)."""
        found = []
        for part, required in read.parameters:
            if part.value is MISSING:
                if required:
                    found.append(f"{part.location} parameter {part.name} missing")
            elif part.schema is not None:
                found += self.errors(part.schema, part.value)
        if read.body is MISSING:
            if read.body_required:
                found.append("body missing")
        elif read.body_schema is not None:
            found += self.errors(read.body_schema, read.body)
        return found

    def errors(self, schema: Schema, value: Any) -> list[str]:
        validator = self.validators.get(schema.pointer)
        if validator is None:
            reference = {"$ref": f"{DOCUMENT_URI}#{encode_pointer(schema.pointer)}"}
            validator = Draft202012Validator(
                reference,
                registry=self.registry,
                format_checker=Draft202012Validator.FORMAT_CHECKER,
            )
            self.validators[schema.pointer] = validator
        return [error.message for error in validator.iter_errors(value)]


class FalsePositives:
    """`filter_failure` hook: drops the `negative_data_rejection` failures the bytes sent
    disprove, keeping each (`found`) for the report."""

    def __init__(self) -> None:
        self.found: list[FalsePositive] = []
        self.judges: dict[int, Judge] = {}
        self.lock = threading.Lock()

    def __call__(self, context: Any, failure: Any, case: Any, response: Any) -> bool:
        if not isinstance(failure, AcceptedNegativeData):
            return True
        document = case.operation.schema.raw_schema
        with self.lock:
            judge = self.judges.get(id(document))
            if judge is None:
                judge = self.judges[id(document)] = Judge(document)
        sent = Sent.of(response.request)
        proof = judge.proof(case.operation.label, sent, meant_values(case))
        if proof is None:
            return True
        headers = dict(response.request.headers)
        found = FalsePositive(
            operation=case.operation.label,
            proof=proof.text,
            parts=proof.parts,
            curl=case.as_curl_command(headers=headers, verify=response.verify),
            message=failure.message,
        )
        with self.lock:
            self.found.append(found)
        return False

    def drain(self) -> list[FalsePositive]:
        with self.lock:
            found, self.found = self.found, []
        return found


def meant_values(case: Any) -> dict[str, Any]:
    """The values the checker meant to send, by location."""
    return {
        "path": dict(case.path_parameters or {}),
        "query": dict(case.query or {}),
        "header": {str(k).lower(): v for k, v in (case.headers or {}).items()},
        "cookie": dict(case.cookies or {}),
        "body": case.body if case.body is not None else MISSING,
    }


def _meant(meant: Mapping[str, Any], part: Part) -> Any:
    """The value meant for `part` (a file's bytes as latin-1 text, as the part reads them)."""
    where = meant.get(part.location, {})
    name = part.name.lower() if part.location == "header" else part.name
    if part.location == "body" and not name:
        value = where
    else:
        value = where.get(name, MISSING) if isinstance(where, Mapping) else MISSING
    if part.binary and isinstance(value, str):
        value = value.encode("utf-8")
    if isinstance(value, bytes | bytearray):
        value = bytes(value).decode("latin-1")
    return value


def _same(meant: Any, part: Part) -> bool:
    """Whether the value meant is the value read (types told apart: 1 is not "1" nor true)."""
    if meant is MISSING or part.value is MISSING:
        return meant is part.value
    return _canonical(meant) == _canonical(part.value)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=repr)


def _show(part: Part, limit: int = 80) -> str:
    if part.value is MISSING:
        return "nothing (not sent)"
    if part.binary and isinstance(part.value, str):
        return f"a file of {len(part.value)} bytes"
    shown = json.dumps(part.value, ensure_ascii=False, default=repr)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def _as_31(document: Mapping[str, Any]) -> dict[str, Any]:
    """The document with 3.0's schema keywords as 3.1's (`nullable`), for one 2020-12 validator."""
    copied = copy.deepcopy(dict(document))
    if str(copied.get("openapi", "")).startswith("3.0"):
        from jobmock.stateless.documents import upgrade

        upgrade(copied)
    return copied
