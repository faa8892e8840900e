"""Parse the text wrk prints (`wrk --latency`) into numbers: requests/s, latency percentiles, errors.

wrk writes durations with a unit suffix (`us`, `ms`, `s`, `m`, `h`), counts with an SI suffix
(`1.21k`, `2.3M`) and sizes with a binary one (`518.33KB`). Everything here is returned in plain
units: latencies in milliseconds, counts as floats, sizes in bytes.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

_DURATION_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_COUNT = {"": 1.0, "k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9}
_SIZE = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3, "TB": 1024**4}


class WrkParseError(ValueError):
    """wrk's output does not have the lines a run always prints."""


def duration_ms(text: str) -> float:
    """`10.46ms` -> 10.46, `851.00us` -> 0.851, `1.02s` -> 1020.0, `2.00m` -> 120000.0."""
    match = re.fullmatch(r"\s*([0-9.]+)\s*(us|ms|s|m|h)\s*", text)
    if not match:
        raise WrkParseError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * _DURATION_MS[match.group(2)]


def count(text: str) -> float:
    """`1.21k` -> 1210.0, `6043` -> 6043.0, `2.5M` -> 2500000.0."""
    match = re.fullmatch(r"\s*([0-9.]+)\s*([kKMG]?)\s*", text)
    if not match:
        raise WrkParseError(f"not a wrk count: {text!r}")
    return float(match.group(1)) * _COUNT[match.group(2)]


def size_bytes(text: str) -> float:
    """`518.33KB` -> 530769.92, `2.54MB` -> 2663383.04, `120.00B` -> 120.0."""
    match = re.fullmatch(r"\s*([0-9.]+)\s*(B|KB|MB|GB|TB)\s*", text)
    if not match:
        raise WrkParseError(f"not a wrk size: {text!r}")
    return float(match.group(1)) * _SIZE[match.group(2)]


@dataclass
class WrkResult:
    requests: int  # completed requests
    seconds: float  # measured duration
    rps: float  # Requests/sec line
    latency_avg_ms: float
    latency_max_ms: float
    percentiles_ms: dict[str, float] = field(default_factory=dict)  # "50", "75", "90", "99"
    non_2xx: int = 0  # "Non-2xx or 3xx responses"
    socket_errors: dict[str, int] = field(default_factory=dict)  # connect, read, write, timeout
    bytes_read: float = 0.0

    @property
    def p50_ms(self) -> float:
        return self.percentiles_ms["50"]

    @property
    def p99_ms(self) -> float:
        return self.percentiles_ms["99"]

    @property
    def errors(self) -> int:
        return self.non_2xx + sum(self.socket_errors.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "p50_ms": self.percentiles_ms.get("50"),
            "p99_ms": self.percentiles_ms.get("99"),
            "errors": self.errors,
        }


def parse(output: str) -> WrkResult:
    """The numbers of one `wrk --latency` run. Raises WrkParseError if a required line is missing."""
    latency = re.search(r"^\s*Latency\s+(\S+)\s+(\S+)\s+(\S+)", output, re.M)
    total = re.search(r"^\s*(\d+) requests in ([0-9.]+\w+), ([0-9.]+\w+) read", output, re.M)
    rps = re.search(r"^Requests/sec:\s+([0-9.]+)", output, re.M)
    if not (total and rps):
        raise WrkParseError("no 'N requests in T' / 'Requests/sec:' lines in wrk output")
    percentiles: dict[str, float] = {}
    block = re.search(
        r"Latency Distribution[^\n]*\n((?:[ \t]+[0-9.]+%[ \t]+\S+[ \t]*(?:\n|$))+)", output
    )
    if block:
        for pct, value in re.findall(r"([0-9.]+)%\s+(\S+)", block.group(1)):
            key = pct[:-3] if pct.endswith(".00") else pct
            percentiles[key] = duration_ms(value)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    errors = {}
    if socket:
        errors = dict(
            zip(("connect", "read", "write", "timeout"), map(int, socket.groups()), strict=True)
        )
    requests = int(total.group(1))
    return WrkResult(
        requests=requests,
        seconds=duration_ms(total.group(2)) / 1000.0,
        rps=float(rps.group(1)),
        # with no completed request wrk prints no latency figures
        latency_avg_ms=duration_ms(latency.group(1)) if latency and requests else 0.0,
        latency_max_ms=duration_ms(latency.group(3)) if latency and requests else 0.0,
        percentiles_ms=percentiles,
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=errors,
        bytes_read=size_bytes(total.group(3)),
    )
