"""Demo content for ``registry demo``.

Everything here is fictional: the schemes, their owners, the certification bodies, the
people, the organisations, their KvK numbers (all in the unissued ``990`` range) and their
web domains (only the reserved ``.example`` and ``.test`` top-level domains). The demo
command feeds this content through the registry's real services, so it must obey the same
rules as real input: every mandatory criterion exists, every body is accredited for the
schemes its stories use, and every body has at least one auditor without a declared
affiliation to the organisation being audited.

Times are relative: a story's ``months_ago`` says when its initial audit took place, so
that some certificates have expired by the time the demo runs.

Long because it is data (the demo's fictional schemes, bodies and organisations), not
logic.
"""

from __future__ import annotations

from dataclasses import dataclass

METHODS: tuple[str, ...] = (
    "document_review",
    "site_visit",
    "mystery_shopping",
    "customer_survey",
    "technical_test",
)
DIMENSIONS: tuple[str, ...] = ("competence", "reliability", "integrity", "benevolence")
STEPS: tuple[str, ...] = (
    "initial",
    "surveillance",
    "surveillance_refused",
    "suspend",
    "reinstate",
    "withdraw",
    "recertification",
    "expire",
)
# The steps that change a certificate's status by a decision and so carry a public reason.
REASONED_STEPS: tuple[str, ...] = ("suspend", "reinstate", "withdraw", "surveillance_refused")


@dataclass(frozen=True)
class DemoCriterion:
    code: str
    title_nl: str
    title_en: str
    checked_nl: str
    checked_en: str
    method: str
    dimension: str
    mandatory: bool


@dataclass(frozen=True)
class DemoScheme:
    slug: str
    name_nl: str
    name_en: str
    owner: str
    description_nl: str
    description_en: str
    audited_by_nl: str
    audited_by_en: str
    accreditation_required: bool
    surveillance_interval_months: int
    max_validity_months: int
    sanctions_nl: str
    sanctions_en: str
    versions: tuple[tuple[DemoCriterion, ...], ...]


@dataclass(frozen=True)
class DemoBody:
    slug: str
    name: str
    country: str
    website: str
    accrediting_body: str
    accreditation_number: str
    scheme_slugs: tuple[str, ...]
    auditors: tuple[tuple[str, tuple[str, ...]], ...]
    admins: tuple[str, ...]


@dataclass(frozen=True)
class DemoOrganisation:
    legal_name: str
    kvk: str
    country: str
    domains: tuple[str, ...]


@dataclass(frozen=True)
class DemoReason:
    """The short, factual public reason of one suspend, reinstate or withdraw step."""

    nl: str
    en: str


@dataclass(frozen=True)
class DemoStory:
    organisation_kvk: str
    scheme_slug: str
    body_slug: str
    history: tuple[str, ...]
    # One reason per "suspend", "reinstate", "withdraw" and "surveillance_refused" step (a
    # surveillance with a major nonconformity that suspends the certificate), in order.
    reasons: tuple[DemoReason, ...]
    months_ago: int


def _c(
    code: str,
    title_nl: str,
    title_en: str,
    checked_nl: str,
    checked_en: str,
    method: str,
    dimension: str,
    mandatory: bool = True,
) -> DemoCriterion:
    return DemoCriterion(
        code=code,
        title_nl=title_nl,
        title_en=title_en,
        checked_nl=checked_nl,
        checked_en=checked_en,
        method=method,
        dimension=dimension,
        mandatory=mandatory,
    )


# --- Webwinkel Keur ----------------------------------------------------------------------

_WS_1_1 = _c(
    "WS-1.1",
    "Identiteit en contactgegevens",
    "Identity and contact details",
    "De website vermeldt de statutaire naam, het KvK-nummer, het bezoekadres, een "
    "e-mailadres en een telefoonnummer. Deze gegevens komen overeen met het Handelsregister.",
    "The website shows the registered name, KvK number, visiting address, an email address "
    "and a telephone number. These details match the Dutch Business Register.",
    "document_review",
    "integrity",
)
_WS_1_2 = _c(
    "WS-1.2",
    "Algemene voorwaarden",
    "Terms and conditions",
    "De algemene voorwaarden zijn vóór de bestelling beschikbaar en op te slaan. Ze wijken "
    "niet in het nadeel van de consument af van het wettelijke consumentenrecht.",
    "The terms and conditions are available, and can be saved, before the order is placed. "
    "They do not deviate from statutory consumer law to the consumer's detriment.",
    "document_review",
    "integrity",
)
_WS_2_1 = _c(
    "WS-2.1",
    "Totaalprijs vooraf",
    "Total price up front",
    "Bij een testbestelling ziet de klant de totaalprijs inclusief btw, verzendkosten en "
    "eventuele toeslagen voordat hij betaalt.",
    "In a test order the customer sees the total price including VAT, shipping costs and any "
    "surcharges before paying.",
    "mystery_shopping",
    "integrity",
)
_WS_2_1_V2 = _c(
    "WS-2.1",
    "Totaalprijs en eerlijke kortingen",
    "Total price and honest discounts",
    "Bij een testbestelling ziet de klant de totaalprijs inclusief btw, verzendkosten en "
    "toeslagen voordat hij betaalt. Bij een korting staat de laagste prijs van de 30 dagen "
    "daarvoor vermeld.",
    "In a test order the customer sees the total price including VAT, shipping costs and "
    "surcharges before paying. A discount states the lowest price of the preceding 30 days.",
    "mystery_shopping",
    "integrity",
)
_WS_2_2 = _c(
    "WS-2.2",
    "Duidelijke bestelknop",
    "Clear order button",
    "De knop waarmee de bestelling wordt geplaatst maakt ondubbelzinnig duidelijk dat de klant "
    "een betalingsverplichting aangaat, bijvoorbeeld 'Bestelling met betalingsverplichting'.",
    "The button that places the order makes it unambiguous that the customer takes on an "
    "obligation to pay, for example 'Order with obligation to pay'.",
    "mystery_shopping",
    "integrity",
)
_WS_2_3 = _c(
    "WS-2.3",
    "Orderbevestiging",
    "Order confirmation",
    "Na een testbestelling ontvangt de klant binnen 24 uur een bevestiging per e-mail met een "
    "overzicht van de bestelling, de algemene voorwaarden en het herroepingsformulier.",
    "After a test order the customer receives, within 24 hours, an email confirmation with an "
    "order summary, the terms and conditions and the withdrawal form.",
    "mystery_shopping",
    "reliability",
)
_WS_2_4 = _c(
    "WS-2.4",
    "Echte klantbeoordelingen",
    "Genuine customer reviews",
    "De webwinkel legt uit hoe hij controleert dat beoordelingen van echte kopers komen. Een "
    "steekproef van 20 getoonde beoordelingen is te herleiden tot werkelijke bestellingen.",
    "The shop explains how it checks that reviews come from actual buyers. A sample of 20 "
    "displayed reviews can be traced to real orders.",
    "document_review",
    "integrity",
)
_WS_3_1 = _c(
    "WS-3.1",
    "Beveiligde verbinding",
    "Secure connection",
    "Alle pagina's van de webwinkel worden via HTTPS geladen met een geldig certificaat.",
    "Every page of the shop is served over HTTPS with a valid certificate.",
    "technical_test",
    "competence",
)
_WS_3_1_V2 = _c(
    "WS-3.1",
    "Beveiligde verbinding",
    "Secure connection",
    "Alle pagina's van de webwinkel worden via HTTPS geladen met een geldig certificaat, "
    "minimaal TLS 1.2 en een HSTS-header. Onversleutelde verzoeken worden doorgestuurd.",
    "Every page of the shop is served over HTTPS with a valid certificate, at least TLS 1.2 "
    "and an HSTS header. Unencrypted requests are redirected.",
    "technical_test",
    "competence",
)
_WS_3_2 = _c(
    "WS-3.2",
    "Veilige betaalmethoden",
    "Safe payment methods",
    "De klant hoeft nooit meer dan 50% vooruit te betalen en kan kiezen uit ten minste één "
    "betaalmethode met kopersbescherming of betaling achteraf.",
    "The customer never has to pay more than 50% in advance and can choose at least one "
    "payment method with buyer protection or payment after delivery.",
    "document_review",
    "benevolence",
)
_WS_3_3 = _c(
    "WS-3.3",
    "Beveiligingsupdates",
    "Security updates",
    "Kritieke beveiligingsupdates van de winkelsoftware en plug-ins zijn binnen 30 dagen "
    "geïnstalleerd. De auditor controleert het updatelogboek en de versies op de server.",
    "Critical security updates of the shop software and plug-ins are installed within 30 "
    "days. The auditor checks the update log and the versions on the server.",
    "site_visit",
    "competence",
)
_WS_4_1 = _c(
    "WS-4.1",
    "Levering op tijd",
    "On-time delivery",
    "In een steekproef van 50 bestellingen uit de afgelopen zes maanden is ten minste 95% "
    "binnen de op de website genoemde levertijd geleverd.",
    "In a sample of 50 orders from the last six months, at least 95% were delivered within "
    "the delivery time stated on the website.",
    "document_review",
    "reliability",
)
_WS_4_2 = _c(
    "WS-4.2",
    "Herroepingsrecht",
    "Right of withdrawal",
    "Bij een testretour binnen de bedenktijd van 14 dagen is het volledige aankoopbedrag, "
    "inclusief de oorspronkelijke verzendkosten, binnen 14 dagen terugbetaald.",
    "For a test return within the 14-day cooling-off period, the full purchase price, "
    "including the original shipping costs, was refunded within 14 days.",
    "mystery_shopping",
    "benevolence",
)
_WS_4_3 = _c(
    "WS-4.3",
    "Gratis retourneren",
    "Free returns",
    "De klant kan binnen de bedenktijd kosteloos retourneren; de website vermeldt dit bij "
    "elk product en in de voorwaarden.",
    "The customer can return goods free of charge within the cooling-off period; the website "
    "says so on every product page and in the terms.",
    "document_review",
    "benevolence",
    mandatory=False,
)
_WS_4_4 = _c(
    "WS-4.4",
    "Juiste voorraadinformatie",
    "Accurate stock information",
    "Bij het magazijnbezoek komt de voorraad van 20 willekeurige producten overeen met de "
    "beschikbaarheid die de website toont.",
    "During the warehouse visit the stock of 20 random products matches the availability "
    "shown on the website.",
    "site_visit",
    "reliability",
    mandatory=False,
)
_WS_5_1 = _c(
    "WS-5.1",
    "Klachtenregeling",
    "Complaints procedure",
    "Er is een schriftelijke klachtenregeling. In het klachtenregister is elke klacht binnen "
    "3 werkdagen bevestigd en binnen 14 dagen inhoudelijk beantwoord.",
    "There is a written complaints procedure. In the complaints register every complaint was "
    "acknowledged within 3 working days and answered within 14 days.",
    "document_review",
    "reliability",
)
_WS_5_2 = _c(
    "WS-5.2",
    "Onafhankelijke geschillenbeslechting",
    "Independent dispute resolution",
    "De webwinkel is aangesloten bij een erkende geschillencommissie en vermeldt op de "
    "website hoe de klant daar een geschil voorlegt.",
    "The shop is affiliated with a recognised disputes committee and explains on its website "
    "how a customer submits a dispute there.",
    "document_review",
    "integrity",
)
_WS_5_3 = _c(
    "WS-5.3",
    "Klanttevredenheid",
    "Customer satisfaction",
    "Uit een enquête onder ten minste 100 kopers van de afgelopen drie maanden blijkt dat "
    "minimaal 80% tevreden of zeer tevreden is.",
    "A survey of at least 100 buyers from the last three months shows that at least 80% are "
    "satisfied or very satisfied.",
    "customer_survey",
    "benevolence",
    mandatory=False,
)
_WS_6_1 = _c(
    "WS-6.1",
    "Privacy en cookies",
    "Privacy and cookies",
    "Er is een begrijpelijke privacyverklaring. Bij een eerste bezoek plaatst de website geen "
    "niet-functionele cookies of trackers voordat de bezoeker toestemming geeft.",
    "There is an understandable privacy statement. On a first visit the website sets no "
    "non-functional cookies or trackers before the visitor consents.",
    "technical_test",
    "integrity",
)
_WS_6_2 = _c(
    "WS-6.2",
    "Kennis van consumentenrecht",
    "Knowledge of consumer law",
    "Medewerkers die bestellingen en retouren afhandelen hebben in de afgelopen twee jaar een "
    "training consumentenrecht gevolgd. De auditor spreekt bij het bezoek twee medewerkers.",
    "Staff who handle orders and returns have been trained in consumer law within the last "
    "two years. The auditor interviews two of them during the visit.",
    "site_visit",
    "competence",
)
_WS_6_3 = _c(
    "WS-6.3",
    "Toegankelijkheid",
    "Accessibility",
    "Het bestelproces is met alleen een toetsenbord te doorlopen en de belangrijkste pagina's "
    "voldoen bij een geautomatiseerde test aan WCAG 2.1 niveau AA.",
    "The checkout can be completed with a keyboard alone, and the main pages pass an "
    "automated WCAG 2.1 level AA test.",
    "technical_test",
    "benevolence",
    mandatory=False,
)

_WS_V1: tuple[DemoCriterion, ...] = (
    _WS_1_1,
    _WS_1_2,
    _WS_2_1,
    _WS_2_2,
    _WS_2_3,
    _WS_3_1,
    _WS_3_2,
    _WS_3_3,
    _WS_4_1,
    _WS_4_2,
    _WS_4_3,
    _WS_4_4,
    _WS_5_1,
    _WS_5_2,
    _WS_5_3,
    _WS_6_1,
    _WS_6_2,
)
# Version 2: discounts must show the prior lowest price (WS-2.1), stricter transport
# security (WS-3.1), and two new criteria: genuine reviews (WS-2.4) and accessibility (WS-6.3).
_WS_V2: tuple[DemoCriterion, ...] = (
    _WS_1_1,
    _WS_1_2,
    _WS_2_1_V2,
    _WS_2_2,
    _WS_2_3,
    _WS_2_4,
    _WS_3_1_V2,
    _WS_3_2,
    _WS_3_3,
    _WS_4_1,
    _WS_4_2,
    _WS_4_3,
    _WS_4_4,
    _WS_5_1,
    _WS_5_2,
    _WS_5_3,
    _WS_6_1,
    _WS_6_2,
    _WS_6_3,
)

# --- Klantenservice Keur -----------------------------------------------------------------

_KS_V1: tuple[DemoCriterion, ...] = (
    _c(
        "KS-1.1",
        "Bereikbaarheid",
        "Availability",
        "De klantenservice is via ten minste twee kanalen bereikbaar (telefoon, e-mail of chat) "
        "en de website vermeldt openingstijden van samen minstens 40 uur per week.",
        "Customer service can be reached through at least two channels (telephone, email or "
        "chat), and the website lists opening hours totalling at least 40 hours a week.",
        "document_review",
        "reliability",
    ),
    _c(
        "KS-1.2",
        "Wachttijd aan de telefoon",
        "Telephone waiting time",
        "Van 10 testgesprekken op verschillende dagen en tijden zijn er minstens 8 binnen drie "
        "minuten door een medewerker aangenomen.",
        "Of 10 test calls on different days and at different times, at least 8 were answered "
        "by a person within three minutes.",
        "mystery_shopping",
        "reliability",
    ),
    _c(
        "KS-1.3",
        "Reactietijd e-mail",
        "Email response time",
        "Van 10 test-e-mails zijn er minstens 9 binnen twee werkdagen inhoudelijk beantwoord, "
        "niet alleen met een automatische ontvangstbevestiging.",
        "Of 10 test emails, at least 9 received a substantive answer within two working days, "
        "not just an automatic acknowledgement.",
        "mystery_shopping",
        "reliability",
    ),
    _c(
        "KS-1.4",
        "Geen duur servicenummer",
        "No premium-rate service number",
        "Klanten met een lopende bestelling of overeenkomst bellen de klantenservice tegen "
        "ten hoogste het basistarief; er wordt geen 0900-nummer gebruikt.",
        "Customers with a pending order or contract call customer service at no more than the "
        "basic rate; no premium-rate 0900 number is used.",
        "document_review",
        "integrity",
    ),
    _c(
        "KS-2.1",
        "Juiste antwoorden",
        "Correct answers",
        "Op 10 testvragen over product, levering en rechten van de klant zijn minstens 9 "
        "antwoorden juist en volledig.",
        "Of 10 test questions on products, delivery and customer rights, at least 9 answers "
        "were correct and complete.",
        "mystery_shopping",
        "competence",
    ),
    _c(
        "KS-2.2",
        "Opleiding medewerkers",
        "Staff training",
        "Elke klantenservicemedewerker heeft een inwerkprogramma gevolgd en in de afgelopen 12 "
        "maanden een opfristraining; de opleidingsregistratie toont dit per medewerker.",
        "Every customer service employee completed an induction programme and a refresher "
        "course in the last 12 months; the training records show this per employee.",
        "document_review",
        "competence",
    ),
    _c(
        "KS-2.3",
        "Actuele kennisbank",
        "Up-to-date knowledge base",
        "Medewerkers werken met een interne kennisbank die ten minste elk kwartaal wordt "
        "herzien. De auditor bekijkt bij het bezoek vijf artikelen en hun herzieningsdatum.",
        "Staff use an internal knowledge base that is reviewed at least every quarter. During "
        "the visit the auditor inspects five articles and their review dates.",
        "site_visit",
        "competence",
        mandatory=False,
    ),
    _c(
        "KS-3.1",
        "Klachtenregistratie",
        "Complaints register",
        "Elke klacht wordt geregistreerd met datum, onderwerp en afhandeling. Bij het bezoek "
        "volgt de auditor 10 klachten van binnenkomst tot afsluiting.",
        "Every complaint is recorded with its date, subject and outcome. During the visit the "
        "auditor traces 10 complaints from intake to closure.",
        "site_visit",
        "reliability",
    ),
    _c(
        "KS-3.2",
        "Escalatie",
        "Escalation",
        "De klant kan een klacht laten beoordelen door een leidinggevende. Geëscaleerde "
        "klachten zijn binnen vijf werkdagen beantwoord.",
        "The customer can have a complaint reviewed by a manager. Escalated complaints were "
        "answered within five working days.",
        "document_review",
        "benevolence",
    ),
    _c(
        "KS-3.3",
        "Oplossing in het belang van de klant",
        "Resolution in the customer's interest",
        "In een steekproef van 20 afgehandelde klachten is een redelijke oplossing geboden en "
        "is de klant niet gevraagd af te zien van wettelijke rechten.",
        "In a sample of 20 closed complaints a reasonable solution was offered and the "
        "customer was not asked to waive statutory rights.",
        "document_review",
        "benevolence",
    ),
    _c(
        "KS-4.1",
        "Klanttevredenheid",
        "Customer satisfaction",
        "Een enquête onder minstens 200 klanten die het afgelopen half jaar contact hadden, "
        "geeft de klantenservice gemiddeld ten minste een 7,0.",
        "A survey of at least 200 customers who made contact in the last six months rates "
        "customer service at 7.0 out of 10 or higher on average.",
        "customer_survey",
        "benevolence",
    ),
    _c(
        "KS-4.2",
        "Gehoord voelen",
        "Feeling heard",
        "In dezelfde enquête is minstens 75% het eens met de stelling 'De medewerker begreep "
        "mijn probleem en nam het serieus'.",
        "In the same survey at least 75% agree with the statement 'The employee understood my "
        "problem and took it seriously'.",
        "customer_survey",
        "benevolence",
        mandatory=False,
    ),
    _c(
        "KS-4.3",
        "Leren van klachten",
        "Learning from complaints",
        "De directie bespreekt elk kwartaal de klachten en enquêteresultaten; de verslagen "
        "bevatten verbeteracties met een eigenaar en een termijn.",
        "Management reviews complaints and survey results every quarter; the minutes contain "
        "improvement actions with an owner and a deadline.",
        "document_review",
        "reliability",
        mandatory=False,
    ),
    _c(
        "KS-5.1",
        "Eerlijke informatie over rechten",
        "Honest information about rights",
        "Standaardteksten en gespreksscripts bevatten geen misleidende uitspraken over "
        "rechten, zoals dat garantie alleen via de fabrikant loopt.",
        "Standard texts and call scripts contain no misleading statements about rights, such "
        "as claiming that warranty is only available through the manufacturer.",
        "document_review",
        "integrity",
    ),
    _c(
        "KS-5.2",
        "Makkelijk opzeggen",
        "Easy cancellation",
        "Een online afgesloten overeenkomst kan online worden opgezegd. De auditor zegt een "
        "testabonnement op via de website en ontvangt een bevestiging met de einddatum.",
        "A contract concluded online can be cancelled online. The auditor cancels a test "
        "subscription through the website and receives a confirmation with the end date.",
        "technical_test",
        "integrity",
    ),
    _c(
        "KS-5.3",
        "Identiteitscontrole",
        "Identity check",
        "Bij drie testgesprekken weigert de medewerker accountgegevens te delen voordat de "
        "identiteit van de beller is gecontroleerd.",
        "In three test calls the employee refuses to share account details before the "
        "caller's identity has been verified.",
        "mystery_shopping",
        "integrity",
    ),
    _c(
        "KS-5.4",
        "Beveiliging van gespreksgegevens",
        "Security of conversation data",
        "Gespreksopnames en chatlogs zijn versleuteld opgeslagen en worden na uiterlijk 90 "
        "dagen automatisch verwijderd; de auditor controleert instellingen en bewaarlijst.",
        "Call recordings and chat logs are stored encrypted and deleted automatically after "
        "90 days at most; the auditor checks the settings and the retention list.",
        "technical_test",
        "competence",
    ),
)

# --- Duurzaam Keur -----------------------------------------------------------------------

_DK_V1: tuple[DemoCriterion, ...] = (
    _c(
        "DK-1.1",
        "Duurzaamheidsbeleid",
        "Sustainability policy",
        "Er is een door de directie ondertekend beleid met meetbare doelen voor de komende drie "
        "jaar en een jaarlijkse voortgangsrapportage.",
        "There is a policy signed by management with measurable targets for the next three "
        "years and an annual progress report.",
        "document_review",
        "integrity",
    ),
    _c(
        "DK-1.2",
        "Onderbouwde claims",
        "Substantiated claims",
        "Elke duurzaamheidsclaim op de website en verpakking is met bewijs onderbouwd. Vage "
        "claims zoals 'milieuvriendelijk' zonder toelichting komen niet voor.",
        "Every sustainability claim on the website and packaging is backed by evidence. Vague "
        "claims such as 'eco-friendly' without explanation do not appear.",
        "document_review",
        "integrity",
    ),
    _c(
        "DK-1.3",
        "Claims in de praktijk",
        "Claims in practice",
        "Bij een testaankoop van drie producten komen de claims op productpagina, verpakking "
        "en factuur overeen met het bewijsdossier.",
        "In a test purchase of three products the claims on the product page, packaging and "
        "invoice match the evidence file.",
        "mystery_shopping",
        "integrity",
    ),
    _c(
        "DK-2.1",
        "CO2-voetafdruk",
        "Carbon footprint",
        "De uitstoot van scope 1 en 2 wordt jaarlijks berekend volgens het GHG Protocol. De "
        "auditor vergelijkt de berekening met energie- en brandstoffacturen.",
        "Scope 1 and 2 emissions are calculated every year following the GHG Protocol. The "
        "auditor compares the calculation with energy and fuel invoices.",
        "document_review",
        "competence",
    ),
    _c(
        "DK-2.2",
        "Aantoonbare reductie",
        "Demonstrable reduction",
        "De uitstoot van scope 1 en 2 daalt met minstens 5% per jaar ten opzichte van het "
        "basisjaar, of een afwijking is verklaard met een herstelplan.",
        "Scope 1 and 2 emissions fall by at least 5% a year against the base year, or a "
        "shortfall is explained with a recovery plan.",
        "document_review",
        "reliability",
    ),
    _c(
        "DK-2.3",
        "Energieverbruik op locatie",
        "Energy use on site",
        "Bij het bezoek komen de meterstanden overeen met het gerapporteerde verbruik en zijn "
        "de genoemde besparingsmaatregelen aanwezig.",
        "During the visit the meter readings match the reported consumption and the stated "
        "energy-saving measures are in place.",
        "site_visit",
        "reliability",
    ),
    _c(
        "DK-3.1",
        "Plasticvrij verpakken",
        "Plastic-free packing",
        "Minstens 80% van de zendingen wordt zonder plastic opvulmateriaal verpakt; de auditor "
        "controleert dit in het magazijn.",
        "At least 80% of shipments are packed without plastic filling material; the auditor "
        "checks this in the warehouse.",
        "site_visit",
        "competence",
    ),
    _c(
        "DK-3.2",
        "Passende doosgrootte",
        "Right-sized boxes",
        "Bij drie testbestellingen is het volume van de doos hooguit twee keer dat van het "
        "product.",
        "In three test orders the volume of the box is at most twice that of the product.",
        "mystery_shopping",
        "competence",
        mandatory=False,
    ),
    _c(
        "DK-3.3",
        "Geen vernietiging van retouren",
        "No destruction of returns",
        "Geretourneerde en onverkochte producten worden doorverkocht, gerepareerd of "
        "gerecycled. Vernietiging wordt geregistreerd en blijft onder 1% van de retouren.",
        "Returned and unsold products are resold, repaired or recycled. Destruction is "
        "recorded and stays below 1% of returns.",
        "document_review",
        "reliability",
    ),
    _c(
        "DK-4.1",
        "Verantwoorde inkoop",
        "Responsible sourcing",
        "Leveranciers die samen minstens 80% van de inkoopwaarde leveren, hebben een "
        "gedragscode over arbeidsomstandigheden ondertekend.",
        "Suppliers accounting for at least 80% of purchase value have signed a code of "
        "conduct on working conditions.",
        "document_review",
        "integrity",
    ),
    _c(
        "DK-4.2",
        "Reparatie en onderdelen",
        "Repair and spare parts",
        "Voor duurzame gebruiksgoederen biedt de onderneming minstens vijf jaar na aankoop "
        "reparatie of losse onderdelen aan.",
        "For durable goods the company offers repair or spare parts for at least five years "
        "after purchase.",
        "document_review",
        "benevolence",
        mandatory=False,
    ),
    _c(
        "DK-4.3",
        "Productinformatie voor de klant",
        "Product information for the customer",
        "Een geautomatiseerde controle van de productfeed toont dat bij minstens 90% van de "
        "producten het materiaal en het land van herkomst zijn vermeld.",
        "An automated check of the product feed shows that material and country of origin "
        "are stated for at least 90% of products.",
        "technical_test",
        "benevolence",
    ),
    _c(
        "DK-5.1",
        "Begrijpelijk voor de klant",
        "Understandable to the customer",
        "Een enquête onder minstens 100 klanten toont dat minstens 70% kan uitleggen waar het "
        "keurmerk voor staat.",
        "A survey of at least 100 customers shows that at least 70% can explain what the "
        "label stands for.",
        "customer_survey",
        "benevolence",
        mandatory=False,
    ),
    _c(
        "DK-5.2",
        "Zuinige website",
        "Efficient website",
        "De website draait op hosting met groene stroom en de tien meest bezochte pagina's "
        "wegen bij een meting elk minder dan 2 MB.",
        "The website runs on hosting powered by renewable energy, and the ten most visited "
        "pages each weigh less than 2 MB when measured.",
        "technical_test",
        "competence",
        mandatory=False,
    ),
)

SCHEMES: tuple[DemoScheme, ...] = (
    DemoScheme(
        slug="webwinkel-keur",
        name_nl="Webwinkel Keur",
        name_en="Web Shop Label",
        owner="Stichting Veilig Online Kopen",
        description_nl=(
            "Keurmerk voor webwinkels die consumenten eerlijk informeren, veilig laten "
            "betalen, op tijd leveren en het consumentenrecht naleven."
        ),
        description_en=(
            "Label for web shops that inform consumers honestly, offer safe payment, deliver "
            "on time and comply with consumer law."
        ),
        audited_by_nl=(
            "Onafhankelijke certificatie-instellingen die door de Raad voor Accreditatie zijn "
            "geaccrediteerd. De eigenaar van het keurmerk en brancheorganisaties auditeren "
            "niet zelf."
        ),
        audited_by_en=(
            "Independent certification bodies accredited by the Dutch Accreditation Council. "
            "The label's owner and trade associations do not audit."
        ),
        accreditation_required=True,
        surveillance_interval_months=12,
        max_validity_months=36,
        sanctions_nl=(
            "Bij een ernstige tekortkoming wordt het certificaat geschorst tot het herstel is "
            "aangetoond. Zonder herstel binnen drie maanden volgt intrekking. Schorsingen en "
            "intrekkingen zijn openbaar."
        ),
        sanctions_en=(
            "A major nonconformity suspends the certificate until the correction is shown. "
            "Without correction within three months the certificate is withdrawn. "
            "Suspensions and withdrawals are public."
        ),
        versions=(_WS_V1, _WS_V2),
    ),
    DemoScheme(
        slug="klantenservice-keur",
        name_nl="Klantenservice Keur",
        name_en="Customer Service Label",
        owner="Stichting Klantgericht Ondernemen",
        description_nl=(
            "Keurmerk voor organisaties met een bereikbare, deskundige klantenservice die "
            "klachten serieus neemt en in het belang van de klant oplost."
        ),
        description_en=(
            "Label for organisations with reachable, knowledgeable customer service that "
            "takes complaints seriously and resolves them in the customer's interest."
        ),
        audited_by_nl=(
            "Certificatie-instellingen die de eigenaar van het keurmerk heeft erkend. "
            "Accreditatie wordt aanbevolen maar is niet verplicht. Mystery calls worden "
            "uitgevoerd door de certificatie-instelling, niet door de organisatie zelf."
        ),
        audited_by_en=(
            "Certification bodies approved by the label's owner. Accreditation is recommended "
            "but not required. Mystery calls are made by the certification body, not by the "
            "organisation itself."
        ),
        accreditation_required=False,
        surveillance_interval_months=6,
        max_validity_months=24,
        sanctions_nl=(
            "Bij een ernstige tekortkoming volgt schorsing en een extra audit binnen twee "
            "maanden. Herhaalde of niet herstelde tekortkomingen leiden tot intrekking."
        ),
        sanctions_en=(
            "A major nonconformity leads to suspension and an additional audit within two "
            "months. Repeated or uncorrected nonconformities lead to withdrawal."
        ),
        versions=(_KS_V1,),
    ),
    DemoScheme(
        slug="duurzaam-keur",
        name_nl="Duurzaam Keur",
        name_en="Sustainability Label",
        owner="Stichting Eerlijk Groen",
        description_nl=(
            "Keurmerk voor bedrijven die hun milieu-impact meten en verlagen, verantwoord "
            "inkopen en alleen duurzaamheidsclaims doen die ze kunnen onderbouwen."
        ),
        description_en=(
            "Label for companies that measure and reduce their environmental impact, source "
            "responsibly and make only sustainability claims they can substantiate."
        ),
        audited_by_nl=(
            "Onafhankelijke certificatie-instellingen die door de Raad voor Accreditatie zijn "
            "geaccrediteerd voor dit keurmerk. Elke audit omvat een bezoek aan de locatie."
        ),
        audited_by_en=(
            "Independent certification bodies accredited for this label by the Dutch "
            "Accreditation Council. Every audit includes a site visit."
        ),
        accreditation_required=True,
        surveillance_interval_months=12,
        max_validity_months=36,
        sanctions_nl=(
            "Een niet onderbouwde claim leidt tot schorsing tot de claim is verwijderd of "
            "onderbouwd. Misleiding of herhaling leidt tot intrekking."
        ),
        sanctions_en=(
            "An unsubstantiated claim leads to suspension until the claim is removed or "
            "substantiated. Deception or repetition leads to withdrawal."
        ),
        versions=(_DK_V1,),
    ),
)


# --- Organisations -----------------------------------------------------------------------


def _org(legal_name: str, kvk: str, *domains: str) -> DemoOrganisation:
    return DemoOrganisation(legal_name=legal_name, kvk=kvk, country="NL", domains=domains)


ORGANISATIONS: tuple[DemoOrganisation, ...] = (
    _org(
        "Rijwielhandel Het Spaakhuis B.V.",
        "99041237",
        "spaakhuis-demo.example",
        "fietsen-spaakhuis.test",
    ),
    _org("Café Zoë B.V.", "99013584", "café-zoë.example", "cafezoe-demo.example"),
    _org("Boekhandel Leeswijzer B.V.", "99072916", "leeswijzer-demo.example"),
    _org("Tuincentrum De Groene Vinger B.V.", "99058403", "groenevinger-demo.example"),
    _org("Kinderkleding Pluk & Pien B.V.", "99026751", "plukenpien-demo.example"),
    _org("Elektro Vonk Online B.V.", "99087362", "elektrovonk-demo.example", "vonk-online.test"),
    _org("Slaapwinkel Dromerij B.V.", "99031945", "dromerij-demo.example"),
    _org("Koffiebranderij Bonenberg B.V.", "99064128", "bonenberg-demo.example"),
    _org("Wijnkoperij Van Druten & Zn. B.V.", "99095017", "vandruten-wijn.example"),
    _org("Dierenspeciaalzaak Snuffel", "99017693", "snuffel-demo.example"),
    _org("Kaashandel Graafschap V.O.F.", "99048276", "kaashandel-graafschap.example"),
    _org("Sportzaak Buitenspel B.V.", "99083541", "buitenspel-demo.example"),
    _org("Optiek Scherpzicht B.V.", "99029860", "scherpzicht-demo.example"),
    _org("Speelgoedwinkel Het Houten Paard B.V.", "99076314", "houtenpaard-demo.example"),
    _org("Lampenhuis Lichtpunt B.V.", "99052089", "lichtpunt-demo.example"),
    _org("Naaimachinehuis Draad & Steek B.V.", "99010472", "draadensteek-demo.example"),
    _org("Verfwinkel Kleurrijk B.V.", "99067835", "kleurrijk-demo.example"),
    _org("Drogisterij Kamille B.V.", "99093658", "kamille-demo.example"),
    _org("Outdoorwinkel Trektocht B.V.", "99035207", "trektocht-demo.example", "trektocht.test"),
    _org("Muziekhandel Maatwerk B.V.", "99081926", "maatwerk-muziek.example"),
    _org("Schoenenwinkel Stapvoets B.V.", "99044519", "stapvoets-demo.example"),
    _org("Woonwinkel Thuishaven B.V.", "99069743", "thuishaven-demo.example"),
    _org("Fotospeciaalzaak Sluitertijd B.V.", "99022385", "sluitertijd-demo.example"),
    _org("Bloemisterij Het Boeketje V.O.F.", "99057160", "boeketje-demo.example"),
    _org(
        "Energieleverancier Windkracht Zeven B.V.",
        "99098431",
        "windkracht7-demo.example",
        "mijn.windkracht7-demo.example",
    ),
    _org("Glasvezel Oost B.V.", "99036094", "glasvezeloost-demo.example"),
    _org("Verzekeringsdienst Zekerweten N.V.", "99070258", "zekerweten-demo.example"),
    _org(
        "Telefoonwinkel Belbaar B.V.",
        "99015827",
        "belbaar-demo.example",
        "winkel.belbaar-demo.example",
    ),
    _org("Reisbureau Verre Horizon B.V.", "99089604", "verrehorizon-demo.example"),
    _org("Schoonmaakbedrijf Glansrijk B.V.", "99043972", "glansrijk-demo.example"),
    _org("Installatiebedrijf Warmtewacht B.V.", "99061349", "warmtewacht-demo.example"),
    _org("Zorgeloos Verhuizen B.V.", "99027518", "zorgeloosverhuizen-demo.example"),
    _org("Bouwmarkt De Gereedschapskist B.V.", "99084765", "gereedschapskist-demo.example"),
    _org(
        "Biologische Supermarkt Akkerland B.V.",
        "99050631",
        "akkerland-demo.example",
        "akkerland-bezorgt.test",
    ),
    _org("Kringloopkast B.V.", "99073196", "kringloopkast-demo.example"),
    _org("Zonnepanelen Zonnewijzer B.V.", "99038840", "zonnewijzer-demo.example"),
    _org("Fietskoerier Trapkracht B.V.", "99092473", "trapkracht-demo.example"),
    _org("Stoffenhuis 't Lapje B.V.", "99019206", "lapje-demo.example", "stoffen-lapje.test"),
)

# --- Certification bodies ----------------------------------------------------------------

BODIES: tuple[DemoBody, ...] = (
    DemoBody(
        slug="keurcontrole-nederland",
        name="Keurcontrole Nederland B.V.",
        country="NL",
        website="https://keurcontrole-demo.example",
        accrediting_body="Raad voor Accreditatie (RvA)",
        accreditation_number="C 912",
        scheme_slugs=("webwinkel-keur", "klantenservice-keur", "duurzaam-keur"),
        auditors=(
            ("Marieke Jansen-Bos", ()),
            # Formerly worked at Boekhandel Leeswijzer; declared, so never audits it.
            ("Daan Verhoeven", ("99072916",)),
            ("Fatima El Idrissi", ()),
        ),
        admins=("Esther Mulder", "Joost van Leeuwen"),
    ),
    DemoBody(
        slug="toetsing-borging-noord",
        name="Toetsing & Borging Noord B.V.",
        country="NL",
        website="https://tbnoord-demo.example",
        accrediting_body="Raad voor Accreditatie (RvA)",
        accreditation_number="C 947",
        scheme_slugs=("webwinkel-keur", "klantenservice-keur"),
        auditors=(
            # A relative co-owns Sportzaak Buitenspel.
            ("Ruud Hoekstra", ("99083541",)),
            ("Lotte van der Meer", ()),
        ),
        admins=("Ingrid Postma", "Kees Brouwer"),
    ),
    DemoBody(
        slug="groenaudit",
        name="GroenAudit Certificering B.V.",
        country="NL",
        website="https://groenaudit-demo.example",
        accrediting_body="Raad voor Accreditatie (RvA)",
        accreditation_number="C 968",
        scheme_slugs=("duurzaam-keur",),
        auditors=(
            # Advised Akkerland on its sustainability policy two years ago.
            ("Sanne Kuipers", ("99050631",)),
            ("Bram Tuinstra", ()),
            ("Noël Dijkstra", ()),
        ),
        admins=("Yara Bakker", "Thijs de Wit"),
    ),
)

# --- Stories -----------------------------------------------------------------------------

_R_RETURN_COSTS = DemoReason(
    "Retourkosten ten onrechte in rekening gebracht",
    "Return costs charged without justification",
)
_R_COMPLAINTS = DemoReason(
    "Klachtenregeling niet nageleefd",
    "Complaints procedure not followed",
)
_R_DELIVERY = DemoReason(
    "Levertijden structureel overschreden",
    "Delivery times exceeded repeatedly",
)
_R_FIXED = DemoReason(
    "Tekortkoming hersteld en bij extra audit geverifieerd",
    "Nonconformity corrected and verified in an additional audit",
)
_R_NOT_FIXED = DemoReason(
    "Tekortkoming niet binnen de hersteltermijn opgelost",
    "Nonconformity not corrected within the correction period",
)
_R_RELINQUISHED = DemoReason(
    "Certificaathouder heeft afstand gedaan van het certificaat",
    "Holder relinquished the certificate",
)
_R_CEASED = DemoReason(
    "Bedrijfsactiviteiten beëindigd",
    "Business activities ceased",
)
_R_CLAIMS = DemoReason(
    "Duurzaamheidsclaims op productpagina's niet onderbouwd",
    "Sustainability claims on product pages not substantiated",
)
_R_PHONE = DemoReason(
    "Telefonische bereikbaarheid onder de norm bij mystery calls",
    "Telephone availability below the standard in mystery calls",
)
_R_IDENTITY = DemoReason(
    "Accountgegevens gedeeld zonder identiteitscontrole",
    "Account details shared without an identity check",
)


def _story(
    kvk: str,
    scheme: str,
    body: str,
    months_ago: int,
    *history: str,
    reasons: tuple[DemoReason, ...] = (),
) -> DemoStory:
    return DemoStory(
        organisation_kvk=kvk,
        scheme_slug=scheme,
        body_slug=body,
        history=history,
        reasons=reasons,
        months_ago=months_ago,
    )


_WS = "webwinkel-keur"
_KS = "klantenservice-keur"
_DK = "duurzaam-keur"
_KN = "keurcontrole-nederland"
_TB = "toetsing-borging-noord"
_GA = "groenaudit"

STORIES: tuple[DemoStory, ...] = (
    _story("99041237", _WS, _KN, 14, "initial", "surveillance"),
    _story("99013584", _WS, _TB, 5, "initial"),
    _story("99072916", _WS, _KN, 26, "initial", "surveillance", "surveillance"),
    _story("99058403", _DK, _GA, 8, "initial"),
    _story("99026751", _WS, _TB, 10, "initial", "suspend", reasons=(_R_RETURN_COSTS,)),
    _story(
        "99087362",
        _WS,
        _KN,
        20,
        "initial",
        "surveillance",
        "suspend",
        "reinstate",
        reasons=(_R_DELIVERY, _R_FIXED),
    ),
    _story("99031945", _WS, _KN, 11, "initial", "withdraw", reasons=(_R_RELINQUISHED,)),
    _story("99064128", _DK, _KN, 15, "initial", "surveillance"),
    _story("99095017", _WS, _TB, 40, "initial", "surveillance", "surveillance", "expire"),
    _story("99017693", _WS, _KN, 3, "initial"),
    _story("99048276", _DK, _GA, 27, "initial", "surveillance", "surveillance"),
    _story("99083541", _WS, _TB, 13, "initial", "surveillance"),
    _story("99029860", _KS, _KN, 8, "initial", "surveillance"),
    _story(
        "99076314",
        _WS,
        _KN,
        9,
        "initial",
        "suspend",
        "withdraw",
        reasons=(_R_COMPLAINTS, _R_NOT_FIXED),
    ),
    _story(
        "99052089",
        _WS,
        _TB,
        22,
        "initial",
        "suspend",
        "reinstate",
        "surveillance",
        reasons=(_R_COMPLAINTS, _R_FIXED),
    ),
    _story("99010472", _WS, _KN, 38, "initial", "surveillance", "surveillance", "recertification"),
    _story("99067835", _WS, _TB, 2, "initial"),
    _story("99093658", _KS, _TB, 14, "initial", "surveillance", "surveillance"),
    _story("99035207", _DK, _KN, 7, "initial", "suspend", reasons=(_R_CLAIMS,)),
    _story("99081926", _WS, _KN, 18, "initial", "surveillance"),
    _story("99044519", _WS, _TB, 30, "initial", "surveillance", "surveillance"),
    _story("99069743", _WS, _KN, 43, "initial", "surveillance", "surveillance", "expire"),
    _story(
        "99022385",
        _WS,
        _TB,
        16,
        "initial",
        "suspend",
        "withdraw",
        reasons=(_R_RETURN_COSTS, _R_NOT_FIXED),
    ),
    _story("99057160", _KS, _KN, 4, "initial"),
    _story(
        "99098431",
        _KS,
        _TB,
        28,
        "initial",
        "surveillance",
        "surveillance",
        "surveillance",
        "recertification",
    ),
    # A surveillance refused for a major nonconformity, and the suspension it brought.
    _story(
        "99036094",
        _KS,
        _KN,
        13,
        "initial",
        "surveillance",
        "surveillance_refused",
        reasons=(_R_PHONE,),
    ),
    _story(
        "99070258",
        _KS,
        _TB,
        26,
        "initial",
        "surveillance",
        "surveillance",
        "surveillance",
        "expire",
    ),
    _story(
        "99015827",
        _KS,
        _KN,
        15,
        "initial",
        "surveillance",
        "suspend",
        "reinstate",
        reasons=(_R_IDENTITY, _R_FIXED),
    ),
    _story("99089604", _KS, _TB, 9, "initial", "surveillance"),
    _story("99043972", _KS, _KN, 12, "initial", "surveillance", "withdraw", reasons=(_R_CEASED,)),
    _story("99061349", _KS, _TB, 7, "initial", "surveillance"),
    _story("99027518", _KS, _KN, 13, "initial", "surveillance", "surveillance"),
    _story("99084765", _WS, _KN, 6, "initial"),
    _story("99050631", _DK, _GA, 27, "initial", "surveillance", "surveillance"),
    _story("99073196", _DK, _KN, 45, "initial", "surveillance", "expire"),
    _story(
        "99038840", _DK, _GA, 10, "initial", "suspend", "reinstate", reasons=(_R_CLAIMS, _R_FIXED)
    ),
    _story("99092473", _KS, _TB, 3, "initial"),
    _story("99019206", _WS, _KN, 17, "initial", "surveillance"),
)

# The profile consumer guides judge a label by, per scheme (field name to text).
SCHEME_PROFILES: dict[str, dict[str, str]] = {
    "webwinkel-keur": {
        "criteria_set_by_nl": (
            "Stichting Veilig Online Kopen is eigenaar; de criteria worden vastgesteld door "
            "een college waarin consumenten, webwinkels en deskundigen elk een derde van de "
            "zetels hebben."
        ),
        "criteria_set_by_en": (
            "Owned by Stichting Veilig Online Kopen; the criteria are set by a board in which "
            "consumers, web shops and experts each hold a third of the seats."
        ),
        "stakeholders_nl": (
            "Consumentenorganisaties en de branche praten mee in het college; ontwerpcriteria "
            "staan zes weken open voor openbaar commentaar."
        ),
        "stakeholders_en": (
            "Consumer organisations and the trade sit on the board; draft criteria are open "
            "for public comment for six weeks."
        ),
        "ambition_nl": (
            "Gaat verder dan de wet: 30 dagen bedenktijd in plaats van 14, en retourkosten "
            "vooraf duidelijk vermeld."
        ),
        "ambition_en": (
            "Goes beyond the law: 30 days to change one's mind instead of 14, and return "
            "costs stated up front."
        ),
        "control_nl": (
            "Jaarlijkse controle-audit door een RvA-geaccrediteerde instelling, met "
            "proefaankopen; de eigenaar auditeert niet zelf."
        ),
        "control_en": (
            "Yearly surveillance audit by an RvA-accredited body, with test purchases; the "
            "owner does not audit."
        ),
        "transparency_nl": "Alle criteria en elke versie ervan zijn openbaar in dit register.",
        "transparency_en": "Every criterion and each version of it is public in this registry.",
        "complaints_nl": (
            "Klachten over een webwinkel gaan eerst naar de winkel, daarna naar de "
            "Geschillencommissie; klachten over het keurmerk naar de stichting."
        ),
        "complaints_en": (
            "Complaints about a shop go to the shop first, then to the disputes committee; "
            "complaints about the label go to the foundation."
        ),
    },
    "klantenservice-keur": {
        "criteria_set_by_nl": (
            "Stichting Klantgericht Ondernemen is eigenaar en stelt de criteria zelf vast, "
            "na overleg met deelnemende bedrijven."
        ),
        "criteria_set_by_en": (
            "Owned by Stichting Klantgericht Ondernemen, which sets the criteria itself after "
            "consulting participating companies."
        ),
        "stakeholders_nl": "Alleen deelnemende bedrijven; consumenten praten niet mee.",
        "stakeholders_en": "Participating companies only; consumers have no say.",
        "ambition_nl": "Bereikbaarheid binnen twee minuten; verder volgt het de wet.",
        "ambition_en": "Reachable within two minutes; otherwise it follows the law.",
        "control_nl": (
            "Halfjaarlijkse controle door erkende instellingen met mystery calls; "
            "accreditatie is niet verplicht."
        ),
        "control_en": (
            "Half-yearly surveillance by approved bodies with mystery calls; accreditation "
            "is not required."
        ),
        "transparency_nl": "De criteria zijn openbaar; de weging van de mystery calls niet.",
        "transparency_en": "The criteria are public; how mystery calls are weighed is not.",
        "complaints_nl": "Klachten over het keurmerk via het formulier van de stichting.",
        "complaints_en": "Complaints about the label through the foundation's form.",
    },
    "duurzaam-keur": {
        "criteria_set_by_nl": (
            "Stichting Eerlijk Groen is eigenaar; een onafhankelijke commissie van "
            "wetenschappers en milieuorganisaties stelt de criteria vast."
        ),
        "criteria_set_by_en": (
            "Owned by Stichting Eerlijk Groen; an independent committee of scientists and "
            "environmental organisations sets the criteria."
        ),
        "stakeholders_nl": "Milieuorganisaties, wetenschappers en bedrijven in de commissie.",
        "stakeholders_en": "Environmental organisations, scientists and companies on the committee.",
        "ambition_nl": (
            "Jaarlijks gemeten en verlaagde CO2-uitstoot, ver boven de wettelijke rapportageplicht."
        ),
        "ambition_en": (
            "Emissions measured and reduced every year, well beyond the legal duty to report."
        ),
        "control_nl": "Jaarlijkse audit met locatiebezoek door een RvA-geaccrediteerde instelling.",
        "control_en": "Yearly audit with a site visit by an RvA-accredited body.",
        "transparency_nl": "Criteria, meetmethoden en rekenregels zijn openbaar.",
        "transparency_en": "Criteria, measuring methods and calculation rules are public.",
        "complaints_nl": "Klachten en meldingen van misbruik via de stichting of dit register.",
        "complaints_en": "Complaints and reports of misuse through the foundation or this registry.",
    },
}
