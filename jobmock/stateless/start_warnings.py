"""One warning at start about a document: what it found, how many, and where the first few are.

Only the first SHOWN places are located (file:line:col): finding one's position scans a JSON
document whole, so a document with thousands of them starts as fast as one with three.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterable

from jobmock.documents.pointers import Pointer
from jobmock.documents.yamlsource import SourceMap
from jobmock.errors import SpecError

logger = logging.getLogger("jobmock")

SHOWN = 3


def warn_places(
    message: str,
    count: int,
    places: Iterable[tuple[Pointer, str]],
    source: SourceMap,
    *,
    more: str = "",
) -> None:
    """`message` (its `%d` the `count`) then, one a line, the first SHOWN `places` (where, what)
    as `FILE:LINE:COL: what`, and `... and N more` (followed by `more`) for the rest; nothing
    when `count` is 0."""
    if not count:
        return
    lines = [
        f"  {source.error(at, what, SpecError)}" for at, what in itertools.islice(places, SHOWN)
    ]
    if count > SHOWN:
        lines.append(f"  ... and {count - SHOWN} more{more}")
    logger.warning(f"{message}:\n%s", count, "\n".join(lines))
