"""The OpenAPI document as served: complete, and good enough to generate a client from.

A client made by openapi-python-client (an independent generator) calls every public
operation against the running app, the credential endpoint included.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from tests.support.world import World

PUBLIC_STATUSES = {200, 201, 204}


def _document(client: TestClient[Any]) -> dict[str, Any]:
    response = client.get("/schema/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def test_every_error_is_problem_json_and_authenticated_operations_say_so(
    client: TestClient[Any],
) -> None:
    document = _document(client)
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert "Problem" in document["components"]["schemas"]
    operations = {
        op["operationId"]: (method, op)
        for ops in document["paths"].values()
        for method, op in ops.items()
    }
    for name, (method, op) in operations.items():
        for status, response in op["responses"].items():
            if int(status) >= 400:
                assert list(response["content"]) == ["application/problem+json"], (name, status)
        assert {"400", "404"} <= op["responses"].keys(), name
        if method in ("post", "put", "patch", "delete"):
            assert {"409", "422"} <= op["responses"].keys(), name
        if "requestBody" in op:
            assert {"413", "415"} <= op["responses"].keys(), name
    for name in ("SuspendCertificate", "SubmitAssessment", "WhoAmI", "CreateScheme"):
        assert operations[name][1]["security"] == [{"bearer": []}], name
        assert {"401", "403"} <= operations[name][1]["responses"].keys()
    for name in ("GetCertificate", "ListSchemes", "ReportMisuse", "ExportCertificates"):
        assert "security" not in operations[name][1], name
    credential = operations["GetCredential"][1]
    assert list(credential["responses"]["200"]["content"]) == ["application/vc+jwt"]
    code = next(p for p in credential["parameters"] if p["name"] == "code")
    assert code["schema"]["pattern"] and code["example"] == "TL-7K3Q-9XPM-X"
    assert "text/plain" in operations["GetCertificateProof"][1]["responses"]["200"]["content"]


def test_documented_401_matches_what_is_served(client: TestClient[Any]) -> None:
    answer = client.get("/api/v1/me")
    assert answer.status_code == 401
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.headers["www-authenticate"].startswith("Bearer")


def test_docs_page_loads_nothing_from_other_hosts(client: TestClient[Any]) -> None:
    page = client.get("/schema/swagger")
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "http" not in csp
    assert "https://" not in page.text and "<script>" not in page.text
    for asset in ("/schema/assets/swagger-ui-bundle.js", "/schema/assets/swagger-ui.css"):
        assert client.get(asset).status_code == 200
    assert client.get("/schema/assets/index.html").status_code == 404


@pytest.fixture
def generated(tmp_path: Path, client: TestClient[Any]) -> Any:
    """A client package generated from the served document, imported from a temp dir."""
    spec = tmp_path / "openapi.json"
    spec.write_bytes(client.get("/schema/openapi.json").content)
    config = tmp_path / "config.yaml"
    # A JWT and JSON Lines are text: the generator is told so, as any user of it would.
    config.write_text(
        "content_type_overrides:\n  application/vc+jwt: text/plain\n  application/jsonl: text/plain\n"
    )
    result = subprocess.run(
        [
            sys.executable, "-m", "openapi_python_client", "generate",
            "--path", str(spec), "--output-path", str(tmp_path / "registry_client"),
            "--meta", "none", "--config", str(config),
        ],
        capture_output=True, text=True, cwd=tmp_path, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Cannot parse response" not in result.stdout + result.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module("registry_client")
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m.startswith("registry_client")]:
            del sys.modules[name]


IMMUTABLE_EDITS = {"DeleteSchemeVersion", "EditSchemeVersion", "ReplaceSchemeVersion"}


def test_a_generated_client_calls_every_public_operation(generated: Any, world: World) -> None:
    code = world.certify()
    document = _document(world.client)
    public = {
        op["operationId"]
        for ops in document["paths"].values()
        for op in ops.values()
        if "security" not in op
    }
    api = importlib.import_module("registry_client.api")
    models = importlib.import_module("registry_client.models")
    client = generated.Client(base_url="http://testserver.local", raise_on_unexpected_status=True)
    client.set_httpx_client(world.client)
    values: dict[str, Any] = {
        "code": code, "slug": "webwinkel", "number": 1, "start": 0, "end": 2,
        "index": 0, "tree_size": 2, "first": 1, "second": 2, "tile_path": "0/000.p/2",
        "log_id": world.client.get("/log/checkpoint").text.split("\n", 1)[0].rsplit("/", 1)[1],
        "purpose": "revocation",
        "body": models.MisuseReportCreate.from_dict({"site": "https://fake.example", "seen": "a copied label"}),
    }  # fmt: skip
    slugs = {"GetBody": "keurcontrole"}
    called: dict[str, Any] = {}
    for info in pkgutil.walk_packages(api.__path__, api.__name__ + "."):
        module = importlib.import_module(info.name)
        if not hasattr(module, "sync_detailed"):
            continue
        operation = _operation_id(module, document)
        if operation not in public:
            continue
        parameters = inspect.signature(module.sync_detailed).parameters
        arguments = {
            name: slugs.get(operation, values[name]) if name == "slug" else values[name]
            for name, p in parameters.items()
            if name != "client" and p.default is inspect.Parameter.empty
        }
        response = module.sync_detailed(client=client, **arguments)  # raises if undocumented
        if operation == "GetLogPolicy":  # this registry names no witnesses: a documented 404
            assert response.status_code == 404, (operation, response.content[:300])
        elif operation in IMMUTABLE_EDITS:  # a published version: always a documented 409
            assert response.status_code == 409, (operation, response.content[:300])
        else:
            assert response.status_code in PUBLIC_STATUSES, (operation, response.content[:300])
        called[operation] = response.parsed
    assert called.keys() == public
    assert str(called["GetCredential"]).count(".") == 2  # the compact JWS, as text
    assert called["GetCertificate"].code == code
    assert code in str(called["ExportCertificates"])


def _operation_id(module: Any, document: dict[str, Any]) -> str:
    """The operationId a generated module was made from (its name in snake case)."""
    wanted = module.__name__.rsplit(".", 1)[-1]
    for ops in document["paths"].values():
        for op in ops.values():
            snake = "".join("_" + c.lower() if c.isupper() else c for c in op["operationId"])
            if snake.lstrip("_") == wanted:
                return str(op["operationId"])
    raise AssertionError(f"no operation for {module.__name__}")
