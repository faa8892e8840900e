"""`jobmock serve | init | validate | contract`: parse options into a Config, call the library, print.

Every option's default is its config field's (`jobmock.config`). Every error of jobmock's that
reaches the command line is rendered by one boundary, `JobmockGroup`: one line on stderr naming the
problem, and the error's exit code (2 bad input: a file, an option, a store, a port; 1 a check
failed). Bad command-line syntax is click's, also exit 2. No traceback reaches the user.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import click

from jobmock.config import (
    SERVE_ALLOWED_HOSTS,
    STATE_DIR,
    Config,
    ContractOptions,
    ValidateOptions,
    default,
    serve_store,
)
from jobmock.errors import ChecksFailed, Interrupted, JobmockError, SetupError
from jobmock.journal import LOGS
from jobmock.model.clock import CLOCK_MODES


class JobmockGroup(click.Group):
    """The boundary: any JobmockError a command raises leaves as `jobmock: <message>`, one line on
    stderr, with its `exit_code` (see jobmock.errors), as click's own usage errors leave."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except JobmockError as exc:
            click.echo(f"jobmock: {exc}", err=True)
            for note in getattr(exc, "notes", ()):  # SourceError's hints, if any
                click.echo(f"  {note}", err=True)
            ctx.exit(exc.exit_code)


@click.group(cls=JobmockGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="jobmock")
def main() -> None:
    """jobmock: an OpenAPI-first contract and mock server for asynchronous import-job APIs."""


def _dir(value: str | None) -> Path | None:
    return Path(value) if value else None


def _headers(values: tuple[str, ...]) -> dict[str, str]:
    headers = {}
    for value in values:
        name, sep, content = value.partition(":")
        if not sep or not name.strip():
            raise click.BadParameter(f"{value!r} is not 'Name: value'", param_hint="--header")
        headers[name.strip()] = content.strip()
    return headers


def _documents(paths: tuple[Path, ...], prefixes: tuple[str, ...]) -> tuple[str, ...]:
    """Config.documents (`PREFIX=PATH`) from `serve`'s arguments and `--prefix NAME=PATH`s."""
    from jobmock.stateless.documents import api_name, documents_in

    named: dict[Path, str] = {}
    for value in prefixes:
        name, sep, file = value.partition("=")
        name = name.strip().strip("/")
        if not sep or not re.fullmatch(r"[a-z0-9_-]+", name) or not Path(file).is_file():
            raise click.BadParameter(
                f"{value!r} is not NAME=PATH of a document (NAME: a-z, 0-9, _ and -)",
                param_hint="--prefix",
            )
        named[Path(file).resolve()] = name
    found = [p.resolve() for given in paths for p in documents_in(given)]
    found += [known for known in named if known not in found]
    if len(found) == 1 and not prefixes:
        return (f"={found[0]}",)  # one document is served at /, as Prism serves it
    entries = {}
    for path in found:
        name = named.get(path, api_name(path))
        if name in entries or name in ("_mock", "control"):
            raise click.BadParameter(
                f"two documents would be served under /{name} (or it is jobmock's own);"
                " name one with --prefix NAME=PATH",
                param_hint="--prefix",
            )
        entries[name] = f"/{name}={path}"
    return tuple(entries.values())


def _faults(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> Any:
    from jobmock.frontend.faults import FaultError, parse_option

    try:
        return tuple(parse_option(value) for value in values)
    except FaultError as exc:
        raise click.BadParameter(str(exc), ctx, param) from None


def _limits(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> Any:
    from jobmock.limits import LimitError, Limits, with_overrides

    try:
        return with_overrides(Limits(), values)
    except LimitError as exc:
        raise click.BadParameter(str(exc), ctx, param) from None


@main.command()
@click.argument(
    "documents",
    nargs=-1,
    type=click.Path(exists=True, path_type=Path),
    metavar="[SPEC_OR_FOLDER]...",
)
@click.option(
    "--prefix",
    "prefixes",
    multiple=True,
    metavar="NAME=PATH",
    help="Serve the document at PATH under /NAME (repeatable; default: its file name, or / for"
    " one document).",
)
@click.option(
    "--host", default=default(Config, "host"), show_default=True, help="Interface to bind."
)
@click.option(
    "--port", default=default(Config, "port"), show_default=True, type=click.IntRange(0, 65535)
)
@click.option(
    "--clock",
    "clock_mode",
    type=click.Choice(sorted(CLOCK_MODES)),
    default=default(Config, "clock"),
    show_default=True,
    help="real: time flows; manual: moves only through /_mock/clock; "
    "poll: each status poll moves a job one phase.",
)
@click.option(
    "--speed",
    type=click.FloatRange(min=0, min_open=True),
    default=default(Config, "speed"),
    show_default=True,
    help="Run lifecycles N times faster (real and poll clocks).",
)
@click.option(
    "--api", "apis", multiple=True, metavar="NAME", help="Serve only this API (repeatable)."
)
@click.option(
    "--specs", "specs_dir", type=click.Path(file_okay=False, exists=True), help="Specs folder."
)
@click.option(
    "--fixtures",
    "fixtures_dir",
    type=click.Path(file_okay=False, exists=True),
    help="Fixtures folder (tenants, credentials, scenarios, jobs).",
)
@click.option(
    "--handlers",
    "handlers_dir",
    type=click.Path(file_okay=False, exists=True),
    help="Handler modules folder (<api>.py for each API; the bundled ones fill the gaps).",
)
@click.option(
    "--control-token", envvar="JOBMOCK_CONTROL_TOKEN", help="Require this bearer token on /_mock."
)
@click.option(
    "--seed",
    type=int,
    default=default(Config, "seed"),
    show_default=True,
    help="Seed for generated ids and values.",
)
@click.option(
    "--validate-responses",
    is_flag=True,
    default=default(Config, "validate_responses"),
    help="Check every response against the spec (slower).",
)
@click.option(
    "--get",
    "get_path",
    metavar="PATH",
    help="Answer one GET request in-process, print the body and exit (1 if not 2xx).",
)
@click.option(
    "-H", "--header", "headers", multiple=True, metavar="'NAME: VALUE'", help="Header for --get."
)
@click.option(
    "--cors-origin",
    "cors_origins",
    multiple=True,
    metavar="ORIGIN",
    help="Let pages on this origin call the mock too, e.g. https://app.example (repeatable; '*':"
    " any origin).  [default: local origins only]",
)
@click.option(
    "--allowed-host",
    "allowed_hosts",
    multiple=True,
    metavar="NAME",
    help="Answer requests naming this host too (repeatable; *.example.test for a domain; '*': any)."
    "  [default: IP addresses and localhost]",
)
@click.option(
    "--overrides/--no-overrides",
    default=default(Config, "overrides"),
    show_default=True,
    help="Honour `Prefer: code=|status=|delay=` request headers (--no-overrides: real behaviour"
    " only).",
)
@click.option(
    "--fault",
    "faults",
    multiple=True,
    metavar="KIND[:KEY=VALUE,...]",
    callback=_faults,
    help="Inject a fault (repeatable): latency:ms=300, latency:min_ms=100,max_ms=800,"
    " error:rate=0.2[,status=500+503], drop:rate=0.1; each also takes api=NAME, route=OPERATION.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=default(Config, "workers"),
    show_default=True,
    help="Worker processes; more than one needs a shared store (SQLite or Redis).",
)
@click.option(
    "--store",
    "store_url",
    metavar="URL",
    envvar="JOBMOCK_STORE",
    help="Where jobs and the clock live: sqlite:///abs/state.db, sqlite://rel/state.db,"
    " redis://HOST:6379/0[?prefix=NAME] or memory:// (one process, gone when it stops)."
    "  [default: state.db in --state-dir]",
)
@click.option(
    "--state-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=STATE_DIR,
    show_default=True,
    envvar="JOBMOCK_STATE_DIR",
    help="Folder of the default store; jobs and clock are kept there across restarts.",
)
@click.option(
    "--reset", is_flag=True, help="Start over: forget the stored jobs and clock, reseed fixtures."
)
@click.option(
    "--limit",
    "limits",
    multiple=True,
    metavar="NAME=VALUE",
    callback=_limits,
    help="Raise or lower one bound on client input (repeatable), e.g. json_max_depth=200;"
    " README 'Limits and safety' lists them.",
)
@click.option(
    "--journal/--no-journal",
    default=default(Config, "journal"),
    show_default=True,
    help="Record each request and its answer in the store (GET /_mock/requests, the dashboard).",
)
@click.option(
    "--journal-size",
    type=click.IntRange(min=1),
    default=default(Config, "journal_size"),
    show_default=True,
    metavar="N",
    help="Requests the journal keeps per API; the oldest are dropped.",
)
@click.option(
    "--log",
    "logs",
    multiple=True,
    type=click.Choice(LOGS),
    help="Print as it happens: requests, one line per request (method, path, status, ms,"
    " first problem).",
)
def serve(documents: tuple[Path, ...], prefixes: tuple[str, ...], **options: Any) -> None:
    """Serve every API's mock, the control API (/_mock) and the docs.

    With SPEC_OR_FOLDER (OpenAPI 3.0 or 3.1 documents, YAML or JSON), serve those instead,
    answered from the document alone: one at /, several under a prefix each.
    """
    from jobmock.serving.app import create_app, request_once
    from jobmock.serving.banner import banner
    from jobmock.serving.workers import check_address, prepare, run, shared

    config = Config(
        host=options["host"],
        port=options["port"],
        clock=options["clock_mode"],
        speed=options["speed"],
        apis=tuple(options["apis"]),
        control_token=options["control_token"],
        seed=options["seed"],
        validate_responses=options["validate_responses"],
        cors_origins=tuple(options["cors_origins"]),
        allowed_hosts=tuple(options["allowed_hosts"]) or SERVE_ALLOWED_HOSTS,
        overrides=options["overrides"],
        faults=options["faults"],
        store=options["store_url"] or serve_store(options["state_dir"]),
        workers=options["workers"],
        limits=options["limits"],
        documents=_documents(documents, prefixes),
        journal=options["journal"],
        journal_size=options["journal_size"],
        log=tuple(options["logs"]),
    )
    if config.speed > config.limits.clock_max_speed:  # the bound POST /_mock/clock applies too
        raise click.BadParameter(
            f"{config.speed:g} is above clock_max_speed ({config.limits.clock_max_speed:g};"
            " --limit clock_max_speed=N raises it)",
            param_hint="'--speed'",
        )
    if config.workers > 1 and not shared(config.store):
        raise click.UsageError(
            f"--workers {config.workers} needs a store the workers share"
            f" (sqlite://FILE or redis://HOST), not {config.store}"
        )
    folders = ("specs_dir", "fixtures_dir", "handlers_dir")
    overrides = {k: _dir(options[k]) for k in folders if options[k]}
    config = config.replace(**overrides)
    headers = _headers(options["headers"])
    app = create_app(config, serving=not options["get_path"])  # --get: one answer, then exit
    if options["get_path"]:
        status, body = request_once(app, options["get_path"], headers)
        click.echo(body)
        if not 200 <= status < 300:
            raise ChecksFailed(f"GET {options['get_path']} answered {status}")
        return
    check_address(config.host, config.port)  # a port in use is said now, not after the banner
    state = ""
    if shared(config.store):
        given = click.get_current_context().get_parameter_source
        explicit = {click.core.ParameterSource.COMMANDLINE, click.core.ParameterSource.ENVIRONMENT}
        prepared = prepare(
            config,
            app.mock.apis,
            reset=options["reset"],
            clock=config.clock if given("clock_mode") in explicit else None,
            speed=config.speed if given("speed") in explicit else None,
        )
        kept = "new"
        if prepared.continued:
            kept = f"continued from the last run, clock {prepared.clock} (--reset starts over)"
        if prepared.dropped:
            kept += (
                f"; dropped {prepared.dropped} job(s) whose scenario or tenant left the fixtures"
            )
        state = f"  state    {config.store}: {kept}; {config.workers} worker(s)\n"
    click.echo(banner(app.mock, config))  # type: ignore[attr-defined]
    if state:
        click.echo(state)
    run(config, app)


@main.command()
@click.argument("spec", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="FOLDER",
    help="Write the project folder there.  [default: ./<the document's API name>]",
)
def init(spec: Path, out: Path | None) -> None:
    """Write a project folder for SPEC (the document and fixture.yaml) and say what was found:
    upload-then-poll pairs, the status property, terminal values, scenarios and tenants.

    `jobmock serve FOLDER` then makes the jobs move. Exit 2 on a document it cannot read.
    """
    from jobmock.polling.init import init as write

    click.echo(write(spec, out))


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "github", "sarif"]),
    default=default(ValidateOptions, "output_format"),
    show_default=True,
    help="Report format.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Write the report to FILE instead of stdout.",
)
@click.option(
    "--strict",
    is_flag=True,
    default=default(ValidateOptions, "strict"),
    help="Warnings fail the run too.",
)
@click.option(
    "--ruleset",
    type=click.Choice(["strict", "recommended", "minimal"]),
    default=default(ValidateOptions, "ruleset"),
    help="Rule levels: strict (every rule an error), recommended (each rule's default), minimal"
    " (OpenAPI validity only).  [default: the config's, else recommended]",
)
@click.option(
    "--config",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="FILE",
    help="jobmock.yaml or pyproject.toml to read.  [default: the first found from here up]",
)
@click.option(
    "--list-rules", is_flag=True, help="Print every rule with its level (and the config's), exit."
)
def validate(paths: tuple[Path, ...], list_rules: bool, **options: Any) -> None:
    """Check specs, overlays and fixtures (default: everything jobmock serves).

    Exit 0 when valid (warnings are printed), 1 on errors (or warnings with --strict), 2 on
    unreadable files or a bad config.
    """
    from jobmock.validate import run

    settings = ValidateOptions(paths=paths, **options)
    if list_rules:
        from jobmock.validate.configuration import load_settings, rules_table

        click.echo(rules_table(load_settings(settings.config, settings.ruleset)), nl=False)
        return
    report = run(settings)
    if report.exit_code(strict=settings.strict):
        found = f"{len(report.errors)} error(s), {len(report.warnings)} warning(s)"
        raise ChecksFailed(f"validate found {found}" + (" (--strict)" if settings.strict else ""))


@main.command()
@click.argument(
    "documents",
    nargs=-1,
    type=click.Path(exists=True, path_type=Path),
    metavar="[SPEC_OR_FOLDER]...",
)
@click.option("--url", metavar="URL", help="Test the server at URL (default: jobmock in-process).")
@click.option(
    "--spec",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="SPEC",
    help="With --url: the OpenAPI document the server implements (URL is its base).",
)
@click.option(
    "--api", "apis", multiple=True, metavar="NAME", help="Test only this API (repeatable)."
)
@click.option(
    "-H",
    "--header",
    "headers",
    multiple=True,
    metavar="'NAME: VALUE'",
    help="Send this header on every request (repeatable; wins over the tenants' headers).",
)
@click.option(
    "--max-examples",
    type=click.IntRange(min=1),
    default=default(ContractOptions, "max_examples"),
    show_default=True,
    help="Generated cases per operation and phase.",
)
@click.option("--seed", type=int, help="Replay a run (its seed is printed at the end).")
@click.option(
    "--report",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Write JUnit XML to FILE.",
)
@click.option(
    "--control-token",
    envvar="JOBMOCK_CONTROL_TOKEN",
    help="Bearer token of the server's control API (as given to `jobmock serve`).",
)
@click.option(
    "--reset",
    is_flag=True,
    default=default(ContractOptions, "reset"),
    help="With --url at a jobmock server: reset it to its fixtures first and test every control "
    "operation (default: touch only the jobs the run creates, and remove them afterwards).",
)
def contract(documents: tuple[Path, ...], **options: Any) -> None:
    """Property-test every route of every API against its spec, all schemathesis checks on.

    Without --url, jobmock in-process: its five APIs, or SPEC_OR_FOLDER as `jobmock serve` would
    serve them. With --url, the server there: a jobmock (found by its control API), or any server
    with --spec (or --api for a bundled API). Exit 0 when nothing failed, 1 on failures, 2 on bad
    usage.
    """
    try:
        from jobmock.contract import run
        from jobmock.contract.output import JUnitReport, Progress, Summary
    except ImportError as exc:  # schemathesis is an optional dependency
        raise SetupError(
            f"jobmock contract needs schemathesis ({exc}): pip install 'jobmock[contract]'"
        ) from None
    if documents and options["url"]:
        raise click.BadParameter(
            "a server at --url is tested against the document given with --spec SPEC",
            param_hint="SPEC_OR_FOLDER",
        )
    if options["spec"] and not options["url"]:
        raise click.BadParameter(
            "--spec names the document of the server at --url; to test jobmock serving it, "
            "pass it as SPEC_OR_FOLDER",
            param_hint="--spec",
        )
    app_config = default(ContractOptions, "app_config")
    if documents:
        app_config = app_config.replace(documents=_documents(documents, ()))
    settings = ContractOptions(
        url=options["url"],
        spec=options["spec"],
        app_config=app_config,
        apis=tuple(options["apis"]),
        headers=_headers(options["headers"]),
        max_examples=options["max_examples"],
        seed=options["seed"],
        report=options["report"],
        control_token=options["control_token"],
        reset=options["reset"],
    )
    handlers: list[Any] = [Progress(sys.stdout), Summary(sys.stdout)]
    if settings.report:
        handlers.append(JUnitReport(settings.report))
    try:
        result = run(settings, handlers)  # ContractUsageError (exit 2) if it cannot start
    except KeyboardInterrupt:  # before the server was up: nothing ran, nothing to report
        raise Interrupted("contract: interrupted before any operation ran") from None
    if result.interrupted:
        raise Interrupted(f"contract: interrupted (--seed {result.seed} replays the run)")
    if not result.ok:
        failed = sum(not op.passed for op in result.operations)
        errors = f", {len(result.errors)} error(s)" if result.errors else ""
        raise ChecksFailed(
            f"contract: {failed} of {len(result.operations)} operation(s) failed{errors}"
            f" (--seed {result.seed} replays the run)"
        )


if __name__ == "__main__":  # pragma: no cover
    main()
