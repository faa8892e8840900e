"""The README's pytest example in a fresh project where only the built wheel (and pytest) is
installed: the plugin is found through its entry point, the bundled files through the wheel."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.requirements import require
from tests.testing.conftest import STRICT, readme_example

pytestmark = pytest.mark.servers  # builds a wheel and a virtual environment: about 30 s

ROOT = Path(__file__).resolve().parents[2]
OFFLINE = ("NewConnectionError", "No matching distribution", "Could not find a version")


def call(*args: str | Path, cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(
        [str(arg) for arg in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )


def test_the_readme_example_passes_with_only_the_wheel_installed(tmp_path: Path) -> None:
    built = call(
        sys.executable, "-m", "pip", "wheel", ROOT, "--no-deps", "-w", "dist", cwd=tmp_path
    )
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = (tmp_path / "dist").glob("jobmock-*.whl")
    made = call(sys.executable, "-m", "venv", "venv", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    python = tmp_path / "venv" / "bin" / "python"
    installed = call(python, "-m", "pip", "install", "-q", wheel, "pytest", cwd=tmp_path)
    offline = installed.returncode != 0 and any(sign in installed.stderr for sign in OFFLINE)
    require(
        not offline, f"no package index reachable for jobmock's dependencies: {installed.stderr}"
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr

    project = tmp_path / "project"
    project.mkdir()
    (project / "test_example.py").write_text(readme_example())
    result = call(python, "-m", "pytest", *STRICT, "test_example.py", cwd=project, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
    where = call(python, "-c", "import jobmock.testing.plugin as p; print(p.__file__)", cwd=project)
    assert Path(where.stdout.strip()).is_relative_to(tmp_path / "venv"), where.stdout
