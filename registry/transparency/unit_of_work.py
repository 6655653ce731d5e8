"""The unit of work every write use case runs in: one transaction that queues for the
log's writer slot, records who wrote, announces the change, and signs a checkpoint after
commit when it appended to the log.

Every feature's service writes through ``UnitOfWork.write`` and reads through
``UnitOfWork.db.read``: the log is what makes a write public, so its rules (one writer at
a time, a checkpoint that covers the change before readers see it) hold for all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlmodel import Session

from registry.clock import Clock
from registry.config import Settings
from registry.db import change_feed, touched  # noqa: F401  (touched: its listener)
from registry.db.database import Database
from registry.edge.changes import ChangeSignal
from registry.identity.auth import Actor, record_write
from registry.transparency import continuation, journal
from registry.transparency.keys import KeyRing


class UnitOfWork:
    """Storage, keys, clock and change signal, shared by every feature's service."""

    def __init__(
        self,
        settings: Settings,
        db: Database,
        keyring: KeyRing,
        clock: Clock,
        changes: ChangeSignal,
    ) -> None:
        self.settings = settings
        self.db = db
        self.keyring = keyring
        self.clock = clock
        self.changes = changes
        # Told after each checkpoint signing (the witness submitter's poke): they must
        # return at once, as the writer that signed is waiting.
        self.checkpoint_listeners: list[Callable[[], None]] = []
        # Run at the end of every write transaction, before commit, with what it wrote
        # (``db/touched.py``, the journal's entries): derived rows that must change in the
        # same transaction as their sources (the certificates' read rows) are kept here,
        # once, so that no use case has to remember them.
        self.before_commit: list[Callable[[Session], None]] = []

    @contextmanager
    def write(
        self, actor: Actor | None = None, action: str = "", *, continuing: bool = False
    ) -> Iterator[Session]:
        """One use case's transaction, recorded with who did it when an actor is given;
        if it appended to the log, a checkpoint is signed after commit.

        Raises ConflictError while a restore behind the published log waits for
        ``registry log continue`` (``continuing``: that command itself): a write would
        fork the log under its old origin.
        """
        with self.db.write() as session:
            # Every write use case appends to the log, so writers queue for the log's slot
            # before they read the state they check: two suspensions cannot both see "valid".
            journal.serialise(session)
            if not continuing:
                continuation.refuse_if_pending(session)
            yield session
            self.derive(session)
            if actor is not None:
                record_write(session, actor, action, self.clock())
            change_feed.announce(session)
            appended = session.info.get(journal.APPENDED, False)
        if appended:
            self.sign_checkpoint()
        else:
            self.changes.bump()

    def derive(self, session: Session) -> None:
        """Bring derived rows up to date with what ``session`` wrote (before commit)."""
        session.flush()
        for hook in self.before_commit:
            hook(session)

    def sign_checkpoint(self) -> int:
        """Sign the log's head (a no-op when nothing new); returns the signed size.
        Readers' caches are told after the signature is stored, so that the next request
        shows the change together with a checkpoint that covers it."""
        try:
            with self.db.write() as session:
                # A restored log behind the published one must not sign its head again
                # under the old origin (a backup can hold entries not yet signed).
                continuation.refuse_if_pending(session)
                signer = self.keyring.note_signer(session, journal.origin(session))
                checkpoint = journal.sign_checkpoint(session, signer, self.clock())
                change_feed.announce(session)
                note = checkpoint.note if checkpoint is not None else None
            if note is not None:
                # Beside the keys, outside the database: a restore knows what was published.
                continuation.keep_published(self.settings.keys_dir, note)
            return checkpoint.size if checkpoint is not None else 0
        finally:
            self.changes.bump()
            for listener in self.checkpoint_listeners:
                listener()
