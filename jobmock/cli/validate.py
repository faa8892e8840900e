"""`jobmock validate`: specs, overlays and fixtures checked, with rulesets and report formats."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from jobmock.config import ValidateOptions, default
from jobmock.errors import ChecksFailed


@click.command()
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
