"""oas-patch's Overlay code, loaded without its package.

`import oas_patch.overlay` runs `oas_patch/__init__.py` first, which imports the package's diff
tool and CLI (deepdiff, cachebox, click commands): ~1 s of a start on the busy 2-core machine
against ~0.2 s for `overlay.py` alone (measured 2026-12-03), and every `jobmock serve` and
`jobmock contract` with an overlay pays it. `overlay.py` imports only jsonpath-ng, so it is
loaded here from its file as a module of its own. `tests/internals/test_private_names.py`
checks the file is still there and still does what the package's `apply_overlay` does.
"""

from __future__ import annotations

import importlib.util
import typing as t
from functools import cache
from pathlib import Path

MODULE = "jobmock.internals._oas_patch_overlay"  # its name in sys.modules: not oas_patch's


@cache
def overlay_module() -> t.Any:
    """oas_patch/overlay.py, executed once."""
    package = importlib.util.find_spec("oas_patch")  # finds the folder, runs nothing
    if package is None or not package.submodule_search_locations:
        raise ImportError("oas-patch is not installed")
    path = Path(next(iter(package.submodule_search_locations))) / "overlay.py"
    spec = importlib.util.spec_from_file_location(MODULE, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def apply_overlay(document: dict[str, t.Any], overlay: dict[str, t.Any]) -> t.Any:
    """oas_patch.apply_overlay: the overlay's actions applied to `document` in place."""
    return overlay_module().apply_overlay(document, overlay)
