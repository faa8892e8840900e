"""`jobmock serve | init | validate | contract`: parse options into a Config, call the library, print.

Every option's default is its config field's (`jobmock.config`). Every error of jobmock's that
reaches the command line is rendered by one boundary, `JobmockGroup`: one line on stderr naming the
problem, and the error's exit code (2 bad input: a file, an option, a store, a port; 1 a check
failed). Bad command-line syntax is click's, also exit 2. No traceback reaches the user.
"""

from __future__ import annotations

from typing import Any

import click

from jobmock.cli.contract import contract
from jobmock.cli.init import init
from jobmock.cli.serve import serve
from jobmock.cli.validate import validate
from jobmock.errors import JobmockError

__all__ = ["JobmockGroup", "contract", "init", "main", "serve", "validate"]


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


for command in (serve, init, validate, contract):
    main.add_command(command)
