"""Multipart forms read as a bounded stream: what a client posts to start a job, before its files
are read (`jobmock.uploads.file_rows`).

Bounded: `read_form` refuses a `Content-Length` over the limit before reading anything, and counts
the bytes as they stream in, so an oversized body is never read whole (a chunked body stops at the
limit). File parts are spooled (to disk past 1 MB, by Starlette's parser), never held in memory.
The problems it raises are `UploadProblem`s; the vendor's handler words the answer.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import ClientDisconnect, Request

from jobmock.http import jsondepth
from jobmock.internals.starlette import TypedPartsParser, stray_files


class UploadProblem(Exception):
    """Something is wrong with what the client sent; the vendor's handler words the answer."""


class BodyTooLarge(UploadProblem):
    def __init__(self, limit: int) -> None:
        super().__init__(f"request body exceeds {limit} bytes")
        self.limit = limit


class MalformedBody(UploadProblem):
    """The body is not the multipart/form-data it should be (or is cut short)."""


def current_request() -> Request:
    """The request being handled, its body not yet read (see `openapi31.StreamedMultipart`)."""
    # imported late: `jobmock validate` never needs connexion
    from jobmock.internals.connexion import current_receive, current_scope

    return Request(current_scope(), current_receive())


def declared_length(request: Request) -> int | None:
    value = request.headers.get("content-length", "")
    return int(value) if value.isdigit() else None


def check_length(request: Request, limit: int) -> None:
    """Refuse, before reading a byte, a body whose declared length is over `limit`."""
    length = declared_length(request)
    if length is not None and length > limit:
        raise BodyTooLarge(limit)


async def bounded(stream: AsyncIterator[bytes], limit: int) -> AsyncGenerator[bytes, None]:
    """The body's chunks, stopping with BodyTooLarge as soon as more than `limit` bytes came."""
    seen = 0
    async for chunk in stream:
        seen += len(chunk)
        if seen > limit:
            raise BodyTooLarge(limit)
        yield chunk


def is_multipart(request: Request) -> bool:
    return request.headers.get("content-type", "").lower().startswith("multipart/form-data")


@dataclass
class Form:
    """A parsed multipart body: text fields and spooled files, by field name, in body order."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    files: dict[str, list[UploadFile]] = field(default_factory=dict)
    # each text field's own Content-Type ('' when none), as `fields`; read with `typed_parts`
    field_types: dict[str, list[str]] = field(default_factory=dict)

    def field(self, name: str) -> str | None:
        values = self.fields.get(name)
        return values[0] if values else None

    def json(self, name: str, max_depth: int) -> Any:
        """Field `name` parsed as JSON (None when absent); ValueError if it is not JSON nested at
        most `max_depth` deep (a field of deep brackets once reached the decoder's RecursionError)."""
        text = self.field(name)
        if text is None:
            return None
        try:
            return jsondepth.loads(text, max_depth)
        except jsondepth.TooDeep:
            raise ValueError(f"{name} is nested deeper than {max_depth} levels") from None
        except json.JSONDecodeError:
            raise ValueError(f"{name} is not JSON") from None

    def file(self, name: str) -> UploadFile | None:
        files = self.files.get(name)
        return files[0] if files else None

    def close(self) -> None:
        for files in self.files.values():
            for upload in files:
                upload.file.close()


@contextlib.asynccontextmanager
async def read_form(
    limit: int, *, max_files: int = 10, max_fields: int = 50, typed_parts: bool = False
) -> AsyncIterator[Form]:
    """The current request's multipart body, read once as a stream of at most `limit` bytes.

    Files are closed when the block ends. A part named twice keeps every value (`fields[name]`).
    With `typed_parts`, each text field's Content-Type is kept too (`field_types`).
    """
    request = current_request()
    check_length(request, limit)
    if not is_multipart(request):
        raise MalformedBody("the body is not multipart/form-data")
    parser = (TypedPartsParser if typed_parts else MultiPartParser)(
        request.headers,
        bounded(request.stream(), limit),
        max_files=max_files,
        max_fields=max_fields,
    )
    try:
        data = await parser.parse()
    except (MultiPartException, ClientDisconnect) as exc:
        raise MalformedBody(str(exc) or "incomplete body") from None
    for stray in stray_files(parser, data):  # a file part the body cut short: not in the form
        stray.close()
    form = Form()
    types = parser.part_types if isinstance(parser, TypedPartsParser) else None
    for index, (name, value) in enumerate(data.multi_items()):
        if isinstance(value, UploadFile):
            form.files.setdefault(name, []).append(value)
        else:
            form.fields.setdefault(name, []).append(value)
            if types is not None:
                form.field_types.setdefault(name, []).append(types[index])
    try:
        yield form
    finally:
        form.close()


def media_type(upload: UploadFile) -> str:
    """The part's Content-Type without parameters, lower case ('' when the client sent none)."""
    return (upload.content_type or "").split(";")[0].strip().lower()
