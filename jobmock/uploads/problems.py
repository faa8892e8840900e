"""What can be wrong with an uploaded file, as the readers of `jobmock.uploads` raise it."""

from __future__ import annotations

from jobmock.uploads.forms import UploadProblem


class UnreadableFile(UploadProblem):
    def __init__(self, fmt: str, reason: str) -> None:
        super().__init__(f"{fmt}: {reason}")
        self.format = fmt
        self.reason = reason


class NotUtf8(UnreadableFile):
    def __init__(self, fmt: str) -> None:
        super().__init__(fmt, "not valid UTF-8 text")


class FileTooLarge(UnreadableFile):
    """The file passes one of `jobmock.limits.Limits` (`limit` names the field): reading stopped."""

    def __init__(self, fmt: str, limit: str, value: int, what: str) -> None:
        super().__init__(fmt, f"more than {value:,} {what}")
        self.limit = limit
        self.value = value
        self.what = what
