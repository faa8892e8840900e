"""Where the server under test is: jobmock itself, created in-process from `options.app_config`
and called through ASGI, or a live server at `options.url`; and whose documents and credentials a
run starts from.

    with open_session(options) as session: session.client, session.discovery, session.app
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from jobmock.config import ContractOptions
from jobmock.contract.errors import ContractUsageError
from jobmock.contract.targets import Discovery, Identity

IN_PROCESS_BASE = "http://testserver"
REPLAY_BASE = "http://127.0.0.1:8000"  # where `jobmock serve` listens by default


class Session:
    """A server to test, reached through one httpx client."""

    def __init__(self, client: httpx.Client, discovery: Discovery, app: Any = None) -> None:
        self.client = client
        self.discovery = discovery
        self.app = app  # in-process: the ASGI app schemathesis calls

    @property
    def base_url(self) -> str:
        return str(self.client.base_url).rstrip("/")

    @property
    def replay_base(self) -> str:
        return REPLAY_BASE if self.app is not None else self.base_url


@contextlib.contextmanager
def open_session(options: ContractOptions) -> Iterator[Session]:
    token = options.control_token
    control = {"Authorization": f"Bearer {token}"} if token else {}
    if options.url is None:
        from starlette.testclient import TestClient

        from jobmock.internals.schemathesis import reuse_asgi_clients
        from jobmock.serving.app import create_app

        reuse_asgi_clients()  # schemathesis calls the app through a client it built per request
        token = token or "contract-run"
        app = create_app(options.app_config.replace(control_token=token))
        client: httpx.Client = TestClient(app, base_url=IN_PROCESS_BASE)
        discovery = Discovery(
            client,
            control_headers={"Authorization": f"Bearer {token}"},
            extra_headers=options.headers,
            credentials=fixture_identities(app),
        )
        with client:
            yield Session(client, discovery, app)
        return
    url = options.url.rstrip("/")
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
        raise ContractUsageError(f"--url {options.url!r} is not an http(s) URL")
    given = given_document(options.spec) if options.spec is not None else {}
    with httpx.Client(base_url=url, timeout=options.request_timeout) as client:
        discovery = Discovery(
            client,
            control_headers=control,
            extra_headers=options.headers,
            local_documents=given or bundled_documents(options),
            given=given,
        )
        if options.reset:
            discovery.reset()
        elif discovery.served_apis() is not None:
            discovery.share()  # someone's running jobmock: touch only what the run creates
        yield Session(client, discovery)


def fixture_identities(app: Any) -> dict[str, list[Identity]]:
    """In-process, every credential of every tenant (the control API lists one per tenant)."""
    from jobmock.http.auth import tenant_headers

    found: dict[str, list[Identity]] = {}
    for name, runtime in app.mock.apis.items():
        extra = runtime.handlers.client_headers
        found[name] = [
            Identity(
                tenant.name if i == 0 else f"{tenant.name}#{i + 1}",
                tenant.name,
                tenant_headers(runtime.spec.document, credential.value, extra),
            )
            for tenant in runtime.fixture.tenants.values()
            for i, credential in enumerate(tenant.credentials)
        ]
    return found


def given_document(path: Path) -> dict[str, dict[str, Any]]:
    """`--spec`: the document as jobmock serves it (`$ref`s across files bundled, 3.0 as 3.1),
    under its API name; a document jobmock cannot read is a usage error naming file:line."""
    from jobmock.errors import JobmockError
    from jobmock.stateless.documents import api_name, load_document

    name = api_name(path)
    try:
        return {name: load_document(path, name).document}
    except JobmockError as exc:
        raise ContractUsageError(str(exc)) from None


def bundled_documents(options: ContractOptions) -> dict[str, dict[str, Any]]:
    """jobmock's served specs, for servers that do not serve their own."""
    from jobmock.documents.specs import discover, load_spec

    specs_dir = options.app_config.specs_dir
    return {path.stem: load_spec(path).document for path in discover(specs_dir)}
