"""Exports and snapshots: what a journalist downloads, and proof it is what was served."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
from typing import Any

from registry.opendata.export import safe_cell
from tests.support.world import World


def test_formula_cells_are_made_inert() -> None:
    for dangerous in ("=1+1", "+31 20", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert safe_cell(dangerous) == "'" + dangerous
    assert safe_cell("Fietsen B.V.") == "Fietsen B.V."


def test_jsonl_export_has_every_certificate_with_status_and_findings(world: World) -> None:
    codes = [world.certify() for _ in range(3)]
    world.post(f"/api/v1/certificates/{codes[1]}/suspend", world.admin, {"reason": "klachten"})
    response = world.client.get("/api/v1/export/certificates.jsonl")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/jsonl")
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert [line["code"] for line in lines] == codes
    assert [line["status"] for line in lines] == ["valid", "suspended", "valid"]
    first = lines[0]
    assert first["holder"]["registration_number"] == "12345678"
    assert first["scheme"] == {"slug": "webwinkel", "name_en": "Web Shop Label", "version": 1}
    assert first["domains"] == ["fietsen-outlet.example", "www.fietsen.example"]
    assert [f["criterion"] for f in first["findings"]] == ["WS-1.1", "WS-2.1", "WS-3.1", "WS-4.1"]
    assert {f["result"] for f in first["findings"]} == {"conforming"}
    # The export says what the API says.
    api = world.client.get(f"/api/v1/certificates/{codes[1]}").json()
    assert lines[1]["status_changed_at"].replace("Z", "") == api["status_changed_at"].replace(
        "Z", ""
    )


def test_findings_csv_is_one_row_per_criterion_and_formula_safe(world: World) -> None:
    hostile = {
        "legal_name": '=HYPERLINK("http://evil")',
        "country": "NL",
        "registration_number": "55556666",
    }
    world.certify(organisation=hostile, domains=["evil.example"])
    response = world.client.get("/api/v1/export/findings.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 4
    assert {r["criterion"] for r in rows} == {"WS-1.1", "WS-2.1", "WS-3.1", "WS-4.1"}
    assert all(r["holder_legal_name"] == '\'=HYPERLINK("http://evil")' for r in rows)
    assert {r["mandatory"] for r in rows} == {"true", "false"}


def test_export_streams_across_many_pages(world: World, monkeypatch: Any) -> None:
    from registry.opendata import queries

    monkeypatch.setattr(queries, "PAGE_SIZE", 2)
    codes = [world.certify() for _ in range(5)]
    chunks = list(world.client.app.state.services.opendata.certificates_jsonl())
    assert len(chunks) == 3  # made page by page (2, 2, 1), never as one body
    assert [json.loads(line)["code"] for line in b"".join(chunks).splitlines()] == codes
    served = world.client.get("/api/v1/export/certificates.jsonl").content
    assert served == b"".join(chunks)


def test_snapshot_hash_in_the_log_matches_the_bytes_served(world: World, clock: Any) -> None:
    opendata = world.client.app.state.services.opendata
    codes = [world.certify() for _ in range(2)]
    snapshot = opendata.publish()
    served = world.client.get(f"/data/{snapshot.name}")
    assert served.status_code == 200
    assert served.headers["content-type"] == "application/gzip"
    entry = world.client.get(
        "/api/v1/log/entries", params={"start": snapshot.log_index, "end": snapshot.log_index + 1}
    ).json()["items"][0]
    logged = json.loads(entry["entry"])
    assert logged["type"] == "snapshot.published"
    assert logged["data"]["sha256"] == hashlib.sha256(served.content).hexdigest()
    assert logged["data"]["certificates"] == 2
    lines = gzip.decompress(served.content).decode().splitlines()
    assert [json.loads(line)["code"] for line in lines] == codes
    # A second run the same day changes nothing; the /data page lists the file.
    assert opendata.publish() == snapshot
    page = world.client.get("/data?lang=en")
    assert snapshot.sha256 in page.text and "CC0-1.0" in page.text
    assert "Licentie" in world.client.get("/data?lang=nl").text


def test_snapshots_are_kept_thirty_days(world: World, clock: Any) -> None:
    opendata = world.client.app.state.services.opendata
    first = opendata.publish()
    clock.advance(days=29)
    opendata.publish()
    assert world.client.get(f"/data/{first.name}").status_code == 200
    clock.advance(days=1)
    assert opendata.publish_due().startswith("published")
    assert opendata.publish_due() == ""
    assert world.client.get(f"/data/{first.name}").status_code == 404
    assert len(opendata.available()) == 2
    assert world.client.get("/data/../keys.jsonl.gz").status_code == 404
    assert world.client.get("/data/2026-13-45.jsonl.gz").status_code == 404


def test_snapshot_command(world: World, env: dict[str, str], capsys: Any) -> None:
    from registry.cli import main

    world.certify()
    assert main(["snapshot"]) == 0
    out = capsys.readouterr().out
    assert ".jsonl.gz" in out and "sha256" in out
    day = out.split(".jsonl.gz")[0].split()[-1]
    assert world.client.get(f"/data/{day}.jsonl.gz").status_code == 200
