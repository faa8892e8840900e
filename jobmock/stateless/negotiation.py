"""Which of a response's media types answers a request: its `Accept` header's media ranges, most
wanted first, against the media types the response declares (JSON first when any will do)."""

from __future__ import annotations


def is_json(media_type: str) -> bool:
    base = media_type.split(";")[0].strip().lower()
    return base == "application/json" or base.endswith("+json")


def accepted(accept: str | None) -> list[tuple[float, str]]:
    """The media ranges of an `Accept` header, most wanted first (q=0 left out)."""
    ranges: list[tuple[float, str]] = []
    for part in (accept or "*/*").split(","):
        kind, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if kind and quality > 0:
            ranges.append((quality, kind.lower()))
    return sorted(ranges, key=lambda item: -item[0])


def takes(media_range: str, media_type: str) -> bool:
    wanted, offered = media_range.split("/", 1), media_type.split(";")[0].lower().split("/", 1)
    if len(wanted) != 2 or len(offered) != 2:
        return False
    return wanted[0] in ("*", offered[0]) and wanted[1] in ("*", offered[1])


def negotiate(offered: list[str], accept: str | None) -> str | None:
    """The media type to answer in; None when `accept` takes none of `offered`."""
    ordered = sorted(offered, key=lambda media: not is_json(media))  # JSON first, else as written
    for _, media_range in accepted(accept):
        for media in ordered:
            if takes(media_range, media):
                return media
    return None
