"""An independent check of cosignatures: Go's ``golang.org/x/mod/sumdb/note`` opens the
served checkpoints with a ``note.Verifier`` for key type 0x04 written here from the text
of C2SP tlog-cosignature v1.0.1, sharing no code with the registry's Python."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

GO_COSIGNATURE = r"""
package main

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

// cosigV1 verifies "cosignature/v1" Ed25519 cosignatures (tlog-cosignature, key type 0x04).
type cosigV1 struct {
	name string
	hash uint32
	key  ed25519.PublicKey
}

func (v cosigV1) Name() string    { return v.name }
func (v cosigV1) KeyHash() uint32 { return v.hash }

// Verify: the signature is a 72-byte timestamped_signature (u64 big-endian timestamp,
// 64-byte Ed25519 signature) over "cosignature/v1\n" "time <t>\n" and the note text.
func (v cosigV1) Verify(msg, sig []byte) bool {
	if len(sig) != 72 {
		return false
	}
	t := binary.BigEndian.Uint64(sig[:8])
	if t > math.MaxInt64 {
		return false
	}
	signed := fmt.Sprintf("cosignature/v1\ntime %d\n", t) + string(msg)
	return ed25519.Verify(v.key, []byte(signed), sig[8:])
}

func newCosigV1(vkey string) cosigV1 {
	parts := strings.SplitN(vkey, "+", 3)
	if len(parts) != 3 {
		panic("bad vkey")
	}
	raw, err := base64.StdEncoding.DecodeString(parts[2])
	if err != nil || len(raw) != 33 || raw[0] != 0x04 {
		panic("not a 0x04 Ed25519 cosignature key")
	}
	h := sha256.Sum256(append([]byte(parts[0]+"\n"), raw...))
	id, err := hex.DecodeString(parts[1])
	if err != nil || string(id) != string(h[:4]) {
		panic("key id does not match")
	}
	return cosigV1{parts[0], binary.BigEndian.Uint32(h[:4]), ed25519.PublicKey(raw[1:])}
}

type input struct {
	LogVKey   string   `json:"log_vkey"`
	Witnesses []string `json:"witnesses"`
	Notes     []string `json:"notes"`
}

type result struct {
	Error   string   `json:"error"`
	Signers []string `json:"signers"`
}

func main() {
	var in input
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		panic(err)
	}
	logV, err := note.NewVerifier(in.LogVKey)
	if err != nil {
		panic(err)
	}
	verifiers := []note.Verifier{logV}
	for _, w := range in.Witnesses {
		verifiers = append(verifiers, newCosigV1(w))
	}
	out := []result{}
	for _, msg := range in.Notes {
		var r result
		n, err := note.Open([]byte(msg), note.VerifierList(verifiers...))
		if err != nil {
			r.Error = err.Error()
		} else {
			for _, s := range n.Sigs {
				r.Signers = append(r.Signers, s.Name)
			}
		}
		out = append(out, r)
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		panic(err)
	}
}
"""


def open_with_go(
    env: dict[str, str], tmp: Path, log_vkey: str, witnesses: list[str], notes: list[str]
) -> list[dict[str, Any]]:
    source = tmp / "cosig" / "main.go"
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_text(GO_COSIGNATURE)
    done = subprocess.run(
        ["go", "run", str(source)],
        input=json.dumps({"log_vkey": log_vkey, "witnesses": witnesses, "notes": notes}),
        capture_output=True,
        text=True,
        env=env,
        cwd=source.parent,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: list[dict[str, Any]] = json.loads(done.stdout)
    return result
