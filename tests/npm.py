"""Node tools from the npm registry, installed into a test's own folder (never globally).

`npm_install(folder, packages)` needs Node.js and npm (Debian's nodejs and npm; `.ci/run` installs
them) and the npm registry: where either is missing the test skips, saying why, except under CI
(tests/requirements.py), where it fails.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.requirements import require

OFFLINE = re.compile(r"ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ENETUNREACH|network")


def npm_install(folder: Path, packages: list[str], timeout: float = 300) -> Path:
    """`folder` with `packages` installed in one `npm install` (a package.json is written first)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    require(node and npm, "Node.js and npm are not installed (apt-get install nodejs npm)")
    assert npm is not None
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "package.json").write_text(
        '{"name": "jobmock-test", "private": true, "type": "module"}'
    )
    installed = subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--loglevel=error", *packages],
        cwd=folder, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip
    if installed.returncode != 0:
        offline = OFFLINE.search(installed.stderr)
        require(not offline, f"the npm registry cannot be reached: {installed.stderr[-300:]}")
        pytest.fail(f"npm install {' '.join(packages)} failed:\n{installed.stderr[-2000:]}")
    return folder
