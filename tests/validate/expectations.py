"""The corpus of broken documents: each file names the findings it must produce on its first line,
`# expect: rule-id@line, rule-id@line` (or `# expect: none`)."""

from __future__ import annotations

import re
from pathlib import Path

CORPUS = Path(__file__).parent / "corpus"
_EXPECT = re.compile(r"#\s*expect:\s*(.*)")
_ONE = re.compile(r"([a-z0-9-]+)@(\d+)")


def corpus_files() -> list[Path]:
    """Every checked document of the corpus (specs, overlays, fixtures)."""
    return sorted(p for folder in ("specs", "fixtures") for p in (CORPUS / folder).glob("*.yaml"))


def expectations(path: Path) -> set[tuple[str, int]]:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = _EXPECT.fullmatch(first.strip())
    if match is None:
        raise AssertionError(
            f"{path}: the first line must be `# expect: rule@line, ...` or `# expect: none`"
        )
    text = match.group(1).strip()
    if text == "none":
        return set()
    found = {(rule, int(line)) for rule, line in _ONE.findall(text)}
    if not found:
        raise AssertionError(f"{path}: cannot read the expectations {text!r}")
    return found
