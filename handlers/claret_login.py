"""Claret's answer to an unauthenticated request that does not ask for JSON: a redirect to the
login page, not a JSON 401.

Fact (apis.md §5 [DOC L4]; seed 004's `X-Requested-With` parameter): without `X-Requested-With:
XMLHttpRequest`, an authentication failure answers with an HTML redirect to the login page.
How, from Laravel's own source (the framework Claret runs on, Sanctum tokens): the exception
handler's `unauthenticated()` answers `{"message": "Unauthenticated."}` 401 when
`$request->expectsJson()` (an `X-Requested-With: XMLHttpRequest` request, or one whose first
`Accept` type is `*/json` or `*+json`), else `redirect()->guest(route('login'))`: 302, `Location`
the absolute login URL, and Symfony's `RedirectResponse` HTML body.
Inferred: the login route is `/{tenant}/login` (Claret's URLs put the tenant first); jobmock does
not serve that page (following the redirect answers Laravel's JSON 404).
"""

from __future__ import annotations

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


def login_url(request: ConnexionRequest) -> str:
    """The absolute `/{tenant}/login` URL on the host the request came to."""
    path = request.url.path
    cut = path.find("/api/v1/")
    base = path[:cut] if cut >= 0 else path.rsplit("/", 1)[0]
    return str(request.url.replace(path=f"{base}/login", query=""))


def login_redirect(request: ConnexionRequest) -> ErrorReply:
    """302 to the login page, as Laravel redirects a guest that did not ask for JSON."""
    url = login_url(request)
    page = REDIRECT_PAGE.format(url=url.translate(SPECIAL))
    return ErrorReply(302, page, HTML, {"Location": url})
