"""The npm packages of the typed-client tests: every generator and TypeScript, installed by one
`npm install` into `.node-clients/` at the repository root (gitignored), and reused by later runs
while the package list below is unchanged.

    node_project()          the folder with node_modules (skips, or fails under CI, without Node.js,
                            npm or the npm registry: tests/requirements.py)
    workspace(folder)       a scratch project there: package.json, tsconfig.json, node_modules linked
    run(args, cwd)          a command's completed process (text), bounded in time
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.requirements import require

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".node-clients"
# Node.js 20 (the machine's) is enough for each: newer @hey-api/openapi-ts and orval 8 need 22
PACKAGES = {
    "openapi-typescript": "^7",
    "typescript": "^5",
    "@hey-api/openapi-ts": "0.95.0",  # 0.x: options change between minor versions
    "orval": "7.13.2",
}
OFFLINE = re.compile(r"ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ENETUNREACH|network")
TSCONFIG = {
    "compilerOptions": {
        "strict": True,
        "module": "nodenext",
        "moduleResolution": "nodenext",
        "target": "es2022",
        "lib": ["es2022", "dom"],
        "outDir": "out",
        "skipLibCheck": True,
    },
    "include": ["src"],
}


def run(args: list[str], cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout)


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """One installer at a time (two pytest runs of one checkout)."""
    folder.mkdir(exist_ok=True)
    with (folder / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def node_project() -> Path:
    """`.node-clients/` with every package of PACKAGES installed (at most one `npm install`)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    require(node and npm, "Node.js and npm are not installed (apt-get install nodejs npm)")
    assert npm is not None
    wanted = {"name": "jobmock-typed-clients", "private": True, "dependencies": PACKAGES}
    manifest = CACHE / "package.json"
    with locked(CACHE):
        installed = CACHE / "node_modules" / ".package-lock.json"
        if (
            manifest.is_file()
            and json.loads(manifest.read_text()) == wanted
            and installed.is_file()
        ):
            return CACHE
        manifest.write_text(json.dumps(wanted, indent=2))
        done = run([npm, "install", "--no-audit", "--no-fund", "--loglevel=error"], CACHE, 600)
        if done.returncode != 0:
            offline = OFFLINE.search(done.stderr)
            require(not offline, f"the npm registry cannot be reached: {done.stderr[-300:]}")
            installed.unlink(missing_ok=True)  # the next run installs again
            pytest.fail(f"npm install failed:\n{done.stderr}")
    return CACHE


def workspace(folder: Path, project: Path) -> Path:
    """`folder` as a TypeScript project (ES modules, `tsc --strict` over `src/`) using `project`'s
    packages; `src/` is created empty."""
    (folder / "package.json").write_text('{"name": "client", "private": true, "type": "module"}')
    (folder / "tsconfig.json").write_text(json.dumps(TSCONFIG))
    (folder / "node_modules").symlink_to(project / "node_modules", target_is_directory=True)
    (folder / "src").mkdir()
    return folder


def tsc(folder: Path) -> subprocess.CompletedProcess[str]:
    """`tsc -p .` in `folder` (its own tsconfig.json: strict)."""
    return run(["node", "node_modules/typescript/bin/tsc", "-p", "."], folder, 300)
