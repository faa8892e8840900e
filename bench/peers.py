"""The stub servers a user would pick instead of jobmock: WireMock and Mockoon's CLI.

Both come from npm into bench/.node beside Prism: `wiremock` ships WireMock's standalone jar (run
here with Debian's `java` directly, so taskset pins the JVM itself), `@mockoon/cli` imports the
OpenAPI document as it is. Only the standard library, so bench/run.py can use it before anything
else is installed.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

WIREMOCK_VERSION = "3.13.2"
MOCKOON_VERSION = "9.9.0"
# WireMock keeps every request in its journal unless told; jobmock keeps the last 200 per API
WIREMOCK_JOURNAL = 200


def npm_install(node: Path, package: str, version: str, timeout: float = 900) -> None:
    """`npm install --prefix node package@version` (the npm registry, nothing else)."""
    done = subprocess.run(
        ["npm", "install", "--prefix", str(node), "--no-audit", "--no-fund", f"{package}@{version}"],
        capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"npm install of {package}@{version} failed:\n{done.stderr[-2000:]}")


def installed_version(node: Path, package: str) -> str | None:
    manifest = node / "node_modules" / package / "package.json"
    if not manifest.is_file():
        return None
    return str(json.loads(manifest.read_text())["version"])


def ensure(node: Path, package: str, version: str, log: Callable[[str], None]) -> str:
    if installed_version(node, package) != version:
        log(f"installing {package}@{version} into {node.name} (npm)")
        npm_install(node, package, version)
    return version


def wiremock_jar(node: Path) -> Path:
    """The standalone jar the npm package ships (build/wiremock-standalone-X.jar)."""
    jars = sorted((node / "node_modules" / "wiremock" / "build").glob("wiremock-standalone-*.jar"))
    if not jars:
        raise SystemExit("the wiremock npm package has no standalone jar in build/")
    return jars[-1]


def java_version() -> str:
    java = shutil.which("java")
    if not java:
        return "not installed"
    done = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60)
    match = re.search(r'version "([^"]+)"', done.stderr + done.stdout)
    return match.group(1) if match else "unknown"


def ensure_java(log: Callable[[str], None]) -> str:
    """Debian's default-jre-headless when `java` is missing (WireMock needs Java 11+)."""
    if not shutil.which("java"):
        log("installing Java (apt-get install -y default-jre-headless)")
        for argv in (
            ["apt-get", "install", "-y", "default-jre-headless"],
            ["apt-get", "update"],
            ["apt-get", "install", "-y", "default-jre-headless"],
        ):
            done = subprocess.run(argv, capture_output=True, text=True, timeout=900)
            if done.returncode == 0 and argv[1] == "install":
                break
        if not shutil.which("java"):
            raise SystemExit(f"could not install Java:\n{done.stderr[-2000:]}")
    return java_version()


def wiremock_stub(path: str, headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
    """One stub: GET on exactly `path`, every header of the route matched by value, jobmock's body."""
    return {
        "request": {
            "method": "GET",
            "urlPath": path,
            "headers": {name: {"equalTo": value} for name, value in headers.items()},
        },
        "response": {
            "status": 200,
            "headers": {"Content-Type": "application/json"},
            "body": body.decode(),
        },
    }


def wiremock_argv(
    node: Path, root: Path, path: str, headers: Mapping[str, str], body: bytes
) -> list[str]:
    """`java -jar wiremock-standalone.jar` serving the one stub written under `root`/mappings."""
    mappings = root / "mappings"
    mappings.mkdir(parents=True, exist_ok=True)
    (mappings / "status.json").write_text(json.dumps(wiremock_stub(path, headers, body)))
    return [
        shutil.which("java") or "java", "-jar", str(wiremock_jar(node)),
        "--port", "<port>", "--bind-address", "127.0.0.1", "--root-dir", str(root),
        "--disable-banner", "--max-request-journal-entries", str(WIREMOCK_JOURNAL),
    ]  # fmt: skip


def mockoon_argv(node: Path, spec: Path) -> list[str]:
    """`mockoon-cli start` on the OpenAPI document as written (Mockoon converts it at start)."""
    return [
        str(node / "node_modules" / ".bin" / "mockoon-cli"), "start", "--data", str(spec),
        "--port", "<port>", "--hostname", "127.0.0.1", "--disable-log-to-file",
        "--disable-admin-api",
    ]  # fmt: skip


def steady(cpu_per_request: list[float], tolerance: float = 0.05) -> bool:
    """A JIT-compiled server is warm when two warm-up rounds in a row cost the same CPU per request
    (within `tolerance`): its compiler has stopped changing the code that serves the route."""
    if len(cpu_per_request) < 3:
        return False
    last, previous = cpu_per_request[-1], cpu_per_request[-2]
    return previous > 0 and abs(last - previous) / previous <= tolerance
