"""tlog-witness v1.0.0 add-checkpoint over HTTP (in process): every refusal has its code."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from registry.errors import ConflictError
from registry.tlog import Checkpoint, Ed25519NoteSigner, MemoryTree, sign_note
from registry.tlog.cosignature import cosignatures, mldsa_available
from registry.tlog.witness_client import add_checkpoint_body
from registry.witness.app import create_witness_app
from registry.witness.keys import create_keys
from registry.witness.service import Witness
from registry.witness.store import WitnessStore
from tests.support.env import need
from tests.support.loops import run_apart

ORIGIN = "registry.test/log/ab12"


@pytest.fixture
def log() -> Ed25519NoteSigner:
    key = Ed25519PrivateKey.generate()
    return Ed25519NoteSigner(ORIGIN, key.public_key().public_bytes_raw(), key.sign)


@pytest.fixture
def witness(tmp_path: Path, log: Ed25519NoteSigner) -> Witness:
    keys = create_keys(tmp_path / "w", "witness.test/w1", mldsa=False)
    store = WitnessStore(tmp_path / "w")
    store.add_log(ORIGIN, log.verifier.vkey())
    return Witness(keys, store, lambda: 1_700_000_000)


def _tree(n: int, tag: str = "") -> MemoryTree:
    tree = MemoryTree()
    for i in range(n):
        tree.append(f"entry {tag}{i}".encode())
    return tree


def _note(signer: Ed25519NoteSigner, tree: MemoryTree, origin: str = ORIGIN) -> bytes:
    return sign_note(Checkpoint(origin, tree.size, tree.root()).to_text(), [signer])


def _post(witness: Witness, body: bytes) -> httpx.Response:
    transport = httpx.ASGITransport(app=create_witness_app(witness))  # type: ignore[arg-type]

    async def go() -> httpx.Response:
        async with httpx.AsyncClient(transport=transport, base_url="http://w") as client:
            return await client.post("/add-checkpoint", content=body)

    return run_apart(go)


def test_cosigns_a_consistent_history_and_refuses_each_fault(
    witness: Witness, log: Ed25519NoteSigner
) -> None:
    t5, t9 = _tree(5), _tree(9)
    first = _post(witness, add_checkpoint_body(0, [], _note(log, t5)))
    assert first.status_code == 200, first.text
    verifier = witness.keys.cosigners[0].verifier
    assert cosignatures(_note(log, t5) + first.content, [verifier]) == {verifier: 1_700_000_000}

    # 409: the old size is not the latest cosigned one; the body carries that size.
    stale = _post(witness, add_checkpoint_body(0, [], _note(log, t9)))
    assert stale.status_code == 409
    assert stale.headers["content-type"] == "text/x.tlog.size"
    assert stale.content == b"5\n"
    # 422: a proof that does not lead from the stored root.
    wrong = _tree(9, "forked ")
    bad = _post(witness, add_checkpoint_body(5, wrong.prove_consistency(5, 9), _note(log, t9)))
    assert bad.status_code == 422
    # 400: old size above the checkpoint's; a malformed body.
    assert _post(witness, add_checkpoint_body(5, [], _note(log, _tree(4)))).status_code == 400
    assert _post(witness, b"old 05\n\n" + _note(log, t9)).status_code == 400
    assert _post(witness, b"nonsense").status_code == 400
    # 404: an origin the witness does not follow; 403: not signed by the log's key.
    assert (
        _post(witness, add_checkpoint_body(0, [], _note(log, t5, "other.test/log"))).status_code
        == 404
    )
    other_key = Ed25519PrivateKey.generate()
    impostor = Ed25519NoteSigner(ORIGIN, other_key.public_key().public_bytes_raw(), other_key.sign)
    assert (
        _post(
            witness, add_checkpoint_body(5, t9.prove_consistency(5, 9), _note(impostor, t9))
        ).status_code
        == 403
    )
    # 409 on the same size with another root: a fork at the cosigned size.
    assert (
        _post(witness, add_checkpoint_body(5, [], _note(log, _tree(5, "forked ")))).status_code
        == 409
    )
    # Nothing above moved the record: the consistent extension is cosigned.
    ok = _post(witness, add_checkpoint_body(5, t9.prove_consistency(5, 9), _note(log, t9)))
    assert ok.status_code == 200, ok.text
    # A rollback to the earlier size is a 409 naming 9.
    back = _post(witness, add_checkpoint_body(5, [], _note(log, t5)))
    assert (back.status_code, back.content) == (409, b"9\n")
    # The same checkpoint again is cosigned again (a log retrying after a lost answer).
    assert _post(witness, add_checkpoint_body(9, [], _note(log, t9))).status_code == 200


def test_get_is_not_add_checkpoint(witness: Witness) -> None:
    transport = httpx.ASGITransport(app=create_witness_app(witness))  # type: ignore[arg-type]

    async def go() -> tuple[int, int, str]:
        async with httpx.AsyncClient(transport=transport, base_url="http://w") as client:
            a = await client.get("/add-checkpoint")
            b = await client.get("/")
            return a.status_code, b.status_code, b.text

    method, about, text = run_apart(go)
    assert method == 405 and about == 200
    assert witness.keys.vkeys()[0] in text and ORIGIN in text


def test_a_witness_with_an_mldsa_key_answers_two_cosignatures(
    tmp_path: Path, log: Ed25519NoteSigner
) -> None:
    need(mldsa_available(), "the installed cryptography provides no ML-DSA-44")
    keys = create_keys(tmp_path / "pq", "witness.test/pq", mldsa=True)
    store = WitnessStore(tmp_path / "pq")
    store.add_log(ORIGIN, log.verifier.vkey())
    witness = Witness(keys, store, lambda: 42)
    note = _note(log, _tree(3))
    answer = _post(witness, add_checkpoint_body(0, [], note))
    assert answer.status_code == 200
    assert answer.text.count("\n") == 2
    verifiers = [c.verifier for c in keys.cosigners]
    assert [v.algorithm for v in verifiers] == [0x04, 0x06]
    assert cosignatures(note + answer.content, verifiers) == {v: 42 for v in verifiers}
    with pytest.raises(ConflictError, match="never replaced"):
        create_keys(tmp_path / "pq", "witness.test/pq", mldsa=True)


def test_concurrent_submissions_never_roll_the_record_back(
    witness: Witness, log: Ed25519NoteSigner
) -> None:
    """tlog-witness's race: checking the old size and storing the new one are atomic, so
    the record ends at the largest size cosigned, whatever the interleaving."""
    import random
    import threading

    from registry.witness.service import Refusal

    tree = _tree(40)
    cosigned: list[int] = []
    sizes = list(range(1, 41))
    random.Random(7).shuffle(sizes)

    def submit(size: int) -> None:
        old = 0
        for _ in range(50):
            proof = tree.prove_consistency(old, size) if 0 < old < size else []
            note = sign_note(Checkpoint(ORIGIN, size, tree.root(size)).to_text(), [log])
            try:
                witness.add_checkpoint(add_checkpoint_body(old, proof, note))
            except Refusal as refusal:
                if refusal.status == 409 and refusal.body is not None:
                    old = int(refusal.body)
                    if old > size:
                        return
                    continue
                if refusal.status == 400:  # old size above this size: overtaken
                    return
                raise
            cosigned.append(size)
            return

    threads = [threading.Thread(target=submit, args=(s,)) for s in sizes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert 40 in cosigned
    with witness.store.locked() as tx:
        latest = tx.latest(ORIGIN)
    assert latest is not None and latest.size == max(cosigned) == 40
    assert latest.root_hash == tree.root(40)
