"""Go's own C2SP implementations, run from the tests: sumdb/note and sumdb/tlog.

A small Go program (GOPATH mode, offline) built against golang.org/x/mod reads one JSON
request on stdin and answers one JSON document: it opens signed notes with a verifier key,
checks inclusion and consistency proofs, and rebuilds a tree (from ``entries`` synthetic
entries ``go interop entry <i>``, or from the base64 ``entry_data`` given) to compute its
own roots, proofs and tiles and to parse tile paths. It needs Debian's ``golang-go`` and
``golang-golang-x-mod-dev``; without them a test that asks for Go is skipped, unless
REGISTRY_TEST_STRICT=1 makes their absence a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from tests.support.env import need

DEBIAN_GOPATH = "/usr/share/gocode"  # where golang-golang-x-mod-dev installs its sources

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
	EntryData   []string      `json:"entry_data"`
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
	entries := in.Entries
	if in.EntryData != nil {
		entries = int64(len(in.EntryData))
	}
	for i := int64(0); i < entries; i++ {
		data := []byte(fmt.Sprintf("go interop entry %d", i))
		if in.EntryData != nil {
			var err error
			data, err = base64.StdEncoding.DecodeString(in.EntryData[i])
			if err != nil {
				panic(err)
			}
		}
		more, err := tlog.StoredHashes(i, data, reader)
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


def go_env_or_reason(tmp: Path) -> dict[str, str] | str:
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


def go_env(tmp: Path) -> dict[str, str]:
    """The Go environment; skips the test without Go (fails it under strict mode)."""
    env = go_env_or_reason(tmp)
    if isinstance(env, str):
        need(False, env)
    assert isinstance(env, dict)
    return env


def run_go(env: dict[str, str], tmp: Path, request: dict[str, Any]) -> dict[str, Any]:
    """Run :data:`GO_PROGRAM` on ``request``; its JSON answer."""
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
