"""A job's answer built from the document: the answer's schema filled with the job's values where
names fit (or the binding's `fields` say), the rest as generated, always valid against the schema.

Each property a body may have is a `Slot` with the source that fills it (`jobmock.polling.sources`).
A value is written as its property's schema wants (a moment as date-time, date or epoch seconds; a
fraction as 0-100 or 0-1) and only if the property's schema takes it; a source that does not apply
now (no `finished_at` yet) makes the property null, or leaves it out, or keeps the generated value,
whichever the schema allows. Should the whole body then fail its schema (a `oneOf` the parts do not
see), the values are applied one at a time and only those keeping it valid stay.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from jsonschema import Draft202012Validator

from jobmock.documents.pointers import Pointer
from jobmock.http.validators import FORMAT_CHECKER
from jobmock.model.lifecycle import count
from jobmock.model.timestamps import rfc3339
from jobmock.polling.schemas import required_of, walk
from jobmock.polling.sources import (
    ABSENT,
    Facts,
    Moment,
    Percent,
    normal,
    source_for,
    value_of,
)
from jobmock.stateless.views import standalone

# parts of an error object (`error: {code, message}`) and what fills them
ERROR_PARTS = {
    **dict.fromkeys(["message", "detail", "details", "description", "title", "text"], "error"),
    **dict.fromkeys(["code", "type", "kind", "reason"], "error_code"),
}
SKIPPED_FIELDS = frozenset({"request", "path"})  # job fields that are jobmock's own bookkeeping

if TYPE_CHECKING:
    from jobmock.engine.mock import JobView


@dataclass(frozen=True)
class Slot:
    pointer: Pointer
    what: str | None  # a source (`sources.value_of`); None: only a request value or field fits
    fixed: bool  # named by the binding: no request value or field takes it over
    validator: Draft202012Validator
    required: bool
    nullable: bool


def _validator(schema: Any, document: Mapping[str, Any]) -> Draft202012Validator:
    return Draft202012Validator(standalone(schema, document), format_checker=FORMAT_CHECKER)


def written(value: Any, validator: Draft202012Validator) -> Any:
    """`value` as the schema takes it, or ABSENT if it takes none of its forms."""
    if isinstance(value, Moment):
        moment = datetime.fromtimestamp(value.t, UTC)
        forms: list[Any] = [rfc3339(value.t), moment.date().isoformat(), int(value.t), value.t]
    elif isinstance(value, Percent):
        forms = [count(100, value.fraction), value.fraction * 100, value.fraction]
    elif isinstance(value, str) and value.isdigit():  # an id the path carries as text
        forms = [value, int(value)]
    else:
        forms = [value]
    return next((form for form in forms if validator.is_valid(form)), ABSENT)


class Filler:
    """Fills bodies of one answer's schema with a job's values."""

    def __init__(
        self,
        document: Mapping[str, Any],
        schema: Any,
        *,
        explicit: Mapping[Pointer, str],
        counters: set[str],
        facts: Facts,
    ) -> None:
        self.facts = facts
        self.validator = _validator(schema, document)
        self.slots: list[Slot] = []
        parents: dict[Pointer, str | None] = {}
        for pointer, sub in walk(document, schema):
            parent = pointer[:-1]
            name = str(pointer[-1])
            what = explicit.get(pointer)
            fixed = what is not None
            if what is None and parents.get(parent) in ("error",):
                what = ERROR_PARTS.get(normal(name))
            if what is None and (not parent or parent in parents):
                what = source_for(name, counters, {})
            parents[pointer] = what
            validator = _validator(sub, document)
            container = schema if not parent else _schema_at(document, schema, parent)
            self.slots.append(
                Slot(
                    pointer,
                    what,
                    fixed,
                    validator,
                    name in required_of(document, container),
                    validator.is_valid(None),
                )
            )
        # explicit pointers the walk did not reach (deeper than it goes)
        for pointer, what in explicit.items():
            if all(slot.pointer != pointer for slot in self.slots):
                sub = _schema_at(document, schema, pointer)
                validator = _validator(sub, document)
                self.slots.append(Slot(pointer, what, True, validator, False, False))

    def values(self, view: JobView) -> list[tuple[Slot, Any]]:
        request = view.fields.get("request") or {}
        found = []
        for slot in self.slots:
            name = str(slot.pointer[-1])
            value: Any = ABSENT
            if not slot.fixed and len(slot.pointer) == 1 and name in request:
                value = request[name]
            elif not slot.fixed and name in view.fields and name not in SKIPPED_FIELDS:
                value = view.fields[name]
            elif slot.what is not None:
                value = value_of(slot.what, view, self.facts)
            elif slot.what is None:
                continue
            found.append((slot, value))
        return found

    def fill(self, view: JobView, base: Any) -> Any:
        """`base` (a valid body, generated or documented) with the job's values in it."""
        if not isinstance(base, dict):
            return base
        changes = self.values(view)
        body = copy.deepcopy(base)
        for slot, value in changes:
            apply(body, slot, value)
        if self.validator.is_valid(body):
            return body
        body = copy.deepcopy(base)  # one at a time, keeping what keeps the body valid
        for slot, value in changes:
            trial = copy.deepcopy(body)
            apply(trial, slot, value)
            if self.validator.is_valid(trial):
                body = trial
        return body


def _schema_at(document: Mapping[str, Any], schema: Any, pointer: Pointer) -> Any:
    from jobmock.polling.schemas import property_schema

    found = property_schema(document, schema, pointer)
    return found if found is not None else {}


def apply(body: dict[str, Any], slot: Slot, value: Any) -> None:
    """Write `value` at the slot's place in `body` (see the module docstring)."""
    parent: Any = body
    for part in slot.pointer[:-1]:
        if not isinstance(parent, dict):
            return
        if not isinstance(parent.get(part), dict):
            if value is ABSENT:
                return
            parent[part] = {}
        parent = parent[part]
    if not isinstance(parent, dict):
        return
    name = slot.pointer[-1]
    if value is not ABSENT:
        value = written(value, slot.validator)
    if value is not ABSENT:
        parent[name] = value
    elif slot.nullable:
        parent[name] = None
    elif not slot.required:
        parent.pop(name, None)
