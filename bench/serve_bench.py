"""Serving benchmark: the real server under load, at a given registry size, beside a
constant endpoint of the same server measured in the same run.

Run ``python -m bench.serve_bench [--sizes 10000,100000,1000000] [--db sqlite|postgresql]
[--workers 2] [--duration 10] [--servers 1,2] [--quick]``. For each size in turn it

1. grows one registry to that many certificates through the services' bulk use case
   (``CertificationService.certify_batch``: the same rules, rows, credentials and log entries
   as submitting and deciding one by one, one transaction and one checkpoint per batch),
   and reports that rate;
2. measures issuance one by one as the API does it (submit, then decide: two
   transactions and a checkpoint per certificate) and in batches of 100, every
   certificate signed and in the log;
3. starts the real server (``registry serve``, the production command, with the number
   of workers set), drives it with ``wrk`` (one thread, 32 connections, ``--duration``
   seconds per endpoint after ``--warmup`` seconds) and prints per endpoint requests/s,
   p50, p99 and the ratio to the constant endpoint (``/livez``) of the same run;
4. reports the memory of each worker and the database size.

Requests spread evenly over ``--codes`` certificates drawn from the whole registry,
with about 10% unknown codes mixed in. With ``--db postgresql`` the run ends by serving
one PostgreSQL database from one, then several server processes (``--servers``) and
reports how throughput grows with them.

Ratios, not absolute numbers, are what carry over between runs on a shared machine.
"""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import itertools
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from registry.bootstrap import Services, initialise
from registry.certification.schemas import AssessmentCreate, DecisionCreate, OrganisationCreate
from registry.config import Settings
from registry.demo import Cast, demo_findings, setup_cast
from registry.demo_data import BODIES, SCHEMES
from registry.domain.codes import new_code
from registry.identity.auth import Actor

POSTGRES_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
BATCH = 500
WORDS = [
    "Fiets",
    "Bakker",
    "Groen",
    "Zon",
    "Boek",
    "Tuin",
    "Koffie",
    "Thee",
    "Wol",
    "Hout",
    "Glas",
    "Kaas",
    "Brood",
    "Bloem",
    "Lamp",
    "Muziek",
    "Sport",
    "Reis",
    "Kind",
    "Dier",
    "Huis",
    "Keuken",
    "Mode",
    "Schoen",
    "Tas",
    "Klok",
    "Foto",
    "Verf",
    "Zeep",
    "Kruid",
]
# Warm-up: every distinct path in turn, WARM_UP_CYCLES times over, then stop. Consecutive
# requests go out on different connections, which the kernel spreads over the workers,
# so each worker sees each path (a worker misses one with odds 2^-cycles).
WARM_UP_CYCLES = 8
AGAIN = "constant, again"
WARM_SCRIPT = """
local paths = {}
local sent, wanted, marker = 0, 0, nil
init = function(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  wanted = #paths * tonumber(args[2])
  marker = args[3]
end
request = function()
  sent = sent + 1
  return wrk.format("GET", paths[(sent - 1) % #paths + 1])
end
response = function()
  wanted = wanted - 1
  if wanted == 0 then
    io.open(marker, "w"):close()  -- wrk itself runs out its duration; the caller stops it
    wrk.thread:stop()
  end
end
"""
# Every request says it accepts gzip, as browsers and search engines' crawlers do.
WRK_SCRIPT = """
local paths = {}
local headers = {["Accept-Encoding"] = "gzip"}
init = function(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  math.randomseed(os.time())
end
request = function()
  return wrk.format("GET", paths[math.random(#paths)], headers)
end
"""
# A crawl: the paths in their order, from the first, as a search engine walks a sitemap.
CRAWL_SCRIPT = """
local paths = {}
local sent = 0
local headers = {["Accept-Encoding"] = "gzip"}
init = function(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
end
request = function()
  sent = sent + 1
  return wrk.format("GET", paths[(sent - 1) % #paths + 1], headers)
end
"""


class SetupError(Exception):
    """The benchmark cannot run here (no wrk, no PostgreSQL); the message says why."""


# --- building the registry ---------------------------------------------------------------


@dataclass
class Registry:
    """One registry under test: its settings, services and what it holds."""

    settings: Settings
    env: dict[str, str]
    service: Services
    cast: Cast
    codes: list[str]
    names: list[str]
    domains: list[str]
    serial: int = 0


def _settings(folder: Path, url: str) -> tuple[Settings, dict[str, str]]:
    env = {
        "REGISTRY_DATABASE_URL": url,
        "REGISTRY_KEYS_DIR": str(folder / "keys"),
        "REGISTRY_KEY_PASSPHRASE": "benchmark only",
        "REGISTRY_KEY_KDF_ROUNDS": "16",
        "REGISTRY_PUBLIC_URL": "http://127.0.0.1:8000",
        "REGISTRY_SWEEP_INTERVAL": "0",
        "REGISTRY_WEBHOOK_POLL": "0",
    }
    return Settings.from_env(env), env


def open_registry(folder: Path, url: str) -> Registry:
    settings, env = _settings(folder, url)
    service = initialise(settings)
    cast = setup_cast(service, datetime.now(UTC) - timedelta(days=30))
    return Registry(settings, env, service, cast, [], [], [])


def _assessment(registry: Registry) -> AssessmentCreate:
    """A fresh organisation's initial assessment, as a body's auditor submits it."""
    registry.serial += 1
    serial = registry.serial
    rng = random.Random(serial)
    name = f"{rng.choice(WORDS)}{rng.choice(WORDS).lower()} {serial} B.V."
    domain = f"shop{serial}.example"
    scheme = SCHEMES[0]
    today = datetime.now(UTC).date()
    return AssessmentCreate(
        type="initial",
        scheme=scheme.slug,
        scheme_version=len(scheme.versions),
        organisation=OrganisationCreate(
            legal_name=name, country="NL", registration_number=f"{10_000_000 + serial:08d}"
        ),
        audit_start=today - timedelta(days=3),
        audit_end=today - timedelta(days=1),
        scope=f"Online sales through {domain}",
        domains=[domain],
        findings=demo_findings(scheme, len(scheme.versions), str(serial)),
    )


def _actors(registry: Registry) -> tuple[Actor, Actor]:
    body = next(b for b in BODIES if SCHEMES[0].slug in b.scheme_slugs)
    auditor = registry.cast.auditors[body.slug][0][0]
    admin = registry.cast.admins[body.slug][0]
    return auditor, admin


def certify(registry: Registry, count: int, batch: int) -> float:
    """Certify ``count`` new organisations in batches; returns certificates per second."""
    auditor, admin = _actors(registry)
    started = time.perf_counter()
    done = 0
    while done < count:
        items = [_assessment(registry) for _ in range(min(batch, count - done))]
        codes = registry.service.certification.certify_batch(
            auditor, admin, items, "all criteria met"
        )
        _remember(registry, items, codes)
        done += len(items)
    return count / (time.perf_counter() - started)


def certify_one_by_one(registry: Registry, count: int) -> float:
    """Submit and decide ``count`` assessments as the API does; certificates per second."""
    auditor, admin = _actors(registry)
    started = time.perf_counter()
    for _ in range(count):
        item = _assessment(registry)
        submitted = registry.service.certification.submit_assessment(auditor, item)
        decided = registry.service.certification.decide(
            admin,
            submitted.id,
            DecisionCreate(outcome="certify", reason="all criteria met"),
        )
        assert decided.certificate is not None
        _remember(registry, [item], [decided.certificate])
    return count / (time.perf_counter() - started)


def _remember(registry: Registry, items: Sequence[AssessmentCreate], codes: list[str]) -> None:
    """Keep a reservoir of codes, names and domains to request (not every one)."""
    for item, code in zip(items, codes, strict=True):
        if len(registry.codes) < 20_000 or random.random() < 0.02:
            registry.codes.append(code)
            registry.names.append(item.organisation.legal_name.split()[0])
            registry.domains.append(item.domains[0])


def grow(registry: Registry, size: int) -> float | None:
    """Certify until the registry holds ``size`` certificates; returns the bulk rate."""
    missing = size - registry.serial
    if missing <= 0:
        return None
    return certify(registry, missing, BATCH)


# --- serving and load ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def server(env: dict[str, str], workers: int, cwd: Path) -> Iterator[tuple[str, int]]:
    """The production command serving the registry; yields its base URL and pid."""
    port = free_port()
    command = [str(Path(sys.executable).parent / "registry"), "serve", "--port", str(port)]
    command += ["--workers", str(workers)]
    log_path = cwd / f"server-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            env={**os.environ, **env},
            cwd=cwd,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/livez", timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SetupError(f"the server did not start (exit {process.poll()})") from None
                time.sleep(0.2)
        time.sleep(0.5 * workers)  # every worker up, not only the first
        yield base, process.pid
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        _show_failures(log_path)


def _show_failures(log_path: Path) -> None:
    """The server's errors, if it logged any: a benchmark of failing requests measures
    nothing, and the temporary folder with the log is gone after the run."""
    lines = log_path.read_text(errors="replace").splitlines()
    failures = [n for n, line in enumerate(lines) if "Traceback" in line or "ERROR" in line]
    if failures:
        shown = "\n".join(lines[failures[0] : failures[0] + 40])
        print(f"the server logged {len(failures)} errors; the first:\n{shown}", file=sys.stderr)


@dataclass(frozen=True)
class Load:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    warm_up_s: float = 0.0
    baseline: float = 0.0  # the constant's requests/s on the same server (long-tail mixes)


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if match is None:
        raise ValueError(f"wrk printed a latency I cannot read: {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse_wrk(output: str) -> Load:
    """Requests/s, p50, p99 and failed requests from ``wrk --latency`` output."""
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.M)
    if rate is None or p50 is None or p99 is None:
        raise ValueError(f"unexpected wrk output:\n{output}")
    errors = sum(
        int(m.group(1))
        for m in re.finditer(
            r"(?:Non-2xx or 3xx responses|Socket errors:.*?timeout)\s*:?\s*(\d+)", output
        )
    )
    return Load(float(rate.group(1)), _ms(p50.group(1)), _ms(p99.group(1)), errors)


def _wrk_command(
    base: str,
    paths: Sequence[str],
    seconds: float,
    folder: Path,
    connections: int,
    *,
    in_order: bool = False,
) -> list[str]:
    """``wrk`` with one thread over ``paths`` in random order (``in_order``: as listed)."""
    if shutil.which("wrk") is None:
        raise SetupError("wrk is not installed (Debian: apt-get install wrk)")
    script = folder / ("crawl.lua" if in_order else "paths.lua")
    script.write_text(CRAWL_SCRIPT if in_order else WRK_SCRIPT)
    listing = folder / f"paths-{uuid.uuid4().hex}.txt"
    listing.write_text("\n".join(paths) + "\n")
    duration = f"-d{max(1, round(seconds))}s"  # wrk takes whole seconds
    return [
        "wrk",
        "-t1",
        f"-c{connections}",
        duration,
        "--latency",
        "-s",
        str(script),
        base,
        "--",
        str(listing),
    ]


def wrk(
    base: str,
    paths: Sequence[str],
    seconds: float,
    folder: Path,
    connections: int,
    *,
    in_order: bool = False,
) -> Load:
    command = _wrk_command(base, paths, seconds, folder, connections, in_order=in_order)
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    return parse_wrk(result.stdout)


CRAWL = "page crawl, code order"
DURING_CRAWL = "constant while the crawl runs"


def crawl_beside_constant(
    base: str, codes: Sequence[str], options: Options, folder: Path
) -> tuple[Load, Load]:
    """The crawl (certificate pages in code order) and, started a second after it and
    ended before it, the constant on the same server: whether cold pages starve the
    rest. Each ``wrk`` gets half the connections."""
    half = max(1, options.connections // 2)
    command = _wrk_command(
        base, [f"/c/{c}" for c in sorted(codes)], options.duration, folder, half, in_order=True
    )
    crawler = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        time.sleep(1)
        constant = wrk(base, ["/livez"], max(1, options.duration - 2), folder, half)
    finally:
        out, _ = crawler.communicate()
    return parse_wrk(out), constant


def endpoints(registry: Registry, sample: int, rng: random.Random) -> dict[str, list[str]]:
    """The paths per endpoint: known codes spread over the registry, ~10% unknown."""
    picked = rng.sample(range(len(registry.codes)), min(sample, len(registry.codes)))
    codes = [registry.codes[i] for i in picked]
    unknown = [new_code() for _ in range(max(1, len(codes) // 9))]
    mixed = codes + unknown
    size = _log_size(registry)
    full_tiles = size // 256
    return {
        "constant": ["/livez"],
        "badge": [f"/badge/{c}.svg" for c in mixed],
        "certificate json": [f"/api/v1/certificates/{c}" for c in mixed],
        "certificate page": [f"/c/{c}" for c in mixed],
        "search name": [f"/?q={registry.names[i]}" for i in picked[:200]],
        "search domain": [f"/?q={registry.domains[i]}" for i in picked[:200]],
        "inclusion proof": [
            f"/api/v1/log/proof/inclusion?index={rng.randrange(size)}&tree_size={size}"
            for _ in range(len(codes))
        ],
        "full tile": (
            [f"/log/tile/0/{_tile_index(rng.randrange(full_tiles))}" for _ in codes]
            if size >= 256
            else [f"/log/tile/0/000.p/{size}"]  # a log too small for a full tile
        ),
        "checkpoint": ["/log/checkpoint"],
    }


def long_tail(registry: Registry, rng: random.Random, draws: int) -> dict[str, list[str]]:
    """Request mixes drawn from every code, as real traffic asks (issue: the long tail):
    uniform over all codes, and Zipf with exponent 1 over a random popularity order (the
    code of rank k asked in proportion to 1/k); ``draws`` paths each, asked in random
    order. The list endpoint at its largest page is measured beside them."""
    codes = list(registry.codes)
    popularity = codes[:]
    rng.shuffle(popularity)
    weights = list(itertools.accumulate(1 / rank for rank in range(1, len(popularity) + 1)))
    uniform = [rng.choice(codes) for _ in range(draws)]
    zipf = rng.choices(popularity, cum_weights=weights, k=draws)
    return {
        "badge, uniform": [f"/badge/{c}.svg" for c in uniform],
        "certificate json, uniform": [f"/api/v1/certificates/{c}" for c in uniform],
        "certificate page, uniform": [f"/c/{c}" for c in uniform],
        "badge, zipf": [f"/badge/{c}.svg" for c in zipf],
        "list, limit 200": ["/api/v1/certificates?limit=200"],
    }


def measure_long_tail(
    registry: Registry, options: Options, folder: Path, rng: random.Random
) -> dict[str, Load]:
    """Each mix on a server of its own, started for it, with no warm-up: what a miss
    costs, which the warm hot set hides. The constant is measured on each server first
    and the ratio is taken to that."""
    results: dict[str, Load] = {}
    for name, listing in long_tail(registry, rng, max(options.codes * 10, 1000)).items():
        with server(registry.env, options.workers, folder) as (base, _pid):
            constant = wrk(base, ["/livez"], options.duration, folder, options.connections)
            load = wrk(base, listing, options.duration, folder, options.connections)
        results[name] = dataclasses.replace(
            load, warm_up_s=0.0, baseline=constant.requests_per_second
        )
    with server(registry.env, options.workers, folder) as (base, _pid):
        half = max(1, options.connections // 2)
        alone = wrk(base, ["/livez"], max(1, options.duration - 2), folder, half)
        crawl, during = crawl_beside_constant(base, registry.codes, options, folder)
    results[CRAWL] = dataclasses.replace(crawl, baseline=alone.requests_per_second)
    results[DURING_CRAWL] = dataclasses.replace(during, baseline=alone.requests_per_second)
    return results


def print_long_tail(size: int, results: dict[str, Load]) -> None:
    print(f"\n## the long tail at {size:,} certificates (every code, no warm-up)\n")
    print("| mix | requests/s | ratio to constant (same server) | p50 ms | p99 ms | non-2xx/3xx |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, load in results.items():
        ratio = load.requests_per_second / load.baseline if load.baseline else 0.0
        print(
            f"| {name} | {load.requests_per_second:,.0f} | {ratio:.3f} | {load.p50_ms:.1f} | "
            f"{load.p99_ms:.1f} | {load.errors:,} |"
        )


def _tile_index(index: int) -> str:
    """C2SP tlog-tiles index path: base-1000 groups, all but the last prefixed ``x``."""
    groups = f"{index:,}".split(",") if index >= 1000 else [str(index)]
    groups = [g.zfill(3) for g in groups]
    return "/".join([f"x{g}" for g in groups[:-1]] + [groups[-1]])


def _log_size(registry: Registry) -> int:
    note = registry.service.transparency.log_checkpoint()
    return int(note.split("\n")[1])


def worker_memory(pid: int) -> list[int]:
    """Resident memory (bytes) of the server's worker processes."""
    children: list[int] = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                children.append(int(entry.name))
    sizes = []
    for child in children or [pid]:
        status = Path(f"/proc/{child}/status").read_text()
        match = re.search(r"VmRSS:\s+(\d+) kB", status)
        if match:
            sizes.append(int(match.group(1)) * 1024)
    return sizes


def database_bytes(url: str) -> int:
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        # The write-ahead log folded in first: its size says when it was last checkpointed.
        engine = sa.create_engine(url)
        try:
            with engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            engine.dispose()
        return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return int(
                connection.exec_driver_sql(
                    "SELECT pg_database_size(current_database())"
                ).scalar_one()
            )
    finally:
        engine.dispose()


# --- the run ------------------------------------------------------------------------------


@dataclass
class Options:
    sizes: list[int]
    db: str
    workers: int
    duration: float
    warmup: float
    connections: int
    codes: int
    servers: list[int]
    one_by_one: int
    long_tail: bool = True


def measure_reads(
    registry: Registry, options: Options, folder: Path, rng: random.Random
) -> tuple[dict[str, Load], list[int]]:
    paths = endpoints(registry, options.codes, rng)
    results: dict[str, Load] = {}
    with server(registry.env, options.workers, folder) as (base, pid):
        # The constant first and last: the baseline is their mean, which evens out a
        # machine that got busier or quieter during the run.
        for name, listing in [*paths.items(), (AGAIN, paths["constant"])]:
            warmed = warm_up(base, listing, options, folder)
            load = wrk(base, listing, options.duration, folder, options.connections)
            results[name] = dataclasses.replace(load, warm_up_s=warmed)
        memory = worker_memory(pid)
    return results, memory


def warm_up(base: str, paths: Sequence[str], options: Options, folder: Path) -> float:
    """Request every distinct path ``WARM_UP_CYCLES`` times, as a running registry has
    been asked for its popular codes, so that each worker holds them: what is measured
    then is the steady state, not the first request of each code. Returns the seconds."""
    distinct = sorted(set(paths))
    script = folder / "warm.lua"
    script.write_text(WARM_SCRIPT)
    listing = folder / "warm-paths.txt"
    listing.write_text("\n".join(distinct) + "\n")
    marker = folder / "warm.done"
    marker.unlink(missing_ok=True)
    started = time.perf_counter()
    command = ["wrk", "-t1", f"-c{options.connections}", f"-d{round(options.warmup)}s"]
    command += ["-s", str(script), base, "--", str(listing), str(WARM_UP_CYCLES), str(marker)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while process.poll() is None and not marker.exists():
        time.sleep(0.1)
    process.send_signal(signal.SIGINT)
    process.wait()
    return time.perf_counter() - started


def print_reads(size: int, results: dict[str, Load]) -> None:
    constant = (results["constant"].requests_per_second + results[AGAIN].requests_per_second) / 2
    print(f"\n## reads at {size:,} certificates\n")
    print(
        "| endpoint | requests/s | ratio to constant (mean of both runs) | p50 ms | p99 ms "
        "| non-2xx/3xx | warm-up s |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, load in results.items():
        print(
            f"| {name} | {load.requests_per_second:,.0f} | "
            f"{load.requests_per_second / constant:.2f} | {load.p50_ms:.1f} | "
            f"{load.p99_ms:.1f} | {load.errors:,} | {load.warm_up_s:.0f} |"
        )


NGINX_CONF = """
{user}
worker_processes {workers};
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {folder}/client;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    server {{
        listen 127.0.0.1:{port};
{locations}
    }}
}}
"""


def _nginx_locations(mirror: Path) -> str:
    """The location blocks of docs/log-mirror.md, pointed at ``mirror``."""
    text = (Path(__file__).parent.parent / "docs" / "log-mirror.md").read_text()
    block = text.split("```nginx\n", 1)[1].split("```", 1)[0]
    return block.replace("/srv/registry-log", str(mirror))


@contextmanager
def nginx(mirror: Path, workers: int, folder: Path) -> Iterator[str]:
    """nginx serving ``mirror`` under ``/log/`` with the documented snippet."""
    port = free_port()
    conf = folder / "nginx.conf"
    conf.write_text(
        NGINX_CONF.format(
            # Run as root, nginx's workers would drop to "nobody", who cannot read the
            # benchmark's private temporary folder: they keep the benchmark's user.
            user=f"user {getpass.getuser()};" if os.geteuid() == 0 else "",
            workers=workers,
            folder=folder,
            port=port,
            locations=_nginx_locations(mirror),
        )
    )
    process = subprocess.Popen(
        ["nginx", "-c", str(conf), "-p", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(base + "/log/checkpoint", timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SetupError(f"nginx did not start (exit {process.poll()})") from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def measure_mirror(
    registry: Registry, options: Options, folder: Path, rng: random.Random
) -> dict[str, tuple[Load, Load]] | None:
    """The log's static files (``registry log mirror``) served by nginx on the same
    machine, beside the application serving the same paths: full tiles and the
    checkpoint. None when nginx is not installed."""
    if shutil.which("nginx") is None:
        return None
    try:
        return _measure_mirror(registry, options, folder, rng)
    except SetupError as error:
        print(f"\n(the log mirror was not measured: {error})")
        return None


def _measure_mirror(
    registry: Registry, options: Options, folder: Path, rng: random.Random
) -> dict[str, tuple[Load, Load]]:
    from registry.transparency.mirror import mirror_once

    mirror = folder / "mirror"
    mirror_once(registry.service.transparency, mirror)
    paths = endpoints(registry, options.codes, rng)
    mixes = {"full tile": paths["full tile"], "checkpoint": paths["checkpoint"]}
    results: dict[str, tuple[Load, Load]] = {}
    served_dir = folder / "nginx"
    served_dir.mkdir(exist_ok=True)
    with server(registry.env, options.workers, folder) as (base, _pid):
        app = {
            n: wrk(base, p, options.duration, folder, options.connections) for n, p in mixes.items()
        }
    with nginx(mirror, options.workers, served_dir) as base:
        for name, listing in mixes.items():
            results[name] = (
                app[name],
                wrk(base, listing, options.duration, folder, options.connections),
            )
    return results


def print_mirror(size: int, results: dict[str, tuple[Load, Load]] | None) -> None:
    if results is None:
        print("\n(nginx is not installed: the log mirror was not measured)")
        return
    print(f"\n## the log mirror at {size:,} certificates: nginx beside the application\n")
    print(
        "| path | application requests/s | p99 ms | nginx requests/s | p99 ms | nginx / application |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, (app, static) in results.items():
        ratio = (
            static.requests_per_second / app.requests_per_second if app.requests_per_second else 0
        )
        print(
            f"| {name} | {app.requests_per_second:,.0f} | {app.p99_ms:.1f} | "
            f"{static.requests_per_second:,.0f} | {static.p99_ms:.1f} | {ratio:.1f} |"
        )


def scaling(registry: Registry, options: Options, folder: Path, rng: random.Random) -> None:
    """Throughput of one PostgreSQL database served by 1, 2, ... server processes."""
    paths = endpoints(registry, options.codes, rng)
    print("\n## several server processes, one PostgreSQL database\n")
    print("| servers (1 worker each) | endpoint | requests/s (sum) | vs one server |")
    print("| ---: | --- | ---: | ---: |")
    for endpoint in ("badge", "certificate json", "search domain"):
        single = 0.0
        for count in options.servers:
            with _servers(registry.env, count, folder) as bases:
                for base in bases:
                    warm_up(base, paths[endpoint], options, folder)
                total = _parallel_wrk(bases, paths[endpoint], options, folder)
            single = single or total
            print(f"| {count} | {endpoint} | {total:,.0f} | {total / single:.2f} |")


@contextmanager
def _servers(env: dict[str, str], count: int, folder: Path) -> Iterator[list[str]]:
    with ExitStack() as stack:
        yield [stack.enter_context(server(env, 1, folder))[0] for _ in range(count)]


def _parallel_wrk(bases: list[str], paths: list[str], options: Options, folder: Path) -> float:
    """Requests/s summed over one ``wrk`` per server, all running at once."""
    processes = [
        subprocess.Popen(
            _wrk_command(base, paths, options.duration, folder, options.connections),
            stdout=subprocess.PIPE,
            text=True,
        )
        for base in bases
    ]
    return sum(parse_wrk(p.communicate()[0]).requests_per_second for p in processes)


@contextmanager
def database(kind: str) -> Iterator[str]:
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="registry-bench-db-") as folder:
            yield f"sqlite:///{folder}/registry.sqlite3"
        return
    name = f"registry_bench_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_SERVER + "/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.OperationalError as error:
        raise SetupError(f"no PostgreSQL server at {POSTGRES_SERVER}: {error.orig}") from error
    try:
        yield f"{POSTGRES_SERVER}/{name}"
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def run(options: Options) -> None:
    rng = random.Random(20261128)
    print(
        f"# serving benchmark, {options.db}, {options.workers} workers, {datetime.now(UTC):%Y-%m-%d}"
    )
    print(
        f"wrk -t1 -c{options.connections}, {options.duration:g} s per endpoint after "
        f"a warm-up that asks every path {WARM_UP_CYCLES} times (at most {options.warmup:g} s); "
        f"{options.codes:,} codes spread over the registry, ~10% unknown"
    )
    with tempfile.TemporaryDirectory(prefix="registry-bench-") as tmp, database(options.db) as url:
        folder = Path(tmp)
        registry = open_registry(folder, url)
        for size in options.sizes:
            built = time.perf_counter()
            rate = grow(registry, size)
            if rate is not None:
                print(
                    f"\nbuilt {size:,} certificates in {time.perf_counter() - built:,.0f} s "
                    f"(bulk: {rate:,.0f} certificates/s, batches of {BATCH})"
                )
            one = certify_one_by_one(registry, options.one_by_one)
            batched = certify(registry, options.one_by_one, 100)
            print(
                f"issuance at {size:,}: one by one (submit + decide, as the API) "
                f"{one:,.0f}/s; batches of 100 {batched:,.0f}/s"
            )
            results, memory = measure_reads(registry, options, folder, rng)
            print_reads(size, results)
            if options.long_tail:
                print_long_tail(size, measure_long_tail(registry, options, folder, rng))
                print_mirror(size, measure_mirror(registry, options, folder, rng))
            stored = database_bytes(url)
            print(
                f"\nworker memory (RSS): {', '.join(f'{m / 2**20:,.0f} MiB' for m in memory)}; "
                f"database: {stored / 2**20:,.0f} MiB; "
                f"log size {_log_size(registry):,}; "
                f"storage per certificate (database, log included): "
                f"{stored / len(registry.codes) / 1024:,.1f} KiB"
            )
        if options.db == "postgresql" and len(options.servers) > 1:
            scaling(registry, options, folder, rng)
        registry.service.uow.db.dispose()


def parse_options(argv: Sequence[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument(
        "--warmup", type=float, default=120, help="most seconds of warm-up per endpoint"
    )
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--codes", type=int, default=2000)
    parser.add_argument("--servers", default="1,2")
    parser.add_argument("--one-by-one", type=int, default=300)
    parser.add_argument(
        "--no-long-tail",
        action="store_true",
        help="leave out the mixes drawn from every code without warm-up",
    )
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes and short runs (a smoke test)"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.duration, args.warmup, args.codes, args.one_by_one = "60", 1, 1, 40, 10
    return Options(
        sizes=[int(s) for s in args.sizes.split(",")],
        db=args.db,
        workers=args.workers,
        duration=args.duration,
        warmup=args.warmup,
        connections=args.connections,
        codes=args.codes,
        servers=[int(s) for s in args.servers.split(",")],
        one_by_one=args.one_by_one,
        long_tail=not args.no_long_tail,
    )


def main(argv: Sequence[str] | None = None) -> int:
    try:
        run(parse_options(argv))
    except SetupError as error:
        print(f"cannot run the benchmark: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
