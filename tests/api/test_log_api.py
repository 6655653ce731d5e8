"""The transparency log as the public sees it over HTTP, on SQLite and PostgreSQL.

Every registry event is one entry; checkpoints, proofs, tiles and a certificate's proof
bundle check out with this project's own verifiers (``registry.tlog``) and with ones it
did not write: pymerkle for roots and inclusion paths, Go's sumdb/note and sumdb/tlog
for the signed checkpoint and the proofs exactly as served.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
import rfc8785
from litestar.testing import TestClient
from pymerkle import InmemoryTree

from registry.bootstrap import Services
from registry.domain.codes import check_char
from registry.tlog import (
    Checkpoint,
    Hash,
    LeafHash,
    MemoryTree,
    NoteVerifier,
    ProofBundle,
    TileHashStore,
    hash_tile,
    leaf_hash,
    open_note,
    parse_entry_bundle,
    parse_verifier_key,
    root_from_leaves,
    tiles_for_size,
    verify_consistency,
    verify_inclusion,
    verify_proof_bundle,
)
from registry.tlog.encoding import b64encode
from registry.transparency import events
from tests.support.env import FakeClock
from tests.support.go import go_env, run_go
from tests.support.world import World

B64_HASH = re.compile(r"[A-Za-z0-9+/]{43}=")
OTHER_SHOP = {"legal_name": "Boeken B.V.", "registration_number": "87654321"}
TRIAL_SCHEME = {
    "slug": "proef",
    "name_nl": "Proef",
    "name_en": "Trial",
    "owner": "Stichting Proef",
    "audited_by_nl": "Instellingen",
    "audited_by_en": "Bodies",
}
TRIAL_CRITERION = {
    "code": "P-1",
    "title_nl": "Proef",
    "title_en": "Trial",
    "checked_nl": "Iets.",
    "checked_en": "Something.",
    "method": "document_review",
    "dimension": "integrity",
}
PEOPLE = ("Sam Staff", "Anna Admin", "Bert Admin", "Carla Auditor", "Dirk Auditor")


# --- reading the log as an outsider ------------------------------------------------------


def problem(response: Any, *statuses: int) -> dict[str, Any]:
    """An RFC 9457 problem with one of ``statuses``, never a 500."""
    assert response.status_code in statuses, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    body: dict[str, Any] = response.json()
    assert body["status"] == response.status_code and body["detail"], body
    return body


def verifier(client: TestClient[Any]) -> NoteVerifier:
    response = client.get("/log/vkey")
    assert response.status_code == 200 and response.text.endswith("\n")
    return parse_verifier_key(response.text.removesuffix("\n"))


def checkpoint(client: TestClient[Any]) -> tuple[Checkpoint, str]:
    """The served checkpoint, its signature checked against the served verifier key."""
    response = client.get("/log/checkpoint")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    key = verifier(client)
    opened = open_note(response.content, [key])
    assert opened.signers == (key.name,)
    parsed = Checkpoint.parse(opened.text)
    assert parsed.origin == key.name and parsed.extensions == ()
    return parsed, response.text


def entries(client: TestClient[Any]) -> list[bytes]:
    """Every entry of the signed log, checked against its listed index and leaf hash."""
    response = client.get("/api/v1/log/entries", params={"start": 0, "end": 1000})
    assert response.status_code == 200, response.text
    page = response.json()
    assert page["next"] is None
    out: list[bytes] = []
    for i, item in enumerate(page["items"]):
        assert set(item) == {"index", "leaf_hash", "entry"} and item["index"] == i
        data = item["entry"].encode()
        assert B64_HASH.fullmatch(item["leaf_hash"]), item
        assert base64.b64decode(item["leaf_hash"]) == hashlib.sha256(b"\x00" + data).digest()
        out.append(data)
    return out


def leaves(data: list[bytes]) -> list[LeafHash]:
    return [leaf_hash(e) for e in data]


def hashes(items: list[str]) -> list[Hash]:
    for item in items:
        assert B64_HASH.fullmatch(item), item
    return [Hash(base64.b64decode(h)) for h in items]


def inclusion(client: TestClient[Any], index: int, size: int) -> dict[str, Any]:
    response = client.get("/api/v1/log/proof/inclusion", params={"index": index, "tree_size": size})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"index", "tree_size", "leaf_hash", "hashes", "checkpoint"}
    assert (body["index"], body["tree_size"]) == (index, size)
    return body


def consistency(client: TestClient[Any], first: int, second: int) -> dict[str, Any]:
    response = client.get(
        "/api/v1/log/proof/consistency", params={"first": first, "second": second}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"first", "second", "hashes", "checkpoint"}
    assert (body["first"], body["second"]) == (first, second)
    return body


def parsed(entry: bytes) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(entry)
    return document


def busy(world: World) -> str:
    """A certificate suspended, reinstated and withdrawn: its code."""
    code = world.certify()
    for action, token, reason in (
        ("suspend", world.admin, "complaints not handled"),
        ("reinstate", world.admin2, "complaints resolved"),
        ("withdraw", world.admin, "fraud established"),
    ):
        response = world.post(f"/api/v1/certificates/{code}/{action}", token, {"reason": reason})
        assert response.status_code == 200, response.text
    return code


# --- every event is an entry -------------------------------------------------------------


def test_every_registry_event_is_one_canonical_entry(world: World) -> None:
    code = busy(world)
    client = world.client
    log = entries(client)
    documents = [parsed(e) for e in log]

    for entry, document in zip(log, documents, strict=True):
        assert rfc8785.dumps(json.loads(entry)) == entry
        assert document["v"] == 1
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", document["time"])
        assert set(document) <= {"v", "type", "time", "reason", "data"}

    types = [d["type"] for d in documents]
    assert sorted(d["data"]["role"] for d in documents if d["type"] == "key.added") == [
        "credential",
        "log",
    ]
    (scheme,) = [d for d in documents if d["type"] == "scheme.published"]
    assert (scheme["data"]["scheme"], scheme["data"]["version"]) == ("webwinkel", 1)
    (body,) = [d for d in documents if d["type"] == "body.accredited"]
    assert body["data"]["body"] == "keurcontrole" and body["data"]["schemes"] == ["webwinkel"]
    assert types[-4:] == [
        "certificate.issued",
        "certificate.suspended",
        "certificate.reinstated",
        "certificate.withdrawn",
    ]
    issued, suspended, reinstated, withdrawn = documents[-4:]
    credential = client.get(f"/api/v1/certificates/{code}/credential").text
    assert issued["data"]["code"] == code and issued["data"]["credential"] == credential
    assert [d["reason"] for d in (suspended, reinstated, withdrawn)] == [
        "complaints not handled",
        "complaints resolved",
        "fraud established",
    ]
    assert all(d["data"]["code"] == code for d in documents[-4:])

    history = client.get(f"/api/v1/certificates/{code}").json()["history"]
    assert [h["log_index"] for h in history] == list(range(len(log) - 4, len(log)))
    for item in history:
        document = documents[item["log_index"]]
        assert document["type"] == f"certificate.{item['type']}"
        assert document["time"] == item["at"]
        assert document.get("reason", "") == item["reason"]

    # The log is forever, so it names nobody: not in an entry, not in a credential inside one.
    payload = credential.split(".")[1]
    claims = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()
    for text in [e.decode() for e in log] + [claims]:
        for name in PEOPLE:
            assert name not in text


def test_a_change_whose_entry_cannot_be_appended_does_not_happen(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = world.certify()
    client = world.client
    before, note = checkpoint(client)
    history = client.get(f"/api/v1/certificates/{code}").json()["history"]

    monkeypatch.setattr("registry.transparency.journal.MAX_ENTRY_BYTES", 64)
    refused = world.post(f"/api/v1/certificates/{code}/suspend", world.admin, {"reason": "late"})
    assert "64" in problem(refused, 400)["detail"]

    public = client.get(f"/api/v1/certificates/{code}").json()
    assert (public["status"], public["history"]) == ("valid", history)
    assert client.get("/log/checkpoint").text == note
    assert len(entries(client)) == before.size

    monkeypatch.undo()
    accepted = world.post(f"/api/v1/certificates/{code}/suspend", world.admin, {"reason": "late"})
    assert accepted.status_code == 200, accepted.text
    log = entries(client)
    assert len(log) == before.size + 1 and parsed(log[-1])["type"] == "certificate.suspended"
    assert accepted.json()["history"][-1]["log_index"] == before.size


# --- checkpoints -------------------------------------------------------------------------


def test_a_checkpoint_is_signed_after_every_write_and_extends_the_last(
    world: World, service: Services, staff_token: str
) -> None:
    client = world.client
    head, _ = checkpoint(client)
    log = entries(client)
    assert head.size == len(log) and head.root_hash == root_from_leaves(leaves(log))
    assert re.fullmatch(r"registry\.test/log/[0-9a-f]{4}", head.origin)
    certificate: dict[str, str] = {}

    def certify() -> None:
        certificate["code"] = world.certify()

    def status(action: str) -> Any:
        return lambda: world.post(
            f"/api/v1/certificates/{certificate['code']}/{action}",
            world.admin,
            {"reason": "why not"},
        )

    steps: list[tuple[Any, list[str]]] = [
        # An assessment, or a scheme with no published version yet, is no registry event.
        (lambda: world.post("/api/v1/assessments", world.auditor, world.assessment()), []),
        (certify, ["certificate.issued"]),
        (status("suspend"), ["certificate.suspended"]),
        (status("reinstate"), ["certificate.reinstated"]),
        (lambda: world.post("/api/v1/schemes", staff_token, TRIAL_SCHEME), []),
        (
            lambda: world.post(
                "/api/v1/schemes/proef/versions", staff_token, {"criteria": [TRIAL_CRITERION]}
            ),
            ["scheme.published"],
        ),
        (service.transparency.rotate_keys, ["key.retired", "key.added"]),  # one write, two entries
        (status("withdraw"), ["certificate.withdrawn"]),
    ]
    for action, expected in steps:
        result = action()
        if hasattr(result, "status_code"):
            assert result.status_code in (200, 201), result.text
        new, _ = checkpoint(client)
        log = entries(client)
        assert new.size == head.size + len(expected) == len(log)
        assert [parsed(e)["type"] for e in log[head.size :]] == expected
        assert new.root_hash == root_from_leaves(leaves(log))
        proof = consistency(client, head.size, new.size)
        verify_consistency(
            head.size, new.size, head.root_hash, new.root_hash, hashes(proof["hashes"])
        )
        head = new


# --- proofs ------------------------------------------------------------------------------


def test_inclusion_and_consistency_proofs_verify_at_every_size(world: World) -> None:
    busy(world)
    world.certify(organisation=OTHER_SHOP, domains=["boeken.example"])
    client = world.client
    head, note = checkpoint(client)
    log = entries(client)
    tree = leaves(log)
    size = head.size
    assert size == len(log) == 9
    roots = {n: root_from_leaves(tree[:n]) for n in range(1, size + 1)}
    assert roots[size] == head.root_hash

    for index in range(size):
        for n in sorted({index + 1, (index + 1 + size) // 2, size}):
            body = inclusion(client, index, n)
            assert body["checkpoint"] == note
            assert B64_HASH.fullmatch(body["leaf_hash"])
            assert base64.b64decode(body["leaf_hash"]) == tree[index]
            verify_inclusion(tree[index], index, n, hashes(body["hashes"]), roots[n])

    for first in range(1, size + 1):
        for second in range(first, size + 1):
            body = consistency(client, first, second)
            assert body["checkpoint"] == note
            verify_consistency(first, second, roots[first], roots[second], hashes(body["hashes"]))


def test_bad_proof_and_entry_parameters_are_problems(world: World) -> None:
    client = world.client
    size = checkpoint(client)[0].size
    huge = str(2**70)
    cases: list[tuple[str, dict[str, Any], tuple[int, ...]]] = [
        ("inclusion", {"index": size, "tree_size": size}, (400,)),
        ("inclusion", {"index": 3, "tree_size": 3}, (400,)),
        ("inclusion", {"index": 0, "tree_size": 0}, (400,)),
        ("inclusion", {"index": 0, "tree_size": size + 1}, (400, 404)),
        ("inclusion", {"index": 0, "tree_size": huge}, (400, 404)),
        ("inclusion", {"index": huge, "tree_size": size}, (400,)),
        ("inclusion", {"index": "one", "tree_size": size}, (400,)),
        ("inclusion", {"index": "1.5", "tree_size": size}, (400,)),
        ("inclusion", {"index": -1, "tree_size": size}, (400,)),
        ("inclusion", {"index": 0, "tree_size": -1}, (400,)),
        ("inclusion", {"tree_size": size}, (400,)),
        ("inclusion", {"index": 0}, (400,)),
        ("consistency", {"first": 3, "second": 2}, (400,)),
        ("consistency", {"first": 0, "second": 2}, (400,)),
        ("consistency", {"first": 1, "second": size + 1}, (400, 404)),
        ("consistency", {"first": size + 1, "second": size + 1}, (400, 404)),
        ("consistency", {"first": 1, "second": huge}, (400, 404)),
        ("consistency", {"first": "x", "second": 2}, (400,)),
        ("consistency", {"first": -1, "second": 2}, (400,)),
        ("consistency", {"first": 1, "second": -2}, (400,)),
        ("consistency", {"first": 1}, (400,)),
    ]
    for kind, params, statuses in cases:
        problem(client.get(f"/api/v1/log/proof/{kind}", params=params), *statuses)

    for params, statuses in [
        ({"start": 2, "end": 2}, (400,)),
        ({"start": 3, "end": 1}, (400,)),
        ({"start": 0, "end": 1001}, (400,)),
        ({"start": 5, "end": 1006}, (400,)),
        ({"start": size, "end": size + 1}, (400, 404)),
        ({"start": huge, "end": huge + "1"}, (400, 404)),
        ({"start": -1, "end": 1}, (400,)),
        ({"start": "a", "end": 1}, (400,)),
        ({"start": 0}, (400,)),
    ]:
        problem(client.get("/api/v1/log/entries", params=params), *statuses)

    page = client.get("/api/v1/log/entries", params={"start": 1, "end": size + 50}).json()
    assert [i["index"] for i in page["items"]] == list(range(1, size))


# --- tiles -------------------------------------------------------------------------------


def test_tiles_and_entry_bundles_match_the_entries(
    world: World, service: Services, clock: FakeClock
) -> None:
    busy(world)
    client = world.client
    small = entries(client)
    size = len(small)
    tree = MemoryTree(small)

    partial = client.get(f"/log/tile/0/000.p/{size}")
    assert partial.status_code == 200 and partial.content == hash_tile(0, 0, size, tree.store)
    assert "immutable" not in partial.headers["cache-control"]
    bundle = client.get(f"/log/tile/entries/000.p/{size}")
    assert bundle.status_code == 200 and "immutable" not in bundle.headers["cache-control"]
    assert parse_entry_bundle(bundle.content, size) == small
    earlier = client.get("/log/tile/0/000.p/3")  # a smaller partial tile of an earlier head
    assert earlier.status_code == 200 and earlier.content == hash_tile(0, 0, 3, tree.store)

    problem(client.get("/log/tile/0/000"), 404)  # a full tile the tree does not have yet
    problem(client.get("/log/tile/entries/000"), 404)
    problem(client.get(f"/log/tile/0/000.p/{size + 1}"), 404)
    problem(client.get("/log/tile/1/000.p/1"), 404)
    for malformed in (
        "0/00",
        "0/0000",
        "00/000",
        "0/000.p/0",
        "0/000.p/256",
        "0/000.p/007",
        "0/000.p/",
        "0/x000/000",
        "64/000",
        "-1/000",
        "entries/000.p/abc",
        "tiles/000",
        "0",
        "",
    ):
        problem(client.get(f"/log/tile/{malformed}"), 400, 404)

    # Past one full tile: full tiles are immutable and the set checks against the root.
    with service.uow.db.write() as session:
        for i in range(300 - size):
            events.record(
                session, events.RegistryEvent(type="test.filler", at=clock.now, data={"n": i})
            )
    service.transparency.sign_checkpoint()
    head, _ = checkpoint(client)
    log = entries(client)
    assert head.size == len(log) == 300
    tree = MemoryTree(log)
    fetched = {}
    for tile in tiles_for_size(head.size):
        response = client.get(f"/log/{tile.path}")
        assert response.status_code == 200, tile.path
        assert response.content == hash_tile(int(tile.level), tile.index, tile.width, tree.store)
        assert ("immutable" in response.headers["cache-control"]) is not tile.is_partial
        fetched[tile] = response.content
    assert [t.path for t in fetched] == ["tile/0/000", "tile/0/001.p/44", "tile/1/000.p/1"]
    store = TileHashStore(head.size, head.root_hash, fetched)
    full = client.get("/log/tile/entries/000")
    assert "immutable" in full.headers["cache-control"]
    rest = client.get("/log/tile/entries/001.p/44")
    store.check_entries(0, parse_entry_bundle(full.content, 256) + parse_entry_bundle(rest.content))
    problem(client.get("/log/tile/0/001"), 404)


# --- a certificate's proof bundle --------------------------------------------------------


def test_certificate_proof_bundle_verifies_offline_and_follows_renewal(
    world: World, clock: FakeClock
) -> None:
    client = world.client
    code = world.certify()
    key = verifier(client)

    def bundle(expected: str) -> ProofBundle:
        response = client.get(f"/api/v1/certificates/{code}/proof")
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/plain")
        parsed_bundle = ProofBundle.parse(response.content)
        verified = verify_proof_bundle(parsed_bundle, [key])
        assert verified.checkpoint == checkpoint(client)[0]
        assert parsed_bundle.extra is not None
        document = parsed(parsed_bundle.extra)
        assert (document["type"], document["data"]["code"]) == (expected, code)
        credential = client.get(f"/api/v1/certificates/{code}/credential").text
        assert document["data"]["credential"] == credential
        history = client.get(f"/api/v1/certificates/{code}").json()["history"]
        (logged,) = [h for h in history if f"certificate.{h['type']}" == expected]
        assert parsed_bundle.index == logged["log_index"]
        assert entries(client)[parsed_bundle.index] == parsed_bundle.extra
        return parsed_bundle

    first = bundle("certificate.issued")
    suspended = world.post(f"/api/v1/certificates/{code}/suspend", world.admin, {"reason": "late"})
    assert suspended.status_code == 200
    later = bundle("certificate.issued")  # same entry, under a newer checkpoint
    assert later.index == first.index and later.checkpoint != first.checkpoint
    world.post(f"/api/v1/certificates/{code}/reinstate", world.admin, {"reason": "on time"})

    clock.advance(days=350)
    world.today = clock.now.date()
    assert world.certify(type="recertification", certificate=code) == code
    renewed = bundle("certificate.renewed")
    assert renewed.index > first.index
    verify_proof_bundle(first, [key])  # an old bundle stays valid offline

    unknown = f"TL-0000-0000-{check_char('00000000')}"
    problem(client.get(f"/api/v1/certificates/{unknown}/proof"), 404)
    problem(client.get("/api/v1/certificates/TL-0000-0000-Z/proof"), 400)


# --- independent verifiers ---------------------------------------------------------------


def test_pymerkle_agrees_with_the_served_log(world: World) -> None:
    busy(world)
    client = world.client
    head, _ = checkpoint(client)
    log = entries(client)
    theirs = InmemoryTree(algorithm="sha256")
    for entry in log:
        theirs.append_entry(entry)
    assert theirs.get_root(head.size) == head.root_hash
    for size in range(1, head.size + 1):
        assert theirs.get_root(size) == root_from_leaves(leaves(log[:size]))
    for index in sorted({0, 1, head.size // 2, head.size - 2, head.size - 1}):
        for size in (index + 1, head.size):
            path = theirs.prove_inclusion(index + 1, size).path
            assert path[0] == leaf_hash(log[index])
            assert path[1:] == hashes(inclusion(client, index, size)["hashes"])


@pytest.fixture(scope="module")
def go(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return go_env(tmp_path_factory.mktemp("go"))


def test_go_sumdb_verifies_what_is_served(go: dict[str, str], world: World, tmp_path: Path) -> None:
    busy(world)
    client = world.client
    head, note = checkpoint(client)
    vkey = client.get("/log/vkey").text.removesuffix("\n")
    log = entries(client)
    tree = leaves(log)
    size = head.size
    tampered = note.replace(f"\n{size}\n", f"\n{size - 1}\n")

    inclusion_cases = [(0, size), (size - 1, size), (size // 2, size), (2, 5)]
    served_inclusion = [
        {
            "index": index,
            "size": n,
            "leaf": b64encode(tree[index]),
            "proof": inclusion(client, index, n)["hashes"],
            "root": b64encode(root_from_leaves(tree[:n])),
        }
        for index, n in inclusion_cases
    ]
    consistency_cases = [(1, size), (size - 3, size), (5, size - 1), (size, size)]
    served_consistency = [
        {
            "first": first,
            "second": second,
            "first_root": b64encode(root_from_leaves(tree[:first])),
            "second_root": b64encode(root_from_leaves(tree[:second])),
            "proof": consistency(client, first, second)["hashes"],
        }
        for first, second in consistency_cases
    ]
    bad = dict(served_inclusion[0], index=1)
    result = run_go(
        go,
        tmp_path,
        {
            "vkey": vkey,
            "notes": [note, tampered],
            "entry_data": [b64encode(e) for e in log],
            "inclusion": [*served_inclusion, bad],
            "consistency": served_consistency,
            "sizes": list(range(1, size + 1)),
            "tiles": [{"level": 0, "index": 0, "width": size}],
            "tile_paths": [f"tile/0/000.p/{size}"],
        },
    )

    opened, forged = result["notes"]
    key = verifier(client)
    assert opened["error"] == "" and opened["signers"] == [f"{key.name}+{key.key_id.hex()}"]
    assert (opened["origin"], opened["size"]) == (head.origin, size)
    assert (opened["root"], opened["text"]) == (b64encode(head.root_hash), head.to_text())
    assert forged["error"] != ""
    assert result["inclusion"] == [""] * len(served_inclusion) + [result["inclusion"][-1]]
    assert result["inclusion"][-1] != ""
    assert result["inclusion_proofs"][: len(served_inclusion)] == [
        c["proof"] for c in served_inclusion
    ]
    assert result["consistency"] == [""] * len(served_consistency)
    assert result["consistency_proofs"] == [c["proof"] for c in served_consistency]
    assert result["roots"][str(size)] == b64encode(head.root_hash)
    for n in range(1, size + 1):
        assert result["roots"][str(n)] == b64encode(root_from_leaves(tree[:n]))
    assert result["tile_data"] == [b64encode(client.get(f"/log/tile/0/000.p/{size}").content)]
    assert result["tile_paths"] == [f"tile/0/000.p/{size}"]
