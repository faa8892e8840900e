"""@hey-api/openapi-ts: every served spec (the five APIs and the control API) generates a fetch SDK
without a warning, a program on those SDKs compiles with `tsc --strict`, and it polls a job of each
API (gu1's twice, once with `include=failures`) to its end, the control API's SDK creating them.

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
import { createClient } from "@hey-api/openapi-ts";
const [base, ...names] = process.argv.slice(2);
for (const name of names) {
  const input = name === "control" ? `${base}/_mock/openapi.json` : `${base}/${name}/openapi.json`;
  // ES modules as Node.js runs them: relative imports end in .js
  await createClient({ input, output: { path: `src/${name}`, importFileExtension: ".js" } });
}
"""

MAIN = """
import * as control from "./control/index.js";
import * as matcher from "./matcher/index.js";
import * as crosmos from "./crosmos/index.js";
import * as gu1 from "./gu1/index.js";
import * as seekr from "./seekr/index.js";
import * as claret from "./claret/index.js";
import { client as controlClient } from "./control/client.gen.js";
import { client as matcherClient } from "./matcher/client.gen.js";
import { client as crosmosClient } from "./crosmos/client.gen.js";
import { client as gu1Client } from "./gu1/client.gen.js";
import { client as seekrClient } from "./seekr/client.gen.js";
import { client as claretClient } from "./claret/client.gen.js";
declare const process: { argv: string[] };
const base = process.argv[2];
controlClient.setConfig({ baseUrl: `${base}/_mock` });
matcherClient.setConfig({ baseUrl: `${base}/matcher` });
crosmosClient.setConfig({ baseUrl: `${base}/crosmos` });
gu1Client.setConfig({ baseUrl: `${base}/gu1` });
seekrClient.setConfig({ baseUrl: `${base}/seekr` });
claretClient.setConfig({ baseUrl: `${base}/claret` });

type Job = control.Job;
const part = (job: Job, index: number): string => job.status_path.split("/")[index] ?? "";
const last = (job: Job): string => part(job, -1 + job.status_path.split("/").length);
const by = (job: Job) => ({ headers: job.headers, throwOnError: true as const }); // its tenant's

// One status request of the job, through its API's SDK: the job's status as the body says it.
const polls: Record<string, (job: Job) => Promise<string>> = {
  async matcher(job) {
    const path = { contextId: part(job, 5), jobId: last(job) };
    const { data } = await matcher.getIngestionJob({ path, ...by(job) });
    return data.status ?? "";
  },
  async crosmos(job) {
    const path = { job_id: last(job) };
    const { data } = await crosmos.getJobStatusApiV1JobsJobIdGet({ path, ...by(job) });
    return data.status ?? "";
  },
  async gu1(job) {
    const path = { jobId: last(job) };
    const { data } = await gu1.getBatchJobStatus({ path, ...by(job) });
    return "job" in data ? data.job.status : data.status;
  },
  async "gu1 failures"(job) {
    const path = { jobId: last(job) }, query = { include: "failures" };
    const { data } = await gu1.getBatchJobStatus({ path, query, ...by(job) });
    if ("job" in data) throw new Error("include=failures answered the status body");
    if (data.failures.length > data.failuresTotal) throw new Error(`${data.kind}: failures past the total`);
    return data.status;
  },
  async seekr(job) {
    const path = { ingestion_job_id: last(job) };
    const get = seekr.ingestionGetV1FlowAlignmentIngestionIngestionJobIdGet;
    const { data } = await get({ path, ...by(job) });
    return data.status;
  },
  async claret(job) {
    const path = { tenant: part(job, 2), job_log_id: Number(last(job)) };
    const { data } = await claret.getImportJobStatus({ path, ...by(job) });
    return data.content.status;
  },
};

const ended: Record<string, { scenario: string; seen: string[] }> = {};
for (const [name, poll] of Object.entries(polls)) {
  const api = name.split(" ")[0];
  const { data: job } = await control.createJob({ path: { api }, body: {}, throwOnError: true });
  const seen: string[] = [];
  for (let left = 20; left > 0; left--) {  // --clock poll: every status request moves one phase
    seen.push(await poll(job));
    const { data: now } = await control.getJob({ path: { api, id: job.id }, throwOnError: true });
    if (now.terminal && now.status === seen.at(-1)) break;  // the body has shown the end
  }
  ended[name] = { scenario: job.scenario, seen };
}
console.log(JSON.stringify(ended));
"""


def test_hey_api_generates_every_served_spec_into_sdks_that_compile_and_poll_each_api_to_the_end(
    node_packages: Path, tmp_path: Path, serve: Callable[..., Any]
) -> None:
    folder = workspace(tmp_path, node_packages)
    (folder / "generate.mjs").write_text(GENERATE)
    server = serve(clock="poll")
    generated = run(["node", "generate.mjs", server.url, "control", *APIS], folder)
    assert generated.returncode == 0, generated.stdout + generated.stderr
    assert generated.stderr == ""  # its warnings (console.warn) go there
    for name in ["control", *APIS]:
        assert (folder / "src" / name / "sdk.gen.ts").is_file()

    (folder / "src" / "main.ts").write_text(MAIN)
    compiled = tsc(folder)
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr

    polled = run(["node", "out/main.js", server.url], folder, 60)
    assert polled.returncode == 0, polled.stderr
    ended = json.loads(polled.stdout)
    fixtures = {api: server.app.mock.apis[api].fixture for api in APIS}
    assert ended.keys() == {*APIS, "gu1 failures"}
    for name, polled_job in ended.items():  # every phase of the job's scenario, in order, once
        api = name.split()[0]
        scenario = fixtures[api].scenarios[polled_job["scenario"]]
        assert polled_job["seen"] == [phase.status for phase in scenario.phases], name
        assert scenario.phases[-1].status in fixtures[api].statuses.terminal, name
