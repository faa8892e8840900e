"""Starlette's undocumented names, reached from here only.

`MultiPartParser.parse` keeps every part's temporary file in `_files_to_close_on_error` and closes
them when parsing fails; a body cut inside a file part, which python-multipart ends without an
error, leaves that part's file out of the form it returns and open (a ResourceWarning when it is
collected). `stray_files` names those files, so the reader closes them.
`tests/internals/test_private_names.py` checks the name still exists and behaves as relied on.
"""

from __future__ import annotations

import typing as t

from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import MultiPartParser


def stray_files(parser: MultiPartParser, form: FormData) -> list[t.Any]:
    """The temporary files `parser` made that `form` does not hold (parts cut short)."""
    kept = {id(value.file) for _, value in form.multi_items() if isinstance(value, UploadFile)}
    made: list[t.Any] = getattr(parser, "_files_to_close_on_error", [])
    return [file for file in made if id(file) not in kept]
