"""The certificate page over time: every audit, each criterion at each audit, reasons in
the language asked for, counts that say what they count."""

from __future__ import annotations

import re
from html import unescape

from tests.api.test_trust_over_time import decide, follow_up
from tests.support.env import FakeClock
from tests.support.world import World


def text_of(html: str) -> str:
    """The page's visible text, tags removed and spaces collapsed."""
    without = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", without))).strip()


def section(html: str, name: str) -> str:
    found = re.search(rf'<section class="{name}".*?</section>', html, re.S)
    assert found, name
    return found.group(0)


def test_the_page_shows_every_audit_and_each_criterion_over_time(
    world: World, clock: FakeClock
) -> None:
    code = world.certify()
    clock.advance(days=120)
    audit = follow_up(world, clock, code, "surveillance", WS_3_1="minor_nonconformity")
    decided = decide(
        world,
        audit,
        {
            "outcome": "certify",
            "reason_nl": "verbeterplan voor levering ontvangen",
            "reason_en": "improvement plan for delivery received",
        },
    )
    assert decided.status_code == 201, decided.text

    english = world.client.get(f"/c/{code}?lang=en").text
    checked = text_of(section(english, "checked"))
    assert "Results of the latest audit: Surveillance audit" in checked
    assert "4 of 4 criteria apply; 3 conforming, 1 minor nonconformity." in checked
    assert "criteria were checked" not in english and "fully met" not in english
    assert "surveillance audit passed" not in english.lower()

    audits = section(english, "audits")
    assert text_of(audits).count("auditor p-") == 2
    assert "Initial audit" in audits and "Surveillance audit" in audits
    assert "improvement plan for delivery received" in audits
    assert "Decision: certification confirmed" in audits
    # The criterion x audit table: a column per audit, WS-3.1 changed between them.
    table = re.search(r'<table class="audit-table">.*?</table>', audits, re.S)
    assert table
    assert table.group(0).count('<th scope="col">') == 3  # criterion + two audits
    row = re.search(
        r'<tr class="changed">\s*<th scope="row"><span class="criterion-code">WS-3.1',
        table.group(0),
    )
    assert row, "the criterion whose result changed is marked"
    ws31 = re.search(r"WS-3.1.*?</tr>", table.group(0), re.S)
    assert ws31 and re.findall(r"class=\"result result-(\w+)", ws31.group(0)) == [
        "conforming",
        "minor_nonconformity",
    ]
    for dimension in ("Competence", "Reliability", "Integrity", "Benevolence"):
        assert dimension in table.group(0)

    dutch = world.client.get(f"/c/{code}?lang=nl").text
    assert "verbeterplan voor levering ontvangen" in section(dutch, "audits")
    assert "4 van 4 criteria zijn van toepassing; 3 voldoen, 1 kleine tekortkoming." in text_of(
        section(dutch, "checked")
    )


def test_reasons_in_the_language_asked_for(world: World) -> None:
    code = world.certify()
    world.post(
        f"/api/v1/certificates/{code}/suspend",
        world.admin,
        {"reason_nl": "klachten onbeantwoord", "reason_en": "complaints left unanswered"},
    )
    english = text_of(world.client.get(f"/c/{code}?lang=en").text)
    dutch = text_of(world.client.get(f"/c/{code}?lang=nl").text)
    assert "Reason complaints left unanswered" in english
    assert "klachten onbeantwoord" not in english
    assert "Reden klachten onbeantwoord" in dutch and "complaints left unanswered" not in dutch

    # Without English, the English page shows the Dutch text and says so.
    world.post(f"/api/v1/certificates/{code}/reinstate", world.admin, {"reason_nl": "opgelost"})
    world.post(
        f"/api/v1/certificates/{code}/withdraw",
        world.admin,
        {"reason_nl": "<b>niet</b> meer actief"},
    )
    page = world.client.get(f"/c/{code}?lang=en").text
    status = text_of(page.split('class="status-facts"')[1].split("</dl>")[0])
    assert "<b>niet</b> meer actief (English not provided)" in status
    assert "<b>niet" not in page.split("<main")[1].replace("&lt;b&gt;niet", "")  # escaped
    history = text_of(section(page, "history"))
    assert "opgelost (English not provided)" in history
    assert "complaints left unanswered" in history
    assert "(English not provided)" not in text_of(world.client.get(f"/c/{code}?lang=nl").text)
