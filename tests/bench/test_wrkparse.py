"""The benchmark's wrk output parser (bench/wrkparse.py): units, percentiles, errors."""

from __future__ import annotations

import pytest

from bench.wrkparse import WrkParseError, count, duration_ms, parse, size_bytes

LATENCY_RUN = """\
Running 5s test @ http://127.0.0.1:8126/matcher/v1/imports/contexts/c/jobs/j
  1 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    14.73ms   10.50ms  91.90ms   88.85%
    Req/Sec     1.21k   435.98     1.74k    72.00%
  Latency Distribution
     50%   10.46ms
     75%   15.90ms
     90%   25.64ms
     99%   60.25ms
  6043 requests in 5.01s, 2.54MB read
Requests/sec:   1206.24
Transfer/sec:    518.33KB
"""

ERRORS_RUN = """\
Running 1s test @ http://127.0.0.1:8128/x
  1 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   851.00us    1.02s     2.00m    89.47%
    Req/Sec   492.89    513.01     1.48k    77.78%
  Latency Distribution
     50%  851.00us
     75%    1.02s
     90%    1.50s
     99%    2.00m
  450 requests in 1.02s, 121.42KB read
  Socket errors: connect 0, read 3, write 0, timeout 7
  Non-2xx or 3xx responses: 450
Requests/sec:    442.35
Transfer/sec:    119.36KB
"""


def test_a_run_with_latency_distribution() -> None:
    result = parse(LATENCY_RUN)
    assert result.requests == 6043
    assert result.seconds == pytest.approx(5.01)
    assert result.rps == pytest.approx(1206.24)
    assert result.latency_avg_ms == pytest.approx(14.73)
    assert result.latency_max_ms == pytest.approx(91.90)
    assert result.percentiles_ms == pytest.approx(
        {"50": 10.46, "75": 15.90, "90": 25.64, "99": 60.25}
    )
    assert (result.p50_ms, result.p99_ms) == pytest.approx((10.46, 60.25))
    assert result.bytes_read == pytest.approx(2.54 * 1024**2)
    assert result.errors == 0


def test_units_and_errors_are_read() -> None:
    result = parse(ERRORS_RUN)
    assert result.percentiles_ms == pytest.approx(
        {"50": 0.851, "75": 1020.0, "90": 1500.0, "99": 120_000.0}
    )
    assert result.non_2xx == 450
    assert result.socket_errors == {"connect": 0, "read": 3, "write": 0, "timeout": 7}
    assert result.errors == 460
    assert result.as_dict()["p99_ms"] == pytest.approx(120_000.0)


def test_a_run_without_latency_flag_has_no_percentiles() -> None:
    text = "\n".join(
        line for line in LATENCY_RUN.splitlines() if "%" not in line or "Latency " in line
    )
    result = parse(text)
    assert result.percentiles_ms == {}
    assert result.as_dict()["p50_ms"] is None


@pytest.mark.parametrize("text", ["", "unable to connect to 127.0.0.1:8128 Connection refused\n"])
def test_output_of_a_failed_run_is_refused(text: str) -> None:
    with pytest.raises(WrkParseError):
        parse(text)


@pytest.mark.parametrize(
    ("text", "ms"),
    [("10.46ms", 10.46), ("851.00us", 0.851), ("1.02s", 1020.0), ("2.00m", 120_000.0)],
)
def test_durations(text: str, ms: float) -> None:
    assert duration_ms(text) == pytest.approx(ms)


def test_counts_and_sizes() -> None:
    assert count("1.21k") == pytest.approx(1210.0)
    assert count("6043") == 6043.0
    assert count("2.5M") == pytest.approx(2.5e6)
    assert size_bytes("518.33KB") == pytest.approx(518.33 * 1024)
    assert size_bytes("120.00B") == pytest.approx(120.0)
    with pytest.raises(WrkParseError):
        duration_ms("fast")
