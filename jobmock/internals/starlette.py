"""Starlette's undocumented names, reached from here only.

`MultiPartParser.parse` keeps every part's temporary file in `_files_to_close_on_error` and closes
them when parsing fails; a body cut inside a file part, which python-multipart ends without an
error, leaves that part's file out of the form it returns and open (a ResourceWarning when it is
collected). `stray_files` names those files, so the reader closes them.
`TypedPartsParser` also keeps each part's `Content-Type`, which Starlette keeps for file parts
only, by the parser callbacks python-multipart calls (`on_part_begin`, `on_header_field`,
`on_header_value`, `on_header_end`, `on_part_end`), each still called on Starlette's parser first.
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


class TypedPartsParser(MultiPartParser):
    """Starlette's multipart parser, keeping each part's Content-Type (lower case, without
    parameters; '' when the part has none) in `part_types`, in the order of `items`: a text part's
    media type says how to read it (OpenAPI's Encoding Object, `contentType`)."""

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self.part_types: list[str] = []
        self.header_name = b""
        self.header_value = b""
        self.part_type = ""

    def on_part_begin(self) -> None:
        super().on_part_begin()
        self.part_type = ""

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        super().on_header_field(data, start, end)
        self.header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        super().on_header_value(data, start, end)
        self.header_value += data[start:end]

    def on_header_end(self) -> None:
        super().on_header_end()
        if self.header_name.strip().lower() == b"content-type":
            value = self.header_value.decode("latin-1")
            self.part_type = value.split(";")[0].strip().lower()
        self.header_name = self.header_value = b""

    def on_part_end(self) -> None:
        super().on_part_end()  # appends the part to `items`
        self.part_types.append(self.part_type)
