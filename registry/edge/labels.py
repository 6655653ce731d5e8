"""What the pages call the API's snake_case values, as message ids for the catalogues.

``N_`` only marks a text for extraction; templates translate it with ``_()`` at render
time, in the page's language.
"""

from __future__ import annotations

from typing import Final


def N_(message: str) -> str:  # the gettext marker Babel extracts
    return message


STATUS: Final = {
    "valid": N_("Valid"),
    "suspended": N_("Suspended"),
    "withdrawn": N_("Withdrawn"),
    "expired": N_("Expired"),
    "signature_being_replaced": N_("Signature being replaced"),
}
STATUS_MEANING: Final = {
    "valid": N_("This certificate is valid: the organisation meets the label's criteria."),
    "suspended": N_(
        "This certificate is suspended: for now the organisation may not use the label."
    ),
    "withdrawn": N_(
        "This certificate is withdrawn for good: the organisation may no longer use the label."
    ),
    "expired": N_("This certificate has expired: the organisation may no longer use the label."),
    "signature_being_replaced": N_(
        "The registry is replacing this certificate's signature: a key it was signed with was compromised. Until the new signature is published, the registry does not call it valid."
    ),
}
DIMENSION_ORDER: Final = ("competence", "reliability", "integrity", "benevolence")
DIMENSION: Final = {
    "competence": N_("Competence"),
    "reliability": N_("Reliability"),
    "integrity": N_("Integrity"),
    "benevolence": N_("Benevolence"),
}
DIMENSION_QUESTION: Final = {
    "competence": N_("Can they do what they promise?"),
    "reliability": N_("Do they do it consistently, over time?"),
    "integrity": N_("Do their acts match their words?"),
    "benevolence": N_("Do they act in the customer's interest?"),
}
METHOD: Final = {
    "document_review": N_("Document review"),
    "site_visit": N_("Site visit"),
    "mystery_shopping": N_("Mystery shopping"),
    "customer_survey": N_("Customer survey"),
    "technical_test": N_("Technical test"),
}
RESULT: Final = {
    "conforming": N_("Meets the criterion"),
    "minor_nonconformity": N_("Minor shortcoming"),
    "major_nonconformity": N_("Major shortcoming"),
    "not_applicable": N_("Not applicable"),
}
ASSESSMENT_TYPE: Final = {
    "initial": N_("Initial audit"),
    "surveillance": N_("Surveillance audit"),
    "recertification": N_("Recertification audit"),
}
EVENT: Final = {
    "issued": N_("Certificate issued"),
    "renewed": N_("Certificate renewed"),
    "credential.reissued": N_("Credential signed again"),
    "surveilled": N_("Surveillance audit: certificate maintained"),
    "audit_refused": N_("Audit not passed: certificate not suspended"),
    "suspended": N_("Certificate suspended"),
    "reinstated": N_("Certificate reinstated"),
    "withdrawn": N_("Certificate withdrawn"),
    "expired": N_("Certificate expired"),
    "domain_added": N_("Web domain declared by the holder"),
    "domain_removed": N_("Web domain removed"),
    "domain_verified": N_("Web domain verified: the holder proved control of it"),
    "domain_lapsed": N_("Web domain no longer verified"),
}
CLAIM_STATE: Final = {
    "pending": N_("pending"),
    "verified": N_("verified"),
    "failed": N_("failed"),
    "review": N_("waiting for review by the registry"),
}
DOMAIN_SOURCE: Final = {
    "audited": N_("checked in the audit"),
    "holder": N_("declared by the holder, not audited"),
}
KEY_STATUS: Final = {
    "active": N_("active"),
    "retired": N_("retired"),
    "compromised": N_("compromised"),
}
ACCREDITATION_STATUS: Final = {
    "active": N_("active"),
    "suspended": N_("suspended"),
    "withdrawn": N_("withdrawn"),
    "expired": N_("expired"),
}
SYSTEM_REASON: Final = {
    "validity period ended": N_("validity period ended"),
    "control of the domain no longer proved": N_("control of the domain no longer proved"),
    "staff review needed": N_("staff review needed"),
    "approved after staff review": N_("approved after staff review"),
    "recertification audit passed": N_("recertification audit passed"),
    "surveillance audit passed": N_("surveillance audit passed"),
}
ASSESSMENT_STATUS: Final = {
    "submitted": N_("awaiting the decision"),
    "certified": N_("certified"),
    "refused": N_("refused"),
}
MEMBERSHIP_STATUS: Final = {
    "active": N_("active"),
    "suspended": N_("suspended"),
    "revoked": N_("removed"),
}
