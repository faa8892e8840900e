"""`jobmock contract`: schemathesis against jobmock in-process or any server at --url."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from jobmock.cli.arguments import header_map, served_documents
from jobmock.config import ContractOptions, default
from jobmock.errors import ChecksFailed, Interrupted, SetupError


@click.command()
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
    "--processes",
    type=click.IntRange(min=0),
    default=default(ContractOptions, "processes"),
    show_default="0: one per core, at most 4",
    help="In-process runs: spread the APIs over this many processes (1: one process).",
)
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
        app_config = app_config.replace(documents=served_documents(documents, ()))
    settings = ContractOptions(
        url=options["url"],
        spec=options["spec"],
        app_config=app_config,
        apis=tuple(options["apis"]),
        headers=header_map(options["headers"]),
        max_examples=options["max_examples"],
        seed=options["seed"],
        processes=options["processes"],
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
