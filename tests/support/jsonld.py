"""Two independent JSON-LD processors, offline: pyld, and jsonld.js in safe mode (Node).

The W3C context ``https://www.w3.org/ns/credentials/v2`` is a copy from the VC Data
Model's repository (github.com/w3c/vc-data-model, contexts/credentials/v2); the
registry's own context is whatever the registry serves.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pyld import jsonld

from tests.support.env import need

VC_V2 = "https://www.w3.org/ns/credentials/v2"
VC_V2_COPY = Path(__file__).resolve().parent / "contexts" / "credentials-v2.jsonld"
BROWSER = Path(__file__).resolve().parents[1] / "browser"
ISSUER_DEPENDENT = "https://www.w3.org/ns/credentials/issuer-dependent#"


def offline_contexts(extra: Mapping[str, Any]) -> dict[str, Any]:
    return {VC_V2: json.loads(VC_V2_COPY.read_text(encoding="utf-8")), **extra}


def pyld_expand(document: Mapping[str, Any], contexts: Mapping[str, Any]) -> list[Any]:
    def loader(url: str, _options: Any = None) -> dict[str, Any]:
        if url not in contexts:
            raise jsonld.JsonLdError(f"no offline copy of {url}", "loading document failed")
        return {"contextUrl": None, "documentUrl": url, "document": contexts[url]}

    expanded: list[Any] = jsonld.expand(dict(document), {"documentLoader": loader})
    return expanded


def jsonld_js_expand(documents: list[Mapping[str, Any]], contexts: Mapping[str, Any]) -> list[Any]:
    """jsonld.js ``expand`` with ``safe: true``: any dropped or undefined term raises."""
    node = shutil.which("node")
    need(node is not None, "Node.js is not installed (apt-get install nodejs)")
    need(
        (BROWSER / "node_modules" / "jsonld").is_dir(),
        "jsonld.js is not installed (npm ci --prefix tests/browser)",
    )
    assert node is not None
    done = subprocess.run(
        [node, str(BROWSER / "jsonld_expand.cjs")],
        input=json.dumps({"contexts": contexts, "documents": documents}).encode(),
        capture_output=True,
        timeout=120,
        check=False,
    )
    answer = json.loads(done.stdout or b"{}")
    assert done.returncode == 0 and "error" not in answer, answer.get("error", done.stderr)
    expanded: list[Any] = answer["expanded"]
    return expanded


def predicates(expanded: Any) -> list[str]:
    """Every property IRI in an expanded document, at any depth."""
    found: list[str] = []
    if isinstance(expanded, list):
        for item in expanded:
            found.extend(predicates(item))
    elif isinstance(expanded, dict):
        for key, value in expanded.items():
            if not key.startswith("@"):
                found.append(key)
            found.extend(predicates(value))
    return found


def node_types(expanded: Any) -> list[str]:
    found: list[str] = []
    if isinstance(expanded, list):
        for item in expanded:
            found.extend(node_types(item))
    elif isinstance(expanded, dict):
        found.extend(expanded.get("@type", []) if isinstance(expanded.get("@type"), list) else [])
        for value in expanded.values():
            found.extend(node_types(value))
    return found
