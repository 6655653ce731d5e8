"""The export benchmark's harness works end to end at a tiny size. It proves the harness
and that the export covers every certificate; nothing here asserts a speed or a size."""

from __future__ import annotations

from pathlib import Path

from bench.export_bench import report, run


def test_export_bench_measures_every_size(tmp_path: Path) -> None:
    runs = run(tmp_path, f"sqlite:///{tmp_path / 'registry.sqlite3'}", [3, 12])
    assert [(r.size, r.kind) for r in runs] == [
        (3, "jsonl"),
        (3, "csv"),
        (12, "jsonl"),
        (12, "csv"),
    ]
    jsonl = {r.size: r.total_bytes for r in runs if r.kind == "jsonl"}
    assert jsonl[12] > jsonl[3] > 0
    assert all(r.peak_bytes > 0 for r in runs)
    text = report(runs)
    assert "peak MiB" in text and text.count("\n") == 4
