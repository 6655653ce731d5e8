"""The JSON-LD context of the credential's own terms, published at ``/ns/v1``.

VC Data Model 2.0 §5.2 asks every term to be defined; with the base context alone our
claims would fall under ``https://www.w3.org/ns/credentials/issuer-dependent#``. Every
term here is an IRI under ``<issuer>/ns/v1#``, the context is ``@protected`` (JSON-LD 1.1
§4.1.11), and a published version never changes: a change is ``/ns/v2``. Within
``scheme``, ``certificationBody``, ``scope`` and ``assessment`` the property-scoped
contexts give ``id``, ``type``, ``name`` and ``description`` our own meaning (there they
are a slug, a kind of audit, a label's name, a scope's text), which JSON-LD allows for
protected terms inside a property-scoped context only.
"""

from __future__ import annotations

from typing import Any, Final

VC_CONTEXT: Final = "https://www.w3.org/ns/credentials/v2"
CONTEXT_PATH: Final = "/ns/v1"
MEDIA_TYPE: Final = "application/ld+json"

# Term -> local name; nested contexts are added in context_document().
_TOP_TERMS: Final = (
    "TrustLabelCertificate",
    "TrustLabelCertification",
    "jti",
    "certificate",
    "holder",
    "legalName",
    "country",
    "registrationNumber",
    "criteria",
    "code",
    "dimension",
    "method",
    "result",
    "auditor",
    "accreditation",
    "accreditingBody",
    "owner",
    "version",
    "domains",
    "auditEnd",
)


def context_url(issuer: str) -> str:
    return issuer + CONTEXT_PATH


def context_document(issuer: str) -> dict[str, Any]:
    """The context for ``issuer``; fixed for ever once the issuer URL is fixed."""
    ns = context_url(issuer) + "#"

    def term(name: str) -> str:
        return ns + name

    def scoped(outer: str, **inner: str) -> dict[str, Any]:
        return {
            "@id": term(outer),
            "@context": {"@protected": True, **{k: {"@id": term(v)} for k, v in inner.items()}},
        }

    context: dict[str, Any] = {"@protected": True}
    context.update({name: {"@id": term(name)} for name in _TOP_TERMS})
    context["scheme"] = scoped("scheme", id="slug", name="name")
    context["certificationBody"] = scoped("certificationBody", id="slug", name="name")
    context["scope"] = scoped("scope", description="description")
    context["assessment"] = scoped("assessment", type="assessmentType")
    return {"@context": context}


def defined_iris(document: dict[str, Any]) -> list[str]:
    """Every IRI the context defines, nested contexts included (for tests and docs)."""
    found: list[str] = []

    def walk(context: dict[str, Any]) -> None:
        for key, value in context.items():
            if key.startswith("@"):
                continue
            found.append(value["@id"])
            if "@context" in value:
                walk(value["@context"])

    walk(document["@context"])
    return found
