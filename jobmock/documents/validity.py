"""Documents found valid before, remembered by the content of their files (a user cache folder)."""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import os
from collections.abc import Callable, Iterable
from pathlib import Path


class ValidDocuments:
    """Documents found valid before, by the content of their files: openapi-spec-validator takes
    ~1 min of CPU on GitHub's 13 MB description, so a second start of the same files skips it."""

    def __init__(self) -> None:
        cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        self.folder = Path(cache) / "jobmock" / "valid-documents"

    def key(self, files: Iterable[Path]) -> str:
        digest = hashlib.sha256(f"{jobmock_version()} {validator_version()}".encode())
        for file in sorted(files):
            digest.update(str(file).encode() + b"\0" + file.read_bytes() + b"\0")
        return digest.hexdigest()

    def known(self, files: Iterable[Path]) -> bool:
        try:
            return (self.folder / self.key(files)).exists()
        except OSError:
            return False

    def check(self, files: Iterable[Path], validate: Callable[[], None]) -> None:
        """Run `validate` unless these files were found valid before; remember them if it passes."""
        try:
            marker = self.folder / self.key(files)  # the files hashed once, for both steps
            if marker.exists():
                return
        except OSError:
            validate()
            return
        validate()
        with contextlib.suppress(OSError):  # a read-only home: validate again next time
            self.folder.mkdir(parents=True, exist_ok=True)
            marker.touch()


def jobmock_version() -> str:
    return importlib.metadata.version("jobmock")


def validator_version() -> str:
    return importlib.metadata.version("openapi-spec-validator")
