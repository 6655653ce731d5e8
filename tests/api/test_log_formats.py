"""The log as generic clients read it: media types Go's ``mime.ParseMediaType`` accepts,
the origin as the C2SP tlog-tiles URL prefix, gzip-encoded entry bundles, CORS and HEAD
on every public read."""

from __future__ import annotations

import gzip
import json
import subprocess
from pathlib import Path
from typing import Any

from litestar.testing import TestClient

from registry.logcheck.tilecheck import check_entries
from registry.tlog import Checkpoint, Hash, open_note, parse_verifier_key
from tests.support.go import go_env
from tests.support.world import World

GO_MIME = r"""
package main

import (
	"encoding/json"
	"mime"
	"os"
)

func main() {
	var types []string
	if err := json.NewDecoder(os.Stdin).Decode(&types); err != nil {
		panic(err)
	}
	out := map[string]string{}
	for _, t := range types {
		media, params, err := mime.ParseMediaType(t)
		if err != nil {
			out[t] = "error: " + err.Error()
		} else {
			out[t] = media + " " + params["charset"]
		}
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		panic(err)
	}
}
"""


def _public_paths(world: World) -> list[str]:
    code = world.certify()
    world.certify(
        organisation={
            "legal_name": "Boeken B.V.",
            "country": "NL",
            "registration_number": "87654321",
        },
        domains=["boeken.example"],
    )
    origin = world.client.get("/log/vkey").text.split("+", 1)[0]
    prefix = "/" + origin.split("/", 1)[1]
    return [
        "/log/checkpoint",
        "/log/vkey",
        f"{prefix}/checkpoint",
        "/log/tile/0/000.p/3",
        f"{prefix}/tile/0/000.p/3",
        "/log/tile/entries/000.p/3",
        f"{prefix}/tile/entries/000.p/3",
        "/api/v1/log/entries?start=0&end=2",
        "/api/v1/log/proof/inclusion?index=0&tree_size=2",
        "/api/v1/log/proof/consistency?first=1&second=2",
        f"/api/v1/certificates/{code}",
        f"/api/v1/certificates/{code}/credential",
        f"/api/v1/certificates/{code}/proof",
        "/.well-known/jwks.json",
        "/.well-known/jwt-vc-issuer",
        "/jwks/usable.json",
        "/ns/v1",
        "/status/1/revocation",
        "/status/1/suspension",
        "/healthz",
        "/livez",
    ]


def test_go_parses_every_media_type_and_reads_are_cors_and_head(
    world: World, tmp_path: Path
) -> None:
    env = go_env(tmp_path)
    types: dict[str, str] = {}
    for path in _public_paths(world):
        response = world.client.get(path, headers={"origin": "https://verifier.example"})
        assert response.status_code == 200, (path, response.text)
        assert response.headers["access-control-allow-origin"] == "*", path
        assert "access-control-allow-credentials" not in response.headers, path
        assert response.headers["content-type"].count("charset") <= 1, path
        types[path] = response.headers["content-type"]
        head = world.client.head(path)
        assert head.status_code == 200 and head.content == b"", path
        assert head.headers["content-type"] == types[path], path
        assert head.headers["access-control-allow-origin"] == "*", path
    source = tmp_path / "mime.go"
    source.write_text(GO_MIME, encoding="utf-8")
    done = subprocess.run(
        ["go", "run", str(source)],
        input=json.dumps(sorted(set(types.values()))).encode(),
        capture_output=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
        check=True,
    )
    parsed = json.loads(done.stdout)
    assert not [t for t, result in parsed.items() if result.startswith("error")], parsed
    assert parsed[types["/log/checkpoint"]] == "text/plain utf-8"
    assert types["/.well-known/jwks.json"].startswith("application/jwk-set+json")
    assert types["/ns/v1"] == "application/ld+json"


def test_a_preflight_for_a_conditional_read_is_allowed_and_writes_are_not(world: World) -> None:
    allowed = world.client.options(
        "/status/1/revocation",
        headers={
            "origin": "https://verifier.example",
            "access-control-request-method": "GET",
            "access-control-request-headers": "if-none-match",
        },
    )
    assert allowed.status_code == 204
    assert allowed.headers["access-control-allow-methods"] == "GET, HEAD"
    assert allowed.headers["access-control-allow-headers"] == "if-none-match"
    refused = world.client.options(
        "/api/v1/assessments",
        headers={
            "origin": "https://verifier.example",
            "access-control-request-method": "POST",
            "access-control-request-headers": "authorization, content-type",
        },
    )
    assert "access-control-allow-origin" not in refused.headers


def test_a_tiles_client_with_the_origin_as_url_prefix_reads_the_log(world: World) -> None:
    for n in range(3):
        world.certify(
            organisation={
                "legal_name": f"Winkel {n} B.V.",
                "country": "NL",
                "registration_number": f"1000000{n}",
            },
            domains=[f"winkel{n}.example"],
        )
    client: TestClient[Any] = world.client
    key = parse_verifier_key(client.get("/log/vkey").text.strip())
    origin = key.name
    prefix = "https://" + origin  # C2SP tlog-tiles: the client is given this URL prefix

    def fetch(path: str) -> bytes:
        url = prefix + "/" + path.removeprefix("log/")
        response = client.get(url.removeprefix("https://registry.test"))
        assert response.status_code == 200, (url, response.text)
        return response.content

    checkpoint = Checkpoint.parse(open_note(fetch("checkpoint"), [key]).text)
    assert checkpoint.origin == origin and checkpoint.size > 5
    assert check_entries(fetch, checkpoint.size, Hash(checkpoint.root_hash), 0) == checkpoint.size
    assert client.get("/log/ffff/checkpoint").status_code == 404, "another origin's prefix"

    bundle_path = "/" + origin.split("/", 1)[1] + f"/tile/entries/000.p/{checkpoint.size}"
    plain = client.get(bundle_path, headers={"accept-encoding": "identity"})
    zipped = client.get(bundle_path, headers={"accept-encoding": "gzip"})
    assert "content-encoding" not in plain.headers
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.headers["vary"] == "Accept-Encoding"
    assert zipped.content == plain.content, "the client decodes it to the same bundle"
    raw = client.stream("GET", bundle_path, headers={"accept-encoding": "gzip"})
    with raw as response:
        assert gzip.decompress(b"".join(response.iter_raw())) == plain.content
