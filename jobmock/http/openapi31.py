"""connexion, taught to serve OpenAPI 3.1 documents as they are written.

connexion 3.3 checks documents against the 3.0 meta-schema and validates with JSON Schema draft 4
(spec-first/connexion#1396). Here it gets, through its own extension points:
- `OpenAPI31Specification`: the document is validated by openapi-spec-validator (done in
  `jobmock.documents.specs`), not by connexion's 3.0 schema check;
- a `validator_map` whose validators use JSON Schema 2020-12 (`jobmock.http.validators`);
- parameters coerced by their 3.1 types (`type: [integer, "null"]`, `anyOf`); a value that cannot be
  coerced is left to the validator, which reports it precisely;
- multipart bodies left unread (`jobmock.http.validators`, `jobmock.http.invocation.StreamedRequest`): the
  operation streams them through `jobmock.uploads`, bounded, and checks them in the vendor's
  documented order. connexion would hold the whole body in memory to replay it, then parse it a
  second time into arguments;
- operations bound to their handlers once (`jobmock.http.invocation`).
"""

from __future__ import annotations

import copy
import decimal
import functools
import marshal
import typing as t

from connexion import AsyncApp
from connexion.datastructures import MediaTypeDict
from connexion.exceptions import BadRequestProblem
from connexion.middleware.main import API, ConnexionMiddleware
from connexion.operations import OpenAPIOperation

from jobmock.documents.routes import matching_order, repeated_names
from jobmock.http.invocation import BoundASGIApp
from jobmock.http.scalars import scalar_types
from jobmock.http.served import IGNORED_HEADERS as IGNORED_HEADERS  # jobmock.contract's name
from jobmock.http.served import ServedDocument, ignored_header
from jobmock.http.styles import MISSING, Unparseable, decoder_for, needs_decoding, parameter_of
from jobmock.http.validators import ORIGINAL_SCHEMA, original_schema
from jobmock.http.wire import Pairs, Raw
from jobmock.internals.connexion import (
    OpenAPISpecificationBase,
    OpenAPIURIParserBase,
    set_middleware_app,
)


def coercion_schema(schema: dict[str, t.Any]) -> dict[str, t.Any]:
    """A view of a 3.1 parameter schema with the single `type` connexion's coercion understands.

    A schema taking several scalar types (`anyOf: [integer, string]`) is a string to connexion:
    its coercion would make `ubuntu-16-04-x64` an integer and fail (a 500); the styles' reading
    (`jobmock.http.scalars.typed`: the first type that reads it) is what the value is checked as.
    """
    if len(scalar_types(schema)) > 1:
        return {**schema, "type": "string"}
    declared = schema.get("type")
    if isinstance(declared, str):
        return schema
    if isinstance(declared, list):
        concrete = [x for x in declared if x != "null"]
        return {**schema, "type": concrete[0] if concrete else "string"}
    for keyword in ("anyOf", "oneOf", "allOf"):
        for branch in schema.get(keyword, ()):
            branch_type = coercion_schema(branch).get("type")
            if branch_type and branch_type != "null":
                return {**schema, "type": branch_type}
    return {**schema, "type": "string"}


def whole_number(text: str) -> int | str:
    """`text` as the integer it writes in decimal notation (`4256.0`, `1e3`), else as it is."""
    try:
        number = decimal.Decimal(text)
    except decimal.InvalidOperation:
        return text
    if not number.is_finite() or number.adjusted() > 40 or number != number.to_integral_value():
        return text  # `1e999999999` is not expanded: no integer parameter takes it anyway
    return int(number)


def as_sent(values: t.Sequence[t.Any]) -> t.Any:
    """A form field's values as the schema check sees them when they cannot be read as its
    schema says: one value as it is, several as a list."""
    return values[0] if len(values) == 1 else list(values)


class DefinitionsOnceURIParser(OpenAPIURIParserBase):
    """connexion's OpenAPI URI parser, built once per operation: its map of parameter schemas is
    made once (connexion rebuilds it on every lookup), and the path parameters of recent requests
    are remembered resolved (clients poll the same ids)."""

    RESOLVED_PATHS = 1024

    def __init__(
        self, *args: t.Any, body_media_types: t.Sequence[str] = (), **kwargs: t.Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.body_definition: dict[str, t.Any] = (args[1] if len(args) > 1 else None) or {}
        self._resolved_paths: dict[tuple[tuple[str, t.Any], ...], dict[str, t.Any]] = {}
        self.body_media_types = tuple(body_media_types)  # those the operation's body comes in

    @functools.cached_property
    def param_schemas(self) -> dict[str, t.Any]:  # type: ignore[override]
        schemas: dict[str, t.Any] = super().param_schemas
        return schemas

    @functools.cached_property
    def form_defns(self) -> dict[str, t.Any]:  # type: ignore[override]
        """The form body's property schemas as coercion reads them: each with one `type` (connexion
        indexes `defn["type"]`: a property given by `enum`, `$ref` or a type list would be a 500)."""
        properties = self.body_schema.get("properties") or {}
        return {
            name: coercion_schema(schema) if isinstance(schema, dict) else {"type": "string"}
            for name, schema in properties.items()
        }

    @functools.cached_property
    def form_styled(self) -> dict[str, t.Callable[[Raw], t.Any]]:
        """The decoders of the form fields connexion cannot read, compiled once: an array or an
        object, a style its Encoding Object names (OpenAPI 3.1.0, Encoding Object, `style`: "The
        behavior follows the same values as `query` parameters, including default values."), and
        every field of a body whose schema has properties but no `type: object` (connexion
        coerces no field of such a body: `Count=3` stays the list `["3"]`)."""
        schema = self.body_schema
        untyped = schema.get("type") != "object"
        encodings = self.body_definition.get("encoding") or {}
        found: dict[str, t.Callable[[Raw], t.Any]] = {}
        for name, field in (schema.get("properties") or {}).items():
            found_encoding = encodings.get(name)
            encoding: dict[str, t.Any] = found_encoding if isinstance(found_encoding, dict) else {}
            serialization: dict[str, t.Any] = {
                k: encoding[k] for k in ("style", "explode") if k in encoding
            }
            if "contentType" in encoding and not serialization:
                continue  # a JSON-encoded field: connexion decodes it
            definition: dict[str, t.Any] = {"name": name, "in": "form", **serialization}
            parameter = parameter_of(definition, field if isinstance(field, dict) else {})
            if untyped or parameter.shape != "scalar" or parameter.style != "form":
                found[name] = decoder_for(parameter)
        return found

    def resolve_form(self, form_data: dict[str, t.Any]) -> dict[str, t.Any]:
        """connexion's coercion of each field by its schema, but a field it cannot coerce
        (`Ttl=AAA` for an integer) is kept as sent, for the validator to refuse with every other
        problem of the body (connexion raises its own 400 at the first); styled fields decoded."""
        styled = self.form_styled
        resolved: dict[str, t.Any] = {}
        for name, values in form_data.items():
            if styled and (name in styled or name.split("[", 1)[0] in styled):
                continue
            try:
                resolved.update(super().resolve_form({name: list(values)}))
            # connexion's TypeValidationError, or a JSON-encoded field that does not decode
            except (BadRequestProblem, ValueError):
                resolved[name] = as_sent(values)
        if styled:
            raw = Pairs([(k, v) for k, values in form_data.items() for v in values])
            for name, decode in styled.items():
                try:
                    value = decode(raw)
                except Unparseable:  # kept as sent: the body's schema check refuses it
                    value = as_sent(form_data[name]) if name in form_data else MISSING
                if value is not MISSING:
                    resolved[name] = value
        return resolved

    @functools.cached_property
    def styled(self) -> dict[str, dict[str, t.Callable[[Raw], t.Any]]]:
        """By location, the decoders of the parameters connexion cannot read (a style, an array
        or an object: `jobmock.http.styles`), compiled once; the validator refuses what they
        cannot decode before a handler asks for it."""
        found: dict[str, dict[str, t.Callable[[Raw], t.Any]]] = {"path": {}, "query": {}}
        for name, definition in self.param_defns.items():
            parameter = parameter_of(definition, original_schema(definition))
            if parameter.location in found and needs_decoding(parameter):
                found[parameter.location][name] = decoder_for(parameter)
        return found

    def decoded(self, location: str, raw: Raw, resolved: dict[str, t.Any]) -> dict[str, t.Any]:
        for name, decode in self.styled[location].items():
            try:
                value = decode(raw)
            except Unparseable:
                continue
            if value is not MISSING:
                resolved[name] = value
        return resolved

    @functools.cached_property
    def empty_allowed(self) -> frozenset[str]:
        """Query parameters whose allowEmptyValue lets them be sent empty (`?opt_pretty=`).

        OpenAPI 3.0.3/3.1.0 Parameter Object: allowEmptyValue "allows sending a parameter with
        an empty value" (query parameters only). Sent empty, such a parameter is read as not
        sent, so neither validation nor the handler's conversion sees a value its schema refuses.
        """
        return frozenset(
            name
            for name, param in self._param_defns.items()
            if param.get("in") == "query" and param.get("allowEmptyValue") is True
        )

    def resolve_query(self, query_data: dict[str, t.Any]) -> dict[str, t.Any]:
        if self.empty_allowed:  # sent empty: no value to convert, the handler sees it left out
            query_data = {
                k: v
                for k, v in query_data.items()
                if k not in self.empty_allowed or any(v)  # a value beside is validated
            }
        styled = self.styled["query"]
        if not styled:
            return t.cast(dict[str, t.Any], super().resolve_query(query_data))
        raw = Pairs([(k, v) for k, values in query_data.items() for v in values])
        plain = {
            k: v
            for k, v in query_data.items()
            if k not in styled and k.split("[", 1)[0] not in styled
        }
        return self.decoded("query", raw, super().resolve_query(plain))

    def resolve_params(self, params: dict[str, t.Any], _in: str) -> dict[str, t.Any]:
        """connexion's, and an integer path parameter written with a zero fraction (`4256.0`) is
        that integer: JSON Schema's `integer` is any number whose fraction is zero, and
        schemathesis sends such ids as valid ones (a query's `limit=0.0` it expects refused)."""
        styled = self.styled["path"] if _in == "path" else {}
        plain = {k: v for k, v in params.items() if k not in styled} if styled else params
        resolved: dict[str, t.Any] = super().resolve_params(plain, _in)
        if _in != "path":
            return resolved
        if styled:
            self.decoded("path", Pairs(list(params.items())), resolved)
        for name, value in resolved.items():
            if isinstance(value, str) and self.param_schemas.get(name, {}).get("type") == "integer":
                resolved[name] = whole_number(value)
        return resolved

    def resolve_path(self, path_data: dict[str, t.Any]) -> dict[str, t.Any]:
        key = tuple(path_data.items())
        resolved = self._resolved_paths.get(key)
        if resolved is None:
            if len(self._resolved_paths) >= self.RESOLVED_PATHS:
                self._resolved_paths.clear()
            resolved = self._resolved_paths[key] = super().resolve_path(path_data)
        return dict(resolved)


class OpenAPI31Operation(OpenAPIOperation):
    """Routes every path parameter as a plain segment, so a malformed value reaches security and
    then validation (which names it), instead of failing the route match as an unknown path."""

    def __init__(self, *args: t.Any, uri_parser_class: t.Any = None, **kwargs: t.Any) -> None:
        if uri_parser_class in (None, DefinitionsOnceURIParser):
            uri_parser_class = self.make_uri_parser
        super().__init__(*args, uri_parser_class=uri_parser_class, **kwargs)

    def make_uri_parser(self, *args: t.Any, **kwargs: t.Any) -> DefinitionsOnceURIParser:
        """This operation's `uri_parser_class`: connexion builds parsers with two arguments, and
        `Parameters.report` also needs the media types the body comes in."""
        return DefinitionsOnceURIParser(*args, body_media_types=self.body_media_types, **kwargs)

    @functools.cached_property
    def body_media_types(self) -> tuple[str, ...]:
        return tuple(self.consumes) if self.request_body else ()

    def get_path_parameter_types(self) -> dict[str, str | None]:
        types: dict[str, str | None] = super().get_path_parameter_types()
        return {name: ("path" if kind == "path" else None) for name, kind in types.items()}

    def body_definition(self, content_type: str | None = None) -> dict[str, t.Any]:
        """connexion's, minus its warning on every request to an operation that takes several
        media types (each is validated by its own schema)."""
        if not self.request_body:
            return {}
        content = MediaTypeDict(self.request_body.get("content", {}))
        found: dict[str, t.Any] = self.with_definitions(
            content.get(content_type or self.consumes[0], {})
        )
        return found


class OpenAPI31Specification(OpenAPISpecificationBase):
    """A 3.0 or 3.1 document, already validated by openapi-spec-validator when it was loaded.

    connexion reads `schema.type` of parameters as one string to coerce them; each parameter gets
    that view, and keeps its schema as written under `x-jobmock-schema` for validation. The raw
    document (what `/openapi.json` serves) is untouched.
    """

    operation_cls = OpenAPI31Operation

    def __init__(self, raw_spec: t.Any, *, base_uri: str = "") -> None:
        super().__init__(raw_spec, base_uri=base_uri)
        for item in self.spec.get("paths", {}).values():
            _drop_ignored_headers(item)
            for parameter in item.get("parameters", ()):
                _coercion_view(parameter)
            for operation in item.values():
                if isinstance(operation, dict):
                    _drop_ignored_headers(operation)
                    for parameter in operation.get("parameters", ()):
                        _coercion_view(parameter)

    @classmethod
    def validate_spec(cls, spec: t.Any) -> None:
        return None

    def with_base_path(self, base_path: str) -> ServedDocument:  # type: ignore[override]
        """What `/openapi.json` serves: the document as written, mock server first in `servers`."""
        return ServedDocument(self.raw, base_path)


def _drop_ignored_headers(holder: dict[str, t.Any]) -> None:
    parameters = holder.get("parameters")
    if isinstance(parameters, list):
        holder["parameters"] = [p for p in parameters if not ignored_header(p)]


def _coercion_view(parameter: dict[str, t.Any]) -> None:
    if ORIGINAL_SCHEMA in parameter or "schema" not in parameter:
        return
    parameter[ORIGINAL_SCHEMA] = parameter["schema"]
    parameter["schema"] = coercion_schema(parameter["schema"])


class ConnexionDocument(dict[str, t.Any]):
    """A document as connexion is given it. connexion's Specification deep-copies the whole
    document twice at start (the raw copy it serves, and the copy `resolve_refs` resolves in
    place): `marshal` makes those copies ~2.5 times faster than `copy.deepcopy` for JSON data
    (GitHub's 12 MB description: 0.13 s a copy, not 0.31 s)."""

    def __deepcopy__(self, memo: dict[int, t.Any]) -> dict[str, t.Any]:
        try:
            copied: dict[str, t.Any] = marshal.loads(marshal.dumps(dict(self)))
        except (ValueError, RecursionError):  # a value marshal does not take: copy's way
            return copy.deepcopy(dict(self), memo)
        return copied


def inline_refs_outside_components(document: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    """A copy of `document` whose local `$ref`s to places other than `#/components/<kind>/<name>`
    (e.g. `#/paths/~1pets/...`) are replaced by a copy of what they point at.

    connexion's `resolve_refs` looks such a ref up through jsonschema's resolver and walks what it
    finds, which by then shares dicts with components it resolved in place: a cycle of components
    (a -> b -> a, valid OpenAPI) becomes endless recursion. Refs to components it resolves by name
    without walking into them. Only tried after that recursion: a walk over the whole document
    costs a large one's start."""
    copied: dict[str, t.Any] = copy.deepcopy(dict(document))
    pending: list[t.Any] = [copied]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            for _ in range(64):  # a chain of refs, bounded: a ref to itself stays as it is
                if not (isinstance(ref, str) and ref.startswith("#/")) or _names_component(ref):
                    break
                target = _pointed(copied, ref)
                if not isinstance(target, dict) or target is node:
                    break
                node.pop("$ref")
                node.update(copy.deepcopy(target))
                ref = node.get("$ref")
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return copied


def _names_component(ref: str) -> bool:
    parts = ref[2:].split("/")
    return len(parts) == 3 and parts[0] == "components" and "~" not in ref and "%" not in ref


def _pointed(document: t.Any, ref: str) -> t.Any:
    from jobmock.documents.pointers import decode_pointer, lookup

    pointer = decode_pointer(ref[1:])
    return lookup(document, pointer)[1] if pointer is not None else None


class OpenAPI31Middleware(ConnexionMiddleware):
    """connexion's middleware stack, taking specifications as already-loaded documents."""

    def add_api(  # type: ignore[override]
        self,
        specification: dict[str, t.Any],
        *,
        base_path: str | None = None,
        name: str | None = None,
        redirect_slashes: bool = True,
        **options: t.Any,
    ) -> None:
        """`redirect_slashes`: a path that only a slash more or less would route is redirected
        there (Starlette's router, as FastAPI serves); False: it is the 404 of no route."""
        if self.middleware_stack is not None:
            raise RuntimeError("Cannot add api after an application has started")
        paths = specification.get("paths") or {}
        ordered = {  # routers try in order; a path naming a parameter twice cannot be routed
            path: paths[path] for path in matching_order(paths) if not repeated_names(path)
        }
        document = ConnexionDocument({**specification, "paths": ordered})
        try:
            spec = OpenAPI31Specification(document)
        except RecursionError:  # connexion's resolve_refs: see inline_refs_outside_components
            spec = OpenAPI31Specification(
                ConnexionDocument(inline_refs_outside_components(document))
            )
        merged = self.options.replace(**options)
        self.apis.append(
            API(
                spec,
                base_path=base_path,
                name=name,
                redirect_slashes=redirect_slashes,
                **merged.__dict__,
            )
        )


class OpenAPI31App(AsyncApp):
    """connexion's AsyncApp with the 3.1-capable middleware and operations bound once."""

    def __init__(self, import_name: str, **options: t.Any) -> None:
        super().__init__(import_name, **options)
        bound = BoundASGIApp()
        set_middleware_app(self, bound)
        self.middleware = OpenAPI31Middleware(bound, import_name=import_name, **options)
