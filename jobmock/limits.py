"""Every bound jobmock puts on what it is sent, with its default, in one place.

A server never answers 500, nor grows without bound, for a client's input: each limit here is
enforced where the input is read, answered with the API's own 4xx (in its envelope), and listed in
the README's "Limits and safety" section. `Config.limits` carries them; `jobmock serve` options set
the ones a user may need to raise.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from typing import Any

KIB = 1024
MIB = 1024 * KIB


@dataclass(frozen=True)
class Limits:
    # HTTP (uvicorn, set by jobmock.serving): what one connection may send before it is refused
    max_header_bytes: int = 64 * KIB  # all of a request's header lines together: 431 past it
    max_headers: int = 100  # header lines per request: 431 past it
    header_timeout_s: float = 10.0  # a request's head must arrive within this: the connection ends
    body_timeout_s: float = 60.0  # between two chunks of a body
    max_connections: int = 1000  # open at once per worker; more are answered 503

    # JSON bodies (jobmock.http): nesting past this is the API's 400/422, never a RecursionError
    json_max_depth: int = 64

    # Uploaded files (jobmock.uploads): checked while the file streams, never after reading it all
    upload_max_rows: int = 1_000_000  # data rows in one file
    upload_max_columns: int = 1_000  # cells in one row (XLSX, XLS, CSV)
    upload_max_record_bytes: int = (
        1 * MIB
    )  # text of one record: CSV line, JSON element, XML record, XLSX row
    json_max_document_bytes: int = (
        8 * MIB
    )  # a JSON upload that is not a top-level array is read whole
    xlsx_max_part_bytes: int = 256 * MIB  # decompressed size of one part of an XLSX zip
    xlsx_max_directory_bytes: int = 1 * MIB  # the zip's central directory (one entry ~ 100 bytes)
    # elements of the worksheet, empty ones included: a 400 KB zip of empty rows or cells inflates
    # to 40-60 million of them, each ~1.5 us of parsing (measured: 64-99 s of CPU before this)
    xlsx_max_elements: int = 4_000_000
    xls_max_bytes: int = 16 * MIB  # a legacy .xls is read whole by xlrd (BIFF is not a stream)
    xml_max_depth: int = 64  # element nesting of an XML upload (entities are never expanded)

    # Control API (jobmock.engine.mock; specs/control.yaml's maximums are these): 400 past them
    clock_max_speed: float = 1_000_000.0  # mock seconds per real second (/_mock/clock, --speed)
    clock_max_advance_s: float = 3_155_760_000.0  # one advance: 100 years

    # State (jobmock.store)
    store_busy_timeout_s: float = 1.0  # a busy SQLite file: give up (503) after this
    idempotency_lease_s: float = 300.0  # a claimed upload key is free again after this (a crash)

    # Request journal (jobmock.journal): what one entry keeps of a body, request or response
    journal_max_body_bytes: int = 16 * KIB


class LimitError(ValueError):
    """A `--limit NAME=VALUE` that names no limit or gives it no usable value."""


def with_overrides(limits: Limits, values: Iterable[str]) -> Limits:
    """`limits` with `NAME=VALUE` pairs applied (`--limit json_max_depth=200`)."""
    kinds = {f.name: f.type for f in fields(Limits)}
    changes: dict[str, Any] = {}
    for value in values:
        name, sep, text = value.partition("=")
        name = name.strip().replace("-", "_")
        if not sep or name not in kinds:
            known = ", ".join(kinds)
            raise LimitError(f"{value!r}: expected NAME=VALUE, NAME one of {known}")
        convert = float if kinds[name] in ("float", float) else int
        try:
            number = convert(text.strip().replace("_", ""))
        except ValueError:
            raise LimitError(f"{value!r}: {name} takes a number") from None
        if not 0 < number < math.inf:  # a spec's `maximum` must be a JSON number
            raise LimitError(f"{value!r}: {name} must be a finite number more than 0")
        changes[name] = number
    return replace(limits, **changes)
