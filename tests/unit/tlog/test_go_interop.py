"""Go's own sumdb/note and sumdb/tlog agree with this package, byte for byte.

A small Go program (GOPATH mode, offline) built against golang.org/x/mod opens our
signed checkpoints, checks our inclusion and consistency proofs, recomputes roots, proofs
and tiles from the same entries, and parses our tile paths. It needs Debian's
``golang-go`` and ``golang-golang-x-mod-dev``; without them the test is skipped, unless
REGISTRY_TEST_STRICT=1 makes their absence a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from registry.tlog import (
    Checkpoint,
    Ed25519NoteSigner,
    Hash,
    MemoryTree,
    ProofError,
    Tile,
    hash_tile,
    sign_note,
    tiles_for_size,
    verify_consistency,
    verify_inclusion,
)
from registry.tlog.encoding import b64encode

DEBIAN_GOPATH = "/usr/share/gocode"  # where golang-golang-x-mod-dev installs its sources
ORIGIN = "registry.example/log/go1"
SIZE = 70_000  # enough for a full level-1 tile and a level-2 tile
OLD_SIZE = 1_234

GO_PROGRAM = r"""
package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type inclusion struct {
	Index int64    `json:"index"`
	Size  int64    `json:"size"`
	Leaf  string   `json:"leaf"`
	Proof []string `json:"proof"`
	Root  string   `json:"root"`
}

type consistency struct {
	First      int64    `json:"first"`
	Second     int64    `json:"second"`
	FirstRoot  string   `json:"first_root"`
	SecondRoot string   `json:"second_root"`
	Proof      []string `json:"proof"`
}

type tile struct {
	Level int   `json:"level"`
	Index int64 `json:"index"`
	Width int   `json:"width"`
}

type input struct {
	VKey        string        `json:"vkey"`
	Notes       []string      `json:"notes"`
	Entries     int64         `json:"entries"`
	Inclusion   []inclusion   `json:"inclusion"`
	Consistency []consistency `json:"consistency"`
	Sizes       []int64       `json:"sizes"`
	Tiles       []tile        `json:"tiles"`
	TilePaths   []string      `json:"tile_paths"`
}

type noteResult struct {
	Error   string   `json:"error"`
	Text    string   `json:"text"`
	Signers []string `json:"signers"`
	Origin  string   `json:"origin"`
	Size    int64    `json:"size"`
	Root    string   `json:"root"`
}

type output struct {
	Notes             []noteResult      `json:"notes"`
	Inclusion         []string          `json:"inclusion"`
	Consistency       []string          `json:"consistency"`
	Roots             map[string]string `json:"roots"`
	InclusionProofs   [][]string        `json:"inclusion_proofs"`
	ConsistencyProofs [][]string        `json:"consistency_proofs"`
	TileData          []string          `json:"tile_data"`
	TilePaths         []string          `json:"tile_paths"`
	ParsedPaths       []string          `json:"parsed_paths"`
}

func hash(s string) tlog.Hash {
	h, err := tlog.ParseHash(s)
	if err != nil {
		panic(err)
	}
	return h
}

func hashes(list []string) []tlog.Hash {
	out := []tlog.Hash{}
	for _, s := range list {
		out = append(out, hash(s))
	}
	return out
}

func b64(list []tlog.Hash) []string {
	out := []string{}
	for _, h := range list {
		out = append(out, base64.StdEncoding.EncodeToString(h[:]))
	}
	return out
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func main() {
	var in input
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		panic(err)
	}
	out := output{Roots: map[string]string{}}

	verifier, err := note.NewVerifier(in.VKey)
	if err != nil {
		panic(err)
	}
	for _, msg := range in.Notes {
		var r noteResult
		n, err := note.Open([]byte(msg), note.VerifierList(verifier))
		if err != nil {
			r.Error = err.Error()
		} else {
			r.Text = n.Text
			for _, s := range n.Sigs {
				r.Signers = append(r.Signers, fmt.Sprintf("%s+%08x", s.Name, s.Hash))
			}
			lines := strings.Split(n.Text, "\n")
			r.Origin = lines[0]
			r.Size, err = strconv.ParseInt(lines[1], 10, 64)
			if err != nil {
				panic(err)
			}
			root := hash(lines[2])
			r.Root = base64.StdEncoding.EncodeToString(root[:])
		}
		out.Notes = append(out.Notes, r)
	}

	var stored []tlog.Hash
	reader := tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		list := make([]tlog.Hash, len(indexes))
		for i, x := range indexes {
			if x >= int64(len(stored)) {
				return nil, fmt.Errorf("no stored hash %d", x)
			}
			list[i] = stored[x]
		}
		return list, nil
	})
	for i := int64(0); i < in.Entries; i++ {
		more, err := tlog.StoredHashes(i, []byte(fmt.Sprintf("go interop entry %d", i)), reader)
		if err != nil {
			panic(err)
		}
		stored = append(stored, more...)
	}

	for _, c := range in.Inclusion {
		err := tlog.CheckRecord(hashes(c.Proof), c.Size, hash(c.Root), c.Index, hash(c.Leaf))
		out.Inclusion = append(out.Inclusion, errString(err))
		p, err := tlog.ProveRecord(c.Size, c.Index, reader)
		if err != nil {
			panic(err)
		}
		out.InclusionProofs = append(out.InclusionProofs, b64(p))
	}
	for _, c := range in.Consistency {
		err := tlog.CheckTree(hashes(c.Proof), c.Second, hash(c.SecondRoot), c.First, hash(c.FirstRoot))
		out.Consistency = append(out.Consistency, errString(err))
		p, err := tlog.ProveTree(c.Second, c.First, reader)
		if err != nil {
			panic(err)
		}
		out.ConsistencyProofs = append(out.ConsistencyProofs, b64(p))
	}
	for _, n := range in.Sizes {
		h, err := tlog.TreeHash(n, reader)
		if err != nil {
			panic(err)
		}
		out.Roots[strconv.FormatInt(n, 10)] = base64.StdEncoding.EncodeToString(h[:])
	}
	for _, t := range in.Tiles {
		gt := tlog.Tile{H: 8, L: t.Level, N: t.Index, W: t.Width}
		data, err := tlog.ReadTileData(gt, reader)
		if err != nil {
			panic(err)
		}
		out.TileData = append(out.TileData, base64.StdEncoding.EncodeToString(data))
		out.TilePaths = append(out.TilePaths, "tile/"+strings.TrimPrefix(gt.Path(), "tile/8/"))
	}
	for _, p := range in.TilePaths {
		t, err := tlog.ParseTilePath("tile/8/" + strings.TrimPrefix(p, "tile/"))
		if err != nil {
			out.ParsedPaths = append(out.ParsedPaths, "error")
		} else {
			out.ParsedPaths = append(out.ParsedPaths, fmt.Sprintf("%d/%d/%d", t.L, t.N, t.W))
		}
	}

	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		panic(err)
	}
}
"""


def _go_env(tmp: Path) -> dict[str, str] | str:
    """The environment for an offline GOPATH build, or the reason it cannot run."""
    go = shutil.which("go")
    if go is None:
        return "the go toolchain is not installed (apt-get install golang-go)"
    gopath = [str(tmp / "gopath"), *filter(None, os.environ.get("GOPATH", "").split(":"))]
    gopath.append(DEBIAN_GOPATH)
    if not any(Path(p, "src/golang.org/x/mod/sumdb/tlog").is_dir() for p in gopath):
        return "golang.org/x/mod is not installed (apt-get install golang-golang-x-mod-dev)"
    env = {**os.environ, "GO111MODULE": "off", "GOPATH": ":".join(gopath), "GOPROXY": "off"}
    env.pop("GOFLAGS", None)
    if not any(k in env for k in ("GOCACHE", "XDG_CACHE_HOME", "HOME")):
        env["GOCACHE"] = str(tmp / "gocache")
    return env


@pytest.fixture(scope="module")
def go_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    env = _go_env(tmp_path_factory.mktemp("go"))
    if isinstance(env, str):
        if os.environ.get("REGISTRY_TEST_STRICT") == "1":
            pytest.fail(f"REGISTRY_TEST_STRICT=1 but {env}")
        pytest.skip(env)
    return env


def _run_go(env: dict[str, str], tmp: Path, request: dict[str, Any]) -> dict[str, Any]:
    source = tmp / "interop" / "main.go"
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_text(GO_PROGRAM)
    done = subprocess.run(
        ["go", "run", str(source)],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        env=env,
        cwd=source.parent,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _b64(hashes: list[Hash]) -> list[str]:
    return [b64encode(h) for h in hashes]


@pytest.fixture(scope="module")
def tree() -> MemoryTree:
    return MemoryTree(f"go interop entry {i}".encode() for i in range(SIZE))


def test_go_agrees(go_env: dict[str, str], tree: MemoryTree, tmp_path: Path) -> None:
    private = Ed25519PrivateKey.generate()
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    signer = Ed25519NoteSigner(ORIGIN, public, private.sign)
    notes = [
        sign_note(Checkpoint(ORIGIN, size, tree.root(size)).to_text(), [signer]).decode()
        for size in (OLD_SIZE, SIZE)
    ]
    tampered = notes[1].replace(f"\n{SIZE}\n", f"\n{SIZE + 1}\n")

    inclusion_cases = [
        (0, 1),
        (5, 8),
        (1000, OLD_SIZE),
        (0, SIZE),
        (SIZE - 1, SIZE),
        (65_537, SIZE),
    ]
    inclusion = []
    for index, size in inclusion_cases:
        proof = tree.prove(index, size)
        verify_inclusion(tree.leaf(index), index, size, proof, tree.root(size))
        inclusion.append(
            {
                "index": index,
                "size": size,
                "leaf": b64encode(tree.leaf(index)),
                "proof": _b64(proof),
                "root": b64encode(tree.root(size)),
            }
        )
    bad_inclusion = dict(inclusion[-1], index=65_538)
    with pytest.raises(ProofError):
        verify_inclusion(
            tree.leaf(65_537),
            65_538,
            SIZE,
            tree.prove(65_537, SIZE),
            tree.root(),
        )

    consistency_cases = [(1, 2), (6, 8), (OLD_SIZE, SIZE), (65_536, SIZE), (SIZE, SIZE), (3, 70)]
    consistency = []
    for first, second in consistency_cases:
        proof = tree.prove_consistency(first, second)
        verify_consistency(first, second, tree.root(first), tree.root(second), proof)
        consistency.append(
            {
                "first": first,
                "second": second,
                "first_root": b64encode(tree.root(first)),
                "second_root": b64encode(tree.root(second)),
                "proof": _b64(proof),
            }
        )
    bad_consistency = dict(consistency[2], first_root=consistency[1]["first_root"])

    tiles = [t for t in tiles_for_size(SIZE) if t.level != 0 or t.index in (0, 1, 273)]
    paths = [t.path for t in tiles] + ["tile/0/x001/x234/067.p/9", "tile/0/x000/001"]

    result = _run_go(
        go_env,
        tmp_path,
        {
            "vkey": signer.verifier.vkey(),
            "notes": [*notes, tampered],
            "entries": SIZE,
            "inclusion": [*inclusion, bad_inclusion],
            "consistency": [*consistency, bad_consistency],
            "sizes": [1, 2, 3, 255, 256, 257, OLD_SIZE, 65_536, SIZE],
            "tiles": [{"level": t.level, "index": t.index, "width": t.width} for t in tiles],
            "tile_paths": paths,
        },
    )

    kid = f"{ORIGIN}+{signer.key_id.hex()}"
    for size, got in zip((OLD_SIZE, SIZE), result["notes"][:2], strict=True):
        assert got["error"] == ""
        assert got["signers"] == [kid]
        assert (got["origin"], got["size"], got["root"]) == (
            ORIGIN,
            size,
            b64encode(tree.root(size)),
        )
    assert "invalid signature" in result["notes"][2]["error"]

    assert result["inclusion"][:-1] == [""] * len(inclusion)
    assert result["inclusion"][-1] != ""
    assert result["inclusion_proofs"][:-1] == [c["proof"] for c in inclusion]
    assert result["consistency"][:-1] == [""] * len(consistency)
    assert result["consistency"][-1] != ""
    assert result["consistency_proofs"][:-1] == [c["proof"] for c in consistency]
    for size, got_root in result["roots"].items():
        assert got_root == b64encode(tree.root(int(size)))

    assert result["tile_paths"] == [t.path for t in tiles]
    for tile, data in zip(tiles, result["tile_data"], strict=True):
        assert data == b64encode(hash_tile(int(tile.level), tile.index, tile.width, tree.store))
    assert result["parsed_paths"] == [
        *(f"{t.level}/{t.index}/{t.width}" for t in tiles),
        "0/1234067/9",
        "error",
    ]
    assert Tile(0, 1234067, 9).path == "tile/0/x001/x234/067.p/9"
