"""connexion's built-in mock on the OpenAPI 3.1 document as written, through jobmock's 3.1 support.

`connexion run SPEC --mock all` refuses a 3.1 document (connexion 3.3 checks the 3.0 meta-schema).
This builds what that command builds (connexion's `MockResolver(mock_all=True)` behind connexion's
default middleware stack) on jobmock's `OpenAPI31App`, which serves 3.1 as written, served by
uvicorn with the access log off (as jobmock, Prism and the Starlette ceiling are run). Bearer and
API-key schemes get an info function that accepts any credential: connexion's mock answers 401 to
every request without one.

    python bench/connexion_mock31.py SPEC PORT
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

import uvicorn
from connexion.mock import MockResolver

from jobmock.documents.yamlfast import fast_load
from jobmock.http.openapi31 import OpenAPI31App
from jobmock.http.validators import ValidatorCache, make_validator_map


def bearer_info(token: str, **kwargs: Any) -> dict[str, Any]:
    return {"sub": "bench", "token": token}


def apikey_info(apikey: str, required_scopes: Any = None, **kwargs: Any) -> dict[str, Any]:
    return {"sub": "bench"}


def accepting_any_credential(document: dict[str, Any]) -> dict[str, Any]:
    schemes = document.get("components", {}).get("securitySchemes", {})
    for scheme in schemes.values():
        if scheme.get("type") == "http" and scheme.get("scheme", "").lower() == "bearer":
            scheme["x-bearerInfoFunc"] = f"{__name__}.bearer_info"
        elif scheme.get("type") == "apiKey":
            scheme["x-apikeyInfoFunc"] = f"{__name__}.apikey_info"
    document.pop("servers", None)  # peers serve at `/`, not under the vendor's server path
    return document


def main() -> None:
    spec, port = Path(sys.argv[1]), int(sys.argv[2])
    document = accepting_any_credential(fast_load(spec).data)
    app = OpenAPI31App(__name__, validator_map=make_validator_map(ValidatorCache()))
    app.add_api(document, resolver=MockResolver(mock_all=True))
    logging.getLogger().setLevel(logging.ERROR)  # as connexion_mock.py: no per-request 4xx logs
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
