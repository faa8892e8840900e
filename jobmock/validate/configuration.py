"""Which rules run, and how severe each finding is: rulesets, the config file, per-path overrides.

A rule's level for a file is decided in this order, the last word winning: the ruleset
(`recommended` unless the config or `--ruleset` names another), the config's `rules`, then every
override whose `files` glob matches the file, in order. A level is `error`, `warning`, `off`, or
`on` (the rule's level in the ruleset, or its default severity when the ruleset turns it off).

The config is `jobmock.yaml` (its `validate:` mapping) or `pyproject.toml` (`[tool.jobmock.validate]`),
the first found from the working directory up; a pyproject without that table is passed over.
Inline `x-jobmock-ignore: [rule-id, ...]` on a node silences those rules on it and below it.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from jobmock.documents.pointers import Pointer
from jobmock.documents.reader import read
from jobmock.documents.yamlfast import KeyedSourceMap
from jobmock.errors import SourceError
from jobmock.validate.documents import Kind
from jobmock.validate.findings import Severity
from jobmock.validate.rules import RULES, Rule

Level = Severity | None  # None: the rule is off

IGNORE_KEY = "x-jobmock-ignore"
YAML_CONFIG = "jobmock.yaml"
TOML_CONFIG = "pyproject.toml"

# ruleset name -> the level it gives a rule (from the rule's default severity)
RULESETS: dict[str, Callable[[Rule], Level]] = {
    "recommended": lambda rule: rule.severity,
    "strict": lambda rule: Severity.ERROR,
    "minimal": lambda rule: rule.severity if rule.severity is Severity.ERROR else None,
}
DEFAULT_RULESET = "recommended"
_LEVELS = {"error": Severity.ERROR, "warning": Severity.WARNING, "off": None}
_KEYS = ("ruleset", "rules", "overrides")


@dataclass(frozen=True)
class Override:
    files: tuple[str, ...]  # globs, relative to the config file's folder (`*` crosses `/`)
    rules: dict[str, str]  # rule id -> error | warning | off | on


@dataclass(frozen=True)
class Settings:
    ruleset: str = DEFAULT_RULESET
    rules: dict[str, str] = field(default_factory=dict)
    overrides: tuple[Override, ...] = ()
    root: Path = field(default_factory=Path.cwd)  # where `files` globs start
    source: Path | None = None  # the config file, when one was found

    def runs(self, rule: Rule) -> bool:
        """Whether `rule` can report anything at all (off everywhere: not even run)."""
        level = _apply(RULESETS[self.ruleset](rule), rule, self.rules.get(rule.id))
        return level is not None or any(rule.id in o.rules for o in self.overrides)

    def level(self, rule: Rule, file: Path) -> Level:
        """The level of `rule`'s findings in `file`."""
        base = RULESETS[self.ruleset](rule)
        level = _apply(base, rule, self.rules.get(rule.id))
        if self.overrides:
            where = _relative(file, self.root)
            for override in self.overrides:
                if rule.id in override.rules and any(fnmatchcase(where, g) for g in override.files):
                    level = _apply(base, rule, override.rules[rule.id])
        return level


def _apply(base: Level, rule: Rule, word: str | None) -> Level:
    if word is None:
        return base
    if word == "on":
        return base or rule.severity
    return _LEVELS[word]


def _relative(file: Path, root: Path) -> str:
    resolved = file.resolve()
    try:
        return resolved.relative_to(root.resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()


def ignored(document: Any, pointer: Pointer, rule_id: str) -> bool:
    """Whether `x-jobmock-ignore` on the node at `pointer`, or on a node above it, names `rule_id`."""
    value = document
    for depth in range(len(pointer) + 1):
        if isinstance(value, dict):
            names = value.get(IGNORE_KEY)
            if names == rule_id or (isinstance(names, list) and rule_id in names):
                return True
        if depth == len(pointer):
            break
        part = pointer[depth]
        inside = isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value)
        if not (inside or (isinstance(value, dict) and part in value)):
            break
        value = value[part]
    return False


# -- reading the config ------------------------------------------------------------------------


def _toml_table(path: Path) -> tuple[dict[str, Any] | None, int]:
    """`[tool.jobmock.validate]` of a pyproject (None when absent), and the line it starts on."""
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(path, f"cannot read file: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(path, f"invalid TOML: {exc}") from None
    table = data.get("tool", {}).get("jobmock", {}).get("validate")
    line = next(
        (n for n, t in enumerate(text.splitlines(), 1) if t.strip().startswith("[tool.jobmock")), 1
    )
    if table is not None and not isinstance(table, dict):
        raise SourceError(path, "[tool.jobmock.validate] must be a table", line)
    return table, line


def find_config(start: Path) -> Path | None:
    """The first `jobmock.yaml`, or `pyproject.toml` with `[tool.jobmock.validate]`, from `start`
    up to the file system's root."""
    for folder in (start.resolve(), *start.resolve().parents):
        if (folder / YAML_CONFIG).is_file():
            return folder / YAML_CONFIG
        toml = folder / TOML_CONFIG
        if toml.is_file() and _toml_table(toml)[0] is not None:
            return toml
    return None


class _Reader:
    """Checks a config's values, each error one line naming where it is."""

    def __init__(
        self, path: Path, locate: Callable[[Pointer, bool], tuple[int | None, int | None]]
    ):
        self.path = path
        self.locate = locate

    def fail(self, pointer: Pointer, problem: str, key: bool = False) -> SourceError:
        line, column = self.locate(pointer, key)
        return SourceError(self.path, problem, line, column)

    def mapping(self, value: Any, pointer: Pointer, what: str) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(pointer, f"{what} must be a mapping")
        return value

    def levels(self, value: Any, pointer: Pointer) -> dict[str, str]:
        out: dict[str, str] = {}
        for rule_id, word in self.mapping(value, pointer, "`rules`").items():
            if rule_id not in RULES:
                close = difflib.get_close_matches(rule_id, list(RULES), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise self.fail((*pointer, rule_id), f"unknown rule {rule_id!r}{hint}", key=True)
            if word is True or word is False:  # TOML booleans: on / off
                word = "on" if word else "off"
            if word not in (*_LEVELS, "on"):
                raise self.fail(
                    (*pointer, rule_id),
                    f"{rule_id}: {word!r} is not a level (error, warning, off or on)",
                )
            out[rule_id] = word
        return out

    def globs(self, value: Any, pointer: Pointer) -> tuple[str, ...]:
        globs = [value] if isinstance(value, str) else value
        if not isinstance(globs, list) or not globs or not all(isinstance(g, str) for g in globs):
            raise self.fail(pointer, "`files` must be a glob or a list of globs")
        return tuple(globs)

    def settings(self, table: Any, at: Pointer, ruleset: str | None) -> Settings:
        table = self.mapping(table, at, "the validate settings")
        for key in table:
            if key not in _KEYS:
                problem = f"unknown key {key!r} (allowed: {', '.join(_KEYS)})"
                raise self.fail((*at, key), problem, key=True)
        named = table.get("ruleset", DEFAULT_RULESET)
        if named not in RULESETS:
            raise self.fail((*at, "ruleset"), f"unknown ruleset {named!r} ({', '.join(RULESETS)})")
        overrides = []
        raw_overrides = table.get("overrides", [])
        if not isinstance(raw_overrides, list):
            raise self.fail((*at, "overrides"), "`overrides` must be a list")
        for index, raw in enumerate(raw_overrides):
            where = (*at, "overrides", index)
            entry = self.mapping(raw, where, "an override")
            unknown = sorted(set(entry) - {"files", "rules"})
            if unknown or "files" not in entry:
                problem = f"unknown key {unknown[0]!r}" if unknown else "needs `files`"
                raise self.fail(where, f"override {problem} (an override has files and rules)")
            globs = self.globs(entry["files"], (*where, "files"))
            overrides.append(
                Override(globs, self.levels(entry.get("rules", {}), (*where, "rules")))
            )
        return Settings(
            ruleset=ruleset or named,
            rules=self.levels(table.get("rules", {}), (*at, "rules")),
            overrides=tuple(overrides),
            root=self.path.parent,
            source=self.path,
        )


def read_config(path: Path, ruleset: str | None = None) -> Settings:
    """The settings of one config file (`jobmock.yaml` or a pyproject); `ruleset`, when given,
    wins over the file's."""
    if path.name.endswith(".toml"):
        table, line = _toml_table(path)
        reader = _Reader(path, lambda _pointer, _key: (line, None))
        return reader.settings(table or {}, (), ruleset)
    loaded = read(path, SourceError)
    source = loaded.source

    def locate(pointer: Pointer, key: bool) -> tuple[int | None, int | None]:
        if key and isinstance(source, KeyedSourceMap):
            return source.locate_key(pointer)
        return source.locate(pointer)

    reader = _Reader(path, locate)
    data = loaded.data if loaded.data is not None else {}
    top = reader.mapping(data, (), f"{path.name}")
    return reader.settings(top.get("validate", {}), ("validate",), ruleset)


def load_settings(config: Path | None, ruleset: str | None, start: Path | None = None) -> Settings:
    """The settings of a run: `config` if given, else the one found from `start` (the working
    directory) up, else the ruleset's defaults."""
    if ruleset is not None and ruleset not in RULESETS:
        raise SourceError("--ruleset", f"unknown ruleset {ruleset!r} ({', '.join(RULESETS)})")
    found = config or find_config(start or Path.cwd())
    if found is None:
        return Settings(ruleset=ruleset or DEFAULT_RULESET)
    return read_config(found, ruleset)


def rules_table(settings: Settings, rules: Iterable[Rule] | None = None) -> str:
    """The table `--list-rules` prints and docs/validate.md shows: each rule's level under
    `settings` (for a file matched by no override)."""
    rows = [
        "| rule | severity | checks | catches | how to fix |",
        "|---|---|---|---|---|",
    ]
    order = list(Kind)
    listed = (
        rules if rules is not None else sorted(RULES.values(), key=lambda r: order.index(r.kind))
    )
    for rule in listed:
        base = RULESETS[settings.ruleset](rule)
        level = _apply(base, rule, settings.rules.get(rule.id))
        shown = level.value if level is not None else "off"
        rows.append(f"| `{rule.id}` | {shown} | {rule.kind.value} | {rule.catches} | {rule.fix} |")
    return "\n".join(rows) + "\n"
