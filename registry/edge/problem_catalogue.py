"""Every problem ``type`` the registry can answer with, explained in Dutch and English.

RFC 9457 §3.1.1: a problem type URI should, when opened, give a human-readable
description of the problem. The registry's types live under its own public URL,
``<public URL>/problems/<name>``, and each answers with a page built from this table.
"""

from __future__ import annotations

from typing import Final, NamedTuple


class ProblemKind(NamedTuple):
    status: int
    title_en: str
    title_nl: str
    text_en: str
    text_nl: str


P = ProblemKind
CATALOGUE: Final[dict[str, ProblemKind]] = {
    # --- HTTP and input --------------------------------------------------------------
    "invalid-input": P(
        400,
        "Invalid input",
        "Ongeldige invoer",
        "The request holds a value the registry cannot accept; detail names the field and why.",
        "Het verzoek bevat een waarde die het register niet aanneemt; detail noemt het veld en de reden.",
    ),
    "invalid-text": P(
        400,
        "Character not accepted",
        "Teken niet toegestaan",
        "A field, path or query value holds a character the registry never stores: a NUL or other control character, a lone surrogate or a bidirectional control; detail names the field.",
        "Een veld, pad of zoekwaarde bevat een teken dat het register nooit opslaat: een NUL- of ander stuurteken, een losse surrogaat of een richtingsteken; detail noemt het veld.",
    ),
    "form-token-spent": P(
        400,
        "Form already sent",
        "Formulier al verzonden",
        "Each form carries a time token that can be sent once; load the form again to send another report.",
        "Elk formulier draagt een tijdtoken dat één keer verzonden kan worden; laad het formulier opnieuw om nog een melding te sturen.",
    ),
    "not-found": P(
        404,
        "Not found",
        "Niet gevonden",
        "Nothing is published at this address, or the certificate, scheme, body or entry named does not exist.",
        "Op dit adres staat niets, of het genoemde certificaat, keurmerk, instelling of logregel bestaat niet.",
    ),
    "method-not-allowed": P(
        405,
        "Method not allowed",
        "Methode niet toegestaan",
        "This address exists but does not accept this HTTP method.",
        "Dit adres bestaat, maar accepteert deze HTTP-methode niet.",
    ),
    "body-too-large": P(
        413,
        "Request body too large",
        "Verzoek te groot",
        "The request body is larger than the registry accepts (REGISTRY_MAX_BODY_BYTES).",
        "Het verzoek is groter dan het register aanneemt (REGISTRY_MAX_BODY_BYTES).",
    ),
    "unsupported-media-type": P(
        415,
        "Unsupported media type",
        "Niet-ondersteund mediatype",
        "A request body must be JSON (Content-Type: application/json).",
        "De inhoud van een verzoek moet JSON zijn (Content-Type: application/json).",
    ),
    "rate-limited": P(
        429,
        "Too many requests",
        "Te veel verzoeken",
        "This client sent more requests of this kind than allowed; try again later.",
        "Deze client stuurde meer verzoeken van deze soort dan toegestaan; probeer het later opnieuw.",
    ),
    "internal-error": P(
        500,
        "Internal server error",
        "Interne fout",
        "The registry failed to answer; the error was logged and nothing was changed.",
        "Het register kon niet antwoorden; de fout is vastgelegd en er is niets veranderd.",
    ),
    "http-error": P(
        400,
        "HTTP error",
        "HTTP-fout",
        "The request could not be handled as sent; detail says why.",
        "Het verzoek kon zo niet worden afgehandeld; detail zegt waarom.",
    ),
    "unavailable": P(
        503,
        "Status unavailable",
        "Status niet beschikbaar",
        "The registry could not confirm the current state with its database in time, so it answers nothing rather than something stale.",
        "Het register kon de actuele stand niet op tijd bij de database bevestigen en antwoordt liever niets dan iets verouderds.",
    ),
    # --- who may do what -------------------------------------------------------------
    "unauthenticated": P(
        401,
        "Unauthenticated",
        "Niet aangemeld",
        "This call needs a valid bearer token (Authorization: Bearer <token>).",
        "Deze aanroep vraagt een geldig token (Authorization: Bearer <token>).",
    ),
    "forbidden": P(
        403,
        "Forbidden",
        "Geen toegang",
        "The token is valid, but its role or party may not do this.",
        "Het token is geldig, maar de rol of partij mag dit niet doen.",
    ),
    "conflict": P(
        409,
        "Conflict",
        "Conflict",
        "The change conflicts with the current state or with a change made at the same time; reload and retry.",
        "De wijziging botst met de huidige stand of met een gelijktijdige wijziging; laad opnieuw en probeer het nog eens.",
    ),
    "status-transition": P(
        409,
        "Status change not allowed",
        "Statuswijziging niet toegestaan",
        "The certificate's current status does not allow this change (a withdrawn certificate stays withdrawn).",
        "De huidige status van het certificaat staat deze wijziging niet toe (ingetrokken blijft ingetrokken).",
    ),
    # --- domain rules (422) ----------------------------------------------------------
    "rule-violation": P(
        422,
        "Rule violated",
        "Regel geschonden",
        "A rule of the registry refused the request; detail says which.",
        "Een regel van het register weigerde het verzoek; detail zegt welke.",
    ),
    "not-accredited": P(
        422,
        "Body not accredited",
        "Instelling niet geaccrediteerd",
        "The certification body holds no valid accreditation for this scheme on these dates.",
        "De certificerende instelling heeft op deze data geen geldige accreditatie voor dit keurmerk.",
    ),
    "conflict-of-interest": P(
        422,
        "Conflict of interest",
        "Belangenverstrengeling",
        "The auditor declared a tie with this organisation and may not audit it.",
        "De auditor meldde een band met deze organisatie en mag haar niet auditen.",
    ),
    "missing-mandatory-finding": P(
        422,
        "Mandatory finding missing",
        "Verplichte bevinding ontbreekt",
        "Every mandatory criterion of the scheme version needs a finding.",
        "Elk verplicht criterium van de keurmerkversie heeft een bevinding nodig.",
    ),
    "unknown-criterion": P(
        422,
        "Unknown criterion",
        "Onbekend criterium",
        "A finding names a criterion that is not in this scheme version.",
        "Een bevinding noemt een criterium dat niet in deze keurmerkversie staat.",
    ),
    "duplicate-finding": P(
        422,
        "Duplicate finding",
        "Dubbele bevinding",
        "A criterion has more than one finding.",
        "Een criterium heeft meer dan één bevinding.",
    ),
    "inconsistent-dates": P(
        422,
        "Inconsistent dates",
        "Tegenstrijdige data",
        "The dates contradict each other or the scheme (an audit that ends before it starts, a validity past the maximum).",
        "De data spreken elkaar of het keurmerk tegen (een audit die eindigt voor hij begint, een geldigheid langer dan toegestaan).",
    ),
    "certificate-reference": P(
        422,
        "Wrong certificate reference",
        "Verkeerde certificaatverwijzing",
        "A surveillance or recertification must name an existing certificate of the same holder and scheme; an initial audit names none.",
        "Een tussentijdse audit of hercertificering moet een bestaand certificaat van dezelfde houder en hetzelfde keurmerk noemen; een eerste audit noemt er geen.",
    ),
    "certificate-withdrawn": P(
        422,
        "Certificate withdrawn",
        "Certificaat ingetrokken",
        "A withdrawn certificate cannot be audited, renewed or changed.",
        "Een ingetrokken certificaat kan niet worden geaudit, verlengd of gewijzigd.",
    ),
    "four-eyes": P(
        422,
        "Four-eyes principle",
        "Vier-ogenprincipe",
        "The person who audited may not take the certification decision.",
        "Wie de audit deed, mag niet over certificering beslissen.",
    ),
    "major-nonconformity": P(
        422,
        "Major nonconformity",
        "Grote tekortkoming",
        "An assessment with a major nonconformity cannot lead to a certificate.",
        "Een beoordeling met een grote tekortkoming kan niet tot een certificaat leiden.",
    ),
    "major-nonconformity-action": P(
        422,
        "Major nonconformity needs a sanction",
        "Grote tekortkoming vraagt een sanctie",
        "An audit of an existing certificate that found a major nonconformity must suspend the certificate (with a deadline) or withdraw it; it can never leave it plainly valid.",
        "Een audit van een bestaand certificaat met een grote tekortkoming moet het certificaat schorsen (met een termijn) of intrekken; het kan nooit gewoon geldig blijven.",
    ),
    "suspension-deadline": P(
        422,
        "Suspension deadline",
        "Termijn van schorsing",
        "A suspension after an audit needs a deadline after today by which the holder must have resolved the nonconformity; only a suspension has a deadline.",
        "Een schorsing na een audit heeft een termijn na vandaag nodig waarbinnen de houder de tekortkoming moet oplossen; alleen een schorsing heeft een termijn.",
    ),
    "decision-action": P(
        422,
        "Nothing to suspend or withdraw",
        "Niets om te schorsen of in te trekken",
        "A refused initial assessment has no certificate: it cannot suspend or withdraw one.",
        "Een geweigerde eerste beoordeling heeft geen certificaat: er valt niets te schorsen of in te trekken.",
    ),
    "status-reason": P(
        422,
        "Reason required",
        "Reden vereist",
        "Suspending or withdrawing a certificate is published with its reason: give reason_nl (and reason_en).",
        "Het schorsen of intrekken van een certificaat wordt met de reden gepubliceerd: geef reason_nl (en reason_en).",
    ),
    "too-many-domain-claims": P(
        422,
        "Too many domain claims",
        "Te veel domeinclaims",
        "A certificate has at most 20 open domain claims; remove one before adding another.",
        "Een certificaat heeft hoogstens 20 openstaande domeinclaims; verwijder er een voordat u een nieuwe toevoegt.",
    ),
    "domain-checked-recently": P(
        422,
        "Domain checked a moment ago",
        "Domein zojuist gecontroleerd",
        "A domain claim is checked at most once every 10 seconds; ask again a little later.",
        "Een domeinclaim wordt hoogstens eens per 10 seconden gecontroleerd; vraag het iets later opnieuw.",
    ),
    "webhook-target-refused": P(
        422,
        "Webhook address refused",
        "Webhookadres geweigerd",
        "The webhook address must be https on a public address (no loopback, private or link-local hosts).",
        "Het webhookadres moet https zijn op een openbaar adres (geen loopback, privé- of link-local-adres).",
    ),
    # --- values ----------------------------------------------------------------------
    "invalid-certificate-code": P(
        400,
        "Invalid certificate code",
        "Ongeldige certificaatcode",
        "A certificate code is TL- and nine characters with a check character, such as TL-7K3Q-9XPM-X; the check shows a typo.",
        "Een certificaatcode is TL- en negen tekens met een controleteken, zoals TL-7K3Q-9XPM-X; de controle toont een tikfout.",
    ),
    "invalid-domain": P(
        400,
        "Invalid domain",
        "Ongeldig domein",
        "The text is not a web domain the registry can cover.",
        "De tekst is geen webdomein dat het register kan dekken.",
    ),
    "invalid-country-code": P(
        400,
        "Invalid country code",
        "Ongeldige landcode",
        "A country is two letters (ISO 3166-1 alpha-2).",
        "Een land is twee letters (ISO 3166-1 alpha-2).",
    ),
    "invalid-registration-number": P(
        400,
        "Invalid registration number",
        "Ongeldig registratienummer",
        "The registration number does not have the form of its country's register (a Dutch KvK number is eight digits).",
        "Het registratienummer heeft niet de vorm van het register van dat land (een KvK-nummer is acht cijfers).",
    ),
    "invalid-time": P(
        400,
        "Invalid time",
        "Ongeldige tijd",
        "Times are RFC 3339 with a time zone, such as 2026-06-01T12:00:00Z.",
        "Tijden zijn RFC 3339 met tijdzone, zoals 2026-06-01T12:00:00Z.",
    ),
    "naive-datetime": P(
        400,
        "Time without zone",
        "Tijd zonder zone",
        "A time without a time zone would be a guess; give it in UTC with Z.",
        "Een tijd zonder tijdzone zou een gok zijn; geef hem in UTC met Z.",
    ),
    # --- credentials, keys and the log -----------------------------------------------
    "invalid-credential": P(
        400,
        "Invalid credential",
        "Ongeldige credential",
        "The text is not a credential the registry issued in the expected form.",
        "De tekst is geen credential van het register in de verwachte vorm.",
    ),
    "unknown-key": P(
        400,
        "Unknown key",
        "Onbekende sleutel",
        "The credential was signed with a key the registry's key set does not list.",
        "De credential is ondertekend met een sleutel die niet in de sleutelset van het register staat.",
    ),
    "bad-signature": P(
        400,
        "Bad signature",
        "Onjuiste handtekening",
        "The signature does not match the signed bytes.",
        "De handtekening past niet bij de ondertekende bytes.",
    ),
    "compromised-key": P(
        400,
        "Compromised key",
        "Gecompromitteerde sleutel",
        "The credential was signed with a key marked compromised at or before its signing time.",
        "De credential is ondertekend met een sleutel die op of voor dat moment als gecompromitteerd is gemeld.",
    ),
    "invalid-key": P(
        400,
        "Invalid key",
        "Ongeldige sleutel",
        "The key is not an Ed25519 key in the expected form.",
        "De sleutel is geen Ed25519-sleutel in de verwachte vorm.",
    ),
    "invalid-jwks": P(
        400,
        "Invalid key set",
        "Ongeldige sleutelset",
        "The JWKS document is not in the form the registry publishes.",
        "Het JWKS-document heeft niet de vorm die het register publiceert.",
    ),
    "key-file": P(
        500,
        "Key file unusable",
        "Sleutelbestand onbruikbaar",
        "A private key file is missing, unreadable or has the wrong passphrase.",
        "Een privésleutelbestand ontbreekt, is onleesbaar of heeft een verkeerde wachtzin.",
    ),
    "signer-mismatch": P(
        409,
        "Signer mismatch",
        "Verkeerde ondertekenaar",
        "The key asked to sign is not the registry's active key for this purpose.",
        "De gevraagde sleutel is niet de actieve sleutel van het register voor dit doel.",
    ),
    "missing-hash": P(
        404,
        "Missing hash",
        "Ontbrekende hash",
        "A hash of the log's tree needed for a proof is not stored.",
        "Een hash uit de boom van het log die voor een bewijs nodig is, is niet opgeslagen.",
    ),
    "invalid-proof": P(
        400,
        "Invalid proof",
        "Ongeldig bewijs",
        "An inclusion or consistency proof does not verify (RFC 9162), or the sizes asked for are impossible.",
        "Een inclusie- of consistentiebewijs klopt niet (RFC 9162), of de gevraagde groottes kunnen niet.",
    ),
    "invalid-checkpoint": P(
        400,
        "Invalid checkpoint",
        "Ongeldig checkpoint",
        "The text is not a C2SP checkpoint.",
        "De tekst is geen C2SP-checkpoint.",
    ),
    "invalid-verifier-key": P(
        400,
        "Invalid verifier key",
        "Ongeldige verificatiesleutel",
        "The text is not a C2SP signed-note verifier key.",
        "De tekst is geen C2SP signed-note-verificatiesleutel.",
    ),
    "invalid-note": P(
        400,
        "Invalid note",
        "Ongeldige note",
        "The text is not a C2SP signed note.",
        "De tekst is geen C2SP signed note.",
    ),
    "unverified-note": P(
        400,
        "Unverified note",
        "Niet-geverifieerde note",
        "No known key signed this note.",
        "Geen bekende sleutel heeft deze note ondertekend.",
    ),
    "invalid-note-signature": P(
        400,
        "Invalid note signature",
        "Ongeldige handtekening onder note",
        "A signature line of the note does not verify.",
        "Een handtekeningregel van de note klopt niet.",
    ),
    "invalid-tile": P(
        400,
        "Invalid tile",
        "Ongeldige tegel",
        "The address is not a C2SP tlog-tiles tile path, or the tile does not exist yet.",
        "Het adres is geen C2SP tlog-tiles-pad, of de tegel bestaat nog niet.",
    ),
    "invalid-proof-bundle": P(
        400,
        "Invalid proof bundle",
        "Ongeldige bewijsbundel",
        "The text is not a tlog-proof bundle.",
        "De tekst is geen tlog-proof-bundel.",
    ),
    "log-check-failed": P(
        500,
        "Log check failed",
        "Logcontrole mislukt",
        "Recomputing the log found a stored hash or checkpoint that does not match.",
        "Bij het herberekenen van het log klopte een opgeslagen hash of checkpoint niet.",
    ),
    "invalid-policy": P(
        400,
        "Invalid witness policy",
        "Ongeldig getuigenbeleid",
        "The text is not a C2SP tlog-policy file: detail names the line and what is wrong.",
        "De tekst is geen C2SP-tlog-policy-bestand: detail noemt de regel en wat er mis is.",
    ),
    "no-quorum": P(
        400,
        "Witness quorum not met",
        "Quorum van getuigen niet gehaald",
        "The checkpoint lacks the cosignatures the witness policy requires.",
        "Het checkpoint mist de medeondertekeningen die het getuigenbeleid vereist.",
    ),
}


def problem_path(rule: str) -> str:
    return f"/problems/{rule}"
