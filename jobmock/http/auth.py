"""Who is calling: credentials from the fixtures, checked by connexion's security middleware.

connexion picks a handler class per security-scheme type from `security_map`; ours extract the
credential the way the scheme says (bearer token, or an API key in a header, query or cookie) and
look it up among the API's fixture credentials, then among the credentials the API issued at run
time (`IssuedCredentials`, e.g. Claret's tokens/create). Missing or unknown credentials raise
`Unauthorized`, which the API's own envelope renders.
"""

from __future__ import annotations

import http.cookies
import json
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from jobmock.errors import Unauthorized

if TYPE_CHECKING:  # connexion is imported where a server is built, not by handler modules
    from connexion.lifecycle import ConnexionRequest
    from connexion.security import AbstractSecurityHandler


@dataclass(frozen=True)
class Principal:
    """An authenticated caller: the tenant it acts for and what it may do."""

    api: str
    tenant: str
    scopes: frozenset[str] = frozenset()
    attributes: Mapping[str, Any] = field(default_factory=dict)

    def token_info(self) -> dict[str, Any]:
        return {"sub": self.tenant, "principal": self}


class IssuedCredentials:
    """Credentials an API issues at run time, kept in the store so every worker sharing it accepts
    them (and `POST /_mock/reset`, which clears the store, forgets them).

    Issuing is a set-if-absent (`remember`); looking one up is a plain read (`recall`), so a
    request with an unknown credential writes nothing. Only the `apis` that issue credentials are
    looked up at all.
    """

    PREFIX = "jobmock:credential"

    def __init__(self, store: Any, apis: Collection[str] = ()) -> None:
        self.store = store
        self.apis = frozenset(apis)

    def key(self, api: str, credential: str) -> str:
        return f"{self.PREFIX}:{api}:{credential}"

    async def issue(self, credential: str, principal: Principal) -> bool:
        """Accept `credential` as `principal` from now on; False if the value was already taken."""
        record = {
            "tenant": principal.tenant,
            "scopes": sorted(principal.scopes),
            "attributes": dict(principal.attributes),
        }
        stored = await self.store.remember(
            self.key(principal.api, credential), json.dumps(record).encode()
        )
        return stored is None

    async def find(self, api: str, credential: str) -> Principal | None:
        if api not in self.apis or not credential:
            return None
        stored = await self.store.recall(self.key(api, credential))
        if not stored:  # never issued
            return None
        record = json.loads(stored)
        return Principal(api, record["tenant"], frozenset(record["scopes"]), record["attributes"])


@dataclass
class Credentials:
    """Every API's accepted credentials: credential value -> principal (fixtures), then `issued`."""

    by_api: dict[str, dict[str, Principal]] = field(default_factory=dict)
    open_apis: set[str] = field(default_factory=set)  # APIs that accept any caller
    issued: IssuedCredentials | None = None

    def add(self, credential: str, principal: Principal) -> None:
        self.by_api.setdefault(principal.api, {})[credential] = principal

    def authenticate(self, api: str, credential: str | None) -> Principal:
        if api in self.open_apis:
            return Principal(api=api, tenant="anonymous")
        if not credential:
            raise Unauthorized("missing credentials")
        principal = self.by_api.get(api, {}).get(credential)
        if principal is None:
            raise Unauthorized("invalid credentials")
        return principal

    async def verify(self, api: str, credential: str | None) -> Principal:
        """`authenticate`, falling back on the credentials issued at run time."""
        try:
            return self.authenticate(api, credential)
        except Unauthorized:
            found = await self.issued.find(api, credential or "") if self.issued else None
            if found is None:
                raise
            return found


Extractor = Callable[["ConnexionRequest"], str | None]


def scope_header(request: ConnexionRequest, name: bytes) -> str | None:
    """A request header read straight from the ASGI scope (`name` in lower case)."""
    for key, value in request.scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


def authorization(kind: str) -> Extractor:
    """The credential of an `Authorization: <kind> <credential>` header."""

    def extract(request: ConnexionRequest) -> str | None:
        header = scope_header(request, b"authorization")
        if not header:
            return None
        scheme, _, token = header.partition(" ")
        if scheme.lower() != kind or not token.strip():
            return ""  # present but not of this scheme: invalid, not missing
        return token.strip()

    return extract


bearer_token = authorization("bearer")


def api_key(location: str, name: str) -> Extractor:
    raw_name = name.lower().encode("latin-1")

    def from_header(request: ConnexionRequest) -> str | None:
        return scope_header(request, raw_name)

    def from_query(request: ConnexionRequest) -> str | None:
        value: str | None = request.query_params.get(name)
        return value

    def from_cookie(request: ConnexionRequest) -> str | None:
        cookie = http.cookies.SimpleCookie(request.headers.get("Cookie", ""))
        return cookie[name].value if name in cookie else None

    return {"header": from_header, "query": from_query, "cookie": from_cookie}[location]


def extractor_for(scheme: Mapping[str, Any]) -> Extractor:
    if scheme.get("type") == "apiKey":
        return api_key(scheme["in"], scheme["name"])
    if scheme.get("type") == "http" and str(scheme.get("scheme", "")).lower() == "basic":
        return authorization("basic")
    return bearer_token  # http bearer; oauth2 and openIdConnect send their access token so


# A credential's attribute naming the one scheme it is good for (`scheme_kind`); without it, a
# credential is accepted through any scheme the operation allows.
SCHEME_ATTRIBUTE = "scheme"


def scheme_kind(scheme: Mapping[str, Any]) -> str:
    """What tells schemes apart on the wire: `apiKey header X-API-Key`, `http bearer`..."""
    if scheme.get("type") == "apiKey":
        return f"apiKey {scheme.get('in')} {scheme.get('name')}"
    return f"{scheme.get('type')} {str(scheme.get('scheme', '')).lower()}".strip()


def make_security_map(
    credentials: Credentials, api_of: Callable[[ConnexionRequest], str]
) -> dict[str, type[AbstractSecurityHandler]]:
    """connexion's `security_map`, checking callers against `credentials`."""
    from connexion.security import AbstractSecurityHandler

    class FixtureCredentials(AbstractSecurityHandler):
        def get_fn(
            self, security_scheme: Mapping[str, Any], required_scopes: Any
        ) -> Callable[[ConnexionRequest], Awaitable[dict[str, Any]]]:
            extract = extractor_for(security_scheme)
            kind = scheme_kind(security_scheme)

            async def verify(request: ConnexionRequest) -> dict[str, Any]:
                principal = await credentials.verify(api_of(request), extract(request))
                if principal.attributes.get(SCHEME_ATTRIBUTE, kind) != kind:
                    raise Unauthorized("invalid credentials")  # another scheme's credential
                return principal.token_info()

            return verify

    return {
        name: FixtureCredentials
        for name in ("bearer", "apiKey", "basic", "oauth2", "openIdConnect")
    }


def without_security(document: Mapping[str, Any]) -> dict[str, Any]:
    """`document` as a server that accepts any caller serves it: no security requirement, at the
    top or on an operation. Declaring one that is not enforced would be untrue (schemathesis'
    `ignored_auth` fails it); the schemes stay under `components` for clients that send one.
    `document` itself is left as it is (a copy is made where something changes)."""
    served = {key: value for key, value in document.items() if key != "security"}
    if "paths" in document:
        served["paths"] = {
            path: {
                key: _drop_security(value) if isinstance(value, Mapping) else value
                for key, value in item.items()
            }
            for path, item in document["paths"].items()
        }
    return served


def _drop_security(operation: Mapping[str, Any]) -> Mapping[str, Any]:
    if "security" not in operation:
        return operation
    return {key: value for key, value in operation.items() if key != "security"}


def client_headers(document: Mapping[str, Any], credential: str) -> dict[str, str]:
    """The headers a client sends to authenticate with `credential`, per the API's security scheme."""
    schemes = document.get("components", {}).get("securitySchemes", {})
    for requirement in document.get("security") or _first_operation_security(document):
        for name in requirement:
            scheme = schemes.get(name, {})
            if scheme.get("type") == "apiKey" and scheme.get("in") == "header":
                return {scheme["name"]: credential}
            if scheme.get("type") == "http" and scheme.get("scheme", "").lower() == "bearer":
                return {"Authorization": f"Bearer {credential}"}
    return {"Authorization": f"Bearer {credential}"}


def tenant_headers(
    document: Mapping[str, Any], credential: str, extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Exactly what a client of a tenant sends: its credential, plus headers the API asks for."""
    return {**client_headers(document, credential), **(extra or {})}


def _first_operation_security(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    for item in document.get("paths", {}).values():
        for operation in item.values():
            if isinstance(operation, dict) and operation.get("security"):
                security: list[dict[str, Any]] = operation["security"]
                return security
    return []
