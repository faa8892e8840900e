"""A stateless API: a document served without fixture or handler module.

`stateless_runtime` builds the `ApiRuntime` the rest of jobmock serves (control API, dashboard,
faults, CORS, the store): an empty fixture (no tenants, scenarios or jobs), a resolver that binds
every operation to its documented answer (`jobmock.stateless.answers`), and an envelope that
answers errors with the operation's declared response for that code when it has a body.

connexion's own `MockResolver` answers only an operation's first `example` (no media type
negotiation, generation, headers or `Prefer`), so the resolver here is a `Resolver` of its own, in
the same place; connexion's validators and security middleware are used as they are.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from connexion.resolver import Resolution, Resolver
from starlette.datastructures import Headers
from starlette.responses import Response

from jobmock.documents.routes import repeated_names
from jobmock.documents.specs import ServedSpec
from jobmock.engine.handlers import Handlers
from jobmock.engine.mock import ApiRuntime
from jobmock.errors import (
    ApiError,
    BadRequest,
    InvalidBody,
    InvalidParameter,
    InvalidPrefer,
    SpecError,
    error_for_status,
)
from jobmock.fixtures.loading import Fixture
from jobmock.frontend import overrides
from jobmock.http.envelopes import ErrorReply, ProblemJson, detail_of, reason
from jobmock.internals.connexion import current_scope
from jobmock.model.scenarios import StatusModel
from jobmock.stateless import roundtrip
from jobmock.stateless.answers import Answers
from jobmock.stateless.credentials import dev_tenant
from jobmock.stateless.multipart import MultipartCheck
from jobmock.stateless.operations import Operation
from jobmock.stateless.refusals import with_refusals
from jobmock.stateless.start_warnings import warn_places
from jobmock.stateless.twins import warn_twin_branches
from jobmock.stateless.values import NOT_GIVEN

if TYPE_CHECKING:
    from connexion.lifecycle import ConnexionRequest

logger = logging.getLogger("jobmock")


@dataclass
class StatelessApi:
    """What a stateless runtime adds: its answers, and the operations it cannot answer."""

    answers: Answers
    broken: dict[str, str]  # operation key -> why it answers 501
    # operation key -> refusals the document does not declare (jobmock.stateless.refusals)
    undeclared: dict[str, tuple[int, ...]] = field(default_factory=dict)
    # concrete paths a DELETE answered 2xx for: 404 from then on, there and below (schemathesis'
    # use_after_free), in this process until a PUT there, a POST to a path above it, or a restart
    deleted: set[str] = field(default_factory=set)
    jobs: Any = None  # a project's bound operations (jobmock.polling.handler.JobApi), if any

    def handler(self, operation: Operation) -> Callable[..., Any]:
        answers, broken = self.answers, self.broken.get(operation.key)
        undeclared = self.undeclared.get(operation.key, ())
        deleted = self.deleted if "{" in operation.path else None  # a collection stays
        multipart = MultipartCheck(answers.document, operation.spec)  # connexion leaves it unread

        async def answer(**_: Any) -> Response:
            if broken is not None:
                raise error_for_status(501, f"{operation.key}: {broken}")
            await multipart.check()
            preferences = overrides.current()
            code = preferences.code if preferences else None
            if code is not None and code >= 400 and code in undeclared:  # served spec only
                raise error_for_status(code, f"Prefer: code={code} (jobmock's refusal)")
            path = str(current_scope()["path"])
            gone = (
                deleted is not None and operation.method != "put" and below_deleted(path, deleted)
            )
            if gone and code is None:
                raise error_for_status(404, f"{path} was deleted")
            found = answers.answer(
                operation,
                code=code,
                accept=Headers(scope=current_scope()).get("accept"),
                example=preferences.example if preferences else None,
                dynamic=bool(preferences and preferences.dynamic),
            )
            if deleted is not None and operation.method == "delete" and found.status < 300:
                deleted.add(path)
            elif deleted is not None and operation.method == "put":
                deleted.discard(path)  # put back
            elif operation.method == "post" and found.status < 300:
                # a create answers the same resource every time: what was deleted under it is back
                below = path.rstrip("/") + "/"
                self.deleted.difference_update([p for p in self.deleted if p.startswith(below)])
            headers = dict(found.headers)
            return Response(found.content(), found.status, headers, media_type=found.media_type)

        return answer


def below_deleted(path: str, deleted: set[str]) -> bool:
    """`path` was deleted, or a path above it was: a deleted resource's parts are gone with it
    (schemathesis' use_after_free reads `/branches/b/guides/x` after `DELETE /branches/b`)."""
    if not deleted:  # nearly always: nothing to look up
        return False
    parts = path.rstrip("/").split("/")
    return any("/".join(parts[:end]) in deleted for end in range(2, len(parts) + 1))


class StatelessResolver(Resolver):
    """operationId (or `method path`) -> the operation's documented answer, or its function in
    `bound` (a project's job operations, `jobmock.polling.handler`)."""

    def __init__(
        self, api: StatelessApi, bound: Mapping[str, Callable[..., Any]] | None = None
    ) -> None:
        super().__init__()
        self.api = api
        self.bound = dict(bound or {})

    def resolve(self, operation: Any) -> Resolution:
        key = operation.operation_id or f"{operation.method.lower()} {operation.path}"
        if key in self.bound:
            return Resolution(self.bound[key], key)
        return Resolution(self.api.handler(self.api.answers.operations[key]), key)


class DocumentedErrors:
    """Errors as the operation documents them: its response for the code, or its `default` (a
    validation error: its 400, else 422), when that has a body; else RFC 9457 problem+json (a
    validation error as 422). A refused `Prefer` is the mock's, not the API's: problem+json."""

    def __init__(self, answers: Answers, prefix: str) -> None:
        self.answers = answers
        self.prefix = prefix.rstrip("/")
        self.problems = ProblemJson()

    def render(self, error: ApiError, request: ConnexionRequest) -> ErrorReply:
        if isinstance(error, InvalidPrefer):  # the mock's refusal: the document's 400 would hide it
            return self.problems.render(error, request)
        path = request.scope["path"].removeprefix(self.prefix) or "/"
        operation = self.answers.at(path, request.scope["method"])
        invalid = isinstance(error, InvalidParameter | InvalidBody)
        code = error.status
        if operation is not None and invalid:
            code = self.refusal_code(operation, error)
        if operation is not None and self.answers.response_key(operation, code) is not None:
            # a 406 says the Accept takes none of the operation's media types: its documented
            # body is answered in one the document gives (RFC 9110 12.5.1 lets a server disregard it)
            accept = None if code == 406 else request.headers.get("accept")
            try:
                found = self.answers.answer(operation, code=code, accept=accept)
            except ApiError:
                found = None
            if found is not None and found.body is not NOT_GIVEN:
                found = self.answers.explained(operation, found, detail_of(error))
                headers = {**found.headers, **error.headers}
                return ErrorReply(code, found.body, found.media_type or "application/json", headers)
        reply = self.problems.render(error, request)
        if code != reply.status:
            body = {**reply.body, "title": reason(code), "status": code}
            reply = ErrorReply(code, body, reply.media_type, reply.headers)
        return reply

    def refusal_code(self, operation: Operation, error: ApiError) -> int:
        """A request that fails validation: the operation's 400, else its 422, else its `default`
        (as 422); else, when only path parameters are wrong, its 404 (no resource has such an id);
        else 422, undocumented."""
        declared = [c for c in (400, 422) if self.answers.declares(operation, c)]
        if declared or self.answers.response_key(operation, 422) is not None:
            return declared[0] if declared else 422
        problems = getattr(error, "problems", [error])
        in_path = all(getattr(p, "location", None) == "path" for p in problems)
        return 404 if in_path and self.answers.declares(operation, 404) else 422


def empty_fixture(name: str, spec: ServedSpec) -> Fixture:
    """No scenarios or jobs (the control API creates none), and the development tenant, when the
    document declares security (`jobmock.stateless.credentials`)."""
    tenant = dev_tenant(name, spec.document)
    return Fixture(
        api=name,
        path=spec.path,
        statuses=StatusModel((), ("answered",)),  # a model needs a terminal status; no job has one
        tenants={tenant.name: tenant} if tenant else {},
        scenarios={},
        scenario_fields={},
        default_scenario="",
        jobs=(),
        defaults={},
        source=spec.source,
    )


START_CHECKS = 300
"""Operations whose answers are checked at start (a generatable schema, examples that fit it); a
larger document (GitHub's has 1,223) starts without it: an operation that cannot be answered
says so (501) when first asked, and an example its schema refuses is skipped then."""


def warn_misfit_examples(answers: Answers, spec: ServedSpec) -> None:
    """One warning at start for the documented examples answers skip (their schemas refuse them)."""
    found = [
        (operation, key, problem)
        for operation in answers.operations.values()
        for key, problem in answers.misfit_examples(operation)
    ]
    warn_places(
        "jobmock: %d documented example(s) do not fit their schemas; a value generated from "
        "the schema is answered instead",
        len(found),
        (
            (
                ("paths", operation.path, operation.method, "responses", key),
                f"{operation.key}'s {key} example does not fit its schema: {problem}",
            )
            for operation, key, problem in found
        ),
        spec.source,
        more=f" (`jobmock validate {spec.path}` lists them)",
    )


def stateless_runtime(name: str, spec: ServedSpec, prefix: str, seed: int) -> ApiRuntime:
    answers = Answers(spec.document, seed)
    broken = {}
    checked = answers.operations if len(answers.operations) <= START_CHECKS else {}
    for key, operation in checked.items():
        reason = answers.unanswerable(operation)
        if reason is not None:
            at = ("paths", operation.path, operation.method)
            problem = spec.source.error(at, f"{key} cannot be answered: {reason}", SpecError)
            logger.warning("jobmock: %s (it answers 501)", problem)
            broken[key] = reason
    for path in spec.document.get("paths") or {}:
        if repeated := repeated_names(path):
            named = ", ".join(f"{{{name}}}" for name in repeated)
            problem = spec.source.error(("paths", path), f"{path} names {named} twice", SpecError)
            logger.warning("jobmock: %s: not routed (requests there answer 404)", problem)
    if checked:  # a large document's examples are checked as each operation is first answered
        warn_misfit_examples(answers, spec)
        warn_twin_branches(spec.document, spec.source)  # 0.17 s of CPU on GitHub's 12 MB
    fed = roundtrip.feeds(spec.document)
    roundtrip.warn(fed, spec.source)
    answers.narrowed = roundtrip.narrowing(fed)
    spec, undeclared = with_refusals(spec)  # answers keep the document's own responses
    api = StatelessApi(answers, broken, undeclared)

    def no_jobs(*_: Any) -> Any:
        raise BadRequest(f"{name} is a stateless API: it has no jobs", slug="stateless_api")

    handlers = Handlers(
        api=name,
        path=Path(spec.path),
        operations={},
        render=no_jobs,
        status_path=no_jobs,
        envelope=DocumentedErrors(answers, prefix),
    )
    runtime = ApiRuntime(
        name=name, spec=spec, fixture=empty_fixture(name, spec), handlers=handlers, prefix=prefix
    )
    runtime.stateless = api
    return runtime


def load_stateless(documents: tuple[str, ...], seed: int) -> dict[str, ApiRuntime]:
    """`PREFIX=PATH` entries (Config.documents) as runtimes; the name is the prefix's, or the
    file's stem for the document served at `/`; a document with a project fixture beside it
    (`jobmock.polling.project`) has its tenants and jobs."""
    from jobmock.polling.project import project_fixture, project_runtime
    from jobmock.stateless.documents import api_name, load_document

    runtimes = {}
    for entry in documents:
        prefix, _, path = entry.partition("=")
        name = prefix.strip("/") or api_name(Path(path))
        spec = load_document(Path(path), name)
        fixture = project_fixture(Path(path))
        if fixture is not None:  # a project folder: the fixture's tenants, and jobs that move
            runtimes[name] = project_runtime(name, spec, prefix, seed, fixture)
        else:
            runtimes[name] = stateless_runtime(name, spec, prefix, seed)
    return runtimes
