"""schemathesis' in-process client, reused per thread by `reuse_asgi_clients` (a contract run
against jobmock in-process installs it): each request starts from a client as schemathesis
makes it, nothing of the previous request's headers, credentials or cookies kept."""

from __future__ import annotations

import threading
import typing as t

from jobmock.internals.schemathesis import reuse_asgi_clients


async def echo(scope: dict[str, t.Any], receive: t.Any, send: t.Any) -> None:
    """Answers the request's headers (the cookie header included) and sets a cookie."""
    if scope["type"] != "http":
        return
    await receive()
    body = b"\n".join(name + b": " + value for name, value in scope["headers"])
    headers = [(b"content-type", b"text/plain"), (b"set-cookie", b"session=abc; Path=/")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def test_a_thread_reuses_one_client_started_afresh_for_each_request() -> None:
    from schemathesis.python import asgi

    reuse_asgi_clients()
    reuse_asgi_clients()  # idempotent
    first = asgi.get_client(echo)
    pristine = dict(first.headers)
    with first as client:
        client.headers["X-Tenant"] = "acme"
        client.auth = ("user", "secret")
        answer = client.get("/")
    assert answer.status_code == 200
    assert b"x-tenant: acme" in answer.content
    assert first.cookies.get("session") == "abc"  # the app's cookie, kept by requests

    second = asgi.get_client(echo)
    assert second is first
    assert dict(second.headers) == pristine
    assert second.auth is None
    assert not second.cookies
    with second as client:
        answer = client.get("/")
    assert b"x-tenant" not in answer.content
    assert b"authorization" not in answer.content
    assert b"cookie:" not in answer.content


def test_each_thread_and_each_app_has_its_own_client() -> None:
    from schemathesis.python import asgi

    async def other(scope: dict[str, t.Any], receive: t.Any, send: t.Any) -> None:
        await echo(scope, receive, send)

    reuse_asgi_clients()
    here = asgi.get_client(echo)
    found: list[t.Any] = []
    thread = threading.Thread(target=lambda: found.append(asgi.get_client(echo)))
    thread.start()
    thread.join()
    assert found[0] is not here and found[0].app is echo
    assert asgi.get_client(other).app is other
    assert asgi.get_client(echo, max_stream_events=3).adapter.max_stream_events == 3
