"""The serving benchmark's harness works end to end at a tiny size: it builds a
registry, starts the production server, drives it with wrk and reports every endpoint.

It proves the harness, not the figures: nothing here asserts a speed.
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import sys
from collections import Counter
from types import SimpleNamespace

import pytest

from bench.serve_bench import _tile_index, long_tail, parse_wrk
from tests.support.env import need

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:8000
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.10ms    1.20ms  41.22ms   90.12%
  Latency Distribution
     50%  812.00us
     75%    3.40ms
     90%    4.10ms
     99%    1.20s
  71234 requests in 10.00s, 20.12MB read
  Non-2xx or 3xx responses: 7120
Requests/sec:   7123.40
Transfer/sec:      2.01MB
"""


def test_wrk_output_is_read_with_its_units() -> None:
    load = parse_wrk(WRK_OUTPUT)
    assert load.requests_per_second == 7123.40
    assert load.p50_ms == pytest.approx(0.812)
    assert load.p99_ms == pytest.approx(1200.0)
    assert load.errors == 7120
    with pytest.raises(ValueError, match="unexpected wrk output"):
        parse_wrk("connection refused")


def test_tile_paths_follow_c2sp_tlog_tiles() -> None:
    assert _tile_index(0) == "000"
    assert _tile_index(7) == "007"
    assert _tile_index(1234) == "x001/234"
    assert _tile_index(1_234_067) == "x001/x234/067"


def test_a_quick_run_reports_every_endpoint() -> None:
    need(shutil.which("wrk") is not None, "wrk is not installed (Debian package wrk)")
    result = subprocess.run(
        [sys.executable, "-m", "bench.serve_bench", "--quick"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    rows = dict(
        (m.group(1), m.groups()[1:])
        for m in re.finditer(
            r"^\| ([a-z ,]+) \| ([\d,]+) \| ([\d.]+) \| [\d.]+ \| [\d.]+ \| [\d,]+ \| \d+ \|$",
            result.stdout,
            re.M,
        )
    )
    assert set(rows) == {
        "constant",
        "constant, again",
        "badge",
        "certificate json",
        "certificate page",
        "search name",
        "search domain",
        "inclusion proof",
        "full tile",
        "checkpoint",
    }, result.stdout
    first, again = (int(rows[n][0].replace(",", "")) for n in ("constant", "constant, again"))
    assert float(rows["constant"][1]) == pytest.approx(2 * first / (first + again), abs=0.01)
    assert all(int(rate.replace(",", "")) > 0 for rate, _ in rows.values())
    assert re.search(
        r"issuance at 60: one by one .* [\d,]+/s; batches of 100 [\d,]+/s", result.stdout
    )
    assert re.search(
        r"worker memory \(RSS\): \d+ MiB, \d+ MiB; database: [\d,]+ MiB", result.stdout
    )
    # The long tail: every mix drawn from all codes, each on a fresh server, no warm-up.
    assert "## the long tail at 60 certificates (every code, no warm-up)" in result.stdout
    tail = set(
        re.findall(
            r"^\| ([a-z ,0-9]+) \| [\d,]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d,]+ \|$",
            result.stdout,
            re.M,
        )
    )
    assert tail == {
        "badge, uniform",
        "certificate json, uniform",
        "certificate page, uniform",
        "badge, zipf",
        "list, limit 200",
        "page crawl, code order",
        "constant while the crawl runs",
    }, result.stdout
    assert re.search(
        r"storage per certificate \(database, log included\): [\d.]+ KiB", result.stdout
    )


def test_long_tail_mixes_draw_from_every_code_uniformly_and_by_zipf() -> None:
    codes = [f"TL-{n:04d}" for n in range(1000)]
    mixes = long_tail(SimpleNamespace(codes=codes), random.Random(7), draws=50_000)  # type: ignore[arg-type]
    uniform = Counter(path.split("/")[-1].removesuffix(".svg") for path in mixes["badge, uniform"])
    zipf = Counter(path.split("/")[-1].removesuffix(".svg") for path in mixes["badge, zipf"])
    assert len(uniform) == len(codes)  # 50 draws a code on average: every code is asked
    assert max(uniform.values()) < 3 * min(uniform.values())
    # Zipf(1) over 1,000 codes: the top code takes 1/H(1000) (about 13%) of the traffic,
    # the 100th about a hundredth of that; a hot set, and a tail that is still asked.
    ranked = [count for _, count in zipf.most_common()]
    assert 0.11 < ranked[0] / 50_000 < 0.16
    assert 50 < ranked[0] / ranked[99] < 200
    assert len(zipf) > 500
    assert mixes["certificate page, uniform"][0].startswith("/c/TL-")
