"""The transparency log benchmark's harness works end to end at tiny sizes.

It proves the harness, not the figures: a run of a few thousand entries is too short
and too noisy to say anything about speed, so nothing here asserts a time.
"""

from __future__ import annotations

import multiprocessing
import re

import pytest

from bench.tlog_bench import (
    CONSISTENCY,
    INCLUSION,
    PYMERKLE,
    QUICK_SIZES,
    Config,
    Report,
    Row,
    SetupError,
    Stats,
    parse_args,
    regression_checks,
    render,
    run,
)

SIZES = (200, 2_000)
SUBJECTS = ("sqlite", "memory", PYMERKLE)


@pytest.fixture(scope="module")
def report() -> Report:
    config = Config(
        sizes=SIZES,
        dbs=("sqlite", "memory"),
        batch=500,
        single=20,
        samples=40,
        warmup=5,
        progress=False,
    )
    return run(config)


def test_every_subject_reaches_every_size_with_timings(report: Report) -> None:
    assert report.subjects == list(SUBJECTS)
    assert 900 < report.entry_bytes < 1_200  # about 1 KB, as a certificate.issued entry is
    for subject in SUBJECTS:
        for size in SIZES:
            row = report.row(subject, size)
            assert row.reached, row.note
            assert row.append_rate is not None and row.append_rate > 0
            for kind in (INCLUSION, CONSISTENCY):
                stats = row.proof(kind)
                assert stats is not None and stats.count == 40
                assert 0 < stats.median_us <= stats.p99_us
    sqlite = report.row("sqlite", 2_000)
    assert sqlite.single_rate is not None and sqlite.checkpoint_ms is not None
    assert report.row("memory", 2_000).single_rate is None  # no transactions to time
    assert not multiprocessing.active_children()  # every subject's process has ended


def test_flatness_and_pymerkle_ratios_are_computed(report: Report) -> None:
    for subject in SUBJECTS:
        for kind in (INCLUSION, CONSISTENCY):
            ratio = report.flatness(subject, kind, 2_000)
            assert ratio is not None and ratio > 0
            assert report.flatness(subject, kind, 200) == pytest.approx(1.0)
    for kind in (INCLUSION, CONSISTENCY):
        versus = report.versus_pymerkle("memory", kind, 2_000)
        assert versus is not None and versus > 0
    checks = {(check.subject, check.kind): check for check in report.checks}
    assert set(checks) == {(s, k) for s in ("sqlite", "memory") for k in (INCLUSION, CONSISTENCY)}
    assert all(check.ratio is not None for check in checks.values())


def test_rendered_report_has_its_tables_and_rows(report: Report) -> None:
    text = render(report)
    for heading in (
        "Append rate and proof time",
        "Flatness: median proof time relative to 200 entries (O(log n) predicts 1.43 at 2,000)",
        "Ours relative to pymerkle",
        "Regression check",
    ):
        assert heading in text
    lines = text.splitlines()
    for subject in SUBJECTS:
        for size in ("200", "2,000"):
            assert any(re.match(rf"{subject}\s+{size}\s+[\d,]+\s", line) for line in lines), (
                subject,
                size,
            )
        # the flatness table: subject, size, the log ratio, then both measured ratios
        assert any(
            re.match(rf"{subject}\s+2,000\s+1\.43\s+\d+\.\d\d\s+\d+\.\d\d$", line) for line in lines
        )
    assert re.search(r"^result: (ok|FAILED)$", text, re.MULTILINE)


def _row(subject: str, size: int, micros: float) -> Row:
    stats = Stats(micros, micros * 2, 10)
    return Row(subject, size, reached=True, append_rate=1.0, inclusion=stats, consistency=stats)


def test_a_proof_time_growing_past_the_limit_fails_the_run() -> None:
    config = Config(sizes=(10_000, 1_000_000), dbs=("sqlite",), pymerkle=False, max_ratio=3.0)
    flat = Report(config, ["sqlite"], [_row("sqlite", 10_000, 100), _row("sqlite", 1_000_000, 150)])
    flat.checks = regression_checks(flat)
    assert flat.ok and [round(c.ratio or 0, 2) for c in flat.checks] == [1.5, 1.5]
    linear = Report(
        config, ["sqlite"], [_row("sqlite", 10_000, 100), _row("sqlite", 1_000_000, 10_000)]
    )
    linear.checks = regression_checks(linear)
    assert not linear.ok
    assert "REGRESSION" in render(linear)


def test_a_log_that_cannot_reach_the_largest_size_fails_the_run() -> None:
    config = Config(
        sizes=(10, 20),
        dbs=("memory",),
        batch=5,
        samples=5,
        warmup=1,
        budget=0.0,
        pymerkle=False,
        progress=False,
    )
    capped = run(config)
    assert not capped.row("memory", 10).reached
    assert capped.row("memory", 10).note.startswith("capped:")
    assert not capped.ok
    assert "capped" in render(capped)


def test_quick_and_full_sizes_from_the_command_line() -> None:
    assert parse_args(["--quick"]).sizes == QUICK_SIZES == (1_000, 10_000)
    assert parse_args([]).sizes == (10_000, 100_000, 1_000_000)
    assert parse_args(["--sizes", "200,2000", "--db", "memory"]).dbs == ("memory",)
    with pytest.raises(SystemExit):
        parse_args(["--sizes", "2000,200"])
    with pytest.raises(SystemExit):
        parse_args(["--db", "oracle"])


def test_a_missing_database_server_is_a_setup_error() -> None:
    config = Config(
        sizes=(10, 20),
        dbs=("postgresql",),
        pymerkle=False,
        progress=False,
        pg_server="postgresql+psycopg://postgres@127.0.0.1:1",
    )
    with pytest.raises(SetupError, match="no PostgreSQL server"):
        run(config)
    assert not multiprocessing.active_children()
