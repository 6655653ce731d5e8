"""The three portals through their pages, as people use them: an auditor drafts and
submits (refusals beside their fields), a body admin decides under four-eyes and changes
a certificate's status, staff edit a draft scheme version and publish it; nobody acts
outside their role or party, and no form works without its CSRF token."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from litestar.testing import TestClient

from tests.identity.conftest import csrf_of
from tests.portals.conftest import SignInAs
from tests.support.env import FakeClock
from tests.support.world import CRITERIA, World, bearer

CARLA = "carla@keurcontrole.example"  # auditor
ANNA = "anna@keurcontrole.example"  # body admin
BERT = "bert@keurcontrole.example"  # body admin
CODES = [c["code"] for c in CRITERIA]


def checklist_form(page: str, world: World, **changes: str) -> dict[str, str]:
    """The checklist's posted fields, filled as an auditor would."""
    form = {
        "csrf": csrf_of(page),
        "kind": "initial",
        "scheme": "webwinkel",
        "version": "1",
        "legal_name": "Fietsen B.V.",
        "country": "NL",
        "registration_number": "12345678",
        "audit_start": str(world.today - timedelta(days=10)),
        "audit_end": str(world.today - timedelta(days=8)),
        "scope": "Online sales of bicycles",
        "domains": "fietsen.example",
    }
    for code in CODES:
        form[f"result-{code}"] = "conforming"
        form[f"summary-{code}"] = f"seen for {code}"
        form[f"digests-{code}"] = "ab" * 32
    membership = re.search(r'name="membership" value="(\d+)"', page)
    if membership:
        form["membership"] = membership[1]
    draft = re.search(r'name="draft" value="(\d+)"', page)
    if draft:
        form["draft"] = draft[1]
    form.update(changes)
    return form


def submit_through_portal(client: TestClient[Any], world: World) -> str:
    page = client.get("/account/auditor/new", params={"version": "webwinkel:1"}).text
    done = client.post(
        "/account/auditor/assessment",
        data={**checklist_form(page, world), "action": "submit"},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    found = re.search(r"submitted=(A-[0-9a-f]+)", done.headers["location"])
    assert found, done.headers
    return found[1]


def test_an_auditor_drafts_resumes_and_submits_with_refusals_beside_their_fields(
    client: TestClient[Any], world: World, sign_in_as: SignInAs, clock: FakeClock
) -> None:
    world.today = clock.now.date()
    sign_in_as(CARLA)
    account = client.get("/account").text
    assert 'href="/account/auditor"' in account
    assert 'href="/account/body"' not in account and 'href="/account/staff"' not in account

    page = client.get("/account/auditor/new", params={"version": "webwinkel:1"}).text
    assert page.index('id="d-competence"') < page.index('id="d-reliability"')  # by dimension
    form = checklist_form(page, world, **{"result-WS-2.1": "", "action": "save"})
    saved = client.post("/account/auditor/assessment", data=form, follow_redirects=False)
    assert saved.status_code == 303
    resumed = client.get(saved.headers["location"])
    assert 'id="saved"' in resumed.text and "seen for WS-1.1" in resumed.text
    assert 'name="draft"' in resumed.text
    assert "Fietsen B.V." in client.get("/account/auditor").text  # listed as a draft

    # The mandatory WS-2.1 has no finding: the API's rule, shown beside that criterion.
    refused = client.post(
        "/account/auditor/assessment",
        data={**checklist_form(resumed.text, world, **{"result-WS-2.1": ""}), "action": "submit"},
    )
    assert refused.status_code == 422
    criterion = refused.text[refused.text.index('id="c1"') :]
    criterion = criterion[: criterion.index("</fieldset>")]
    assert 'data-code="WS-2.1"' in criterion and 'class="field-error" id="e-c1"' in criterion
    assert "missing: WS-2.1" in criterion
    assert refused.text.count('class="field-error"') == 1

    # A date in the future: beside the audit's last day.
    future = str(clock.now.date() + timedelta(days=3))
    late = client.post(
        "/account/auditor/assessment",
        data={**checklist_form(resumed.text, world, audit_end=future), "action": "submit"},
    )
    assert late.status_code == 422 and 'id="e-audit_end"' in late.text

    # A malformed digest: decoded as the API decodes it, beside its criterion.
    bad = client.post(
        "/account/auditor/assessment",
        data={
            **checklist_form(resumed.text, world, **{"digests-WS-3.1": "nothex"}),
            "action": "submit",
        },
    )
    assert bad.status_code == 400 and 'id="e-c2"' in bad.text

    done = client.post(
        "/account/auditor/assessment",
        data={**checklist_form(resumed.text, world), "action": "submit"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    home = client.get(done.headers["location"]).text
    assert "You have no drafts." in home or "U hebt geen concepten." in home  # the draft went
    listed = world.client.get("/api/v1/assessments", headers=bearer(world.admin)).json()
    assert listed["items"][0]["findings"][0]["evidence_summary"] == "seen for WS-1.1"


def test_a_draft_is_its_person_alone(
    client: TestClient[Any], world: World, sign_in_as: SignInAs, clock: FakeClock
) -> None:
    world.today = clock.now.date()
    sign_in_as(CARLA)
    page = client.get("/account/auditor/new", params={"version": "webwinkel:1"}).text
    saved = client.post(
        "/account/auditor/assessment",
        data={**checklist_form(page, world), "action": "save"},
        follow_redirects=False,
    )
    path = saved.headers["location"].split("?")[0]
    world.post(
        "/api/v1/bodies/keurcontrole/people",
        world.admin,
        {"name": "Eva Auditor", "email": "eva@keurcontrole.example", "role": "auditor"},
    )
    sign_in_as("eva@keurcontrole.example")
    assert client.get(path).status_code == 404
    assert "Fietsen" not in client.get("/account/auditor").text


def test_four_eyes_the_auditor_sees_no_decide_button_and_the_server_refuses(
    client: TestClient[Any], world: World, sign_in_as: SignInAs, clock: FakeClock
) -> None:
    world.today = clock.now.date()
    # Anna, an admin, is also an auditor of the body: she audits, so she may not decide.
    granted = world.post(
        "/api/v1/bodies/keurcontrole/people",
        world.admin2,
        {"name": "Anna Admin", "email": ANNA, "role": "auditor"},
    )
    assert granted.status_code == 201, granted.text
    sign_in_as(ANNA, second_factor=True)
    assessment = submit_through_portal(client, world)
    page = client.get(f"/account/body/assessments/{assessment}")
    assert page.status_code == 200
    assert 'id="four-eyes"' in page.text and 'id="decision"' not in page.text
    assert 'id="decide"' not in page.text
    forced = client.post(
        f"/account/body/assessments/{assessment}/decision",
        data={
            "csrf": csrf_of(client.get("/account").text),
            "outcome": "certify",
            "reason_nl": "Voldoet",
        },
    )
    assert forced.status_code == 422 and "Vier-ogenprincipe" in forced.text
    assert (
        world.client.get(f"/api/v1/assessments/{assessment}", headers=bearer(world.admin2)).json()[
            "status"
        ]
        == "submitted"
    )

    sign_in_as(BERT, second_factor=True)
    page = client.get(f"/account/body/assessments/{assessment}")
    assert 'id="decision"' in page.text and 'id="four-eyes"' not in page.text
    decided = client.post(
        f"/account/body/assessments/{assessment}/decision",
        data={
            "csrf": csrf_of(page.text),
            "outcome": "certify",
            "reason_nl": "Voldoet aan alle eisen",
            "reason_en": "Meets every criterion",
        },
        follow_redirects=False,
    )
    assert decided.status_code == 303, decided.text
    code = decided.headers["location"].split("done=")[1]
    assert world.client.get(f"/api/v1/certificates/{code}").json()["status"] == "valid"

    body = client.get("/account/body").text
    assert f'id="certificate-{code}"' in body
    suspended = client.post(
        f"/account/body/certificates/{code}/suspend",
        data={"csrf": csrf_of(body), "reason_nl": "Klachten niet behandeld"},
        follow_redirects=False,
    )
    assert suspended.status_code == 303, suspended.text
    shown = world.client.get(f"/api/v1/certificates/{code}").json()
    assert shown["status"] == "suspended" and "Klachten niet behandeld" in shown["status_reason"]

    reported = world.client.post(
        "/api/v1/misuse-reports",
        json={"site": "https://nep-fietsen.example", "certificate": code, "seen": "logo in footer"},
    )
    assert reported.status_code == 201, reported.text
    assert "logo in footer" in client.get("/account/body").text


def test_no_portal_outside_ones_role_and_no_form_without_its_token(
    client: TestClient[Any], world: World, sign_in_as: SignInAs, clock: FakeClock
) -> None:
    assert client.get("/account/auditor", follow_redirects=False).status_code == 303  # signed out
    sign_in_as(CARLA)
    assert client.get("/account/body").status_code == 403
    assert client.get("/account/staff").status_code == 403
    page = client.get("/account/auditor/new", params={"version": "webwinkel:1"}).text
    form = {**checklist_form(page, world), "action": "save", "csrf": "wrong"}
    assert client.post("/account/auditor/assessment", data=form).status_code == 403
    assert "Fietsen" not in client.get("/account/auditor").text  # nothing was kept


def test_staff_edit_a_draft_version_and_publish_it_never_a_published_one(
    client: TestClient[Any], world: World, sign_in_as: SignInAs, service: Any
) -> None:
    me = world.client.get("/api/v1/me", headers=bearer(world.staff)).json()
    invited = world.post(
        f"/api/v1/people/{me['id']}/invitation", world.staff, {"email": "sam@registry.test"}
    )
    assert invited.status_code in (200, 201, 204), invited.text  # the CLI's staff, by e-mail
    sign_in_as("sam@registry.test", second_factor=True)
    console = client.get("/account/staff")
    assert console.status_code == 200 and 'id="keys"' in console.text
    scheme = client.get("/account/staff/schemes/webwinkel").text
    assert 'id="draft"' not in scheme  # version 1 is published: no form edits it
    started = client.post(
        "/account/staff/schemes/webwinkel/draft",
        data={"csrf": csrf_of(scheme), "action": "start"},
        follow_redirects=False,
    )
    assert started.status_code == 303
    draft = client.get("/account/staff/schemes/webwinkel").text
    assert 'value="WS-4.1"' in draft  # started from version 1's criteria
    rows = {
        k: v
        for k, v in re.findall(r'name="(c\d+-[a-z_]+)" value="([^"]*)"', draft)
        if not k.endswith(("-remove", "-mandatory"))
    }
    for i, c in enumerate(CRITERIA):
        rows.update({f"c{i}-checked_nl": c["checked_nl"], f"c{i}-checked_en": c["checked_en"]})
        rows[f"c{i}-method"], rows[f"c{i}-dimension"] = c["method"], c["dimension"]
        if c["mandatory"]:
            rows[f"c{i}-mandatory"] = "yes"
    rows.update(
        {
            "c4-code": "WS-5.1",
            "c4-title_nl": "Privacy",
            "c4-title_en": "Privacy",
            "c4-checked_nl": "Privacyverklaring.",
            "c4-checked_en": "Privacy statement.",
            "c4-method": "document_review",
            "c4-dimension": "integrity",
        }
    )
    published = client.post(
        "/account/staff/schemes/webwinkel/draft",
        data={"csrf": csrf_of(draft), "action": "publish", **rows},
        follow_redirects=False,
    )
    assert published.status_code == 303, published.text
    version = world.client.get("/api/v1/schemes/webwinkel/versions/2").json()
    assert [c["code"] for c in version["criteria"]] == [*CODES, "WS-5.1"], sorted(rows)
    assert not version["criteria"][4]["mandatory"]
    assert 'id="draft"' not in client.get("/account/staff/schemes/webwinkel").text

    page = client.get("/account/staff/schemes/webwinkel").text
    fields = dict(
        re.findall(
            r'<textarea id="p-[a-z_]+" name="([a-z_]+)" rows="2" lang="[a-z]+">([^<]*)<', page
        )
    )
    profile = client.post(
        "/account/staff/schemes/webwinkel/profile",
        data={
            **fields,
            "csrf": csrf_of(page),
            "owner": "Stichting Keur",
            "complaints_nl": "Klachten gaan naar de Geschillencommissie.",
            "complaints_en": "Complaints go to the Disputes Committee.",
            "accreditation_required": "yes",
            "surveillance_interval_months": "12",
            "max_validity_months": "12",
        },
        follow_redirects=False,
    )
    assert profile.status_code == 303, profile.text
    public = world.client.get("/api/v1/schemes/webwinkel").json()
    assert public["complaints_en"] == "Complaints go to the Disputes Committee."

    reported = world.client.post(
        "/api/v1/misuse-reports",
        json={"site": "https://nep.example", "seen": "a label nobody gave them"},
    )
    assert reported.status_code == 201, reported.text
    report = reported.json()["id"]
    console = client.get("/account/staff").text
    assert f'id="report-{report}"' in console
    handled = client.post(
        f"/account/staff/misuse/{report}/handled",
        data={"csrf": csrf_of(console), "note": "site owner told to remove it"},
        follow_redirects=False,
    )
    assert handled.status_code == 303, handled.text
    assert f'id="report-{report}"' not in client.get("/account/staff").text

    console = client.get("/account/staff").text
    registered = client.post(
        "/account/staff/bodies",
        data={
            "csrf": csrf_of(console),
            "slug": "nieuwkeur",
            "name": "NieuwKeur B.V.",
            "country": "NL",
            "website": "https://nieuwkeur.example",
        },
        follow_redirects=False,
    )
    assert registered.status_code == 303, registered.text
    accredited = client.post(
        "/account/staff/bodies/nieuwkeur/accreditations",
        data={
            "csrf": csrf_of(console),
            "accrediting_body": "Raad voor Accreditatie",
            "registration_number": "C 999",
            "valid_from": "2026-01-01",
            "valid_until": "2028-12-31",
            "schemes": "webwinkel",
        },
        follow_redirects=False,
    )
    assert accredited.status_code == 303, accredited.text
    body = world.client.get("/api/v1/bodies/nieuwkeur").json()
    assert body["accreditations"][0]["schemes"] == ["webwinkel"]
    refused = client.post(
        "/account/staff/bodies",
        data={"csrf": csrf_of(console), "slug": "Not A Slug", "name": "x", "website": "nope"},
    )
    assert refused.status_code == 400 and 'id="problem"' in refused.text

    before = len(world.client.get("/.well-known/jwks.json").json()["keys"])
    console = client.get("/account/staff").text
    unconfirmed = client.post("/account/staff/keys/rotate", data={"csrf": csrf_of(console)})
    assert unconfirmed.status_code == 400
    rotated = client.post(
        "/account/staff/keys/rotate",
        data={"csrf": csrf_of(console), "confirm": "yes"},
        follow_redirects=False,
    )
    assert rotated.status_code == 303
    assert len(world.client.get("/.well-known/jwks.json").json()["keys"]) == before + 1


def test_a_body_admin_reaches_only_their_own_body(
    client: TestClient[Any], world: World, sign_in_as: SignInAs, clock: FakeClock
) -> None:
    world.today = clock.now.date()
    code = world.certify()
    waiting = world.post(
        "/api/v1/assessments",
        world.auditor,
        world.assessment(
            organisation={
                "legal_name": "Lampen B.V.",
                "country": "NL",
                "registration_number": "87654321",
            }
        ),
    )
    assert waiting.status_code == 201, waiting.text
    made = world.post(
        "/api/v1/bodies",
        world.staff,
        {"slug": "anderkeur", "name": "Anderkeur B.V.", "website": "https://anderkeur.example"},
    )
    assert made.status_code == 201, made.text
    olga = world.post(
        "/api/v1/bodies/anderkeur/people",
        world.staff,
        {"name": "Olga Admin", "email": "olga@anderkeur.example", "role": "body_admin"},
    )
    assert olga.status_code == 201, olga.text
    sign_in_as("olga@anderkeur.example", second_factor=True)
    home = client.get("/account/body").text
    assert code not in home and waiting.json()["id"] not in home and "Carla" not in home
    assert client.get(f"/account/body/assessments/{waiting.json()['id']}").status_code == 403
    csrf = csrf_of(home)
    decided = client.post(
        f"/account/body/assessments/{waiting.json()['id']}/decision",
        data={"csrf": csrf, "outcome": "certify"},
    )
    assert decided.status_code == 403
    suspended = client.post(
        f"/account/body/certificates/{code}/suspend",
        data={"csrf": csrf, "reason_nl": "Niet van ons"},
    )
    assert suspended.status_code == 403
    assert world.client.get(f"/api/v1/certificates/{code}").json()["status"] == "valid"
    assert client.get("/account/auditor").status_code == 403  # no auditor membership

    # Olga invites an auditor of her own body, with a declared tie: shown with her people.
    invited = client.post(
        "/account/body/people",
        data={
            "csrf": csrf,
            "name": "Piet Auditor",
            "email": "piet@anderkeur.example",
            "role": "auditor",
            "tie_number": "1234 5678",
            "tie_description": "former employee",
        },
        follow_redirects=False,
    )
    assert invited.status_code == 303, invited.text
    people = client.get("/account/body").text
    assert "Piet Auditor" in people and "12345678" in people and "former employee" in people


def test_a_person_of_two_bodies_chooses_which_one_they_work_for(
    client: TestClient[Any], world: World, sign_in_as: SignInAs
) -> None:
    world.post(
        "/api/v1/bodies",
        world.staff,
        {"slug": "anderkeur", "name": "Anderkeur B.V.", "website": "https://anderkeur.example"},
    )
    granted = world.post(
        "/api/v1/bodies/anderkeur/people",
        world.staff,
        {"name": "Bert Admin", "email": BERT, "role": "body_admin"},
    )
    assert granted.status_code == 201, granted.text
    sign_in_as(BERT, second_factor=True)
    home = client.get("/account/body").text
    assert 'id="switch"' in home and "Keurcontrole B.V." in home
    other = re.search(r'<option value="(\d+)">Anderkeur B\.V\.</option>', home)
    assert other, home
    chosen = client.get("/account/body", params={"membership": other[1]}).text
    assert "Anderkeur B.V." in chosen.split("</p>")[1]  # the line saying who acts for whom
    assert "Carla Auditor" not in chosen and "Carla Auditor" in home
