// jobmock's dashboard: plain JavaScript over the control API (/_mock), no build step.
"use strict";

const CONTROL = new URL(".", location.href).pathname.replace(/\/$/, ""); // "/_mock"
const REFRESH_MS = 1000;
const state = {
  apis: [], scenarios: {}, tenants: {}, statuses: {}, faults: null,
  story: null, // "api:id" of the job whose story is open
  open: new Set(), // journal entries shown in full
  journalOn: true,
};

// --- the control API --------------------------------------------------------------------------

async function control(path, options = {}) {
  const headers = { ...(options.body ? { "Content-Type": "application/json" } : {}) };
  const token = localStorage.getItem("jobmock-token");
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(CONTROL + path, {
    ...options,
    headers,
    body: options.body ? JSON.stringify(options.body) : undefined,
  });
  if (response.status === 401) document.getElementById("token-form").hidden = false;
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    throw new Error(problem.detail || `${response.status} ${response.statusText}`);
  }
  return response.status === 204 ? null : response.json();
}

function report(error, source = "action") {
  const box = document.getElementById("problem");
  if (!error && source !== box.dataset.source) return; // a refresh clears only its own problems
  box.textContent = error ? error.message : "";
  box.dataset.source = source;
  box.hidden = !error;
}

async function act(action) {
  try {
    await action();
    report(null);
    await refresh();
  } catch (error) {
    report(error);
  }
}

// --- little DOM helpers -----------------------------------------------------------------------

function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (value !== false && value != null) element.setAttribute(name, value === true ? "" : value);
  }
  element.append(...children.flat().filter((child) => child != null));
  return element;
}

function copyButton(text, label = "copy") {
  return h("button", {
    type: "button", class: "copy", title: text,
    onclick: async (event) => {
      await navigator.clipboard?.writeText(text).catch(() => {});
      event.target.textContent = "copied";
      setTimeout(() => (event.target.textContent = label), 1200);
    },
  }, label);
}

function options(select, values, selected) {
  select.replaceChildren(...values.map((v) => h("option", { value: v, selected: v === selected }, v)));
}

function tone(job) {
  if (!job.terminal) return /queue|pend/i.test(job.status) ? "waiting" : "running";
  if (/fail|error|interrupt/i.test(job.status)) return "failed";
  if (/cancel/i.test(job.status)) return "cancelled";
  return /partial/i.test(job.status) ? "partial" : "done";
}

const time = (iso) => (iso ? iso.replace("T", " ").replace(/\.\d+Z$|Z$/, "") : "");

// --- APIs, scenarios, tenants -----------------------------------------------------------------

async function loadApis() {
  state.apis = await control("/apis");
  await Promise.all(state.apis.map(async (api) => {
    const [scenarios, tenants] = await Promise.all([
      control(`/apis/${api.name}/scenarios`), control(`/apis/${api.name}/tenants`)]);
    state.scenarios[api.name] = scenarios;
    state.tenants[api.name] = tenants;
    const seen = [];
    for (const scenario of scenarios)
      for (const phase of scenario.phases) if (!seen.includes(phase.status)) seen.push(phase.status);
    state.statuses[api.name] = seen;
  }));
  renderApis();
  const filter = document.getElementById("journal-api");
  options(filter, ["", ...state.apis.map((api) => api.name)], filter.value);
  filter.options[0].textContent = "every API";
  const select = document.getElementById("create-api");
  options(select, state.apis.map((api) => api.name), select.value || state.apis[0]?.name);
  renderCreateChoices();
}

function renderApis() {
  document.getElementById("apis").replaceChildren(...state.apis.map((api) => {
    const base = location.origin + api.prefix;
    return h("article", { class: "api", "data-api": api.name },
      h("h3", {}, api.title, " ", h("span", { class: "muted" }, api.name)),
      h("p", {}, h("code", {}, base), " ", copyButton(base),
        " · ", h("a", { href: api.docs }, "docs"), " · ", h("a", { href: api.openapi }, "openapi.json")),
      h("ul", { class: "tenants" }, state.tenants[api.name].map((tenant) =>
        h("li", {}, h("strong", {}, tenant.name), " ",
          Object.entries(tenant.headers).map(([name, value]) =>
            h("span", { class: "header" }, h("code", {}, `${name}: ${value}`), " ",
              copyButton(`${name}: ${value}`)))))));
  }));
}

function renderCreateChoices() {
  const api = document.getElementById("create-api").value;
  const scenarios = state.scenarios[api] || [];
  const scenarioSelect = document.getElementById("create-scenario");
  options(scenarioSelect, scenarios.map((s) => s.name), scenarioSelect.value);
  options(document.getElementById("create-tenant"), (state.tenants[api] || []).map((t) => t.name));
  const scenario = scenarios.find((s) => s.name === scenarioSelect.value);
  document.getElementById("scenario-phases").textContent = scenario
    ? scenario.phases.map((p) => (p.seconds == null ? p.status : `${p.status} ${p.seconds}s`)).join(" → ")
    : "";
}

// --- jobs -------------------------------------------------------------------------------------

function jobRow(job) {
  const statuses = state.statuses[job.api] || [];
  const cancel = statuses.find((status) => /cancel/i.test(status));
  const target = h("select", { "aria-label": "status", "data-role": "target", disabled: job.terminal },
    statuses.map((status) => h("option", { value: status }, status)));
  const move = (to) => act(() => control(`/apis/${job.api}/jobs/${encodeURIComponent(job.id)}/transitions`,
    { method: "POST", body: { to } }));
  const curl = `curl -s ${location.origin}${job.status_path} ` +
    Object.entries(job.headers).map(([n, v]) => `-H '${n}: ${v}'`).join(" ");
  return h("tr", { "data-job": `${job.api}:${job.id}`, class: tone(job) },
    h("td", {}, job.api),
    h("td", { class: "job" }, h("a", { href: job.status_path, title: job.status_path, class: "id" }, job.id), " ",
      copyButton(curl, "curl")),
    h("td", {}, job.tenant),
    h("td", {}, job.scenario),
    h("td", {}, h("span", { class: "status", "data-role": "status" }, job.status)),
    h("td", { title: `${Math.round((job.progress ?? 0) * 100)}%` }, progressBar(job.progress ?? 0)),
    h("td", { class: "muted created", title: job.created_at }, time(job.created_at).slice(11)),
    h("td", { class: "actions" },
      h("button", { type: "button", "data-role": "story", onclick: () => openStory(job) }, "Story"),
      h("button", { type: "button", "data-role": "next", disabled: job.terminal, onclick: () => move("next") }, "Next"),
      target,
      h("button", { type: "button", "data-role": "move", disabled: job.terminal, onclick: () => move(target.value) }, "Move"),
      cancel ? h("button", { type: "button", "data-role": "cancel", disabled: job.terminal, onclick: () => move(cancel) }, "Cancel") : null,
      h("button", { type: "button", "data-role": "delete", class: "danger",
        onclick: () => act(() => control(`/apis/${job.api}/jobs/${encodeURIComponent(job.id)}`, { method: "DELETE" })) },
        "Delete")));
}

function renderJobs(jobs) {
  const body = document.querySelector("#jobs tbody");
  const rows = new Map([...body.rows].map((row) => [row.dataset.job, row]));
  const wanted = jobs.map((job) => {
    const key = `${job.api}:${job.id}`;
    const row = rows.get(key);
    if (row && row.dataset.signature === JSON.stringify(job)) return row; // unchanged: keep its select
    const fresh = jobRow(job);
    fresh.dataset.signature = JSON.stringify(job);
    if (row) fresh.querySelector("[data-role=target]").value = row.querySelector("[data-role=target]").value;
    return fresh;
  });
  body.replaceChildren(...wanted);
  document.getElementById("jobs-count").textContent = `(${jobs.length})`;
}

function progressBar(fraction, big = false) {
  const bar = h("div", { class: "bar", "data-role": "bar" });
  bar.style.width = `${Math.round(Math.max(0, Math.min(1, fraction)) * 1000) / 10}%`;
  return h("div", { class: big ? "progress big" : "progress", role: "progressbar",
    "aria-valuemin": 0, "aria-valuemax": 100, "aria-valuenow": Math.round(fraction * 100) }, bar);
}

// --- a job's story ----------------------------------------------------------------------------

function openStory(job) {
  state.story = `${job.api}:${job.id}`;
  document.getElementById("story").hidden = false;
  act(async () => {});
  document.getElementById("story").scrollIntoView({ behavior: "smooth", block: "start" });
}

function phaseTone(phase, story) {
  if (phase.state !== "current") return "";
  if (!story.job.terminal) return /queue|pend/i.test(phase.status) ? "waiting" : "";
  return /fail|error|interrupt|cancel/i.test(phase.status) ? "failed" : "finished";
}

function renderStory(story) {
  const job = story.job;
  const section = document.getElementById("story");
  section.dataset.job = `${job.api}:${job.id}`;
  section.dataset.tone = tone(job);
  document.getElementById("story-id").textContent = job.id;
  document.getElementById("story-what").textContent =
    `${job.api} · ${job.tenant} · ${job.scenario} · now ${time(story.now)}`;
  document.getElementById("story-timeline").replaceChildren(...story.phases.map((phase) => {
    const when = phase.state === "current"
      ? (phase.ends_at ? `until ${time(phase.ends_at).slice(11)}` : "now")
      : phase.state === "next"
        ? (phase.starts_at ? `from ${time(phase.starts_at).slice(11)}` : "next")
        : phase.state === "done"
          ? `${time(phase.starts_at).slice(11)}${phase.ends_at ? ` – ${time(phase.ends_at).slice(11)}` : ""}`
          : "skipped";
    return h("li", { class: `${phase.state} ${phaseTone(phase, story)}`.trim(), "data-status": phase.status,
      "data-state": phase.state },
      h("strong", {}, phase.status), h("small", {}, when),
      phase.seconds != null ? h("small", {}, ` · ${phase.seconds} s`) : null);
  }));
  const bar = document.getElementById("story-bar");
  bar.style.width = `${Math.round(story.progress * 1000) / 10}%`;
  document.getElementById("story-progress").textContent = `${Math.round(story.progress * 100)}%`;
  const counters = Object.entries(story.counters);
  document.getElementById("story-counters").textContent = counters.length
    ? "Counters: " + counters.map(([name, value]) => `${name} ${Math.round(value * 10000) / 100}%`).join(", ")
    : "";
  const body = document.getElementById("story-body");
  const text = JSON.stringify(story.body, null, 2);
  if (body.textContent !== text) body.textContent = text;
  document.getElementById("story-polls-count").textContent = `(${story.polls.length})`;
  document.querySelector("#story-polls tbody").replaceChildren(...story.polls.map((entry) =>
    h("tr", { class: codeTone(entry.status) },
      h("td", {}, time(entry.time).slice(11, 23)), h("td", {}, h("span", { class: "code" }, entry.status)),
      h("td", {}, entry.duration_ms.toFixed(1)), h("td", {}, entry.tenant ?? ""))));
}

async function refreshStory() {
  if (!state.story) return;
  const [api, ...rest] = state.story.split(":");
  try {
    renderStory(await control(`/apis/${api}/jobs/${encodeURIComponent(rest.join(":"))}/story`));
  } catch (error) {
    state.story = null; // deleted meanwhile
    document.getElementById("story").hidden = true;
    throw error;
  }
}

// --- the request journal ----------------------------------------------------------------------

function codeTone(status) {
  if (status >= 500) return "broken";
  if (status >= 400) return "refused";
  return status >= 300 ? "other" : "ok";
}

function firstProblem(entry) {
  const miss = entry.near_misses?.[0];
  if (miss) return `no operation matches; closest ${miss.method} ${miss.path}: ${miss.reasons[0]}`;
  const problem = entry.problems[0];
  return problem ? (problem.pointer ? `${problem.pointer}: ${problem.message}` : problem.message) : "";
}

const SKIPPED_HEADERS = ["host", "content-length", "connection", "accept-encoding", "user-agent"];

function curlOf(entry) {
  // masked credentials are filled from the tenant's own headers, when the tenant is known
  const tenant = (state.tenants[entry.api] || []).find((t) => t.name === entry.tenant);
  const known = Object.fromEntries(Object.entries(tenant?.headers || {}).map(([n, v]) => [n.toLowerCase(), v]));
  const quote = (text) => `'${String(text).replace(/'/g, "'\\''")}'`;
  const url = location.origin + entry.path + (entry.query ? `?${entry.query}` : "");
  const parts = ["curl -s", entry.method !== "GET" ? `-X ${entry.method}` : null, quote(url)];
  for (const [name, value] of Object.entries(entry.request.headers)) {
    if (SKIPPED_HEADERS.includes(name) || name.startsWith("sec-")) continue;
    parts.push(`-H ${quote(`${name}: ${value.includes("<masked>") && known[name] ? known[name] : value}`)}`);
  }
  if (entry.request.body.text && !entry.request.body.truncated) parts.push(`--data-raw ${quote(entry.request.body.text)}`);
  return parts.filter(Boolean).join(" ");
}

function headerList(headers) {
  return h("div", { class: "headers" },
    Object.entries(headers).map(([name, value]) => h("div", {}, h("strong", {}, name), `: ${value}`)));
}

function bodyOf(body) {
  const pretty = (() => { try { return JSON.stringify(JSON.parse(body.text), null, 2); } catch { return body.text; } })();
  return h("pre", { class: "body" }, pretty || "(empty)",
    body.truncated ? `\n… ${body.bytes} bytes in all` : "");
}

function entryDetail(entry) {
  const problems = entry.problems.length
    ? h("ul", { class: "problems", "data-role": "problems" }, entry.problems.map((p) =>
      h("li", {}, p.pointer ? h("code", {}, p.pointer) : null, p.pointer ? ": " : "", p.message)))
    : null;
  const misses = entry.near_misses?.length
    ? [h("h4", {}, "Closest documented operations"),
      h("ul", { class: "misses", "data-role": "near-misses" }, entry.near_misses.map((m) =>
        h("li", {}, h("code", {}, `${m.method} ${m.path}`), ` (${m.api}): ${m.reasons.join("; ")}`)))]
    : null;
  const documented = entry.documented_request
    ? [h("h4", {}, "What the operation documents"),
      h("pre", { class: "body" }, JSON.stringify(entry.documented_request, null, 2))]
    : null;
  return h("tr", { class: "detail", "data-detail": entry.id },
    h("td", { colspan: 7 },
      h("p", {}, h("code", {}, `${entry.method} ${entry.path}${entry.query ? `?${entry.query}` : ""}`),
        entry.operation ? h("span", { class: "muted" }, ` · ${entry.operation}`) : null, " ",
        copyButton(curlOf(entry), "copy as curl")),
      problems, misses, documented,
      h("div", { class: "detail-grid" },
        h("div", {}, h("h4", {}, "Request headers"), headerList(entry.request.headers),
          h("h4", {}, "Request body"), bodyOf(entry.request.body)),
        h("div", {}, h("h4", {}, `Response ${entry.status} headers`), headerList(entry.response.headers),
          h("h4", {}, "Response body"), bodyOf(entry.response.body)))));
}

function journalRow(entry) {
  const toggle = () => {
    if (state.open.has(entry.id)) state.open.delete(entry.id); else state.open.add(entry.id);
    renderJournal(state.entries);
  };
  return h("tr", { class: `entry ${codeTone(entry.status)}`, "data-entry": entry.id, onclick: toggle },
    h("td", { class: "muted" }, time(entry.time).slice(11, 23)),
    h("td", {}, entry.api ?? "—"),
    h("td", { class: "request", title: `${entry.method} ${entry.path}` }, `${entry.method} ${entry.path}${entry.query ? `?${entry.query}` : ""}`),
    h("td", {}, h("span", { class: "code" }, entry.status)),
    h("td", {}, entry.duration_ms.toFixed(1)),
    h("td", {}, entry.tenant ?? ""),
    h("td", { class: "first-problem" }, firstProblem(entry)));
}

function renderJournal(entries) {
  state.entries = entries;
  const rows = [];
  for (const entry of entries) {
    rows.push(journalRow(entry));
    if (state.open.has(entry.id)) rows.push(entryDetail(entry));
  }
  document.querySelector("#journal tbody").replaceChildren(...rows);
  document.getElementById("journal-count").textContent = `(${entries.length})`;
}

async function refreshJournal(force = false) {
  if (!state.journalOn || (!force && !document.getElementById("journal-live").checked)) return;
  const query = new URLSearchParams();
  for (const [name, id] of [["api", "journal-api"], ["status", "journal-status"], ["tenant", "journal-tenant"]]) {
    const value = document.getElementById(id).value.trim();
    if (value) query.set(name, value);
  }
  try {
    const entries = await control(`/requests${query.size ? `?${query}` : ""}`);
    const signature = JSON.stringify(entries.map((e) => e.id));
    if (signature !== state.journalSignature || force) renderJournal(entries);
    state.journalSignature = signature;
  } catch (error) {
    if (!/journal is off/.test(error.message)) throw error;
    state.journalOn = false;
    document.getElementById("journal-off").hidden = false;
  }
}

// --- clock and faults -------------------------------------------------------------------------

function renderClock(clock) {
  document.getElementById("clock-now").textContent = time(clock.now);
  const mode = document.getElementById("clock-mode-select");
  const speed = document.getElementById("clock-speed");
  if (!mode.dataset.edited) mode.value = clock.mode; // not while the user is changing it
  if (!speed.dataset.edited) speed.value = clock.speed;
}

function describeFault(fault) {
  const where = [fault.api !== "*" ? fault.api : "every API", fault.route !== "*" ? fault.route : null]
    .filter(Boolean).join(" ");
  const what = {
    latency: () => (fault.ms != null ? `${fault.ms} ms late` : `${fault.min_ms}–${fault.max_ms} ms late`),
    error: () => `errors${fault.status?.length ? ` (${fault.status.join(", ")})` : ""}`,
    drop: () => "dropped connections",
  }[fault.kind]?.() ?? fault.kind;
  return `${what} on ${where}${fault.rate < 1 ? `, ${Math.round(fault.rate * 100)}% of requests` : ""}`;
}

function renderFaults(faults) {
  const changed = JSON.stringify(faults) !== JSON.stringify(state.faults);
  state.faults = faults;
  document.getElementById("faults-enabled").checked = faults.enabled;
  document.getElementById("faults-state").textContent =
    !faults.faults.length ? "no faults" : faults.enabled ? "faults on" : "faults off";
  document.getElementById("faults-panel").dataset.enabled = faults.enabled && faults.faults.length > 0;
  document.getElementById("faults-list").replaceChildren(
    ...faults.faults.map((fault) => h("li", {}, describeFault(fault))));
  const editor = document.getElementById("faults-json");
  if (changed && document.activeElement !== editor)
    editor.value = JSON.stringify({ seed: faults.seed, faults: faults.faults }, null, 2);
}

// --- refresh loop and wiring ------------------------------------------------------------------

async function refresh() {
  const [clock, faults, ...jobs] = await Promise.all([
    control("/clock"), control("/faults"), ...state.apis.map((api) => control(`/apis/${api.name}/jobs`))]);
  renderClock(clock);
  renderFaults(faults);
  renderJobs(jobs.flat());
  await Promise.all([refreshStory(), refreshJournal()]);
}

function wire() {
  const on = (id, event, handler) => document.getElementById(id).addEventListener(event, handler);
  const submit = (id, handler) => on(id, "submit", (event) => { event.preventDefault(); act(handler); });
  on("create-api", "change", renderCreateChoices);
  on("create-scenario", "change", renderCreateChoices);
  submit("create-form", () => control(`/apis/${document.getElementById("create-api").value}/jobs`, {
    method: "POST",
    body: {
      scenario: document.getElementById("create-scenario").value,
      tenant: document.getElementById("create-tenant").value,
    },
  }));
  submit("clock-advance", () => control("/clock", {
    method: "POST", body: { advance_seconds: Number(document.getElementById("advance-seconds").value) },
  }));
  for (const id of ["clock-mode-select", "clock-speed"])
    on(id, "input", (event) => (event.target.dataset.edited = "true"));
  submit("clock-mode", async () => {
    const mode = document.getElementById("clock-mode-select").value; // read before any await:
    const speed = Number(document.getElementById("clock-speed").value); // a refresh may redraw
    const clock = await control("/clock");
    if (mode !== clock.mode) await control("/clock", { method: "POST", body: { mode } });
    if (speed !== clock.speed) await control("/clock", { method: "POST", body: { speed } });
    for (const id of ["clock-mode-select", "clock-speed"]) delete document.getElementById(id).dataset.edited;
  });
  on("faults-enabled", "change", (event) => act(() => control("/faults", {
    method: "PUT", body: { enabled: event.target.checked, seed: state.faults.seed, faults: state.faults.faults },
  })));
  submit("faults-form", () => control("/faults", {
    method: "PUT", body: { enabled: true, ...JSON.parse(document.getElementById("faults-json").value) },
  }));
  on("story-close", "click", () => {
    state.story = null;
    document.getElementById("story").hidden = true;
  });
  for (const id of ["journal-api", "journal-status", "journal-tenant"])
    on(id, "input", () => refreshJournal(true).catch(report));
  on("journal-clear", "click", () => act(async () => {
    await control("/requests", { method: "DELETE" });
    state.open.clear();
    await refreshJournal(true);
  }));
  on("faults-clear", "click", () => act(() => control("/faults", { method: "DELETE" })));
  submit("token-form", async () => {
    localStorage.setItem("jobmock-token", document.getElementById("token").value);
    document.getElementById("token-form").hidden = true;
    await loadApis();
    document.body.dataset.ready = "true";
  });
}

async function start() {
  wire();
  try {
    await loadApis();
    await refresh();
    document.body.dataset.ready = "true";
  } catch (error) {
    report(error);
  }
  setInterval(() => refresh().then(
    () => report(null, "refresh"), (error) => report(error, "refresh")), REFRESH_MS);
}

start();
