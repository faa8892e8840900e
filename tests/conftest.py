"""Shared test configuration: Hypothesis profiles.

``ci`` (the default) is derandomized, so every run tries the same examples and a failure replays
exactly; ``dev`` explores fresh random examples on each run.  Pick one with
``HYPOTHESIS_PROFILE=dev pytest``.
"""

from __future__ import annotations

import os
import tempfile

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    deadline=None,
    derandomize=True,
    database=None,
    max_examples=100,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None, max_examples=100, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# jobmock remembers documents it found valid in the user's cache folder: the tests keep their own
# (each run starts empty), so no test passes because an earlier run validated its document
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="jobmock-test-cache-")
