"""The misuse-report form of the public pages: protected without cookies."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from litestar.testing import TestClient

from registry.bootstrap import Services
from registry.misuse.pages import make_token
from tests.support.env import FakeClock

ORIGIN = {"Origin": "https://registry.test", "Sec-Fetch-Site": "same-origin"}


def form_of(client: TestClient[Any], path: str = "/", **params: str) -> dict[str, str]:
    page = client.get(path, params=params).text
    token = re.search(r'name="t" value="([^"]+)"', page)
    assert token, "no time token in the form"
    assert 'name="website"' in page  # the honeypot
    return {"t": token.group(1), "site": "https://copycat.example/", "seen": "your label"}


def send(client: TestClient[Any], form: dict[str, str], **headers: str) -> Any:
    return client.post("/report", data=form, headers={**ORIGIN, **headers})


def test_a_report_from_the_home_page_is_stored(
    client: TestClient[Any], clock: FakeClock, service: Services
) -> None:
    form = form_of(client)
    clock.now += timedelta(seconds=20)
    response = send(client, {**form, "contact_email": "me@example.nl", "website": ""})
    assert response.status_code == 200, response.text
    assert "Bedankt voor uw melding" in response.text
    assert re.search(r"mr_[0-9a-f]{16}", response.text)
    assert "set-cookie" not in response.headers
    staff = service.identity.authenticate(service.identity.create_staff_token("Sam").token)
    reports = service.misuse.misuse_reports(staff, "all", 10, None).items
    assert [r.domain for r in reports] == ["copycat.example"]


def test_refusals_are_readable_pages(client: TestClient[Any], clock: FakeClock) -> None:
    form = form_of(client, lang="en")
    too_fast = send(client, {**form, "lang": "en"})
    assert too_fast.status_code == 400 and "too quickly" in too_fast.text
    clock.now += timedelta(seconds=10)
    honeypot = send(client, {**form, "website": "http://spam.example"})
    assert honeypot.status_code == 400 and "automatisch" in honeypot.text
    cross = send(client, form, Origin="https://evil.example", **{"Sec-Fetch-Site": "cross-site"})
    assert cross.status_code == 403 and "alleen vanaf" in cross.text
    cross_site = send(client, form, **{"Sec-Fetch-Site": "cross-site"})
    assert cross_site.status_code == 403
    tail = "11" if form["t"].endswith("00") else "00"  # always another signature
    forged = send(client, {**form, "t": form["t"][:-2] + tail})
    assert forged.status_code == 400 and "verlopen" in forged.text
    invalid = send(client, {**form, "site": "not a site"})
    assert invalid.status_code == 400 and "Controleer" in invalid.text
    not_a_form = client.post("/report", content=b"\xff\x00", headers=ORIGIN)
    assert not_a_form.status_code == 400
    clock.now += timedelta(hours=2)
    expired = send(client, form)
    assert expired.status_code == 400 and "verlopen" in expired.text


def test_a_browser_post_with_origin_null_is_same_origin_when_fetch_site_says_so(
    client: TestClient[Any], clock: FakeClock
) -> None:
    # Under the pages' no-referrer policy Chromium sends Origin: null with the form.
    form = form_of(client)
    clock.now += timedelta(seconds=20)
    sent = send(client, form, Origin="null", **{"Sec-Fetch-Site": "same-origin"})
    assert sent.status_code == 200, sent.text
    clock.now += timedelta(seconds=20)
    elsewhere = send(client, form_of(client), Origin="null", **{"Sec-Fetch-Site": "same-site"})
    assert elsewhere.status_code == 403
    # Without Sec-Fetch-Site, an Origin that names another origin is refused.
    foreign = client.post(
        "/report", data=form_of(client), headers={"Origin": "https://evil.example"}
    )
    assert foreign.status_code == 403


def test_a_refusal_answers_in_the_language_of_the_form(client: TestClient[Any]) -> None:
    form = {**form_of(client, lang="en"), "lang": "en"}
    cross = send(client, form, Origin="https://evil.example", **{"Sec-Fetch-Site": "cross-site"})
    assert cross.status_code == 403
    assert "only be sent from the registry" in cross.text and "alleen vanaf" not in cross.text


def test_the_rate_limit_says_so(
    client: TestClient[Any], clock: FakeClock, service: Services
) -> None:
    # Six forms as six page loads give them: each token is spent once per client, and
    # the page (served from memory) would hand this test the same token six times.
    form = form_of(client)
    forms = [{**form, "t": make_token(service.identity.form_secret(), clock.now)} for _ in range(6)]
    clock.now += timedelta(seconds=5)
    statuses = [send(client, form).status_code for form in forms[:5]]
    assert statuses == [200] * 5
    limited = send(client, forms[5])
    assert limited.status_code == 429 and "te veel meldingen" in limited.text
    assert int(limited.headers["retry-after"]) > 0


def test_the_certificate_page_has_the_form_and_the_snippets(
    client: TestClient[Any], world: Any
) -> None:
    code = world.certify()
    page = client.get(f"/c/{code}").text
    assert f'name="certificate" value="{code}"' in page
    snippets = re.findall(r'<code class="snippet"[^>]*>(.*?)</code>', page, re.S)
    assert len(snippets) == 4
    for snippet in snippets:
        assert "<img" not in snippet and "&lt;img src=" in snippet
        assert f"&lt;a href=&#34;https://registry.test/c/{code}&#34;&gt;" in snippet
        assert f"https://registry.test/badge/{code}.svg?size=" in snippet
        alt = re.search(r"alt=&#34;(.*?)&#34;", snippet)
        assert alt and not alt.group(1).startswith("Keurmerk "), alt  # no "label label"
    english = client.get(f"/c/{code}?lang=en").text
    for alt in re.findall(r"alt=&#34;(.*?)&#34;", english):
        assert " label of" not in alt and " of " in alt and alt.endswith("in the registry"), alt
