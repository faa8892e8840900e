"""`require(available, reason)`: what a test needs from the machine (redis-server, Debian's chromium,
Node.js and npm, the npm registry, jobmock installed as a wheel).

On a developer's machine a missing one skips the test, saying why. In CI (`CI=true`, as GitHub
Actions and `.ci/run` set it) it fails the test: CI installs everything the suite needs, so a
missing tool there is a broken CI, and a skip would let the suite claim what it never checked.
"""

from __future__ import annotations

import os

import pytest

CI_VALUES = {"1", "true", "yes"}


def in_ci() -> bool:
    """Whether this run is CI's (`CI=true`, `CI=1`...), where nothing may be skipped for want of a
    tool."""
    return os.environ.get("CI", "").strip().lower() in CI_VALUES


def require(available: object, reason: str) -> None:
    """Go on if `available` is true; else skip the test for `reason`, or, under CI, fail it."""
    __tracebackhide__ = True  # a skip is reported at the caller's line, not this one
    if available:
        return
    if in_ci():
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)
