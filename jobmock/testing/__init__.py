"""Test client code against jobmock in-process: `InProcessMock`, and the `jobmock` pytest fixture.

Importing this package is cheap (the pytest plugin, `jobmock.testing.plugin`, is imported at every
pytest start); the app is imported when `InProcessMock` is first named.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jobmock.testing.mock import ControlError, InProcessMock, MockJob

__all__ = ["ControlError", "InProcessMock", "MockJob"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from jobmock.testing import mock

        return getattr(mock, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
