"""`jobmock init SPEC`: a project folder for a user's document, and what was found in it."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
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
