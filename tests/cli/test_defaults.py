"""The CLI writes no default of its own: each option's is its config field's (`jobmock.config`), and
the one place `jobmock serve` differs from the library, its store, is named there."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from jobmock.cli import contract, main, serve, validate
from jobmock.config import (
    SERVE_ALLOWED_HOSTS,
    STATE_DIR,
    Config,
    ContractOptions,
    ValidateOptions,
    default,
    serve_store,
)

# (command, its options dataclass, option name -> field name where they differ)
COMMANDS: list[tuple[click.Command, type[Any], dict[str, str]]] = [
    (serve, Config, {"clock_mode": "clock", "store_url": "store"}),
    (validate, ValidateOptions, {}),
    (contract, ContractOptions, {}),
]

# Folders `jobmock serve` passes to Config only when given (their defaults are the bundled ones).
LEFT_OUT = {"specs_dir", "fixtures_dir", "handlers_dir"}


def options_of(command: click.Command) -> list[click.Option]:
    return [p for p in command.params if isinstance(p, click.Option) and p.name != "help"]


@pytest.mark.parametrize(
    ("command", "options", "renamed"), COMMANDS, ids=[c.name or "" for c, _, _ in COMMANDS]
)
def test_every_option_left_out_takes_its_config_fields_default(
    command: click.Command,
    options: type[Any],
    renamed: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for variable in ("JOBMOCK_STORE", "JOBMOCK_STATE_DIR", "JOBMOCK_CONTROL_TOKEN"):
        monkeypatch.delenv(variable, raising=False)
    values = command.make_context(command.name, []).params  # what the command gets, unset
    names = {f.name for f in fields(options)}
    checked = []
    for option, value in values.items():
        name = renamed.get(option, option)
        if name not in names or name == "headers":  # headers: 'Name: value' text, parsed
            continue
        if name == "store":  # serve's own default: serve_store(--state-dir), below
            assert value is None
            continue
        if name == "allowed_hosts":  # serve's own default: local names only
            assert tuple(value) == SERVE_ALLOWED_HOSTS == ()
            continue
        if name in LEFT_OUT and value is None:  # not passed on: the field's default applies
            continue
        assert value == default(options, name), f"{command.name} --{option}"
        checked.append(name)
    assert len(checked) >= 2, f"{command.name}: checked only {checked}"


def test_serves_options_cover_its_config() -> None:
    renamed = COMMANDS[0][2]
    names = {renamed.get(o.name or "", o.name) for o in options_of(serve)}
    assert {"host", "port", "clock", "speed", "seed", "workers", "overrides"} <= names


def test_help_shows_the_configs_defaults() -> None:
    text = CliRunner().invoke(main, ["serve", "--help"], terminal_width=200).stdout
    assert f"[default: {Config().host}]" in text
    assert f"[default: {Config().port};" in text
    assert f"[default: {Config().clock}]" in text
    help_text = CliRunner().invoke(main, ["contract", "--help"], terminal_width=200).stdout
    assert f"[default: {ContractOptions().max_examples};" in help_text


def test_the_library_keeps_state_in_memory_and_serve_in_a_sqlite_file(tmp_path: Path) -> None:
    assert Config().store == "memory://"
    assert serve_store(tmp_path / "state") == f"sqlite://{tmp_path / 'state' / 'state.db'}"
    assert (tmp_path / "state" / ".gitignore").read_text().endswith("*\n")
    assert default(Config, "store") == "memory://"
    state_dir = next(p for p in serve.params if p.name == "state_dir")
    assert state_dir.default == STATE_DIR  # serve's store: state.db in --state-dir


def test_serve_without_a_store_uses_the_state_dir(tmp_path: Path) -> None:
    args = ["serve", "--api", "matcher", "--state-dir", str(tmp_path), "--get", "/_mock/clock"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "state.db").is_file()


def test_default_names_an_unknown_field() -> None:
    with pytest.raises(AttributeError, match="Config has no option 'colour'"):
        default(Config, "colour")
