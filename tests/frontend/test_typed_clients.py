"""Typed clients: openapi-typescript turns every served spec into TypeScript types, and the README's
polling client type-checks against them (`tsc --strict`) and polls a job of each API until it ends.

Needs Node.js and npm (the packages come from the npm registry into `.node-clients/`:
tests/frontend/node.py); skipped, saying why, where they are missing or the npm registry cannot be
reached, and failed under CI (tests/requirements.py; .ci/run installs Debian's nodejs and npm).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.frontend.node import run, tsc, workspace

README = Path(__file__).resolve().parents[2] / "README.md"
APIS = ["matcher", "crosmos", "gu1", "seekr", "claret"]

GENERATE = """
import fs from "node:fs";
import openapiTS, { astToString } from "openapi-typescript";
const [base, ...names] = process.argv.slice(2);
for (const name of names) {
  const spec = name === "control" ? `${base}/_mock/openapi.json` : `${base}/${name}/openapi.json`;
  fs.writeFileSync(`src/${name}.ts`, astToString(await openapiTS(new URL(spec))));
}
"""

MAIN = """
import * as poll from "./poll.js";
declare const process: { argv: string[] };
const base = process.argv[2];

async function create(api: string): Promise<poll.Job> {
  const response = await fetch(`${base}/_mock/apis/${api}/jobs`, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
  return (await response.json()) as poll.Job;
}

const ended: Record<string, string> = {
  matcher: poll.matcher.status(await poll.pollUntilDone(base, await create("matcher"), poll.matcher, 50)),
  crosmos: poll.crosmos.status(await poll.pollUntilDone(base, await create("crosmos"), poll.crosmos, 50)),
  gu1: poll.gu1.status(await poll.pollUntilDone(base, await create("gu1"), poll.gu1, 50)),
  seekr: poll.seekr.status(await poll.pollUntilDone(base, await create("seekr"), poll.seekr, 50)),
  claret: poll.claret.status(await poll.pollUntilDone(base, await create("claret"), poll.claret, 50)),
};
console.log(JSON.stringify(ended));
"""

WRONG = """
import type { MatcherJob } from "./poll.js";
export const done: MatcherJob["status"] = "DONE";
"""


def readme_client() -> str:
    match = re.search(r"```ts\n(// src/api/poll\.ts\n.*?)```", README.read_text(), re.S)
    assert match, "the README shows no polling client (```ts // src/api/poll.ts)"
    return match.group(1)


@pytest.fixture
def npm_folder(node_packages: Path, tmp_path: Path) -> Path:
    """A TypeScript project with openapi-typescript and typescript (tests/frontend/node.py)."""
    folder = workspace(tmp_path, node_packages)
    (folder / "generate.mjs").write_text(GENERATE)
    return folder


def test_generated_types_check_the_readme_client_which_polls_every_api_to_the_end(
    npm_folder: Path, serve: Callable[..., Any]
) -> None:
    server = serve(clock="real", speed=100)  # the default scenarios end in well under a second
    generated = run(["node", "generate.mjs", server.url, "control", *APIS], npm_folder)
    assert generated.returncode == 0, generated.stderr
    assert generated.stderr == ""  # openapi-typescript warns there (console.warn)
    for name in ["control", *APIS]:
        assert "export interface paths" in (npm_folder / "src" / f"{name}.ts").read_text()

    src = npm_folder / "src"
    (src / "poll.ts").write_text(readme_client())
    (src / "main.ts").write_text(MAIN)
    compiled = tsc(npm_folder)
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr

    polled = run(["node", "out/main.js", server.url], npm_folder, 60)
    assert polled.returncode == 0, polled.stderr
    ended = json.loads(polled.stdout)
    apis = server.app.mock.apis
    assert {
        api: status in apis[api].fixture.statuses.terminal for api, status in ended.items()
    } == (dict.fromkeys(APIS, True))

    (src / "wrong.ts").write_text(WRONG)  # the types are the spec's: an undeclared status fails
    refused = tsc(npm_folder)
    assert refused.returncode != 0
    assert "wrong.ts" in refused.stdout and '"DONE"' in refused.stdout
