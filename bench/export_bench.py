"""Open-data export benchmark: peak memory of streaming every certificate as JSONL and
CSV, at growing registry sizes (default 10^4 and 10^5).

The registry is built with the serving benchmark's builder (bench/serve_bench.py). The
peak is measured with tracemalloc around one full pass over the export generator, so it
counts the Python objects the export holds, not the process's other memory. Flat memory
means the peak stays about the same as the registry grows tenfold.

    python -m bench.export_bench [--sizes 10000,100000] [--db sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.serve_bench import grow, open_registry
from tests.support.pg import scratch_database


@dataclass(frozen=True)
class ExportRun:
    size: int
    kind: str
    peak_bytes: int
    total_bytes: int
    seconds: float


def measure(size: int, kind: str, stream: Callable[[], Iterator[bytes]]) -> ExportRun:
    """One full pass over ``stream``, keeping nothing; its traced peak allocation."""
    tracemalloc.start()
    started = time.perf_counter()
    total = 0
    for chunk in stream():
        total += len(chunk)
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return ExportRun(size, kind, peak, total, seconds)


def run(folder: Path, url: str, sizes: Sequence[int]) -> list[ExportRun]:
    registry = open_registry(folder, url)
    opendata = registry.service.opendata
    runs: list[ExportRun] = []
    for size in sorted(sizes):
        grow(registry, size)
        runs.append(measure(size, "jsonl", opendata.certificates_jsonl))
        runs.append(measure(size, "csv", opendata.findings_csv))
    return runs


def report(runs: Sequence[ExportRun]) -> str:
    lines = ["size      export  peak MiB  output MiB  seconds  peak vs smallest"]
    first = {r.kind: r.peak_bytes for r in runs if r.size == runs[0].size}
    for r in runs:
        lines.append(
            f"{r.size:<9} {r.kind:<7} {r.peak_bytes / 2**20:8.2f}  {r.total_bytes / 2**20:10.1f}"
            f"  {r.seconds:7.1f}  {r.peak_bytes / first[r.kind]:.2f}x"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="export-bench-") as name:
        folder = Path(name)
        if args.db == "sqlite":
            print(report(run(folder, f"sqlite:///{folder / 'registry.sqlite3'}", sizes)))
        else:
            with scratch_database("export_bench") as url:
                print(report(run(folder, url, sizes)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
