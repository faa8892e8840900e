"""Every private name of a third-party library jobmock relies on, and what it relies on.

`PRIVATE_NAMES` is the table (library, dotted name, what jobmock relies on, where jobmock reaches
it); each row's check fails naming the symbol when an upgrade removes it or changes what jobmock
relies on: that it exists, is callable with the arguments jobmock passes, and that connexion,
schemathesis or uvicorn still calls or sets it as jobmock expects (uvicorn marks nothing private
with `_`: its names here are the undocumented ones, outside its documented server and config).
`test_no_private_name_outside_internals` fails when one of them (or any private module or name
imported from these libraries) is named in `jobmock/` or `handlers/` outside `jobmock/internals/`.
"""

from __future__ import annotations

import ast
import asyncio
import importlib
import inspect
import typing as t
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[2]
LIBRARIES = (
    "connexion",
    "starlette",
    "werkzeug",
    "schemathesis",
    "yaml",
    "openapi_spec_validator",
    "uvicorn",
    "oas_patch",
)


@dataclass(frozen=True)
class Private:
    library: str
    name: str  # dotted, as the library spells it
    relied_on: str
    where: str  # what reaches it, in jobmock.internals
    check: Callable[[], None]

    @property
    def attribute(self) -> str:
        """The private segment: what must not be named outside jobmock/internals/ (the last one
        for a library that marks nothing private with `_`, only documents what is public)."""
        parts = self.name.split(".")
        return next((part for part in reversed(parts) if part.startswith("_")), parts[-1])


def resolve(dotted: str) -> t.Any:
    """The object at `dotted` (module path, then attributes), failing with the name if gone."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target: t.Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attribute in parts[cut:]:
            target = getattr(target, attribute)
        return target
    raise ImportError(dotted)


def accepts(function: t.Any, *args: t.Any, **kwargs: t.Any) -> None:
    """`function` can be called the way jobmock calls it (argument count and keyword names)."""
    assert callable(function), "not callable"
    inspect.signature(function).bind(*args, **kwargs)


# -- connexion: the request context -----------------------------------------------------------------


def context_variable(
    private: str, public: str, value: t.Any, read: Callable[[t.Any], t.Any]
) -> Callable[[], None]:
    """The context variable connexion's public proxy `public` reads (ContextMiddleware sets it)."""

    def check() -> None:
        import connexion.context

        variable = getattr(connexion.context, private)
        assert isinstance(variable, ContextVar), f"not a ContextVar: {variable!r}"
        token = variable.set(value)
        try:
            assert read(getattr(connexion.context, public)) == read(value), (
                f"connexion.context.{public} no longer reads it"
            )
        finally:
            variable.reset(token)

    return check


# -- connexion: argument rules --------------------------------------------------------------------

OPERATION = SimpleNamespace(
    parameters=[
        {"name": "id", "in": "path", "schema": {"type": "integer"}},
        {"name": "limit", "in": "query", "schema": {"type": "integer", "default": 20}},
    ]
)


def check_path_arguments() -> None:
    function = resolve("connexion.decorators.parameter._get_path_arguments")
    accepts(function, {}, operation=OPERATION, sanitize=str)
    assert function({"id": "3"}, operation=OPERATION, sanitize=str) == {"id": 3}


def check_query_arguments() -> None:
    function = resolve("connexion.decorators.parameter._get_query_arguments")
    kwargs = {"operation": OPERATION, "arguments": ["limit"], "has_kwargs": False, "sanitize": str}
    accepts(function, {}, **kwargs)
    assert function({}, **kwargs) == {"limit": 20}
    assert function({"limit": "5"}, **kwargs) == {"limit": 5}


# -- connexion: hooks -------------------------------------------------------------------------------


def check_parameter_decorator_cls() -> None:
    from connexion.decorators.main import StarletteDecorator
    from connexion.decorators.parameter import AsyncParameterDecorator

    from jobmock.internals.connexion import StarletteDecoratorBase

    hook = inspect.getattr_static(StarletteDecorator, "_parameter_decorator_cls")
    assert isinstance(hook, property), f"no longer a property: {hook!r}"
    made: list[dict[str, t.Any]] = []

    class Recording(AsyncParameterDecorator):  # type: ignore[misc]
        def __init__(self, **kwargs: t.Any) -> None:
            made.append(kwargs)
            super().__init__(**kwargs)

    class Decorator(StarletteDecoratorBase):
        parameter_decorator_cls = Recording

    async def handler() -> None:
        return None

    Decorator().decorate(handler)
    assert made, "StarletteDecorator.decorate no longer builds its parameter decorator from it"


def check_validate_spec() -> None:
    from connexion.exceptions import InvalidSpecification
    from connexion.spec import Specification

    from jobmock.internals.connexion import OpenAPISpecificationBase

    hook = inspect.getattr_static(Specification, "_validate_spec")
    assert isinstance(hook, classmethod), f"no longer a classmethod: {hook!r}"
    seen: list[t.Any] = []

    class Unchecked(OpenAPISpecificationBase):
        @classmethod
        def validate_spec(cls, spec: t.Any) -> None:
            seen.append(spec)

    document = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}
    Unchecked(document)
    assert seen == [document], "Specification.__init__ no longer checks the document through it"
    with pytest.raises(InvalidSpecification):  # and connexion's check is what it does
        OpenAPISpecificationBase({"openapi": "3.0.0"})


def check_middleware_app() -> None:
    from connexion import AsyncApp
    from connexion.apps.asynchronous import AsyncASGIApp

    from jobmock.internals.connexion import set_middleware_app

    app = AsyncApp(__name__)
    inner = app._middleware_app
    assert isinstance(inner, AsyncASGIApp), f"not an AsyncASGIApp: {inner!r}"
    assert app.middleware.app is inner, "AsyncApp's middleware no longer wraps it"
    rules: list[str] = []
    set_middleware_app(app, SimpleNamespace(add_url_rule=lambda rule, **kw: rules.append(rule)))
    app.add_url_rule("/x", "x", lambda: None)
    assert rules == ["/x"], "AsyncApp.add_url_rule no longer adds rules to it"


SCHEMA: dict[str, t.Any] = {"type": "object"}


def check_request_body_settings() -> None:
    from jobmock.internals.connexion import FormDataValidatorBase, JSONRequestBodyValidatorBase

    for cls in (JSONRequestBodyValidatorBase, FormDataValidatorBase):
        validator = cls(
            schema=SCHEMA, required=True, nullable=True, encoding="latin-1", strict_validation=False
        )
        settings = (validator._schema, validator._required, validator._nullable)
        assert settings == (SCHEMA, True, True), f"{cls.__name__}: {settings}"
        assert validator._encoding == "latin-1"


def run_request_body(body: bytes) -> list[tuple[str, t.Any]]:
    """What connexion's `wrap_receive` hands the hooks for one request body."""
    from jobmock.internals.connexion import JSONRequestBodyValidatorBase

    calls: list[tuple[str, t.Any]] = []

    class Recording(JSONRequestBodyValidatorBase):
        async def parse_body(self, stream: t.AsyncGenerator[bytes, None], scope: t.Any) -> t.Any:
            calls.append(("parse", scope["type"]))
            return await super().parse_body(stream, scope)

        def validate_body(self, body: t.Any) -> t.Any:
            calls.append(("validate", body))
            return super().validate_body(body)

    async def receive() -> dict[str, t.Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    headers = [(b"content-length", str(len(body)).encode())]
    validator = Recording(schema=SCHEMA, encoding="utf-8", strict_validation=False)
    asyncio.run(validator.wrap_receive(receive, scope={"type": "http", "headers": headers}))
    return calls


def check_request_parse() -> None:
    hook = resolve("connexion.validators.AbstractRequestBodyValidator._parse")
    assert inspect.iscoroutinefunction(hook), "no longer a coroutine function"
    accepts(hook, None, None, scope=None)
    assert run_request_body(b'{"a": 1}')[0] == ("parse", "http"), "wrap_receive no longer calls it"


def check_request_validate() -> None:
    accepts(resolve("connexion.validators.AbstractRequestBodyValidator._validate"), None, None)
    calls = run_request_body(b'{"a": 1}')
    assert ("validate", {"a": 1}) in calls, "wrap_receive no longer calls it with the parsed body"


def check_response_validate() -> None:
    from jobmock.internals.connexion import JSONResponseBodyValidatorBase

    accepts(resolve("connexion.validators.AbstractResponseBodyValidator._validate"), None, None)
    seen: list[t.Any] = []

    class Recording(JSONResponseBodyValidatorBase):
        def validate_body(self, body: t.Any) -> t.Any:
            seen.append(body)
            return super().validate_body(body)

    validator = Recording({"type": "http"}, schema=SCHEMA, encoding="utf-8")
    assert validator._schema is SCHEMA, "no longer kept as `_schema`"
    sent: list[t.Any] = []

    async def send(message: t.Any) -> None:
        sent.append(message)

    async def respond() -> None:
        wrapped = validator.wrap_send(send)
        await wrapped({"type": "http.response.start", "status": 200, "headers": []})
        await wrapped({"type": "http.response.body", "body": b'{"a": 1}', "more_body": False})

    asyncio.run(respond())
    assert seen == [{"a": 1}], "wrap_send no longer calls it with the parsed body"
    assert len(sent) == 2


# -- schemathesis -----------------------------------------------------------------------------------


def check_send_probe() -> None:
    accepts(resolve("schemathesis.specs.openapi._auth_retry.send_probe"), None, None, None)


def check_asgi_get_client() -> None:
    """ASGITransport.send reaches the app through `asgi.get_client` (read at call time), enters
    what it returns with `with`, and sends through it as a requests Session."""
    from schemathesis.python import asgi
    from schemathesis.transport import asgi as transport

    accepts(resolve("schemathesis.python.asgi.get_client"), None, max_stream_events=1)
    source = inspect.getsource(transport.ASGITransport.send)
    assert "with asgi.get_client(" in source, "ASGITransport.send no longer calls it per request"

    async def app(scope: t.Any, receive: t.Any, send: t.Any) -> None:
        return None

    client = asgi.get_client(app)
    assert isinstance(client, asgi.ASGIClient), f"no longer an ASGIClient: {client!r}"
    with client as entered:
        assert entered is client, "no longer returns itself from __enter__"


def check_unique_key() -> None:
    from schemathesis.core.failures import Failure

    from jobmock.internals.schemathesis import KeyedFailure

    hook = inspect.getattr_static(Failure, "_unique_key")
    assert isinstance(hook, property), f"no longer a property: {hook!r}"

    class Keyed(KeyedFailure):
        @property
        def unique_key(self) -> str:
            return self.message

    one, same, other = (Keyed(operation="GET /x", message=m) for m in ("a", "a", "b"))
    assert one == same, "Failure.__eq__ no longer compares it"
    assert one != other, "Failure.__eq__ no longer compares it"


def check_body_schema() -> None:
    from connexion.uri_parsing import OpenAPIURIParser

    from jobmock.internals.connexion import OpenAPIURIParserBase

    schema = {"type": "object", "properties": {"Status": {"enum": ["stopped"]}}}
    parser = OpenAPIURIParserBase([], {"schema": schema})
    assert parser.body_schema == schema, "the parser no longer keeps the body schema there"
    assert "self.form_defns" in inspect.getsource(OpenAPIURIParser.resolve_form), (
        "resolve_form no longer coerces form fields by form_defns"
    )


# -- openapi-spec-validator: the Schema Object check ------------------------------------------------

SCHEMA_CHECK = "openapi_spec_validator.validation.keywords.SchemaValidator"
CHECKED_DOCUMENT = {
    "openapi": "3.0.3",
    "info": {"title": "t", "version": "1"},
    "paths": {},
    "components": {
        "schemas": {
            "A": {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/B"}}},
            "B": {"type": "string", "pattern": "^b"},
        }
    },
}


def schema_checker_run() -> tuple[t.Any, list[t.Any], list[str]]:
    """Checks CHECKED_DOCUMENT with a checker whose `meta_checker` records each schema and refuses
    B: (its Schema Object check, the schemas seen, the errors' messages)."""
    from jsonschema.exceptions import SchemaError
    from openapi_spec_validator import OpenAPIV30SpecValidator

    from jobmock.internals.openapi_spec_validator import MetaCheck, OpenAPIV30SchemaCheckBase

    seen: list[t.Any] = []

    def refuse_b(schema: t.Any) -> None:
        if schema.get("pattern") == "^b":
            raise SchemaError("B refused")

    class Recording(OpenAPIV30SchemaCheckBase):
        def meta_checker(self, schema_value: t.Any, checker: MetaCheck) -> MetaCheck:
            assert callable(checker)
            seen.append(schema_value)
            return refuse_b

    class Checker(OpenAPIV30SpecValidator):  # type: ignore[misc]
        keyword_validators = {**OpenAPIV30SpecValidator.keyword_validators, "schema": Recording}

    checker = Checker(CHECKED_DOCUMENT)
    messages = [error.message for error in checker.iter_errors()]
    return checker.keyword_validators_registry["schema"], seen, messages


def check_schema_checker() -> None:
    _, seen, messages = schema_checker_run()
    schemas = CHECKED_DOCUMENT["components"]["schemas"]  # type: ignore[index]
    assert schemas["A"] in seen and schemas["B"] in seen, "no longer asked once per Schema Object"
    assert messages == ["B refused"], f"what it returns no longer decides: {messages}"


def check_seen_schemas(attribute: str) -> Callable[[], None]:
    def check() -> None:
        from jobmock.internals.openapi_spec_validator import SeenSchemas

        schemas, _, _ = schema_checker_run()
        record = getattr(schemas, attribute)
        assert isinstance(record, SeenSchemas), f"replaced after __init__: {record!r}"
        assert record, "no schema id recorded there any more"

    return check


def check_routing_scope() -> None:
    from connexion.middleware.routing import RoutingOperation

    from jobmock.internals.connexion import set_routing_scope

    seen: list[t.Any] = []

    async def app(scope: t.Any, receive: t.Any, send: t.Any) -> None:
        seen.append(scope)

    async def route() -> None:
        set_routing_scope({"type": "http", "path": "/api/jobs/7"})
        inner = {"type": "http", "path_params": {"id": "7"}, "root_path": "/api"}
        await RoutingOperation("get_job", app)(inner, None, None)  # type: ignore[arg-type]

    asyncio.run(route())
    assert seen and seen[0]["path"] == "/api/jobs/7", "RoutingOperation no longer reads it"
    assert seen[0]["path_params"] == {"id": "7"}
    assert seen[0]["extensions"]["connexion_routing"] == {
        "api_base_path": "/api",
        "operation_id": "get_job",
    }


# -- uvicorn: the HTTP protocol's request cycle -------------------------------------------------------


class FakeTransport:
    """What HttpToolsProtocol asks of a socket transport; counts the writes."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []

    def get_extra_info(self, name: str, default: t.Any = None) -> t.Any:
        return {"sockname": ("127.0.0.1", 8000), "peername": ("127.0.0.1", 5000)}.get(name, default)

    def write(self, data: bytes) -> None:
        self.writes.append(data)

    def is_closing(self) -> bool:
        return False

    def close(self) -> None:
        pass

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass

    def set_protocol(self, protocol: t.Any) -> None:
        pass


def check_request_response_cycle() -> None:
    from uvicorn.config import Config
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol, RequestResponseCycle
    from uvicorn.server import ServerState

    from jobmock.internals.uvicorn import OneWriteCycle, write_in_one

    async def app(scope: t.Any, receive: t.Any, send: t.Any) -> None:
        head = [(b"content-length", b"2")]
        await send({"type": "http.response.start", "status": 200, "headers": head})
        await send({"type": "http.response.body", "body": b"ok"})

    async def serve() -> FakeTransport:
        config = Config(app=app, lifespan="off", access_log=False, log_config=None)
        protocol = HttpToolsProtocol(config, ServerState(), {}, asyncio.get_running_loop())
        transport = FakeTransport()
        protocol.connection_made(transport)  # type: ignore[arg-type]
        protocol.data_received(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        cycle = protocol.cycle
        assert type(cycle) is RequestResponseCycle, f"the cycle is a {type(cycle)!r}"
        assert cycle.transport is t.cast(t.Any, transport) and cycle.response_started is False
        write_in_one(cycle)  # before its task first runs, as on_headers_complete's caller does
        assert type(protocol.cycle) is OneWriteCycle
        for _ in range(10):
            await asyncio.sleep(0)
        return transport

    transport = asyncio.run(serve())
    assert len(transport.writes) == 1, f"{len(transport.writes)} writes"
    assert transport.writes[0].startswith(b"HTTP/1.1 200 OK") and transport.writes[0].endswith(
        b"ok"
    )


def check_oas_patch_overlay_file() -> None:
    """oas_patch/overlay.py loads on its own and applies an overlay as the package's does."""
    import oas_patch

    from jobmock.internals.oas_patch import apply_overlay, overlay_module

    assert overlay_module().__name__ != "oas_patch.overlay"  # its own module, not the package's
    overlay = {
        "actions": [
            {"target": "$.info", "update": {"x-jobmock-a": 1}},
            {"target": "$.paths['/a']", "remove": True},
        ]
    }
    ours = {"info": {"title": "t"}, "paths": {"/a": {}, "/b": {}}}
    theirs = {"info": {"title": "t"}, "paths": {"/a": {}, "/b": {}}}
    apply_overlay(ours, overlay)
    oas_patch.apply_overlay(theirs, overlay)
    assert ours == theirs == {"info": {"title": "t", "x-jobmock-a": 1}, "paths": {"/b": {}}}


def check_multipart_files() -> None:
    """A body cut inside a file part: the parser's list holds that part's file, the form does not."""
    from starlette.datastructures import Headers
    from starlette.formparsers import MultiPartParser

    from jobmock.internals.starlette import stray_files

    cut = b'--x\r\nContent-Disposition: form-data; name="f"; filename="a"\r\n\r\nabc'

    async def stream() -> t.AsyncGenerator[bytes, None]:
        yield cut

    parser = MultiPartParser(Headers({"content-type": "multipart/form-data; boundary=x"}), stream())
    form = asyncio.run(parser.parse())
    strays = stray_files(parser, form)
    assert len(strays) == 1 and not list(form.multi_items()), (strays, form)
    strays[0].close()


def check_typed_parts() -> None:
    """The parser's callbacks are still called per part and header: each text part's
    Content-Type is kept in the order of the form's items."""
    from starlette.datastructures import Headers

    from jobmock.internals.starlette import TypedPartsParser

    sent = (
        b'--x\r\nContent-Disposition: form-data; name="a"\r\n'
        b"Content-Type: Application/JSON; charset=utf-8\r\n\r\n{}\r\n"
        b'--x\r\nContent-Disposition: form-data; name="b"\r\n\r\ntext\r\n--x--\r\n'
    )

    async def stream() -> t.AsyncGenerator[bytes, None]:
        yield sent

    parser = TypedPartsParser(
        Headers({"content-type": "multipart/form-data; boundary=x"}), stream()
    )
    form = asyncio.run(parser.parse())
    assert list(form.multi_items()) == [("a", "{}"), ("b", "text")], form
    assert parser.part_types == ["application/json", ""], parser.part_types


CONNEXION_VALIDATOR = "connexion.validators.AbstractRequestBodyValidator"
PRIVATE_NAMES: list[Private] = [
    Private(
        "openapi_spec_validator",
        f"{SCHEMA_CHECK}._get_schema_checker",
        "(schema path, schema value) -> the meta-check of that Schema Object, asked once each",
        "jobmock.internals.openapi_spec_validator.OpenAPIV30SchemaCheckBase.meta_checker",
        check_schema_checker,
    ),
    *(
        Private(
            "openapi_spec_validator",
            f"{SCHEMA_CHECK}.{attribute}",
            "a list of schema ids __call__ tests membership in and appends to (a set stands in)",
            "jobmock.internals.openapi_spec_validator.SchemaCheckHooks.seen_as_sets",
            check_seen_schemas(attribute),
        )
        for attribute in ("visited_schema_ids", "meta_checked_schema_ids")
    ),
    Private(
        "connexion",
        "connexion.uri_parsing.AbstractURIParser._body_schema",
        "the body schema whose properties (form_defns) resolve_form coerces form fields by",
        "jobmock.internals.connexion.OpenAPIURIParserBase.body_schema",
        check_body_schema,
    ),
    Private(
        "connexion",
        "connexion.context._context",
        "the handler's context dict (token_info), which connexion.context.context proxies",
        "jobmock.internals.connexion.current_context",
        context_variable("_context", "context", {"token_info": {}}, lambda c: c["token_info"]),
    ),
    Private(
        "connexion",
        "connexion.context._scope",
        "the ASGI scope of the request being handled, which connexion.context.scope proxies",
        "jobmock.internals.connexion.current_scope",
        context_variable("_scope", "scope", {"type": "http"}, lambda s: s["type"]),
    ),
    Private(
        "connexion",
        "connexion.context._receive",
        "the ASGI receive channel of that request, which connexion.context.receive proxies",
        "jobmock.internals.connexion.current_receive",
        context_variable("_receive", "receive", SimpleNamespace(sent=1), lambda r: r.sent),
    ),
    Private(
        "connexion",
        "connexion.decorators.parameter._get_path_arguments",
        "(path_params, *, operation, sanitize) -> handler kwargs cast by the path schemas",
        "jobmock.internals.connexion.path_arguments",
        check_path_arguments,
    ),
    Private(
        "connexion",
        "connexion.decorators.parameter._get_query_arguments",
        "(query, *, operation, arguments, has_kwargs, sanitize) -> kwargs with the defaults",
        "jobmock.internals.connexion.query_arguments",
        check_query_arguments,
    ),
    Private(
        "connexion",
        "connexion.decorators.main.StarletteDecorator._parameter_decorator_cls",
        "a property `decorate` builds the parameter decorator from (framework=, pythonic_params=)",
        "jobmock.internals.connexion.StarletteDecoratorBase",
        check_parameter_decorator_cls,
    ),
    Private(
        "connexion",
        "connexion.spec.Specification._validate_spec",
        "a classmethod __init__ calls with the raw document; overriding it skips the 3.0 check",
        "jobmock.internals.connexion.OpenAPISpecificationBase",
        check_validate_spec,
    ),
    Private(
        "connexion",
        "connexion.AsyncApp._middleware_app",
        "the framework app AsyncApp's middleware wraps and add_url_rule adds rules to",
        "jobmock.internals.connexion.set_middleware_app",
        check_middleware_app,
    ),
    Private(
        "connexion",
        f"{CONNEXION_VALIDATOR}._parse",
        "async (stream, scope) -> body: how wrap_receive parses a request body",
        "jobmock.internals.connexion.JSONRequestBodyValidatorBase.parse_body",
        check_request_parse,
    ),
    Private(
        "connexion",
        f"{CONNEXION_VALIDATOR}._validate",
        "(body): how wrap_receive validates the parsed request body",
        "jobmock.internals.connexion.JSONRequestBodyValidatorBase.validate_body",
        check_request_validate,
    ),
    Private(
        "connexion",
        "connexion.validators.AbstractResponseBodyValidator._validate",
        "(body): how wrap_send validates a parsed response body",
        "jobmock.internals.connexion.JSONResponseBodyValidatorBase.validate_body",
        check_response_validate,
    ),
    *(
        Private(
            "connexion",
            f"{CONNEXION_VALIDATOR}.{attribute}",
            f"a body validator's `{argument}=`, kept by __init__",
            f"jobmock.internals.connexion.JSONRequestBodyValidatorBase.{public}",
            check_request_body_settings,
        )
        for attribute, argument, public in (
            ("_schema", "schema", "body_schema"),
            ("_required", "required", "body_required"),
            ("_nullable", "nullable", "body_nullable"),
            ("_encoding", "encoding", "body_encoding"),
        )
    ),
    Private(
        "schemathesis",
        "schemathesis.specs.openapi._auth_retry.send_probe",
        "(ctx, parent, probe) sends a check's extra request as a child of the case",
        "jobmock.internals.schemathesis.send_probe",
        check_send_probe,
    ),
    Private(
        "schemathesis",
        "schemathesis.python.asgi.get_client",
        "ASGITransport.send calls it (read at call time) once per request for a client to the "
        "app, enters it and sends through it",
        "jobmock.internals.schemathesis.reuse_asgi_clients",
        check_asgi_get_client,
    ),
    Private(
        "schemathesis",
        "schemathesis.core.failures.Failure._unique_key",
        "a property Failure.__eq__ compares: failures with different keys are reported apart",
        "jobmock.internals.schemathesis.KeyedFailure.unique_key",
        check_unique_key,
    ),
    Private(
        "connexion",
        "connexion.middleware.routing._scope",
        "the request's scope, which RoutingOperation reads and passes on with the routing info",
        "jobmock.internals.connexion.set_routing_scope",
        check_routing_scope,
    ),
    Private(
        "uvicorn",
        "uvicorn.protocols.http.httptools_impl.RequestResponseCycle",
        "the class on_headers_complete makes a request's cycle of before its task runs; "
        "its transport and response_started, and send() writing through self.transport",
        "jobmock.internals.uvicorn.OneWriteCycle",
        check_request_response_cycle,
    ),
    Private(
        "oas_patch",
        "oas_patch.overlay.apply_overlay",
        "the module file oas_patch/overlay.py, importing only jsonpath-ng, defines "
        "apply_overlay(document, overlay) as the package exports it",
        "jobmock.internals.oas_patch.overlay_module",
        check_oas_patch_overlay_file,
    ),
    Private(
        "starlette",
        "starlette.formparsers.MultiPartParser._files_to_close_on_error",
        "every temporary file parse() made, those of parts a cut body left out of the form too",
        "jobmock.internals.starlette.stray_files",
        check_multipart_files,
    ),
    *(
        Private(
            "starlette",
            f"starlette.formparsers.MultiPartParser.{callback}",
            "a parser callback python-multipart calls per part or header, overridden to keep "
            "each part's Content-Type (calling Starlette's first)",
            "jobmock.internals.starlette.TypedPartsParser",
            check_typed_parts,
        )
        for callback in (
            "on_part_begin",
            "on_header_field",
            "on_header_value",
            "on_header_end",
            "on_part_end",
        )
    ),
]

# Private names jobmock once used and now reaches by public API: they must not come back.
RETIRED = {
    "_spec": "connexion's Specification.spec",
    "_raw_spec": "connexion's Specification.raw",
    "_fn": "AsyncOperation's `fn` argument, kept by BoundOperation",
    "_validator_map": "RequestValidationOperation's `validator_map` argument",
    "_uri_parser_class": "OpenAPIOperation's `uri_parser_class` argument",
    "_split_form_files": "ConnexionRequest.form() / files()",
    "_files": "ConnexionRequest.files()",
    "_form": "ConnexionRequest.form()",
    "_get_current_object": "jobmock.internals.connexion.current_scope / current_receive",
    "_yaml": "yaml.CBaseLoader",
    "_checks": "schemathesis.config.PositiveDataAcceptanceConfig",
}


@pytest.mark.parametrize("private", PRIVATE_NAMES, ids=lambda private: private.name)
def test_private_name_still_does_what_jobmock_relies_on(private: Private) -> None:
    try:
        private.check()
    except Exception as exc:  # any failure, named: AttributeError, TypeError, AssertionError...
        pytest.fail(
            f"{private.library}: {private.name} changed; jobmock relies on: {private.relied_on} "
            f"(reached through {private.where}): {type(exc).__name__}: {exc}",
            pytrace=False,
        )


@pytest.mark.parametrize("private", PRIVATE_NAMES, ids=lambda private: private.name)
def test_each_private_name_is_reached_through_jobmock_internals(private: Private) -> None:
    assert private.where.startswith("jobmock.internals.")
    resolve(private.where)


def forbidden_names() -> dict[str, str]:
    """Each private name -> what to use instead."""
    names: dict[str, set[str]] = {}
    for private in PRIVATE_NAMES:
        names.setdefault(private.attribute, set()).add(private.where)
    return {
        **{name: "use " + " or ".join(sorted(wheres)) for name, wheres in names.items()},
        **{name: f"use {public}" for name, public in RETIRED.items()},
    }


def private_uses(source: str, names: dict[str, str]) -> Iterator[tuple[int, str]]:
    """(line, what) for each private name of LIBRARIES in `source` (docstrings aside): listed
    names read or set as attributes or overridden as methods, and any private module or name
    imported from those libraries."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in names:
            yield node.lineno, f".{node.attr} ({names[node.attr]})"
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and item.name in names:
                    yield item.lineno, f"def {item.name} ({names[item.name]})"
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            parts = [*node.module.split("."), *(alias.name for alias in node.names)]
            if parts[0] in LIBRARIES and any(part.startswith("_") for part in parts):
                yield node.lineno, f"from {node.module} import ..."
            elif parts[0] in LIBRARIES:
                for alias in node.names:
                    if alias.name in names:
                        yield (
                            node.lineno,
                            f"from {node.module} import {alias.name} ({names[alias.name]})",
                        )
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] in LIBRARIES and any(part.startswith("_") for part in parts):
                    yield node.lineno, f"import {alias.name}"


def sources() -> Iterator[Path]:
    internals = ROOT / "jobmock" / "internals"
    for folder in ("jobmock", "handlers"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if internals not in path.parents:
                yield path


def test_no_private_name_outside_internals() -> None:
    names = forbidden_names()
    found = [
        f"{path.relative_to(ROOT)}:{line}: {what}"
        for path in sources()
        for line, what in private_uses(path.read_text(encoding="utf-8"), names)
    ]
    assert not found, "private names outside jobmock/internals/:\n" + "\n".join(found)


def test_the_scan_finds_each_kind_of_use() -> None:
    source = '''
"""Docstrings may name _scope and _validate."""
from connexion.context import _scope
from schemathesis.specs.openapi._auth_retry import send_probe
from uvicorn.protocols.http.httptools_impl import RequestResponseCycle
import yaml._yaml

class Validator(Base):
    def _validate(self, body):
        return self._schema

def _validate(): ...  # a module's own helper is not an override
'''
    found = sorted(what.split(" ")[0] for _, what in private_uses(source, forbidden_names()))
    assert found == sorted(["from", "from", "from", "import", "def", "._schema"])
