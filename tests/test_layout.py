"""The layout the README promises: every jobmock module sits in a concept's package, the README's
layout table names each package, and no two modules import each other in a circle at import time
(imports inside functions or under TYPE_CHECKING are deferred on purpose and do not count)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "jobmock"
TOP_LEVEL_MODULES = {"__init__", "__main__", "app", "config", "errors", "limits"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def eager_imports(path: Path) -> set[str]:
    """jobmock modules `path` imports when it is imported (module level, not TYPE_CHECKING)."""
    found: set[str] = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        for inner in ast.walk(node) if isinstance(node, ast.If | ast.Try) else [node]:
            if isinstance(inner, ast.Import):
                found |= {a.name for a in inner.names if a.name.startswith("jobmock")}
            elif isinstance(inner, ast.ImportFrom) and (inner.module or "").startswith("jobmock"):
                base = inner.module or ""
                found.add(base)
                found |= {f"{base}.{a.name}" for a in inner.names}
    return found


def related(a: str, b: str) -> bool:
    """A module and a package it is in: the package's __init__ re-exports it, no circle of concepts."""
    return a.startswith(f"{b}.") or b.startswith(f"{a}.")


def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {
        name: {
            t for t in eager_imports(path) & modules.keys() if t != name and not related(name, t)
        }
        for name, path in modules.items()
    }


def test_no_module_imports_itself_back_at_import_time() -> None:
    edges = graph()
    circles = []
    for start in sorted(edges):
        stack = [(start, [start])]
        seen: set[str] = set()
        while stack:
            node, path = stack.pop()
            for target in edges[node]:
                if target == start:
                    circles.append(" -> ".join([*path, start]))
                elif target not in seen:
                    seen.add(target)
                    stack.append((target, [*path, target]))
    assert not circles, "\n".join(circles)


def test_every_module_is_in_a_package_the_readme_names() -> None:
    readme = (ROOT / "README.md").read_text()
    loose = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem not in TOP_LEVEL_MODULES)
    assert not loose, f"modules outside a concept's package: {loose}"
    for package in sorted(p.parent.name for p in PACKAGE.glob("*/__init__.py")):
        assert f"`jobmock/{package}/`" in readme, f"README's layout table lacks jobmock/{package}/"
