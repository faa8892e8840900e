"""The generic handler of an upload-then-poll API bound by data (a project fixture's `binding`):
the `Handlers` of `jobmock.engine.handlers` built from the document and the binding, no Python.

create  starts a job (scenario by the fixture's `rules` over the request body and path, else its
        default), answers the operation's lowest 2xx: its body (documented or generated) filled
        with the job's values, the id where the binding says, `Location`/`Content-Location` (when
        declared, or named by the binding) the job's status route
status  the caller's job now (another tenant's or an unknown id: the document's 404), rendered by
        `jobmock.polling.bodies` into the status answer's schema
Every other operation of the document keeps its stateless answer; `Prefer: code=` on these two
answers the documented response for that code, as the stateless ones do.
"""

from __future__ import annotations

import json
import random
import re
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

from starlette.datastructures import Headers
from starlette.responses import Response

from jobmock.documents.pointers import Node, Pointer, deref
from jobmock.engine.handlers import Handlers
from jobmock.engine.mock import JobView
from jobmock.fixtures.loading import Fixture, Tenant
from jobmock.frontend import overrides
from jobmock.internals.connexion import current_context, current_scope
from jobmock.model.lifecycle import Job
from jobmock.polling.binding import Binding
from jobmock.polling.bodies import Filler
from jobmock.polling.schemas import json_schema, success_response
from jobmock.polling.sources import Facts
from jobmock.stateless.answers import Answers
from jobmock.stateless.negotiation import is_json
from jobmock.stateless.values import CannotGenerate, generate
from jobmock.stateless.views import standalone

if TYPE_CHECKING:
    from jobmock.http.binding import ApiContext
    from jobmock.stateless.runtime import StatelessApi

RESULT_URL = "https://downloads.jobmock.invalid/{api}/{id}"  # invented: where results would be
MAX_ECHO = 200  # request values longer than this are not echoed into the job's answers


def _path_regex(template: str) -> tuple[re.Pattern[str], list[str]]:
    names = re.findall(r"\{([^/{}]+)\}", template)
    parts = re.split(r"\{[^/{}]+\}", template)
    pattern = "([^/]+)".join(re.escape(p) for p in parts)
    return re.compile(pattern), names


class JobApi:
    """One document's create and status operations, bound to the engine by `binding`."""

    def __init__(
        self, name: str, fixture: Fixture, binding: Binding, answers: Answers, prefix: str
    ) -> None:
        self.name = name
        self.binding = binding
        self.answers = answers
        self.prefix = prefix.rstrip("/")
        self.create_op = answers.operations[binding.create]
        self.status_op = answers.operations[binding.status]
        view = answers.view
        counters = {c for s in fixture.scenarios.values() for c in s.counters}
        self.facts = Facts(binding.outcomes, binding.counters, RESULT_URL.replace("{api}", name))
        status_schema = json_schema(
            view, success_response(view, self.status_op.path, self.status_op.method)
        )
        create_schema = json_schema(
            view, success_response(view, self.create_op.path, self.create_op.method)
        )
        explicit = {binding.property: "status", **binding.fields}
        self.status_filler = Filler(
            view, status_schema, explicit=explicit, counters=counters, facts=self.facts
        )
        create_explicit: dict[Pointer, str] = {}
        if binding.id_place == "body" and isinstance(binding.id_at, tuple):
            create_explicit[binding.id_at] = "id"
        self.create_filler = Filler(
            view,
            create_schema,
            explicit=create_explicit,
            counters=counters,
            facts=self.facts,
        )
        self.status_regex, self.status_names = _path_regex(self.status_op.path)
        self.create_regex, self.create_names = _path_regex(self.create_op.path)
        self.id_schema = self._parameter_schema()

    def _parameter_schema(self) -> Any:
        document = self.answers.view
        item = document["paths"][self.status_op.path]
        for parameter in [
            *(item.get("parameters") or ()),
            *(self.status_op.spec.get("parameters") or ()),
        ]:
            parameter = deref(document, Node((), parameter)).value
            if parameter.get("in") == "path" and parameter.get("name") == self.binding.parameter:
                return deref(document, Node((), parameter.get("schema") or {})).value
        return {"type": "string"}

    # hooks ------------------------------------------------------------------------------------
    def render(self, view: JobView) -> Any:
        found = self.answers.answer(self.status_op)
        return self.status_filler.fill(view, found.body)

    def status_path(self, job: Job) -> str:
        given = job.fields.get("path") or {}
        path = self.status_op.path
        for name in self.status_names:
            value = job.id if name == self.binding.parameter else str(given.get(name, "0"))
            path = path.replace(f"{{{name}}}", quote(value, safe=""))
        return path

    def new_job(
        self, seq: int, rng: random.Random, tenant: Tenant, fields: dict[str, Any], now: float
    ) -> tuple[str, dict[str, Any]]:
        """An id its status route takes: a UUID4 for a plain or uuid string, the sequence number
        for an integer, else a value generated from the parameter's schema."""
        schema = self.id_schema if isinstance(self.id_schema, Mapping) else {}
        kind = schema.get("type")
        if kind == "integer" or kind == ["integer"]:
            return str(max(seq, int(schema.get("minimum", 1)))), fields
        plain = set(schema) <= {"type", "format", "description", "example", "examples"}
        if plain and schema.get("format") in (None, "uuid"):
            return str(uuid.UUID(int=rng.getrandbits(128), version=4)), fields
        try:
            value = generate(standalone(dict(schema), self.answers.view), rng)
        except CannotGenerate:
            value = uuid.UUID(int=rng.getrandbits(128), version=4)
        return str(value), fields

    # operations -------------------------------------------------------------------------------
    def _path_params(self, regex: re.Pattern[str], names: list[str]) -> dict[str, str]:
        path = current_scope()["path"].removeprefix(self.prefix) or "/"
        matched = regex.fullmatch(path)
        return dict(zip(names, matched.groups(), strict=True)) if matched else {}

    @staticmethod
    def _tenant(ctx: ApiContext) -> str | None:
        info = current_context().get("token_info") or {}
        principal = info.get("principal") if isinstance(info, Mapping) else None
        return getattr(principal, "tenant", None)

    async def create(self, ctx: ApiContext, stateless: StatelessApi, **params: Any) -> Response:
        preferences = overrides.current()
        if preferences is not None and preferences.code is not None:
            answered: Response = await stateless.handler(self.create_op)()
            return answered
        sent = {**request_facts(params), **await form_facts()}
        request = {
            k: v
            for k, v in sent.items()
            if isinstance(v, str | int | float | bool) and len(str(v)) <= MAX_ECHO
        }
        path = self._path_params(self.create_regex, self.create_names)
        choice = ctx.api.fixture.choose({**sent, **path})
        fields: dict[str, Any] = {"request": request}
        if path:
            fields["path"] = path
        job = await ctx.mock.create(
            self.name, scenario=choice.scenario, tenant=self._tenant(ctx), fields=fields
        )
        view = await ctx.mock.describe(self.name, job)
        accept = Headers(scope=current_scope()).get("accept")
        found = self.answers.answer(self.create_op, accept=accept)
        headers = dict(found.headers)
        where = ctx.api.status_path(job)
        for name in list(headers):
            if name.lower() in ("location", "content-location"):
                headers[name] = where
        if self.binding.id_place == "header":
            header = str(self.binding.id_at)
            headers[header] = where if header.lower().endswith("location") else job.id
        content = found.body
        if found.media_type and is_json(found.media_type):
            content = self.create_filler.fill(view, found.body)
        return _response(found.status, content, found.media_type, headers)

    async def status(self, ctx: ApiContext, stateless: StatelessApi, **params: Any) -> Response:
        preferences = overrides.current()
        if preferences is not None and preferences.code is not None:
            answered: Response = await stateless.handler(self.status_op)()
            return answered
        job_id = self._path_params(self.status_regex, self.status_names).get(
            self.binding.parameter, ""
        )
        job_id = unquote(job_id)
        tenant = self._tenant(ctx)
        if preferences is not None:
            view = await preferences.view(ctx.mock, ctx.api, job_id, tenant)  # type: ignore[arg-type]
        else:
            view = await ctx.mock.view(self.name, job_id, tenant, poll=True)
        accept = Headers(scope=current_scope()).get("accept")
        found = self.answers.answer(self.status_op, accept=accept)
        content = found.body
        if found.media_type and is_json(found.media_type):
            content = self.status_filler.fill(view, found.body)
        return _response(found.status, content, found.media_type, dict(found.headers))

    def handlers(self, path: Any, envelope: Any) -> Handlers:
        return Handlers(
            api=self.name,
            path=path,
            operations={self.binding.create: self.create, self.binding.status: self.status},
            render=self.render,
            status_path=self.status_path,
            new_job=self.new_job,
            envelope=envelope,
        )


def request_facts(params: Mapping[str, Any]) -> dict[str, Any]:
    """What a create request sent, for the fixture's rules: its JSON body's members, its form
    fields and query parameters, an uploaded file as its file name."""
    body = params.get("body")
    sent = {**(body if isinstance(body, Mapping) else {}), **params}
    facts: dict[str, Any] = {}
    for name, value in sent.items():
        if name == "body":
            continue
        if isinstance(value, list):
            value = [getattr(v, "filename", v) for v in value]
        facts[str(name)] = getattr(value, "filename", value)
    return {k: v for k, v in facts.items() if v is not None}


UPLOAD_LIMIT = 100 * 1024 * 1024  # bytes of a multipart create read for its facts (spooled)


async def form_facts() -> dict[str, Any]:
    """A multipart create's text fields and its files' names (connexion passes neither)."""
    from jobmock.uploads import forms

    request = forms.current_request()
    if not forms.is_multipart(request):
        return {}
    try:
        async with forms.read_form(UPLOAD_LIMIT) as form:
            facts: dict[str, Any] = {k: v[0] if len(v) == 1 else v for k, v in form.fields.items()}
            for name, files in form.files.items():
                names = [upload.filename for upload in files]
                facts[name] = names[0] if len(names) == 1 else names
            return facts
    except forms.UploadProblem:  # too large, or unreadable: it says nothing for the rules
        return {}


def _response(
    status: int, content: Any, media_type: str | None, headers: dict[str, str]
) -> Response:
    if media_type is None:  # the response declares no content
        return Response(b"", status, headers)
    text = json.dumps(content).encode() if is_json(media_type) else str(content).encode()
    return Response(text, status, headers, media_type=media_type)
