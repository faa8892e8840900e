"""What `jobmock serve` prints at startup: each API's base URL and a curl line that works."""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from typing import Any

from jobmock.config import Config
from jobmock.documents.routes import operations
from jobmock.engine.mock import ApiRuntime, Mock
from jobmock.http.served import ignored_header
from jobmock.model.lifecycle import Job
from jobmock.stateless.credentials import credential_header, schemes


def banner(mock: Mock, config: Config) -> str:
    base = f"http://{config.host}:{config.port}"
    apis = f"{len(mock.apis)} API{'' if len(mock.apis) == 1 else 's'}"
    lines = [
        f"jobmock serving {apis} on {base} (clock: {config.clock}, speed {config.speed:g})",
        "",
    ]
    for runtime in mock.apis.values():
        lines.append(
            f"  {runtime.name:<8} {base}{runtime.prefix or '/'}   docs {base}{runtime.prefix}/ui/"
        )
        if runtime.stateless is not None:
            lines += _stateless_lines(runtime, base)
            continue
        seeds = runtime.fixture.jobs
        if seeds:
            seed = seeds[0]
            job = Job(runtime.name, seed.id, seed.tenant, seed.scenario, 0.0, seed.fields)
            headers = runtime.client_headers(seed.tenant)
            parts = ["curl", "-s"] + [a for k, v in headers.items() for a in ("-H", f"{k}: {v}")]
            parts.append(f"{base}{runtime.status_path(job)}")
            lines.append("           " + " ".join(shlex.quote(p) for p in parts))
    lines += [
        "",
        f"  control  {base}/_mock   (jobs, transitions, clock, faults; docs {base}/_mock/ui/)",
        f"  dashboard {base}/_mock/",
        "",
    ]
    return "\n".join(lines)


def _stateless_lines(runtime: ApiRuntime, base: str) -> list[str]:
    broken = runtime.stateless.broken
    lines = (
        [f"           {len(broken)} operation(s) answer 501 (see the warnings above)"]
        if broken
        else []
    )
    found = example_request(runtime.spec.document, runtime.name)
    jobs = runtime.stateless.jobs
    if jobs is not None:  # a project's binding: how its jobs start, and their scenarios
        create, status = jobs.create_op, jobs.status_op
        lines.append(
            f"           jobs: {create.method.upper()} {runtime.prefix}{create.path} starts one,"
            f" GET {runtime.prefix}{status.path} polls it"
            f" (scenarios: {', '.join(runtime.fixture.scenarios)})"
        )
    if found is not None:
        path, headers = found
        if runtime.fixture.tenants and jobs is not None:  # the fixture's first tenant
            headers = runtime.client_headers(next(iter(runtime.fixture.tenants)))
        parts = ["curl", "-s"] + [a for k, v in headers.items() for a in ("-H", f"{k}: {v}")]
        parts.append(f"{base}{runtime.prefix}{path}")
        lines.append("           " + " ".join(shlex.quote(p) for p in parts))
    return lines


def example_request(document: Mapping[str, Any], api: str) -> tuple[str, dict[str, str]] | None:
    """A GET that answers 2xx without inputs (a stateless API's curl line): its path and the
    header of its first security scheme, with the development credential."""
    declared = schemes(document)
    for method, path, spec in operations(document):
        item = document["paths"][path]
        required = [
            p
            for p in [*(item.get("parameters") or ()), *(spec.get("parameters") or ())]
            if isinstance(p, Mapping) and p.get("required") and not ignored_header(p)
        ]
        if method != "get" or "{" in path or required or spec.get("requestBody"):
            continue
        headers: dict[str, str] = {}
        for requirement in spec.get("security", document.get("security")) or ():
            for name in requirement:
                scheme = declared.get(name)
                headers = credential_header(api, name, scheme) if scheme is not None else {}
                break
            break
        return path, headers
    return None
