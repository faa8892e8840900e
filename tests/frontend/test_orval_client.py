"""orval: every served spec (the five APIs and the control API) generates a fetch client without a
warning, a program on those clients compiles with `tsc --strict`, and it polls a job of each API
(gu1's twice, once with `include=failures`) through every phase, the control API's client creating
them.

Needs Node.js and npm (tests/frontend/node.py); skipped where they are missing, failed under CI.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.frontend.node import run, tsc, workspace

APIS = ["matcher", "crosmos", "gu1", "seekr", "claret"]

GENERATE = """
import { generate } from "orval";
const [base, ...names] = process.argv.slice(2);
for (const name of names) {
  const prefix = name === "control" ? "_mock" : name;
  await generate({
    input: { target: `${base}/${prefix}/openapi.json` },
    output: { target: `src/${name}.ts`, client: "fetch", mode: "single", baseUrl: `${base}/${prefix}` },
  });
}
"""

MAIN = """
import * as control from "./control.js";
import * as matcher from "./matcher.js";
import * as crosmos from "./crosmos.js";
import * as gu1 from "./gu1.js";
import * as seekr from "./seekr.js";
import * as claret from "./claret.js";

type Job = control.Job;
const part = (job: Job, index: number): string => job.status_path.split("/")[index] ?? "";
const last = (job: Job): string => part(job, -1 + job.status_path.split("/").length);
const by = (job: Job): RequestInit => ({ headers: job.headers }); // its tenant's credentials

// A 2xx answer's body, typed as the spec declares it; anything else stops the program.
function ok<Answer extends { status: number; data: unknown }>(
  answer: Answer,
): Extract<Answer, { status: 200 | 201 }>["data"] {
  if (answer.status !== 200 && answer.status !== 201) {
    throw new Error(`HTTP ${answer.status}: ${JSON.stringify(answer.data)}`);
  }
  return answer.data as Extract<Answer, { status: 200 | 201 }>["data"];
}

// One status request of the job, through its API's client: the job's status as the body says it.
const polls: Record<string, (job: Job) => Promise<string>> = {
  async matcher(job) {
    const body = ok(await matcher.getIngestionJob(part(job, 5), last(job), by(job)));
    return body.status ?? "";
  },
  async crosmos(job) {
    const body = ok(await crosmos.getJobStatusApiV1JobsJobIdGet(last(job), by(job)));
    return body.status ?? "";
  },
  async gu1(job) {
    const body = ok(await gu1.getBatchJobStatus(last(job), {}, by(job)));
    return "job" in body ? body.job.status : body.status;
  },
  async "gu1 failures"(job) {
    const body = ok(await gu1.getBatchJobStatus(last(job), { include: "failures" }, by(job)));
    if ("job" in body) throw new Error("include=failures answered the status body");
    if (body.failures.length > body.failuresTotal) throw new Error(`${body.kind}: failures past the total`);
    return body.status;
  },
  async seekr(job) {
    const get = seekr.ingestionGetV1FlowAlignmentIngestionIngestionJobIdGet;
    return ok(await get(last(job), by(job))).status;
  },
  async claret(job) {
    const body = ok(await claret.getImportJobStatus(part(job, 2), Number(last(job)), by(job)));
    return body.content.status;
  },
};

const ended: Record<string, { scenario: string; seen: string[] }> = {};
for (const [name, poll] of Object.entries(polls)) {
  const api = name.split(" ")[0];
  const job = ok(await control.createJob(api, {}));
  const seen: string[] = [];
  for (let left = 20; left > 0; left--) {  // --clock poll: every status request moves one phase
    seen.push(await poll(job));
    const now = ok(await control.getJob(api, job.id));
    if (now.terminal && now.status === seen.at(-1)) break;  // the body has shown the end
  }
  ended[name] = { scenario: job.scenario, seen };
}
console.log(JSON.stringify(ended));
"""


def test_orval_generates_every_served_spec_into_clients_that_compile_and_poll_each_api_to_the_end(
    node_packages: Path, tmp_path: Path, serve: Callable[..., Any]
) -> None:
    folder = workspace(tmp_path, node_packages)
    (folder / "generate.mjs").write_text(GENERATE)
    server = serve(clock="poll")
    generated = run(["node", "generate.mjs", server.url, "control", *APIS], folder)
    assert generated.returncode == 0, generated.stdout + generated.stderr
    assert generated.stderr == ""  # its warnings go there
    assert all("🎉" in line for line in generated.stdout.splitlines()), generated.stdout

    (folder / "src" / "main.ts").write_text(MAIN)
    compiled = tsc(folder)
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr

    polled = run(["node", "out/main.js"], folder, 60)
    assert polled.returncode == 0, polled.stderr
    ended = json.loads(polled.stdout)
    fixtures = {api: server.app.mock.apis[api].fixture for api in APIS}
    assert ended.keys() == {*APIS, "gu1 failures"}
    for name, polled_job in ended.items():  # every phase of the job's scenario, in order, once
        api = name.split()[0]
        scenario = fixtures[api].scenarios[polled_job["scenario"]]
        assert polled_job["seen"] == [phase.status for phase in scenario.phases], name
        assert scenario.phases[-1].status in fixtures[api].statuses.terminal, name
