"""`jobmock serve`: the mock backend's options into a Config, then the app served (or one --get)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from jobmock.cli.arguments import (
    directory,
    header_map,
    parse_faults,
    parse_limits,
    served_documents,
)
from jobmock.config import SERVE_ALLOWED_HOSTS, STATE_DIR, Config, default, serve_store
from jobmock.errors import ChecksFailed
from jobmock.journal import LOGS
from jobmock.model.clock import CLOCK_MODES


@click.command()
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
    callback=parse_faults,
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
    callback=parse_limits,
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
        documents=served_documents(documents, prefixes),
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
    overrides = {k: directory(options[k]) for k in folders if options[k]}
    config = config.replace(**overrides)
    headers = header_map(options["headers"])
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
