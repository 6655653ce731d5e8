"""Asking the witnesses: after each checkpoint, in the background, never in the way.

A thread per server process submits the latest checkpoint to every witness of the
policy that has a URL (C2SP tlog-witness v1.0.0 ``add-checkpoint``) with a consistency
proof from the size the witness last cosigned, and stores the cosignatures it gets.
Issuance only pokes the thread; a witness that is down or slow delays nothing but its
own cosignature, retried every ``retry_seconds``. A 409 with ``text/x.tlog.size`` tells
the size the witness holds (another server of the registry may have submitted first),
and the submission is repeated from there.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

import httpx

from registry.db import change_feed
from registry.errors import RegistryError
from registry.tlog import consistency_proof
from registry.tlog.cosignature import CosignatureVerifier, cosignature_lines
from registry.tlog.policy import Policy
from registry.tlog.witness_client import add_checkpoint_body, conflict_size
from registry.transparency import cosigning, journal

if TYPE_CHECKING:
    from registry.transparency.unit_of_work import UnitOfWork

log = logging.getLogger("registry.witnessing")
MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class Target:
    """One witness endpoint and the keys of the policy that it signs with."""

    url: str
    verifiers: tuple[CosignatureVerifier, ...]


def targets(policy: Policy) -> list[Target]:
    by_url: dict[str, list[CosignatureVerifier]] = {}
    for witness in policy.witnesses:
        if witness.url:
            by_url.setdefault(witness.url.rstrip("/"), []).append(witness.verifier)
    return [Target(url, tuple(v)) for url, v in by_url.items()]


class WitnessSubmitter:
    def __init__(
        self,
        uow: UnitOfWork,
        policy: Policy,
        *,
        timeout: float = 10.0,
        retry_seconds: float = 5.0,
    ) -> None:
        self.uow = uow
        self.targets = targets(policy)
        self.timeout = timeout
        self.retry_seconds = retry_seconds
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._known: dict[str, int] = {}

    def poke(self) -> None:
        """A new checkpoint exists: submit it soon (returns at once)."""
        self._wake.set()

    def start(self) -> None:
        if self.targets and self._thread is None:
            self._thread = threading.Thread(target=self._run, name="witnesses", daemon=True)
            self._thread.start()
            self.poke()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=self.timeout + 5)

    def _run(self) -> None:
        with httpx.Client(timeout=self.timeout) as client:
            while not self._stopping.is_set():
                self._wake.wait(self.retry_seconds)
                self._wake.clear()
                if self._stopping.is_set():
                    return
                try:
                    self.submit_all(client)
                except Exception:
                    log.exception(
                        "asking the witnesses failed; trying again in %s s", self.retry_seconds
                    )

    def submit_all(self, client: httpx.Client) -> int:
        """Submit the latest checkpoint to each witness that has not cosigned it; returns
        the number of cosignatures stored."""
        with self.uow.db.read() as session:
            latest = journal.latest_checkpoint(session)
            if latest is None:
                return 0
            size, note = latest.size, latest.note.encode("utf-8")
            pending = [
                t
                for t in self.targets
                if any(cosigning.cosigned_size(session, v) < size for v in t.verifiers)
            ]
        if not pending:
            return 0

        def ask(target: Target) -> int:
            try:
                return self._submit(client, target, size, note)
            except httpx.HTTPError as error:
                log.warning("witness %s unreachable: %s", target.url, error)
                return 0

        # All at once: a slow witness delays no other witness's cosignature.
        with ThreadPoolExecutor(max_workers=len(pending), thread_name_prefix="witness") as pool:
            return sum(pool.map(ask, pending))

    def _old_size(self, target: Target) -> int:
        if target.url in self._known:
            return self._known[target.url]
        with self.uow.db.read() as session:
            return max(cosigning.cosigned_size(session, v) for v in target.verifiers)

    def _proof(self, old: int, size: int) -> Sequence[bytes]:
        if old == 0 or old == size:
            return []
        with self.uow.db.read() as session:
            return consistency_proof(old, size, journal.DbHashStore(session))

    def _submit(self, client: httpx.Client, target: Target, size: int, note: bytes) -> int:
        old = self._old_size(target)
        for _ in range(MAX_ATTEMPTS):
            if old > size:
                log.warning(
                    "witness %s holds size %s, more than this log's %s: a fork or a rollback?",
                    target.url,
                    old,
                    size,
                )
                return 0
            body = add_checkpoint_body(old, self._proof(old, size), note)
            answer = client.post(
                f"{target.url}/add-checkpoint",
                content=body,
                headers={"content-type": "text/plain; charset=utf-8"},
            )
            if answer.status_code == 200:
                self._known[target.url] = size
                return self._keep(target, size, note, answer.content)
            if answer.status_code == 409:
                held = conflict_size(answer.headers.get("content-type", ""), answer.content)
                if held is not None and held != old:
                    self._known[target.url] = old = held
                    continue
            log.warning(
                "witness %s refused checkpoint %s (old size %s): %s %s",
                target.url,
                size,
                old,
                answer.status_code,
                answer.text.strip()[:200],
            )
            return 0
        return 0

    def _keep(self, target: Target, size: int, note: bytes, lines: bytes) -> int:
        try:
            found = cosignature_lines(note + lines, target.verifiers)
        except RegistryError as error:
            log.warning("witness %s sent a bad cosignature: %s", target.url, error.detail)
            return 0
        kept = 0
        with self.uow.db.write() as session:
            for verifier, (timestamp, line) in found.items():
                kept += cosigning.store(session, size, verifier, line, timestamp, self.uow.clock())
            change_feed.announce(session)
        self.uow.changes.bump()
        return kept
