"""How handler modules meet connexion: operationIds resolved to functions bound to their API.

A handler module (`handlers/<api>.py`, see `jobmock.engine.handlers`) exposes
`OPERATIONS = {operationId: async function}`; each function takes an `ApiContext` first, then the
operation's parameters as connexion passes them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from connexion.resolver import Resolver
from starlette.datastructures import Headers

from jobmock.engine.mock import ApiRuntime, JobView, Mock
from jobmock.errors import SpecError
from jobmock.frontend import overrides
from jobmock.http.auth import Principal
from jobmock.internals.connexion import current_context, current_scope
from jobmock.limits import Limits


@dataclass(frozen=True)
class ApiContext:
    """What a handler needs: the mock, its API and the current caller."""

    mock: Mock
    api: ApiRuntime

    @property
    def name(self) -> str:
        return self.api.name

    @property
    def limits(self) -> Limits:
        """The bounds on what clients send (`Config.limits`)."""
        return self.mock.limits

    def principal(self) -> Principal:
        principal: Principal = current_context()["token_info"]["principal"]
        return principal

    def header(self, name: str) -> str | None:
        value: str | None = Headers(scope=current_scope()).get(name)
        return value

    async def view(self, job_id: str, *, poll: bool = True) -> JobView:
        """The caller's job as it looks now (another tenant's job is not found).

        A `Prefer` header may ask to see it in another status, or as missing (jobmock.frontend.overrides).
        """
        tenant = self.principal().tenant
        preferences = overrides.current()
        if preferences is not None:
            return await preferences.view(self.mock, self.api, job_id, tenant, poll=poll)
        return await self.mock.view(self.api.name, job_id, tenant, poll=poll)


def resolver_for(
    operations: Mapping[str, Callable[..., Any]], bound: Any, spec_path: Any, module: Any
) -> Resolver:
    """connexion resolver: operationId -> `operations[operationId]`, `bound` first (`module`
    names where the operations come from)."""

    def resolve(operation_id: str) -> Callable[..., Any]:
        try:
            function = operations[operation_id]
        except KeyError:
            raise SpecError(
                spec_path,
                f"operation {operation_id!r} has no handler in {module} (OPERATIONS)",
            ) from None
        bound_function = functools.partial(function, bound)
        functools.update_wrapper(bound_function, function)
        return bound_function

    return Resolver(function_resolver=resolve)
