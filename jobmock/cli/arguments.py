"""What the commands' arguments and options mean, parsed: headers, documents with prefixes, faults,
limits. click calls these; a bad value is click's BadParameter (exit 2), naming the option."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import click


def directory(value: str | None) -> Path | None:
    return Path(value) if value else None


def header_map(values: tuple[str, ...]) -> dict[str, str]:
    headers = {}
    for value in values:
        name, sep, content = value.partition(":")
        if not sep or not name.strip():
            raise click.BadParameter(f"{value!r} is not 'Name: value'", param_hint="--header")
        headers[name.strip()] = content.strip()
    return headers


def served_documents(paths: tuple[Path, ...], prefixes: tuple[str, ...]) -> tuple[str, ...]:
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


def parse_faults(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> Any:
    from jobmock.frontend.faults import FaultError, parse_option

    try:
        return tuple(parse_option(value) for value in values)
    except FaultError as exc:
        raise click.BadParameter(str(exc), ctx, param) from None


def parse_limits(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> Any:
    from jobmock.limits import LimitError, Limits, with_overrides

    try:
        return with_overrides(Limits(), values)
    except LimitError as exc:
        raise click.BadParameter(str(exc), ctx, param) from None
