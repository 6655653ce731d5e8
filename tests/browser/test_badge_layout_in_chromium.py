"""Every badge variant rendered in Chromium: states x sizes x themes x languages, shown on
and off a covered site, with ordinary and worst-case names; no line of text may run out
of its box (``getComputedTextLength`` and ``getBBox`` against the text area's width)."""

from __future__ import annotations

from itertools import product
from typing import Any

from registry.certificates.badges import BadgeFacts, Variant, render_badge
from registry.domain.badge_binding import shown_state

STATES = ("valid", "suspended", "withdrawn", "expired", "signature_being_replaced")
NAMES = [
    ("Webwinkel Keur", "Fietsen B.V.", "fietsen.example"),
    (
        "Keurmerk Betrouwbaar Online Winkelen Nederland",
        "Groothandel in Wielrenfietsen en Onderdelen Westerwolde B.V.",
        "www.xn--bcher-kva-winkel-met-een-lange-naam.example",
    ),
    ("W" * 60, "M" * 60, "w" * 60 + ".example"),  # the widest Latin letters, cut at the limit
    ("Знак доверия", "Магазин велосипедов", "xn--80aswg.xn--p1ai"),  # outside the measured fonts
]


def _variants() -> list[tuple[str, str, Variant, tuple[str, str, str]]]:
    found = []
    for status, off_site, size, theme, lang, names in product(
        STATES, (False, True), ("small", "large"), ("light", "dark"), ("nl", "en"), NAMES
    ):
        state = shown_state(status, off_site)
        found.append((status, state, Variant(size, theme, lang), names))  # type: ignore[arg-type]
    for state, size, theme, lang in product(
        ("unknown", "unavailable"), ("small", "large"), ("light", "dark"), ("nl", "en")
    ):
        found.append((state, state, Variant(size, theme, lang), NAMES[0]))  # type: ignore[arg-type]
    return found


def test_states_win_over_the_site_check() -> None:
    assert shown_state("valid", True) == "foreign"
    for status in ("suspended", "withdrawn", "expired", "signature_being_replaced"):
        assert shown_state(status, True) == status == shown_state(status, False)


def test_no_badge_text_overflows_its_box_in_chromium(browser: Any) -> None:
    variants = _variants()
    svgs = [
        render_badge(
            BadgeFacts(
                state=state,  # type: ignore[arg-type]
                link="https://registry.test/c/TL-7K3Q-9XPM-X",
                scheme=scheme,
                holder=holder,
                domain=domain,
                code="TL-7K3Q-9XPM-X",
            ),
            variant,
        )
        for _, state, variant, (scheme, holder, domain) in variants
    ]
    tab = browser.new_page()
    tab.set_content("<!doctype html><body>" + "".join(f"<div>{s}</div>" for s in svgs))
    measured = tab.evaluate(
        """() => [...document.querySelectorAll('body > div > svg')].map(badge => {
            const area = badge.querySelector('svg');
            const room = area.width.baseVal.value;
            return [...area.querySelectorAll('tspan')].map(t => {
                const box = t.getBBox();
                return {line: t.getAttribute('class'), text: t.textContent, room,
                        length: t.getComputedTextLength(), left: box.x, right: box.x + box.width,
                        top: box.y, bottom: box.y + box.height, height: badge.height.baseVal.value};
            });
        })"""
    )
    assert len(measured) == len(variants)
    overflowing = [
        (variants[i][1], variants[i][2], line)
        for i, lines in enumerate(measured)
        for line in lines
        if line["length"] > line["room"]
        or line["right"] > line["room"]
        or line["left"] < 0
        or line["bottom"] > line["height"]
        or line["top"] < 0
    ]
    assert overflowing == [], "\n".join(str(o) for o in overflowing[:3])
    # The sentence the issue saw cut is whole, and on its own line.
    foreign_large_nl = next(
        lines
        for (status, state, variant, names), lines in zip(variants, measured, strict=True)
        if state == "foreign" and variant == Variant("large", "light", "nl") and names == NAMES[0]
    )
    status_line = next(line for line in foreign_large_nl if line["line"] == "status")
    assert status_line["text"] == "Niet geverifieerd voor deze site"
    assert status_line["right"] <= status_line["room"]
    tab.close()
