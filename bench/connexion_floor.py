"""The least connexion does for a request, as jobmock serves it: the route's served spec on jobmock's
OpenAPI31App with connexion's routing and context middlewares only, every operation answering the
route's fixed body (no auth, no validation, no engine). No mock built on connexion's stack can answer
with less work: the distance from here to jobmock is what jobmock adds, the distance from here to the
bare Starlette ceiling is connexion's own.

    python bench/connexion_floor.py PORT API BODY_FILE
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any

import uvicorn
from connexion.middleware.context import ContextMiddleware
from connexion.middleware.routing import RoutingMiddleware
from connexion.resolver import Resolver

from jobmock.documents.specs import load_spec
from jobmock.engine.resources import specs_dir
from jobmock.http.openapi31 import OpenAPI31App
from jobmock.http.validators import ValidatorCache, make_validator_map


def without_security(document: dict[str, Any]) -> dict[str, Any]:
    document = copy.deepcopy(document)
    document.pop("security", None)
    for item in document.get("paths", {}).values():
        for operation in item.values():
            if isinstance(operation, dict):
                operation.pop("security", None)
    return document


def floor_app(api: str, body: Any) -> OpenAPI31App:
    """The floor app: `api`'s served spec, every operation answering `body`."""

    async def answer(*args: Any, **kwargs: Any) -> Any:
        return body, 200

    document = load_spec(specs_dir() / f"{api}.yaml").document
    app = OpenAPI31App(
        "floor",
        middlewares=[RoutingMiddleware, ContextMiddleware],
        validator_map=make_validator_map(ValidatorCache()),
    )
    app.add_api(
        without_security(document),
        base_path=f"/{api}",
        resolver=Resolver(function_resolver=lambda operation_id: answer),
    )
    return app


def main() -> None:
    port, api, body_file = int(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
    app = floor_app(api, json.loads(body_file.read_bytes()))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
