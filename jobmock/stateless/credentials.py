"""The development tenant of a document served without a fixture: one credential per scheme.

A mock that accepts any credential passes a client that sends a wrong one, and fails
schemathesis' `ignored_auth` (Prism does both). So a document's security is enforced as a real
server would: each scheme of `components.securitySchemes` gets one credential, the same on every
start (`dev-<api>-<scheme>`, a development value like the fixtures' own, printed by the banner
and listed by `GET /_mock/apis/<api>/tenants`), and anything else answers 401. A project folder's
fixture declares its own tenants and credentials instead.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from typing import Any

from jobmock.documents.pointers import Node, deref
from jobmock.fixtures.loading import Credential, Tenant
from jobmock.http.auth import SCHEME_ATTRIBUTE, scheme_kind

DEV_TENANT = "dev"
BASIC_USER = "dev"


def schemes(document: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """The document's security schemes by name (`$ref`s followed)."""
    declared = (document.get("components") or {}).get("securitySchemes") or {}
    found = {}
    for name, scheme in declared.items():
        value = deref(document, Node(("components", "securitySchemes", name), scheme)).value
        if isinstance(value, Mapping):
            found[str(name)] = value
    return found


def dev_secret(api: str, scheme: str) -> str:
    """The secret a scheme accepts: a token, an API key, or basic auth's password."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", f"dev-{api}-{scheme}")


def dev_credential(api: str, name: str, scheme: Mapping[str, Any]) -> str:
    """The value the scheme's extractor (`jobmock.http.auth.extractor_for`) reads off a request."""
    secret = dev_secret(api, name)
    if is_basic(scheme):
        return base64.b64encode(f"{BASIC_USER}:{secret}".encode()).decode()
    return secret


def dev_tenant(api: str, document: Mapping[str, Any]) -> Tenant | None:
    """The tenant every scheme's development credential signs in as; None without schemes."""
    found = schemes(document)
    if not found:
        return None
    credentials = tuple(
        Credential(
            dev_credential(api, name, found[name]),
            attributes={SCHEME_ATTRIBUTE: scheme_kind(found[name])},
        )
        for name in scheme_order(document)
    )
    return Tenant(DEV_TENANT, credentials)


def scheme_order(document: Mapping[str, Any]) -> list[str]:
    """The document's scheme names, the first its security requirements name first: a tenant's
    first credential gives the headers the control API hands out with its jobs."""
    found = schemes(document)
    first = next(iter(required_schemes(document)), None)
    return sorted(found, key=lambda name: name != first)


def required_schemes(document: Mapping[str, Any]) -> dict[str, None]:
    """Scheme names in the order the document's security requirements name them."""
    requirements = list(document.get("security") or ())
    for item in (document.get("paths") or {}).values():
        for operation in item.values() if isinstance(item, Mapping) else ():
            if isinstance(operation, Mapping):
                requirements += operation.get("security") or ()
    return {str(name): None for requirement in requirements for name in requirement}


def credential_header(api: str, name: str, scheme: Mapping[str, Any]) -> dict[str, str]:
    """The header that carries scheme `name`'s development credential ({} for a query or cookie
    API key, which a header cannot carry)."""
    value = dev_credential(api, name, scheme)
    if scheme.get("type") == "apiKey":
        return {str(scheme["name"]): value} if scheme.get("in") == "header" else {}
    return {"Authorization": f"{'Basic' if is_basic(scheme) else 'Bearer'} {value}"}


def is_basic(scheme: Mapping[str, Any]) -> bool:
    return scheme.get("type") == "http" and str(scheme.get("scheme", "")).lower() == "basic"
