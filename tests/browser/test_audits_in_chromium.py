"""A certificate audited three times, read in Chromium as a person on a phone reads it:
no sideways scrolling of the page at 360 px, each criterion's result at each audit, the
suspension's reason in the language asked for, and axe-core's audit."""

from __future__ import annotations

import json
from typing import Any

from tests.browser.conftest import Served, screenshot

NARROW = {"width": 360, "height": 740}


def _rows(tab: Any) -> dict[str, list[str]]:
    """The criterion x audit table as a person (or a screen reader) reads it."""
    result: dict[str, list[str]] = tab.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('.audit-table tbody tr')]
            .filter(tr => tr.querySelector('th[scope=row]'))
            .map(tr => [tr.querySelector('.criterion-code').textContent.trim(),
                        [...tr.querySelectorAll('td')].map(td => td.textContent.trim())]))"""
    )
    return result


def test_audits_over_time_read_well_at_360_px(browser: Any, served: Served) -> None:
    context = browser.new_context(viewport=NARROW, device_scale_factor=1, is_mobile=True)
    tab = context.new_page()
    code = served.codes["audited"]
    for lang in ("en", "nl"):
        tab.goto(f"{served.url}/c/{code}?lang={lang}")
        tab.wait_for_load_state("networkidle")
        width = tab.evaluate("document.documentElement.scrollWidth")
        assert width <= NARROW["width"], (lang, width)
        screenshot(tab, f"360-audits-{lang}")
    # English: three audits, newest first in the timeline, oldest first in the table.
    tab.goto(f"{served.url}/c/{code}?lang=en")
    timeline = tab.locator(".audit-timeline li")
    assert timeline.count() == 3
    assert "Surveillance audit" in timeline.nth(0).inner_text()
    assert "certificate suspended" in timeline.nth(0).inner_text()
    assert "Initial audit" in timeline.nth(2).inner_text()
    rows = _rows(tab)
    assert rows["WS-3.1"] == ["Meets the criterion", "Minor shortcoming", "Meets the criterion"]
    assert rows["WS-2.1"] == ["Meets the criterion", "Meets the criterion", "Major shortcoming"]
    # The status says suspended, why (Dutch only: marked), and by when.
    status = tab.locator(".status").inner_text()
    assert "betaalpagina zonder TLS; herstel vereist" in status
    assert "(English not provided)" in status and "To be resolved by" in status
    # The latest audit's results are the ones under "What exactly was checked".
    checked = tab.locator(".checked").inner_text()
    assert "4 of 4 criteria apply; 3 conforming, 1 major nonconformity" in checked
    # The table's scroll region is reachable by keyboard: Tab until it has the focus.
    for _ in range(80):
        tab.keyboard.press("Tab")
        if tab.evaluate("document.activeElement.classList.contains('table-scroll')"):
            break
    else:
        raise AssertionError("the criterion x audit table cannot be reached with the keyboard")
    context.close()


def test_axe_finds_no_serious_violation_on_audits_at_360_px(
    browser: Any, served: Served, axe_source: str
) -> None:
    context = browser.new_context(viewport=NARROW, bypass_csp=True, is_mobile=True)
    tab = context.new_page()
    for lang in ("en", "nl"):
        tab.goto(f"{served.url}/c/{served.codes['audited']}?lang={lang}")
        tab.wait_for_load_state("networkidle")
        tab.add_script_tag(content=axe_source)
        violations = tab.evaluate(
            "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => "
            "({id: v.id, impact: v.impact, help: v.help, "
            "nodes: v.nodes.map(n => n.target.join(' '))})))"
        )
        serious = [v for v in violations if v["impact"] in ("serious", "critical")]
        assert serious == [], json.dumps(serious, indent=1)
    context.close()
