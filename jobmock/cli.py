"""`jobmock serve | validate | contract`: parse options into a Config, call the library, print.

Errors in input files (SourceError) and bad usage exit 2 with one line naming the file, the line
and the problem; a failed check exits 1. No traceback reaches the user.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from jobmock.config import STATE_DIR, Config
from jobmock.errors import SourceError
from jobmock.model.clock import CLOCK_MODES
from jobmock.store import StoreError


class JobmockGroup(click.Group):
    """Turns jobmock's own errors into one-line messages with exit code 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SourceError as exc:
            click.echo(f"jobmock: {exc}", err=True)
            for note in exc.notes:
                click.echo(f"  {note}", err=True)
            sys.exit(2)
        except StoreError as exc:
            click.echo(f"jobmock: {exc}", err=True)
            sys.exit(2)


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


def _faults(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> Any:
    from jobmock.frontend.faults import FaultError, parse_option

    try:
        return tuple(parse_option(value) for value in values)
    except FaultError as exc:
        raise click.BadParameter(str(exc), ctx, param) from None


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--clock",
    "clock_mode",
    type=click.Choice(sorted(CLOCK_MODES)),
    default="real",
    show_default=True,
    help="real: time flows; manual: moves only through /_mock/clock; "
    "poll: each status poll moves a job one phase.",
)
@click.option(
    "--speed",
    type=click.FloatRange(min=0, min_open=True),
    default=1.0,
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
    "--seed", type=int, default=0, show_default=True, help="Seed for generated ids and values."
)
@click.option(
    "--validate-responses", is_flag=True, help="Check every response against the spec (slower)."
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
    help="Allow browsers on this origin only, e.g. http://localhost:5173 (repeatable)."
    "  [default: any origin]",
)
@click.option(
    "--no-overrides",
    is_flag=True,
    help="Ignore `Prefer: code=|status=|delay=` request headers (real behaviour only).",
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
    default=1,
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
def serve(**options: Any) -> None:
    """Serve every API's mock, the control API (/_mock) and the docs."""
    from jobmock.serving.app import create_app
    from jobmock.serving.banner import banner
    from jobmock.serving.workers import prepare, run, shared
    from jobmock.store.sqlite import state_store_url

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
        overrides=not options["no_overrides"],
        faults=options["faults"],
        store=options["store_url"] or state_store_url(options["state_dir"]),
        workers=options["workers"],
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
    app = create_app(config)
    if options["get_path"]:
        from jobmock.serving.app import request_once

        status, body = request_once(app, options["get_path"], headers)
        click.echo(body)
        sys.exit(0 if 200 <= status < 300 else 1)
    click.echo(banner(app.mock, config))  # type: ignore[attr-defined]
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
        click.echo(f"  state    {config.store}: {kept}; {config.workers} worker(s)\n")
    run(config, app)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "github", "sarif"]),
    default="text",
    show_default=True,
    help="Report format.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Write the report to FILE instead of stdout.",
)
@click.option("--strict", is_flag=True, help="Warnings fail the run too.")
def validate(paths: tuple[Path, ...], **options: Any) -> None:
    """Check specs, overlays and fixtures (default: everything jobmock serves).

    Exit 0 when clean, 1 on errors (or warnings with --strict), 2 on unreadable files.
    """
    from jobmock.validate import ValidateOptions, run

    sys.exit(run(ValidateOptions(paths=paths, **options)))


@main.command()
@click.option("--url", metavar="URL", help="Test the server at URL (default: jobmock in-process).")
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
    default=25,
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
def contract(**options: Any) -> None:
    """Property-test every route of every API against its spec, all schemathesis checks on.

    Exit 0 when nothing failed, 1 on failures, 2 on bad usage.
    """
    try:
        from jobmock.contract import ContractOptions, ContractUsageError, run
        from jobmock.contract.output import JUnitReport, Progress, Summary
    except ImportError as exc:  # schemathesis is an optional dependency
        click.echo(
            f"jobmock contract needs schemathesis ({exc}): pip install 'jobmock[contract]'",
            err=True,
        )
        sys.exit(2)
    settings = ContractOptions(
        url=options["url"],
        apis=tuple(options["apis"]),
        headers=_headers(options["headers"]),
        max_examples=options["max_examples"],
        seed=options["seed"],
        report=options["report"],
        control_token=options["control_token"],
    )
    handlers: list[Any] = [Progress(sys.stdout), Summary(sys.stdout)]
    if settings.report:
        handlers.append(JUnitReport(settings.report))
    try:
        result = run(settings, handlers)
    except ContractUsageError as exc:
        click.echo(f"jobmock contract: {exc}", err=True)
        sys.exit(2)
    sys.exit(0 if result.ok else 1)


if __name__ == "__main__":  # pragma: no cover
    main()
