"""An OpenAPI 3.1 document rewritten as 3.0.3, for peers that only read 3.0 (connexion 3.3's mock).

Only what a mock needs survives, and the rewrite is lossy on purpose: it exists so that the
benchmark can run connexion's built-in mock at all, and is labelled as such in the results.
- `openapi: 3.1.x` -> `3.0.3`; `webhooks`, `info.summary`, `license.identifier`, `jsonSchemaDialect` go;
- `type: [T, "null"]` -> `type: T, nullable: true`; `anyOf/oneOf: [S, {type: null}]` -> S + nullable;
- `const: v` -> `enum: [v]`; schema `examples: [a, ...]` -> `example: a`;
- numeric `exclusiveMinimum/Maximum: n` -> `minimum/maximum: n` + `exclusive...: true`;
- 2019+ keywords 3.0 lacks ($schema, $defs, prefixItems, unevaluated*, contentMediaType, ...) go;
- `servers` goes (connexion would mount the API under the server URL's path; peers serve at `/`);
- with `auth`, every bearer / apiKey scheme gets `x-bearerInfoFunc` / `x-apikeyInfoFunc` naming a
  function that accepts any credential (connexion's mock answers 401 to everyone without one).
"""

from __future__ import annotations

import copy
from typing import Any

DROP_SCHEMA_KEYS = {
    "$schema", "$id", "$defs", "$anchor", "$comment", "$dynamicRef", "$dynamicAnchor", "prefixItems",
    "unevaluatedProperties", "unevaluatedItems", "contentMediaType", "contentEncoding", "contentSchema",
    "dependentRequired", "dependentSchemas", "if", "then", "else", "propertyNames", "minContains",
    "maxContains", "contains", "patternProperties",
}
AUTH_MODULE = "_bench_auth"
AUTH_SOURCE = '''"""Accept any credential: connexion's mock needs an info function to let a request through."""


def bearer_info(token, **kwargs):
    return {"sub": "bench", "token": token}


def apikey_info(apikey, required_scopes=None, **kwargs):
    return {"sub": "bench"}
'''

_NULL = {"type": "null"}


def _schema(node: Any) -> Any:
    """A 3.1 schema (and the schemas inside it) as 3.0."""
    if isinstance(node, list):
        return [_schema(x) for x in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in DROP_SCHEMA_KEYS:
            continue
        if key in ("properties",) and isinstance(value, dict):
            out[key] = {name: _schema(sub) for name, sub in value.items()}
        elif key in ("examples",) and isinstance(value, list):
            if value:
                out["example"] = value[0]
        elif key == "const":
            out["enum"] = [value]
        elif key == "type" and isinstance(value, list):
            concrete = [t for t in value if t != "null"]
            out["type"] = concrete[0] if concrete else "string"
            if len(concrete) < len(value):
                out["nullable"] = True
        elif key == "type" and value == "null":
            out["nullable"] = True
        elif key in ("exclusiveMinimum", "exclusiveMaximum") and not isinstance(value, bool):
            out["minimum" if key == "exclusiveMinimum" else "maximum"] = value
            out[key] = True
        elif key in ("anyOf", "oneOf") and isinstance(value, list):
            branches = [b for b in value if b != _NULL]
            if len(branches) < len(value):
                out["nullable"] = True
            if len(branches) == 1:
                for sub_key, sub in _schema(branches[0]).items():
                    out.setdefault(sub_key, sub)
            else:
                out[key] = _schema(branches)
        elif key in ("allOf", "items", "not", "additionalProperties"):
            out[key] = _schema(value)
        else:
            out[key] = value
    return out


def _walk(node: Any) -> Any:
    """The document with every `schema` (parameters, media types, headers) converted."""
    if isinstance(node, list):
        return [_walk(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        out[key] = _schema(value) if key == "schema" else _walk(value)
    return out


def to_openapi30(document: dict[str, Any], *, auth: bool = True) -> dict[str, Any]:
    doc = copy.deepcopy(document)
    doc["openapi"] = "3.0.3"
    for key in ("webhooks", "jsonSchemaDialect", "servers"):
        doc.pop(key, None)
    info = doc.get("info", {})
    info.pop("summary", None)
    info.get("license", {}).pop("identifier", None)
    if "license" in info and "url" not in info["license"]:
        info["license"]["url"] = "https://example.invalid/license"
    doc = _walk(doc)
    components = doc.setdefault("components", {})
    components["schemas"] = {name: _schema(s) for name, s in components.get("schemas", {}).items()}
    if auth:
        for scheme in components.get("securitySchemes", {}).values():
            if scheme.get("type") == "http" and str(scheme.get("scheme", "")).lower() == "bearer":
                scheme["x-bearerInfoFunc"] = f"{AUTH_MODULE}.bearer_info"
            elif scheme.get("type") == "apiKey":
                scheme["x-apikeyInfoFunc"] = f"{AUTH_MODULE}.apikey_info"
    return dict(doc)
