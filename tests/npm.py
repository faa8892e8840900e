"""Node tools from the npm registry, installed into a test's own folder (never globally).

`npm_install(folder, packages)` needs Node.js and npm (Debian's nodejs and npm; `.ci/run` installs
them) and the npm registry: where either is missing the test skips, saying why, except under CI
(tests/requirements.py), where it fails. `npm_cached(folder, packages)` is the same into a folder
kept between runs (a gitignored one): installed once, reused while the package list holds.
`npm_member(folder, package, member)` is one file of a package, from `npm pack`, kept the same way.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import re
import shutil
import subprocess
import tarfile
from collections.abc import Iterator
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


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """One installer at a time in `folder` (two pytest runs of one checkout)."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def npm_cached(folder: Path, packages: list[str], timeout: float = 600) -> Path:
    """`folder` with `packages` installed: one `npm install` the first time and whenever the list
    changes, none while it holds (`.installed.json` records the list of the last install)."""
    marker = folder / ".installed.json"
    with _locked(folder):
        if marker.is_file() and json.loads(marker.read_text()) == packages:
            return folder
        marker.unlink(missing_ok=True)  # an install cut short is done again next time
        npm_install(folder, packages, timeout)
        marker.write_text(json.dumps(packages))
    return folder


def npm_member(folder: Path, package: str, member: str, timeout: float = 600) -> Path:
    """One file of an npm package (`member`, a path inside its tarball such as
    `package/generated/x.json`), taken from `npm pack` into `folder` (kept between runs: a
    gitignored one) and reused while `package` names the same version; the tarball is not kept."""
    npm = shutil.which("npm")
    require(npm, "npm is not installed (apt-get install nodejs npm)")
    assert npm is not None
    target = folder / Path(member).name
    marker = folder / f".{target.name}.package"
    with _locked(folder):
        if target.is_file() and marker.is_file() and marker.read_text() == package:
            return target
        marker.unlink(missing_ok=True)
        packed = subprocess.run(
            [npm, "pack", package, "--json", "--pack-destination", str(folder),
             "--loglevel=error"],
            cwd=folder, capture_output=True, text=True, timeout=timeout,
        )  # fmt: skip
        if packed.returncode != 0:
            offline = OFFLINE.search(packed.stderr)
            require(not offline, f"the npm registry cannot be reached: {packed.stderr[-300:]}")
            pytest.fail(f"npm pack {package} failed:\n{packed.stderr[-2000:]}")
        tarball = folder / json.loads(packed.stdout)[0]["filename"]
        try:
            with tarfile.open(tarball) as archive:
                source = archive.extractfile(member)
                assert source is not None, f"{package} has no {member}"
                target.write_bytes(source.read())
        finally:
            tarball.unlink(missing_ok=True)
        marker.write_text(package)
    return target
