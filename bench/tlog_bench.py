"""Transparency log benchmark: append rate and proof time as the log grows, beside pymerkle.

Run ``python -m bench.tlog_bench [--sizes 10000,100000,1000000] [--db sqlite|postgresql|memory]
[--quick]``. Each subject (a log under test) lives in a process of its own, so that one
subject's heap does not slow another's proofs; the subjects take turns, size by size, and
at each size the run measures, for every subject in turn:

- the append rate: entries written through the registry's own path, ``journal.append``
  into a real database (a fresh SQLite file in a temporary folder, or a throwaway
  PostgreSQL database), in transactions of ``--batch`` entries with a checkpoint signed
  by ``journal.sign_checkpoint`` after each one, and the last ``--single`` entries of each
  size one per transaction, as a server writes them;
- inclusion and consistency proof time, median and p99 over ``--samples`` random indexes
  and first sizes, through ``DbHashStore`` exactly as the API builds proofs;
- the same for our tree over ``MemoryHashStore`` (``--db memory``: the algorithm without a
  database) and for pymerkle's ``InmemoryTree``, built in the same run from the same
  entries, with the same random indexes.

Absolute figures on a shared machine move by 20% or more from one run to the next, so the
report's point is its ratios: proof time at each size relative to the smallest (O(log n)
means about log(n) / log(smallest)), and ours relative to pymerkle at each size. The run
exits 1 when one of our proof times grows by more than ``--max-ratio`` from the smallest
size to the largest, or when one of our logs cannot reach the largest size within
``--budget`` seconds; pymerkle is only a reference and may be capped (``--pymerkle-budget``).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import math
import multiprocessing
import os
import random
import signal
import statistics
import sys
import tempfile
import time
import traceback
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from importlib.metadata import version
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Protocol

import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pymerkle import InmemoryTree  # type: ignore[import-untyped]

from registry.db.database import Database
from registry.db.migrate import upgrade
from registry.tlog import (
    Ed25519NoteSigner,
    Hash,
    MemoryHashStore,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    root,
    verify_inclusion,
)
from registry.transparency import journal

FULL_SIZES = (10_000, 100_000, 1_000_000)
QUICK_SIZES = (1_000, 10_000)
DB_CHOICES = ("sqlite", "postgresql", "memory")
PG_SERVER_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432"
ENTRY_TYPE = "certificate.issued"
BASE_TIME = datetime(2026, 1, 1, tzinfo=UTC)
PYMERKLE = "pymerkle"
INCLUSION = "inclusion"
CONSISTENCY = "consistency"
KINDS = (INCLUSION, CONSISTENCY)


# --- configuration and results --------------------------------------------------------


@dataclass(frozen=True)
class Config:
    sizes: tuple[int, ...] = FULL_SIZES
    dbs: tuple[str, ...] = ("sqlite", "memory")
    batch: int = 1_000
    single: int = 100
    samples: int = 300
    warmup: int = 20
    seed: int = 6962
    budget: float = 7_200.0
    pymerkle: bool = True
    pymerkle_budget: float = 300.0
    max_ratio: float = 3.0
    pg_server: str = PG_SERVER_DEFAULT
    progress: bool = True


@dataclass(frozen=True)
class Stats:
    """Proof time in microseconds over ``count`` proofs."""

    median_us: float
    p99_us: float
    count: int

    @classmethod
    def of(cls, seconds: Sequence[float]) -> Stats:
        micros = sorted(s * 1e6 for s in seconds)
        p99 = (
            statistics.quantiles(micros, n=100, method="inclusive")[98]
            if len(micros) > 1
            else micros[0]
        )
        return cls(statistics.median(micros), p99, len(micros))


@dataclass
class Row:
    """One subject at one size: how it got there and what its proofs cost."""

    subject: str
    size: int
    reached: bool = False
    append_rate: float | None = None  # entries/s in batched transactions
    single_rate: float | None = None  # entries/s, one entry per transaction
    checkpoint_ms: float | None = None  # median time to sign a checkpoint
    inclusion: Stats | None = None
    consistency: Stats | None = None
    note: str = ""

    def proof(self, kind: str) -> Stats | None:
        return self.inclusion if kind == INCLUSION else self.consistency


@dataclass(frozen=True)
class Check:
    subject: str
    kind: str
    ratio: float | None
    ok: bool
    message: str


@dataclass
class Report:
    config: Config
    subjects: list[str]
    rows: list[Row]
    entry_bytes: float = 0.0
    notes: list[str] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    def row(self, subject: str, size: int) -> Row:
        for row in self.rows:
            if row.subject == subject and row.size == size:
                return row
        raise KeyError((subject, size))

    def flatness(self, subject: str, kind: str, size: int) -> float | None:
        """Median proof time at ``size`` over that at the smallest size (None if unmeasured)."""
        base = self.row(subject, self.config.sizes[0]).proof(kind)
        here = self.row(subject, size).proof(kind)
        if base is None or here is None or base.median_us <= 0:
            return None
        return here.median_us / base.median_us

    def versus_pymerkle(self, subject: str, kind: str, size: int) -> float | None:
        """Our median proof time over pymerkle's at ``size`` (None if either is unmeasured)."""
        if PYMERKLE not in self.subjects:
            return None
        ours = self.row(subject, size).proof(kind)
        theirs = self.row(PYMERKLE, size).proof(kind)
        if ours is None or theirs is None or theirs.median_us <= 0:
            return None
        return ours.median_us / theirs.median_us


def log_ratio(size: int, smallest: int) -> float:
    """What O(log n) predicts for proof time at ``size`` relative to ``smallest``."""
    return math.log(size) / math.log(smallest) if smallest > 1 else float("nan")


# --- entries ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    index: int
    data: bytes
    at: datetime


class EntryFactory:
    """Entry ``i`` is always the same bytes: a certificate.issued event of about 1 KB.

    It is encoded by ``journal.encode_entry`` as the registry encodes it, around a compact
    JWS-shaped credential, with content derived from ``i`` so every leaf differs.
    """

    HEADER = base64.urlsafe_b64encode(
        b'{"alg":"EdDSA","kid":"did:web:registry.example#key-1","typ":"vc+jwt","cty":"vc"}'
    ).rstrip(b"=")

    def __init__(self, seed: int) -> None:
        self.seed = seed.to_bytes(8, "big", signed=True)

    def entry(self, index: int) -> Entry:
        noise = hashlib.shake_256(self.seed + index.to_bytes(8, "big")).digest(600)
        payload, signature = noise[:536], noise[536:]
        credential = b".".join(
            [
                self.HEADER,
                base64.urlsafe_b64encode(payload).rstrip(b"="),
                base64.urlsafe_b64encode(signature).rstrip(b"="),
            ]
        ).decode("ascii")
        at = BASE_TIME + timedelta(seconds=index)
        data = {
            "code": f"TL-{index:08d}",
            "assessment": f"as_{noise[:8].hex()}",
            "credential": credential,
        }
        return Entry(index, journal.encode_entry(ENTRY_TYPE, at, "", data), at)

    def batch(self, start: int, count: int) -> list[Entry]:
        return [self.entry(i) for i in range(start, start + count)]


# --- subjects: the logs under test -----------------------------------------------------


class Prover(Protocol):
    def inclusion(self, index: int, size: int) -> object: ...

    def consistency(self, first: int, second: int) -> object: ...

    def root(self, size: int) -> bytes: ...


class Subject(Protocol):
    name: str
    ours: bool
    transactional: bool  # has real transactions, so one-per-transaction appends mean something
    build_seconds: float
    checkpoint_seconds: list[float]

    @property
    def size(self) -> int: ...

    def append_batch(self, entries: Sequence[Entry]) -> None: ...

    def append_one(self, entry: Entry) -> None: ...

    def checkpoint(self) -> None: ...

    def prover(self) -> AbstractContextManager[Prover]: ...

    def close(self) -> None: ...


class StoreProver:
    """Our proofs over any hash store, as ``registry.transparency.queries`` builds them."""

    def __init__(self, make_store: Callable[[], journal.DbHashStore | MemoryHashStore]) -> None:
        self.make_store = make_store

    def inclusion(self, index: int, size: int) -> object:
        return inclusion_proof(index, size, self.make_store())

    def consistency(self, first: int, second: int) -> object:
        return consistency_proof(first, second, self.make_store())

    def root(self, size: int) -> bytes:
        return root(size, self.make_store())


class DbLog:
    """Our log in a real database, written through ``journal.append``."""

    ours = True
    transactional = True

    def __init__(self, name: str, url: str, cleanup: Callable[[], None]) -> None:
        self.name = name
        self.db = Database(url)
        self._cleanup = cleanup
        self.size = 0
        self.build_seconds = 0.0
        self.checkpoint_seconds: list[float] = []
        key = Ed25519PrivateKey.generate()
        public = key.public_key().public_bytes_raw()
        self.signer = Ed25519NoteSigner("bench.registry.example/log", public, key.sign)
        self._last: datetime = BASE_TIME

    def append_batch(self, entries: Sequence[Entry]) -> None:
        with self.db.write() as session:
            for entry in entries:
                journal.append(session, entry.data, ENTRY_TYPE, entry.at)
        self.size += len(entries)
        self._last = entries[-1].at

    def append_one(self, entry: Entry) -> None:
        self.append_batch([entry])

    def checkpoint(self) -> None:
        started = time.perf_counter()
        with self.db.write() as session:
            checkpoint = journal.sign_checkpoint(session, self.signer, self._last)
        self.checkpoint_seconds.append(time.perf_counter() - started)
        assert checkpoint is not None and checkpoint.size == self.size

    @contextmanager
    def prover(self) -> Iterator[Prover]:
        with self.db.read() as session:
            yield StoreProver(lambda: journal.DbHashStore(session))

    def close(self) -> None:
        self.db.dispose()
        self._cleanup()


class MemoryLog:
    """Our tree over ``MemoryHashStore``: the same code without a database."""

    name = "memory"
    ours = True
    transactional = False

    def __init__(self) -> None:
        self.store = MemoryHashStore()
        self.build_seconds = 0.0
        self.checkpoint_seconds: list[float] = []

    @property
    def size(self) -> int:
        return self.store.size

    def append_batch(self, entries: Sequence[Entry]) -> None:
        for entry in entries:
            self.store.append(leaf_hash(entry.data))

    def append_one(self, entry: Entry) -> None:
        self.append_batch([entry])

    def checkpoint(self) -> None:
        return None

    @contextmanager
    def prover(self) -> Iterator[Prover]:
        yield StoreProver(lambda: self.store)

    def close(self) -> None:
        self.store = MemoryHashStore()


class PymerkleProver:
    """pymerkle numbers leaves from 1; its sizes are counts, as ours are."""

    def __init__(self, tree: InmemoryTree) -> None:
        self.tree = tree

    def inclusion(self, index: int, size: int) -> object:
        return self.tree.prove_inclusion(index + 1, size)

    def consistency(self, first: int, second: int) -> object:
        return self.tree.prove_consistency(first, second)

    def root(self, size: int) -> bytes:
        value: bytes = self.tree.get_root(size)
        return value


class PymerkleLog:
    """pymerkle's in-memory tree, with its default subroot cache."""

    name = PYMERKLE
    ours = False
    transactional = False

    def __init__(self) -> None:
        self.tree = InmemoryTree(algorithm="sha256")
        self.size = 0
        self.build_seconds = 0.0
        self.checkpoint_seconds: list[float] = []

    def append_batch(self, entries: Sequence[Entry]) -> None:
        for entry in entries:
            self.tree.append_entry(entry.data)
        self.size += len(entries)

    def append_one(self, entry: Entry) -> None:
        self.append_batch([entry])

    def checkpoint(self) -> None:
        return None

    @contextmanager
    def prover(self) -> Iterator[Prover]:
        yield PymerkleProver(self.tree)

    def close(self) -> None:
        self.tree = InmemoryTree(algorithm="sha256")


def open_sqlite() -> DbLog:
    folder = tempfile.TemporaryDirectory(prefix="tlog-bench-")
    url = f"sqlite:///{Path(folder.name) / 'registry.sqlite3'}"
    upgrade(url)
    return DbLog("sqlite", url, folder.cleanup)


def open_postgresql(server: str) -> DbLog:
    """A throwaway database on ``server``, migrated now and dropped on close."""
    admin = sa.create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    name = f"tlog_bench_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.OperationalError as error:
        admin.dispose()
        raise SetupError(f"no PostgreSQL server at {server}: {error.orig}") from error

    def drop() -> None:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    url = f"{server}/{name}"
    try:
        upgrade(url)
    except BaseException:
        drop()
        raise
    return DbLog("postgresql", url, drop)


def open_subject(name: str, config: Config) -> Subject:
    if name == "sqlite":
        return open_sqlite()
    if name == "postgresql":
        return open_postgresql(config.pg_server)
    if name == "memory":
        return MemoryLog()
    if name == PYMERKLE:
        return PymerkleLog()
    raise ValueError(f"unknown subject {name!r}")


# --- growing a log and timing its proofs -------------------------------------------------


class CappedError(Exception):
    """A subject cannot reach the next size within its time budget."""


@dataclass
class Growth:
    append_rate: float | None
    single_rate: float | None
    checkpoint_ms: float | None


def grow(
    subject: Subject,
    target: int,
    factory: EntryFactory,
    config: Config,
    budget: float,
    say: Callable[[str], None],
) -> Growth:
    """Append entries until ``subject`` holds ``target``; timings exclude making entries.

    Raises CappedError when the time spent building (appends and checkpoints) passes
    ``budget``, or will, judged by the rate so far.
    """
    start = subject.size
    single = min(config.single, target - start) if subject.transactional else 0
    batched_until = target - single
    batch_seconds = 0.0
    checkpoints_before = len(subject.checkpoint_seconds)
    last_report = time.monotonic()
    while subject.size < batched_until:
        entries = factory.batch(subject.size, min(config.batch, batched_until - subject.size))
        began = time.perf_counter()
        subject.append_batch(entries)
        appended = time.perf_counter()
        subject.checkpoint()
        done = time.perf_counter()
        batch_seconds += appended - began
        subject.build_seconds += done - began
        rate = (subject.size - start) / batch_seconds if batch_seconds else 0.0
        if subject.build_seconds > budget:
            raise CappedError(
                f"stopped at {subject.size:,} entries after {subject.build_seconds:,.0f} s "
                f"of building (budget {budget:,.0f} s; {rate:,.0f} entries/s so far)"
            )
        if rate and subject.build_seconds + (batched_until - subject.size) / rate > budget * 1.5:
            raise CappedError(
                f"stopped at {subject.size:,} entries: {target:,} would take about "
                f"{subject.build_seconds + (target - subject.size) / rate:,.0f} s of building "
                f"at {rate:,.0f} entries/s (budget {budget:,.0f} s)"
            )
        if time.monotonic() - last_report > 30:
            say(f"  {subject.name}: {subject.size:,} entries, {rate:,.0f} entries/s")
            last_report = time.monotonic()
    single_seconds = 0.0
    for entry in factory.batch(subject.size, single):
        began = time.perf_counter()
        subject.append_one(entry)
        single_seconds += time.perf_counter() - began
    if single:
        began = time.perf_counter()
        subject.checkpoint()
        subject.build_seconds += single_seconds + time.perf_counter() - began
    checkpoints = subject.checkpoint_seconds[checkpoints_before:]
    batched = batched_until - start
    return Growth(
        append_rate=batched / batch_seconds if batched and batch_seconds else None,
        single_rate=single / single_seconds if single and single_seconds else None,
        checkpoint_ms=statistics.median(checkpoints) * 1e3 if checkpoints else None,
    )


@dataclass(frozen=True)
class Challenges:
    """The same random proofs asked of every subject at one size."""

    indexes: list[int]
    firsts: list[int]
    warm_indexes: list[int]
    warm_firsts: list[int]

    @classmethod
    def draw(cls, size: int, config: Config) -> Challenges:
        # Reproducible benchmark choices, not secrets.
        rng = random.Random(config.seed * 1_000_003 + size)

        def first() -> int:
            return rng.randint(1, size - 1) if size > 1 else 1

        return cls(
            indexes=[rng.randrange(size) for _ in range(config.samples)],
            firsts=[first() for _ in range(config.samples)],
            warm_indexes=[rng.randrange(size) for _ in range(config.warmup)],
            warm_firsts=[first() for _ in range(config.warmup)],
        )


def time_proofs(subject: Subject, size: int, challenges: Challenges) -> tuple[Stats, Stats]:
    """Inclusion and consistency proof times at ``size``: each proof timed on its own."""
    clock = time.perf_counter
    with subject.prover() as prover:
        for index in challenges.warm_indexes:
            prover.inclusion(index, size)
        inclusion: list[float] = []
        for index in challenges.indexes:
            began = clock()
            prover.inclusion(index, size)
            inclusion.append(clock() - began)
        for first in challenges.warm_firsts:
            prover.consistency(first, size)
        consistency: list[float] = []
        for first in challenges.firsts:
            began = clock()
            prover.consistency(first, size)
            consistency.append(clock() - began)
    return Stats.of(inclusion), Stats.of(consistency)


def checked_root(subject: Subject, size: int, factory: EntryFactory) -> bytes:
    """The root at ``size``; for our logs, after checking that one inclusion proof verifies."""
    with subject.prover() as prover:
        head = prover.root(size)
        if subject.ours:
            index = size // 3
            proof = prover.inclusion(index, size)
            assert isinstance(proof, list)
            verify_inclusion(leaf_hash(factory.entry(index).data), index, size, proof, Hash(head))
    return head


# --- one process per subject ---------------------------------------------------------------


class SetupError(Exception):
    """A subject could not be opened (no database server, for one)."""


class WorkerError(Exception):
    """A subject's process failed; the message carries its traceback."""


def _serve(name: str, config: Config, conn: Connection) -> None:
    """Hold one subject and run the commands the coordinator sends, until ``close``."""
    signal.signal(signal.SIGTERM, _stop)
    say = _progress if config.progress else _quiet
    factory = EntryFactory(config.seed)
    budget = config.pymerkle_budget if name == PYMERKLE else config.budget
    subject: Subject | None = None
    try:
        while True:
            command, args = conn.recv()
            if command == "close":
                conn.send(("ok", None))
                return
            try:
                if command == "open":
                    subject = open_subject(name, config)
                    result: object = None
                elif subject is None:
                    raise RuntimeError(f"{command} before open")
                elif command == "grow":
                    result = grow(subject, args[0], factory, config, budget, say)
                elif command == "root":
                    result = checked_root(subject, args[0], factory)
                elif command == "time":
                    result = time_proofs(subject, args[0], args[1])
                else:
                    raise RuntimeError(f"unknown command {command!r}")
            except CappedError as capped:
                conn.send(("capped", str(capped)))
            except SetupError as error:
                conn.send(("setup", str(error)))
            except Exception:
                conn.send(("error", traceback.format_exc()))
            else:
                conn.send(("ok", result))
    except EOFError:
        return  # the coordinator is gone
    finally:
        if subject is not None:
            subject.close()


class Worker:
    """One subject in a process of its own, so that one subject's heap (a million-leaf
    tree in memory, say) does not slow another's proofs, and a subject is only ever
    working while the others wait."""

    def __init__(self, name: str, config: Config) -> None:
        context = multiprocessing.get_context()  # fork on Linux: nothing to re-import
        self.name = name
        self.ours = name != PYMERKLE
        self.conn, child = context.Pipe()
        self.process = context.Process(
            target=_serve, args=(name, config, child), name=f"tlog-bench-{name}", daemon=True
        )
        self.process.start()
        child.close()
        try:
            self._call("open")
        except BaseException:
            self.stop()
            raise

    def _call(self, command: str, *args: object) -> object:
        self.conn.send((command, args))
        try:
            status, value = self.conn.recv()
        except EOFError as error:
            raise WorkerError(f"{self.name}: the subject's process ended") from error
        if status == "ok":
            return value
        if status == "capped":
            raise CappedError(value)
        if status == "setup":
            raise SetupError(value)
        raise WorkerError(f"{self.name} failed:\n{value}")

    def grow(self, size: int) -> Growth:
        result = self._call("grow", size)
        assert isinstance(result, Growth)
        return result

    def root(self, size: int) -> bytes:
        result = self._call("root", size)
        assert isinstance(result, bytes)
        return result

    def time_proofs(self, size: int, challenges: Challenges) -> tuple[Stats, Stats]:
        result = self._call("time", size, challenges)
        assert isinstance(result, tuple)
        inclusion, consistency = result
        assert isinstance(inclusion, Stats) and isinstance(consistency, Stats)
        return inclusion, consistency

    def close(self) -> None:
        """Let the subject clean up (temporary file, throwaway database), then end."""
        if self.process.is_alive():
            with suppress(WorkerError, OSError):
                self._call("close")
            self.process.join(timeout=60)
        self.stop()

    def stop(self) -> None:
        """End the process now, in the middle of any work: SIGTERM, and it still cleans up."""
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(timeout=60)
        self.conn.close()


# --- the run -----------------------------------------------------------------------------


def run(config: Config) -> Report:
    """Grow every subject through ``config.sizes``, timing appends and proofs at each size.

    Each subject lives in its own process; the subjects take turns, size by size, so a
    change in the machine's load touches them all alike.
    """
    sizes = config.sizes
    if not sizes or list(sizes) != sorted(set(sizes)) or sizes[0] < 2:
        raise ValueError("sizes must be increasing and at least 2")
    say = _progress if config.progress else _quiet
    names = list(config.dbs) + ([PYMERKLE] if config.pymerkle else [])
    report = Report(config, names, [Row(name, size) for size in sizes for name in names])
    factory = EntryFactory(config.seed)
    report.entry_bytes = statistics.fmean(len(entry.data) for entry in factory.batch(0, 100))
    live: list[Worker] = []
    try:
        for name in names:
            live.append(Worker(name, config))
        for size in sizes:
            challenges = Challenges.draw(size, config)
            for worker in list(live):
                say(f"{worker.name}: growing to {size:,} entries")
                row = report.row(worker.name, size)
                try:
                    growth = worker.grow(size)
                except CappedError as capped:
                    row.note = f"capped: {capped}"
                    report.notes.append(f"{worker.name} {row.note}")
                    say(f"{worker.name}: {row.note}")
                    for later in sizes[sizes.index(size) + 1 :]:
                        report.row(worker.name, later).note = "capped (see above)"
                    live.remove(worker)
                    worker.close()
                    continue
                row.reached = True
                row.append_rate = growth.append_rate
                row.single_rate = growth.single_rate
                row.checkpoint_ms = growth.checkpoint_ms
            if not live:
                break
            roots = {worker.name: worker.root(size) for worker in live}
            if len(set(roots.values())) != 1:
                raise AssertionError(f"roots differ at size {size}: {roots}")
            for worker in live:
                say(f"{worker.name}: timing proofs at {size:,} entries")
                row = report.row(worker.name, size)
                row.inclusion, row.consistency = worker.time_proofs(size, challenges)
    except BaseException:
        for worker in live:
            worker.stop()
        raise
    for worker in live:
        worker.close()
    report.checks = regression_checks(report)
    return report


def regression_checks(report: Report) -> list[Check]:
    """Our proof time may grow at most ``max_ratio``-fold from the smallest size to the largest."""
    config = report.config
    smallest, largest = config.sizes[0], config.sizes[-1]
    checks: list[Check] = []
    if smallest == largest:
        return checks
    for name in report.subjects:
        if name == PYMERKLE:
            continue
        row = report.row(name, largest)
        for kind in KINDS:
            ratio = report.flatness(name, kind, largest) if row.reached else None
            if ratio is None:
                checks.append(
                    Check(
                        name,
                        kind,
                        None,
                        False,
                        f"{name} {kind}: never measured at {largest:,} entries",
                    )
                )
                continue
            ok = ratio <= config.max_ratio
            verdict = "ok" if ok else "REGRESSION"
            checks.append(
                Check(
                    name,
                    kind,
                    ratio,
                    ok,
                    f"{name} {kind}: {largest:,} / {smallest:,} = {ratio:.2f} "
                    f"(O(log n): {log_ratio(largest, smallest):.2f}; limit {config.max_ratio:.2f}) {verdict}",
                )
            )
    return checks


# --- the report ----------------------------------------------------------------------------


def _n(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def _us(stats: Stats | None, which: str) -> str:
    if stats is None:
        return "-"
    value = stats.median_us if which == "median" else stats.p99_us
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Left-aligned first column, right-aligned numbers, two spaces between columns."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]
    lines = []
    for cells in [header, *rows]:
        parts = [cells[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(parts).rstrip())
    return lines


def render(report: Report) -> str:
    config = report.config
    sizes = config.sizes
    smallest = sizes[0]
    ours = [name for name in report.subjects if name != PYMERKLE]
    out: list[str] = []
    subjects = ", ".join(
        {
            "sqlite": "journal.append into a fresh SQLite file",
            "postgresql": "journal.append into a throwaway PostgreSQL database",
            "memory": "our tree over MemoryHashStore",
            PYMERKLE: f"pymerkle {version('pymerkle')} InmemoryTree",
        }[name]
        for name in report.subjects
    )
    out.append("Transparency log benchmark (one run; compare ratios, not absolute figures)")
    out.append(f"subjects: {subjects}")
    out.append(
        f"entries: {ENTRY_TYPE}, {report.entry_bytes:,.0f} bytes on average; database appends in "
        f"transactions of {config.batch:,} with a checkpoint signed after each, the last "
        f"{config.single:,} of each size one per transaction"
    )
    out.append(
        f"proofs: {config.samples:,} random indexes (inclusion in the tree of that size) and "
        f"{config.samples:,} random first sizes (consistency to that size), after "
        f"{config.warmup:,} warm-up proofs; times in µs"
    )
    out.append("")
    out.append("Append rate and proof time")
    rows = []
    for name in report.subjects:
        for size in sizes:
            row = report.row(name, size)
            if not row.reached:
                rows.append([name, f"{size:,}", "capped" if row.note else "-", *["-"] * 6])
                continue
            rows.append(
                [
                    name,
                    f"{size:,}",
                    _n(row.append_rate),
                    _n(row.single_rate),
                    _n(row.checkpoint_ms, 1),
                    _us(row.inclusion, "median"),
                    _us(row.inclusion, "p99"),
                    _us(row.consistency, "median"),
                    _us(row.consistency, "p99"),
                ]
            )
    header = [
        "subject",
        "size",
        "appends/s",
        "1 per txn/s",
        "checkpoint ms",
        "incl median",
        "incl p99",
        "cons median",
        "cons p99",
    ]
    out.extend(table(header, rows))
    if len(sizes) > 1:
        out.append("")
        expected = ", ".join(f"{log_ratio(size, smallest):.2f} at {size:,}" for size in sizes[1:])
        out.append(
            f"Flatness: median proof time relative to {smallest:,} entries (O(log n) predicts {expected})"
        )
        flat_rows = []
        for name in report.subjects:
            for size in sizes[1:]:
                flat_rows.append(
                    [
                        name,
                        f"{size:,}",
                        _ratio(log_ratio(size, smallest)),
                        _ratio(report.flatness(name, INCLUSION, size)),
                        _ratio(report.flatness(name, CONSISTENCY, size)),
                    ]
                )
        out.extend(table(["subject", "size", "log n ratio", "inclusion", "consistency"], flat_rows))
    if PYMERKLE in report.subjects:
        out.append("")
        out.append(
            "Ours relative to pymerkle: our median proof time / pymerkle's (above 1 is slower)"
        )
        vs_rows = []
        for name in ours:
            for size in sizes:
                vs_rows.append(
                    [
                        name,
                        f"{size:,}",
                        _ratio(report.versus_pymerkle(name, INCLUSION, size)),
                        _ratio(report.versus_pymerkle(name, CONSISTENCY, size)),
                    ]
                )
        out.extend(table(["subject", "size", "inclusion", "consistency"], vs_rows))
    if report.notes:
        out.append("")
        out.append("Notes")
        out.extend(f"- {note}" for note in report.notes)
    out.append("")
    if report.checks:
        out.append("Regression check: our proof time, largest size over smallest")
        out.extend(f"- {check.message}" for check in report.checks)
        out.append("result: " + ("ok" if report.ok else "FAILED"))
    else:
        out.append("Regression check: needs two sizes; skipped")
    return "\n".join(out)


# --- command line ----------------------------------------------------------------------------


def _progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _quiet(_message: str) -> None:
    return None


def _sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(part.replace("_", "")) for part in text.split(",") if part.strip())
    except ValueError as error:
        raise argparse.ArgumentTypeError(
            f"sizes are comma-separated integers, got {text!r}"
        ) from error
    if not sizes or list(sizes) != sorted(set(sizes)) or sizes[0] < 2:
        raise argparse.ArgumentTypeError("sizes must be increasing and at least 2")
    return sizes


def _dbs(text: str) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    unknown = [name for name in names if name not in DB_CHOICES]
    if not names or unknown:
        raise argparse.ArgumentTypeError(f"choose among {', '.join(DB_CHOICES)}, got {text!r}")
    return names


def parse_args(argv: Sequence[str] | None = None) -> Config:
    parser = argparse.ArgumentParser(
        prog="python -m bench.tlog_bench",
        description="Append rate and proof time of the transparency log as it grows, beside pymerkle.",
    )
    parser.add_argument(
        "--sizes", type=_sizes, help="increasing log sizes (default 10000,100000,1000000)"
    )
    parser.add_argument(
        "--db",
        type=_dbs,
        default=("sqlite", "memory"),
        help="our storage, comma-separated among sqlite, postgresql, memory (default sqlite,memory); "
        "PostgreSQL is REGISTRY_TEST_PG or " + PG_SERVER_DEFAULT,
    )
    parser.add_argument(
        "--quick", action="store_true", help="sizes 1000,10000 and fewer samples: seconds"
    )
    parser.add_argument(
        "--batch", type=int, default=1_000, help="entries per transaction (default 1000)"
    )
    parser.add_argument(
        "--single",
        type=int,
        default=100,
        help="entries per size appended one per transaction (default 100)",
    )
    parser.add_argument("--samples", type=int, help="proofs timed per kind and size (default 300)")
    parser.add_argument("--seed", type=int, default=6962)
    parser.add_argument(
        "--budget",
        type=float,
        default=7_200.0,
        help="seconds one of our logs may spend building (default 7200)",
    )
    parser.add_argument(
        "--pymerkle-budget",
        type=float,
        default=300.0,
        help="seconds pymerkle may spend building before it is capped (default 300)",
    )
    parser.add_argument("--no-pymerkle", action="store_true", help="leave pymerkle out")
    parser.add_argument(
        "--max-ratio",
        type=float,
        default=3.0,
        help="fail above this proof-time ratio, largest size over smallest (default 3.0)",
    )
    args = parser.parse_args(argv)
    if args.batch < 1 or args.single < 0 or (args.samples is not None and args.samples < 2):
        parser.error("--batch must be positive, --single not negative, --samples at least 2")
    sizes = args.sizes or (QUICK_SIZES if args.quick else FULL_SIZES)
    samples = args.samples or (200 if args.quick else 300)
    return Config(
        sizes=sizes,
        dbs=args.db,
        batch=args.batch,
        single=args.single,
        samples=samples,
        seed=args.seed,
        budget=args.budget,
        pymerkle=not args.no_pymerkle,
        pymerkle_budget=args.pymerkle_budget,
        max_ratio=args.max_ratio,
        pg_server=os.environ.get("REGISTRY_TEST_PG", PG_SERVER_DEFAULT),
    )


def _stop(signum: int, _frame: object) -> None:
    """Turn SIGTERM into SystemExit, so the temporary file and database are removed."""
    raise SystemExit(128 + signum)


def main(argv: Sequence[str] | None = None) -> int:
    config = parse_args(argv)
    signal.signal(signal.SIGTERM, _stop)
    began = time.monotonic()
    try:
        report = run(config)
    except SetupError as error:
        print(f"tlog_bench: {error}", file=sys.stderr)
        return 2
    print(render(report))
    print(f"run time: {time.monotonic() - began:,.0f} s")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
