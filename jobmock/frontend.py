"""What a frontend developer's browser needs, wired into connexion's stack in one place.

The layers, outermost first (connexion's own positions, see `MiddlewarePosition`):

    CORS        before the exception layer: answers preflights before security could refuse them,
                and decorates error answers too                                   (jobmock.cors)
    ...         connexion's routing and security: the caller is known from here on
    overrides   `Prefer: code=|status=|delay=` for this request               (jobmock.overrides)
    faults      configured latency, errors and dropped connections               (jobmock.faults)
    ...         connexion's request validation, then the handler
"""

from __future__ import annotations

from typing import Any

from connexion.middleware import MiddlewarePosition
from starlette.middleware.cors import CORSMiddleware

from jobmock.config import Config
from jobmock.cors import cors_options, declared_response_headers
from jobmock.engine import Mock


def install(app: Any, config: Config, mock: Mock) -> None:
    """Add CORS, overrides, faults and the dashboard to `app` (a connexion app, not yet started)."""
    documents = {name: runtime.spec.document for name, runtime in mock.apis.items()}
    app.add_middleware(
        CORSMiddleware,
        position=MiddlewarePosition.BEFORE_EXCEPTION,
        **cors_options(config.cors_origins, declared_response_headers(documents)),
    )
