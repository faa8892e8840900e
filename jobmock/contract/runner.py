"""Run schemathesis, every check on, against each target; report through typed events.

    run(options, handlers) -> RunResult

A `Session` (`jobmock.contract.session`) is where the server is. Each target's spec is loaded by
schemathesis from that server, the live-ids hook and the tenant check are attached, the engine
runs all its phases (examples, coverage, fuzzing, stateful where the spec has links), and its
events become jobmock's: one `OperationFinished` per operation, failures deduplicated, each with
a curl line that replays it.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from schemathesis.engine import events as st_events
from schemathesis.engine import from_schema
from schemathesis.engine.run import PhaseName

from jobmock.config import ContractOptions
from jobmock.contract.coverage import Observation
from jobmock.contract.document_gaps import SchemaMiss, gap_of
from jobmock.contract.events import (
    STATEFUL,
    CheckFailure,
    ErrorReported,
    Handler,
    OperationFinished,
    OperationReport,
    RunFinished,
    RunResult,
    RunStarted,
    dispatch,
)
from jobmock.contract.false_positives import FalsePositive, FalsePositives
from jobmock.contract.footprint import SERVER_WIDE, SKIPPED_REASON
from jobmock.contract.hooks import Isolation, LiveIds, activate, deactivate
from jobmock.contract.parallel import Spread, workload
from jobmock.contract.schemas import (
    content_refusals,
    load_schema,
    not_found_codes,
    schemathesis_config,
)
from jobmock.contract.session import IN_PROCESS_BASE, Session, open_session
from jobmock.contract.targets import Identity, Target, path_parameters, status_of

# Positive and negative cases run as two passes: mixing them in one ("all") makes Hypothesis
# churn on operations whose only parameter cannot be made invalid (a free string in the path).
MODES = ("positive", "negative")
SENSITIVE = ("authorization", "cookie", "key", "token", "secret")


def run(options: ContractOptions, handlers: Iterable[Handler] = ()) -> RunResult:
    """Test every target; raises ContractUsageError (nothing was tested) on bad input."""
    handlers = list(handlers)
    seed = options.seed if options.seed is not None else random.SystemRandom().randrange(2**32)
    started = time.monotonic()
    count = process_count(options)
    if count > 1:  # in-process only: a server at --url is tested from one process
        with Spread(options, seed, count) as spread, open_session(options) as session:

            def run_here(mine: list[Target], forward: list[Handler]) -> RunResult:
                return Runner(options, session, seed, forward).run(mine)

            weight = workload(lambda target: session.discovery.document(target.schema_path))
            targets = session.discovery.targets(options.apis)
            result = spread.run(handlers, targets, run_here, weight)
    else:
        with open_session(options) as session:
            names = options.apis or tuple(session.discovery.given)
            targets = session.discovery.targets(names)
            runner = Runner(options, session, seed, handlers)
            try:
                result = runner.run(targets)
            finally:
                if session.discovery.footprint is not None:
                    runner.result.removed_jobs = session.discovery.clean_up()
    result.duration = time.monotonic() - started
    dispatch(handlers, RunFinished(result))
    return result


# auto: at most this many processes (a default run has six APIs; each process is a whole jobmock)
AUTO_PROCESSES = 4


def process_count(options: ContractOptions) -> int:
    """Processes for an in-process run: `options.processes`, else one per core this process may
    use (at most AUTO_PROCESSES), never more than the APIs named with --api. A run at --url
    uses one."""
    if options.url is not None:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    wanted = options.processes or min(cores or 1, AUTO_PROCESSES)
    return max(1, min(wanted, len(options.apis) or wanted))


class Runner:
    def __init__(
        self, options: ContractOptions, session: Session, seed: int, handlers: list[Handler]
    ) -> None:
        self.options = options
        self.session = session
        self.seed = seed
        self.handlers = handlers
        self.result = RunResult(seed=seed, base_url=session.base_url)
        self.reports: dict[tuple[str, str], OperationReport] = {}
        self.seen_failures: dict[tuple[str, ...], CheckFailure] = {}
        self.done = 0
        self.total = 0
        self.last_pass = True

    def run(self, targets: list[Target]) -> RunResult:
        try:
            loaded = [(target, self.load(target)) for target in targets]
            self.total = sum(len(self.units(schemas[0])) for _, schemas in loaded)
            names = tuple(target.name for target in targets)
            started = RunStarted(self.seed, self.session.base_url, names, self.total)
            dispatch(self.handlers, started)
            for target, schemas in loaded:
                self.run_target(target, schemas)
        except KeyboardInterrupt:  # Ctrl-C: stop now, report what ran (the CLI exits 130)
            self.result.interrupted = True
        return self.result

    def load(self, target: Target) -> list[Any]:
        """The target's spec loaded once per generation mode (see `MODES`)."""
        identity = target.primary
        document = target.document or self.session.discovery.document(target.schema_path)
        walks: dict[str, int] = {}
        footprint = self.session.discovery.footprint
        skipped = SERVER_WIDE if target.is_control and footprint is not None else {}
        if not target.is_control:
            target.jobs = self.session.discovery.live_jobs(target, create=True)
            if self.session.discovery.clock_mode() == "poll":  # enough polls to walk every job
                # half again: some fed cases never poll (refused by a check first, replays)
                walks = status_routes(target, document, len(LiveIds(target, 1).walk()) * 3 // 2)
        schemas = []
        for mode in MODES:
            config = schemathesis_config(
                self.options,
                self.seed,
                walks=walks if mode == "positive" else {},
                headers=dict(identity.headers) if identity else {},
                base_url=None
                if self.session.app is not None
                else self.session.base_url + target.prefix,
                not_found=not_found_codes(document),
                refusals=content_refusals(document),
                mode=mode,
                disabled=skipped,
                # inferred links would feed a list's ids (someone else's jobs) to deletes and moves
                infer_links=footprint is None,
            )
            schemas.append(load_schema(target, config, self.session.app, self.session.base_url))
            if footprint is not None:
                schemas[-1].hooks.register_hook_with_name(footprint.after_call, "after_call")
        schema = schemas[0]
        target.document = schema.raw_schema
        self.result.documents[target.name] = schema.raw_schema
        self.result.scenarios[target.name] = dict(target.scenarios)
        for operation in self.units(schema):
            self.reports[(target.name, operation)] = OperationReport(target.name, operation)
            self.result.operations.append(self.reports[(target.name, operation)])
        declared = {
            f"{m.upper()} {p}" for p, item in document.get("paths", {}).items() for m in item
        }
        for operation, why in skipped.items():  # schemathesis leaves disabled operations out
            if operation in declared:
                reason = SKIPPED_REASON.format(why=why)
                report = OperationReport(target.name, operation, done=True, skipped=reason)
                self.result.operations.append(report)
        return schemas

    @staticmethod
    def units(schema: Any) -> list[str]:
        labels = [
            result.ok().label for result in schema.get_all_operations() if result.ok() is not None
        ]
        if schema.statistic.transitions.total:
            labels.append(STATEFUL)
        return labels

    def run_target(self, target: Target, schemas: list[Any]) -> None:
        if target.is_control:
            target.jobs = self.session.discovery.live_jobs(target, create=False)
        jobs_by_path = {job.status_path: job for job in target.jobs}
        footprint = self.session.discovery.footprint
        # a shared server: a random id may still name someone's job (Hypothesis draws constants
        # from loaded code: a test's seed id); such a case is given one of the run's own jobs
        protected = frozenset().union(*footprint.before.values()) if footprint else frozenset()
        feeder = LiveIds(target, self.options.feed_ratio, protected)
        feeder.prepare(
            [
                (op.path, [p.name for p in op.path_parameters])
                for op in (r.ok() for r in schemas[0].get_all_operations())
                if op is not None
            ]
        )

        def on_probe(operation: str, path: str, identity: Identity, status: int, body: Any) -> None:
            self.result.probes[target.name] = self.result.probes.get(target.name, 0) + 1
            self.observe(target, operation, path, status, body, jobs_by_path)

        isolation = Isolation(target, on_probe)
        disproved = FalsePositives()
        for n, schema in enumerate(schemas):
            self.last_pass = n == len(schemas) - 1
            schema.hooks.register_hook_with_name(feeder, "map_case")
            schema.hooks.register_hook_with_name(disproved, "filter_failure")
            activate(schema, isolation)
            try:
                for event in from_schema(schema).execute():
                    if isinstance(event, st_events.Interrupted):  # schemathesis took the Ctrl-C
                        raise KeyboardInterrupt
                    for found in disproved.drain():  # before the operation is reported finished
                        self.add_false_positive(target, found)
                    self.on_event(target, event, jobs_by_path)
            finally:
                deactivate(schema)
        for (api, _), report in self.reports.items():
            if api == target.name and not report.done:
                self.finish(report)

    # schemathesis events -------------------------------------------------------------------
    def on_event(self, target: Target, event: Any, jobs: Mapping[str, Any]) -> None:
        if isinstance(event, st_events.ScenarioFinished):
            self.on_scenario(target, event, jobs)
        elif isinstance(event, st_events.NonFatalError | st_events.FatalError):
            if isinstance(event, st_events.NonFatalError):
                label: str | None = event.label
                message = f"{event.info.title}: {event.info.message}".strip()
            else:
                label, message = None, f"schemathesis failed: {event.exception!r}"
            report = self.reports.get((target.name, label or ""))
            if report is not None:
                report.errors.append(message)
            else:
                self.result.errors.append(f"{target.name}: {message}")
            dispatch(self.handlers, ErrorReported(target.name, label, message))

    def on_scenario(self, target: Target, event: Any, jobs: Mapping[str, Any]) -> None:
        recorder = event.recorder
        label = STATEFUL if event.phase == PhaseName.STATEFUL_TESTING else event.label
        unit = self.reports.get((target.name, label or ""))
        for case_id, node in recorder.cases.items():
            interaction = recorder.interactions.get(case_id)
            if interaction is None or interaction.response is None:
                continue
            if unit is not None:
                unit.calls += 1
            response = interaction.response
            self.observe(
                target,
                node.value.operation.label,
                urlsplit(interaction.request.uri).path,
                response.status_code,
                _json(response),
                jobs,
            )
        for case_id, checks in recorder.checks.items():
            interaction = recorder.interactions.get(case_id)
            answered = interaction.response if interaction is not None else None
            for check in checks:
                if check.failure_info is not None:
                    miss = schema_miss(check.failure_info.failure, answered)
                    self.add_failure(target, label or "", check.name, check.failure_info, miss)
        if unit is not None and event.phase == PhaseName.FUZZING and self.last_pass:
            self.finish(unit)  # the stateful unit is finished with its target

    def observe(
        self,
        target: Target,
        operation: str,
        path: str,
        status: int,
        body: Any,
        jobs: Mapping[str, Any],
    ) -> None:
        job = jobs.get(path)
        job_status = None if target.is_control else status_of(body, target.statuses)
        scenario = job.scenario if job is not None else None
        self.result.observations.add(
            Observation(target.name, operation, status, job_status, scenario)
        )

    def add_failure(
        self, target: Target, unit: str, check: str, info: Any, miss: SchemaMiss | None = None
    ) -> None:
        failure = info.failure
        operation = failure.operation or unit
        report = self.reports.get((target.name, operation)) or self.reports.get((target.name, unit))
        gap = gap_of(
            check,
            getattr(failure, "status_code", None),
            getattr(failure, "defined_status_codes", ()),
            target.document,
            operation,
            failure.message,
            miss,
        )
        key = (target.name, operation, check, failure.title + (" (gap)" if gap else ""))
        if report is None:
            return
        if key in self.seen_failures:
            self.seen_failures[key].repeats += 1
            return
        steps = [step.curl for step in info.steps] if len(info.steps) > 1 else [info.code_sample]
        self.seen_failures[key] = CheckFailure(
            api=target.name,
            operation=operation,
            check=check,
            title=failure.title,
            message=failure.message.strip(),
            curl=self.replayable("\n".join(steps)),
            status_code=getattr(failure, "status_code", None),
            gap=gap.why if gap else "",
            gap_at=gap.pointer() if gap else "",
        )
        (report.gaps if gap else report.failures).append(self.seen_failures[key])

    def add_false_positive(self, target: Target, found: FalsePositive) -> None:
        report = self.reports.get((target.name, found.operation))
        if report is None:
            return
        key = (
            target.name,
            found.operation,
            "negative_data_rejection (false positive)",
            *found.parts,
        )
        if key in self.seen_failures:
            self.seen_failures[key].repeats += 1
            return
        self.seen_failures[key] = CheckFailure(
            api=target.name,
            operation=found.operation,
            check="negative_data_rejection",
            title="Schema-violating request accepted",
            message=found.message.strip(),
            curl=self.replayable(found.curl),
            false_positive=found.proof,
        )
        report.false_positives.append(self.seen_failures[key])

    def replayable(self, curl: str) -> str:
        curl = curl.replace(IN_PROCESS_BASE, self.session.replay_base)
        for name, value in self.options.headers.items():
            if value and any(word in name.lower() for word in SENSITIVE):
                curl = curl.replace(value, f"<{name} from --header>")
        return curl

    def finish(self, report: OperationReport) -> None:
        if report.done:
            return
        report.done = True
        self.done += 1
        failures = sum(len(op.failures) + len(op.errors) for op in self.result.operations)
        dispatch(self.handlers, OperationFinished(report, self.done, self.total, failures))


def status_routes(target: Target, document: Mapping[str, Any], walk: int) -> dict[str, int]:
    """GET routes that show a job (its status path matches), each with the examples it takes to
    poll every job through its scenario."""
    paths = [p for p, item in document.get("paths", {}).items() if "get" in item]
    return {
        path: max(walk, 1)
        for path in paths
        if any(
            path_parameters(path, job.status_path.removeprefix(target.prefix)) is not None
            for job in target.jobs
        )
    }


def schema_miss(failure: Any, response: Any) -> SchemaMiss | None:
    """Where an answer's schema refused it (a JsonSchemaError of schemathesis' and its answer)."""
    path = getattr(failure, "schema_path", None)
    if path is None or response is None:
        return None
    media = response.headers.get("content-type") or [""]
    bundled = getattr(failure, "_name_to_uri", None) or {}  # schemathesis keeps it private
    return SchemaMiss(
        response.status_code, media[0] if isinstance(media, list) else str(media), path, bundled
    )


def _json(response: Any) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
