"""The npm packages of the typed-client tests: every generator and TypeScript, installed by one
`npm install` into `.node-clients/` at the repository root (gitignored) and reused by later runs
while the list below holds (tests/npm.py's `npm_cached`).

    node_project()              that folder (skips, or fails under CI, without Node.js, npm or the
                                npm registry: tests/requirements.py)
    workspace(folder, project)  a scratch TypeScript project using its packages
    run(args, cwd), tsc(folder) a command's completed process (text), bounded in time; `node`
                                is the folder's own Node.js 22 (npm's `node` package), whatever
                                the machine's: Debian bookworm's is 18, @hey-api/openapi-ts
                                needs 20.19 or later
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.npm import npm_cached

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".node-clients"
PACKAGES = [
    "node@22",  # the Node.js that runs them (the machine's node and npm only install it)
    "openapi-typescript@^7",
    "typescript@^5",
    "@hey-api/openapi-ts@0.95.0",  # 0.x: its options change between minor versions
    "orval@7.13.2",
]
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


NODE = CACHE / "node_modules" / ".bin" / "node"


def run(args: list[str], cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    if args[0] == "node":  # the project's Node.js (node_project() installed it)
        args = [str(NODE), *args[1:]]
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout)


def node_project() -> Path:
    """`.node-clients/` with every package of PACKAGES installed (at most one `npm install`)."""
    return npm_cached(CACHE, PACKAGES)


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
