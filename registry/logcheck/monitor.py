"""``registry log monitor``: watch a running registry's log from the outside.

Each run fetches the log's checkpoint, verifies its signature under a pinned verifier
key, proves it consistent with the last checkpoint seen (kept in a small JSON state
file), and checks every new entry against the tiles and the signed root. The state moves
on only when all of that passed, so a failure is reported again on the next run.

Trust on first use: with no key given and none pinned, the key served at ``/log/vkey``
is pinned, with a warning to compare it with one obtained out of band.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from registry.errors import InvalidInputError
from registry.logcheck import errors
from registry.logcheck.errors import LogCheckError
from registry.logcheck.tilecheck import Fetch, check_entries, tile_at
from registry.tlog import (
    Checkpoint,
    CheckpointError,
    Hash,
    NoteError,
    NoteVerifier,
    ProofError,
    Tile,
    VerifierKeyError,
    open_note,
    parse_entry_bundle,
    parse_verifier_key,
    verify_consistency,
)
from registry.tlog.encoding import b64decode, b64encode

MAX_RESPONSE = 8 * 1024 * 1024
USER_AGENT = "trust-label-registry log monitor"


@dataclass(frozen=True)
class MonitorState:
    """The last checkpoint that passed every check, and the key it was verified under."""

    origin: str
    vkey: str
    size: int
    root: str
    note: str

    @property
    def root_hash(self) -> Hash:
        return Hash(b64decode(self.root))

    @classmethod
    def load(cls, path: Path) -> MonitorState | None:
        """The state saved at ``path``; None if there is no such file."""
        if not path.exists():
            return None
        try:
            raw: Any = json.loads(path.read_text(encoding="utf-8"))
            state = cls(**{name: raw[name] for name in ("origin", "vkey", "size", "root", "note")})
            if not isinstance(state.size, int) or state.size < 0:
                raise ValueError("size")
            if len(state.root_hash) != 32:
                raise ValueError("root")
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise LogCheckError(
                f"state file {path} is not a monitor state ({error.__class__.__name__}: {error})",
                rule=errors.BAD_STATE,
            ) from None
        return state

    def save(self, path: Path) -> None:
        """Write the state atomically (a reader never sees half a file)."""
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")
        temporary.replace(path)


@dataclass(frozen=True)
class Continuation:
    """A documented break: the old origin's last checkpoint, carried by ``log.continued``
    as entry 0 of a new origin signed by the same log key."""

    origin: str
    size: int
    seen: int  # the size this monitor had seen of the old origin
    reason: str


@dataclass(frozen=True)
class MonitorResult:
    previous: MonitorState | None
    current: MonitorState
    checked_entries: int
    pinned: bool
    continued: Continuation | None = None

    def lines(self) -> list[str]:
        now = self.current
        out = [f"checkpoint of {now.origin}: size {now.size}, root {now.root}, signature valid"]
        before = self.previous
        if self.continued is not None:
            gone = self.continued
            out.append(
                f"log continued: {gone.origin} ended at size {gone.size} (the checkpoint carried "
                f"by {CONTINUED} at entry 0, signed by the same log key; this monitor had seen "
                f"size {gone.seen}); it continues as {now.origin}: {gone.reason}"
            )
            out.append(f"now following {now.origin} with verifier key {now.vkey}")
        elif before is None:
            out.append("first run: no earlier checkpoint to compare with")
        elif before.size == now.size:
            out.append(f"unchanged since the last run (size {now.size}, same root)")
        else:
            out.append(f"consistent with the last checkpoint seen (size {before.size})")
        if self.checked_entries:
            start = 0 if before is None else before.size
            out.append(
                f"entries {start} to {now.size - 1} match the tiles and the signed root "
                f"({now.size - start} new)"
            )
        return out


def http_fetcher(base_url: str, *, timeout: float = 20.0) -> Fetch:
    """A fetcher for paths under ``base_url`` (http or https only)."""
    parsed = urllib.parse.urlsplit(base_url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise InvalidInputError(f"the log's URL must be http(s)://host[/path], got {base_url!r}")
    base = base_url.rstrip("/") + "/"

    def fetch(path: str) -> bytes:
        url = base + path
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                body: bytes = response.read(MAX_RESPONSE + 1)
        except urllib.error.HTTPError as error:
            raise LogCheckError(f"GET {url}: HTTP {error.code}", rule=errors.FETCH) from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise LogCheckError(f"GET {url}: {reason}", rule=errors.FETCH) from None
        if len(body) > MAX_RESPONSE:
            raise LogCheckError(f"GET {url}: more than {MAX_RESPONSE} bytes", rule=errors.FETCH)
        return body

    return fetch


def read_vkey(value: str) -> str:
    """A verifier key given as the string itself or as a file holding it."""
    path = Path(value)
    if "+" not in value or path.is_file():
        try:
            return path.read_text(encoding="utf-8").strip()
        except OSError as error:
            raise InvalidInputError(
                f"{value!r} is neither a verifier key nor a readable file ({error.strerror})"
            ) from None
    return value.strip()


def monitor_once(
    fetch: Fetch,
    state: MonitorState | None,
    vkey: str | None = None,
    *,
    warn: Callable[[str], None] = lambda _message: None,
) -> MonitorResult:
    """One round of checks; the new state in the result is to be saved by the caller.

    Raises LogCheckError on a bad signature, a rollback, a fork, a bad consistency proof,
    a tile that does not lead to the root or an entry that does not match.
    """
    pinned = False
    if vkey is not None and state is not None and vkey != state.vkey:
        raise LogCheckError(
            f"the given verifier key {vkey} is not the one pinned in the state file "
            f"({state.vkey}); start a new state file to trust another key",
            rule=errors.BAD_STATE,
        )
    if vkey is None and state is not None:
        vkey = state.vkey
    if vkey is None:
        vkey = fetch("log/vkey").decode("utf-8", "replace").strip()
        pinned = True
        warn(
            f"trust on first use: pinning the log's key {vkey} as served by the log itself; "
            "compare it with one obtained another way"
        )
    verifier = _verifier(vkey)
    note = fetch("log/checkpoint")
    continued = None
    if state is not None and _origin_of(note) not in (None, state.origin):
        vkey, checkpoint, continued = _continued(fetch, state, note)
        start = 0
    else:
        checkpoint = _open_checkpoint(note, verifier)
        if state is not None:
            _compare(fetch, state, checkpoint)
        start = 0 if state is None else state.size
    checked = check_entries(fetch, checkpoint.size, checkpoint.root_hash, start)
    current = MonitorState(
        origin=checkpoint.origin,
        vkey=vkey,
        size=checkpoint.size,
        root=b64encode(checkpoint.root_hash),
        note=note.decode("utf-8"),
    )
    return MonitorResult(state, current, checked, pinned, continued)


CONTINUED = "log.continued"


def _origin_of(note: bytes) -> str | None:
    """The origin line of a note, unverified (None when there is none)."""
    first = note.split(b"\n", 1)[0]
    return first.decode("utf-8", "replace") if first else None


def _continued(
    fetch: Fetch, state: MonitorState, note: bytes
) -> tuple[str, Checkpoint, Continuation]:
    """Accept a new origin only as the documented continuation of the one followed:
    signed by the same log key (under the new name), its entry 0 ``log.continued``
    carrying a checkpoint of the old origin, signed by that key, no smaller than the
    one seen and, at the size seen, with the root seen. Anything else is a fork.
    Returns the new verifier key, the new checkpoint and what was continued."""
    old = _verifier(state.vkey)
    vkey = fetch("log/vkey").decode("utf-8", "replace").strip()
    new = _verifier(vkey)
    if new.public_key != old.public_key:
        raise LogCheckError(
            f"the log's origin changed from {state.origin!r} to {_origin_of(note)!r} under "
            "another key: not a continuation of the log followed",
            rule=errors.FORK,
        )
    checkpoint = _open_checkpoint(note, new)
    if checkpoint.size == 0:
        raise LogCheckError(
            f"the log's origin changed from {state.origin!r} to {checkpoint.origin!r}, an "
            f"empty log with no {CONTINUED} entry",
            rule=errors.FORK,
        )
    check_entries(fetch, checkpoint.size, checkpoint.root_hash, 0)  # entry 0 is now proven
    first = tile_at(0, 0, checkpoint.size)
    bundle = Tile("entries", 0, first.width)
    entry: Any = json.loads(parse_entry_bundle(fetch(f"log/{bundle.path}"), first.width)[0])
    data = entry.get("data", {}) if isinstance(entry, dict) else {}
    if not isinstance(entry, dict) or entry.get("type") != CONTINUED:
        raise LogCheckError(
            f"the log's origin changed from {state.origin!r} to {checkpoint.origin!r}, but "
            f"its entry 0 is no {CONTINUED} entry: an undocumented break",
            rule=errors.FORK,
        )
    carried = _open_checkpoint(str(data.get("checkpoint", "")).encode("utf-8"), old)
    if carried.origin != state.origin:
        raise LogCheckError(
            f"the log's origin changed from {state.origin!r} to {checkpoint.origin!r}, whose "
            f"{CONTINUED} entry continues another log, {carried.origin!r}",
            rule=errors.FORK,
        )
    if carried.size < state.size:
        raise LogCheckError(
            f"rollback: {CONTINUED} carries the checkpoint of {state.origin} at size "
            f"{carried.size}, smaller than the size {state.size} this monitor saw",
            rule=errors.ROLLBACK,
        )
    if carried.size == state.size and carried.root_hash != state.root_hash:
        raise LogCheckError(
            f"fork: {CONTINUED} carries a root for size {carried.size} of {state.origin} "
            "other than the one this monitor saw",
            rule=errors.FORK,
        )
    gone = Continuation(
        origin=carried.origin,
        size=carried.size,
        seen=state.size,
        reason=str(entry.get("reason", "")),
    )
    return vkey, checkpoint, gone


def _verifier(vkey: str) -> NoteVerifier:
    try:
        return parse_verifier_key(vkey)
    except VerifierKeyError as error:
        raise LogCheckError(
            f"not a verifier key: {error.detail}", rule=errors.BAD_SIGNATURE
        ) from None


def _open_checkpoint(note: bytes, verifier: NoteVerifier) -> Checkpoint:
    try:
        opened = open_note(note, [verifier])
        checkpoint = Checkpoint.parse(opened.text)
    except (NoteError, CheckpointError) as error:
        raise LogCheckError(
            f"bad signature: the log's checkpoint does not verify under the pinned key "
            f"{verifier.name}+{verifier.key_id.hex()} ({error.detail})",
            rule=errors.BAD_SIGNATURE,
        ) from None
    if checkpoint.origin != verifier.name:
        raise LogCheckError(
            f"the checkpoint is for log {checkpoint.origin!r}, but the pinned key is for "
            f"{verifier.name!r}",
            rule=errors.BAD_SIGNATURE,
        )
    return checkpoint


def _compare(fetch: Fetch, state: MonitorState, checkpoint: Checkpoint) -> None:
    """Raise unless ``checkpoint`` extends the checkpoint saved in ``state``."""
    old, new = state.size, checkpoint.size
    if state.origin != checkpoint.origin:
        raise LogCheckError(
            f"the log's origin changed from {state.origin!r} to {checkpoint.origin!r}",
            rule=errors.FORK,
        )
    if new < old:
        raise LogCheckError(
            f"rollback: the log's checkpoint has size {new}, smaller than the size {old} "
            "seen before",
            rule=errors.ROLLBACK,
        )
    if new == old:
        if checkpoint.root_hash != state.root_hash:
            raise LogCheckError(
                f"fork: the log signed two different roots for size {new} "
                f"({state.root} before, {b64encode(checkpoint.root_hash)} now)",
                rule=errors.FORK,
            )
        return
    if old == 0:
        return  # every tree extends the empty one; the entries are checked from 0
    body = fetch(f"api/v1/log/proof/consistency?first={old}&second={new}")
    try:
        hashes = [Hash(b64decode(h)) for h in json.loads(body)["hashes"]]
        verify_consistency(old, new, state.root_hash, checkpoint.root_hash, hashes)
    except ProofError as error:
        raise LogCheckError(
            f"bad consistency proof: the checkpoint of size {new} is not proven to extend "
            f"the one of size {old} seen before ({error.detail}); the log may have forked",
            rule=errors.BAD_PROOF,
        ) from None
    except (ValueError, KeyError, TypeError) as error:
        raise LogCheckError(
            f"bad consistency proof from size {old} to {new}: not the expected JSON "
            f"({error.__class__.__name__})",
            rule=errors.BAD_PROOF,
        ) from None
