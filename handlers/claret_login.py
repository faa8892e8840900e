"""Claret's answers to a request that does not ask for JSON: an authentication failure redirects
to the login page (not a JSON 401), a validation failure back where the request came from (not a
JSON 422).

Fact (apis.md §5 [DOC L4]; seed 004's `X-Requested-With` parameter): without `X-Requested-With:
XMLHttpRequest`, an authentication failure answers with an HTML redirect to the login page.
How, from Laravel's own source (the framework Claret runs on, Sanctum tokens): the exception
handler's `unauthenticated()` answers `{"message": "Unauthenticated."}` 401 when
`$request->expectsJson()` (an `X-Requested-With: XMLHttpRequest` request, or one whose first
`Accept` type is `*/json` or `*+json`), else `redirect()->guest(route('login'))`: 302, `Location`
the absolute login URL, and Symfony's `RedirectResponse` HTML body.
Inferred: the login route is `/{tenant}/login` (Claret's URLs put the tenant first); jobmock does
not serve that page (following the redirect answers Laravel's JSON 404).

Validation failures [SRC Laravel, not Claret's page: L4 speaks of auth failures only]: the same
handler's `invalid()` answers the JSON 422 when `expectsJson()`, else
`redirect($e->redirectTo ?? url()->previous())->withInput()->withErrors()`: 302 to the Referer
(`url()->to()` keeps an absolute one, roots a relative one), else to the session's previous URL,
else to `url('/')`, the site root without a trailing slash. Inferred: Claret's API routes are
stateless (Sanctum tokens, Laravel's `api` group starts no session), so there is no previous URL
in a session and no cookie: the errors are lost to the client, which only sees the redirect.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from jobmock.http.envelopes import ErrorReply

if TYPE_CHECKING:
    from connexion.lifecycle import ConnexionRequest

# Symfony HttpFoundation's RedirectResponse::setTargetUrl content, byte for byte
REDIRECT_PAGE = """<!DOCTYPE html>
<html>
    <head>
        <meta charset="UTF-8" />
        <meta http-equiv="refresh" content="0;url='{url}'" />

        <title>Redirecting to {url}</title>
    </head>
    <body>
        Redirecting to <a href="{url}">{url}</a>.
    </body>
</html>"""
HTML = "text/html; charset=utf-8"
# PHP's htmlspecialchars(ENT_QUOTES): Python's html.escape writes ' as &#x27;, PHP as &#039;
SPECIAL = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#039;"})


def expects_json(request: ConnexionRequest) -> bool:
    """Laravel's `Request::expectsJson()`: `ajax()` (and not pjax) or `wantsJson()`."""
    headers = request.headers
    ajax = headers.get("x-requested-with") == "XMLHttpRequest" and not headers.get("x-pjax")
    first = headers.get("accept", "").split(",")[0].split(";")[0].strip().lower()
    return ajax or "/json" in first or "+json" in first


def tenant_base(request: ConnexionRequest) -> str:
    """The path up to the tenant segment (`/claret/acme` of `/claret/acme/api/v1/...`)."""
    path: str = request.url.path
    cut = path.find("/api/v1/")
    return path[:cut] if cut >= 0 else path.rsplit("/", 1)[0]


def login_url(request: ConnexionRequest) -> str:
    """The absolute `/{tenant}/login` URL on the host the request came to."""
    return str(request.url.replace(path=f"{tenant_base(request)}/login", query=""))


# Laravel's UrlGenerator::isValidUrl: what `url()->to()` leaves as it is
ABSOLUTE = re.compile(r"^(#|//|https?://|(mailto|tel|sms):)", re.I)


def previous_url(request: ConnexionRequest) -> str:
    """Laravel's `url()->previous()` on a sessionless route: the Referer, else the site root."""
    root = str(request.url.replace(path=tenant_base(request).rsplit("/", 1)[0], query=""))
    root = root.rstrip("/")
    referer: str = request.headers.get("referer", "")
    if ABSOLUTE.match(referer):
        return referer
    return f"{root}/{referer.strip('/')}".rstrip("/")


def redirect(url: str) -> ErrorReply:
    page = REDIRECT_PAGE.format(url=url.translate(SPECIAL))
    return ErrorReply(302, page, HTML, {"Location": url})


def login_redirect(request: ConnexionRequest) -> ErrorReply:
    """302 to the login page, as Laravel redirects a guest that did not ask for JSON."""
    return redirect(login_url(request))


def back_redirect(request: ConnexionRequest) -> ErrorReply:
    """302 back, as Laravel answers a validation failure of a request that did not ask for JSON."""
    return redirect(previous_url(request))
