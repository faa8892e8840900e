"""The dashboard at `/_mock/`: a page and a small script that only call the control API.

Static files under `jobmock/dashboard/static/` (plain HTML, CSS and JavaScript, no build step, no
CDN), carried by the wheel with the package; served as plain routes of connexion's app, beside the
OpenAPI operations (they are not part of the control API's contract).
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

PREFIX = "/_mock"
FILES = {"index.html": "text/html", "app.js": "text/javascript", "style.css": "text/css"}


def asset(name: str) -> bytes:
    return resources.files(__package__).joinpath("static", name).read_bytes()


async def page(request: Request) -> Response:
    name = request.path_params.get("name", "index.html")
    if name not in FILES:
        return PlainTextResponse("not found", status_code=404)
    return Response(
        asset(name),
        media_type=FILES[name],
        headers={"Cache-Control": "no-cache"},
    )


def mount(app: Any) -> None:
    """Serve the dashboard on `app` (a connexion AsyncApp) at `/_mock/`."""
    app.add_url_rule(f"{PREFIX}/", "dashboard", page, methods=["GET"])
    app.add_url_rule(f"{PREFIX}/dashboard/{{name}}", "dashboard_asset", page, methods=["GET"])
