"""What `jobmock serve` prints at startup: each API's base URL and a curl line that works."""

from __future__ import annotations

import shlex

from jobmock.config import Config
from jobmock.engine.mock import Mock
from jobmock.model.lifecycle import Job


def banner(mock: Mock, config: Config) -> str:
    base = f"http://{config.host}:{config.port}"
    lines = [
        f"jobmock serving {len(mock.apis)} APIs on {base} (clock: {config.clock}, speed {config.speed:g})",
        "",
    ]
    for runtime in mock.apis.values():
        lines.append(
            f"  {runtime.name:<8} {base}{runtime.prefix}   docs {base}{runtime.prefix}/ui/"
        )
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
