"""Templates: every page has a title, everything is escaped, hostile text stays inert,
and every message has its Dutch translation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from jinja2 import nodes

from registry.edge.i18n import catalogue_path, negotiate
from registry.edge.qr import QrPath
from registry.edge.templating import environment, templates_dir, visible_controls
from tests.web.conftest import Site
from tests.web.site import HOSTILE_NAME

ROOT = Path(__file__).resolve().parents[2]


def all_page_templates() -> list[str]:
    """Templates that are pages: they extend base.html (partials are included, not pages)."""
    root = templates_dir()
    return sorted(
        str(path.relative_to(root))
        for path in root.rglob("*.html")
        if "{% extends" in path.read_text(encoding="utf-8")
    )


def test_every_page_template_has_a_title_block() -> None:
    env = environment("nl")
    pages = all_page_templates()
    assert len(pages) >= 7, pages
    root = templates_dir()
    partials = {
        str(p.relative_to(root))
        for p in root.rglob("*.html")
        if str(p.relative_to(root)) not in pages
    }
    assert partials <= {
        "base.html",
        "includes/macros.html",
        "includes/search_form.html",
        "includes/witnesses.html",
        "certificates/verify.html",
    }, partials
    for name in pages:
        source = (root / name).read_text(encoding="utf-8")
        tree = env.parse(source)
        titles = [b for b in tree.find_all(nodes.Block) if b.name == "title"]
        assert len(titles) == 1 and titles[0].body, f"{name} has no title block"


def test_autoescape_is_on_for_svg_templates_too() -> None:
    hostile = '"/><script>alert(1)</script><path d="'
    svg = (
        environment("en")
        .get_template("includes/qr.svg")
        .render(qr=QrPath(size=1, path=hostile), title="</title><script>alert(2)</script>")
    )
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg and "&#34;/&gt;" in svg
    assert environment("en").autoescape is True


def test_controls_are_shown_not_obeyed() -> None:
    assert visible_controls("abc\u202edef\u2066\n") == "abc[U+202E]def[U+2066]\n"
    assert visible_controls("Café Zoë") == "Café Zoë"
    assert visible_controls("a\x00b\u2028") == "a[U+0000]b[U+2028]"


def test_hostile_names_and_criteria_render_as_inert_text(site: Site) -> None:
    code = site.codes["hostile"]
    for path, params in [
        (f"/c/{code}", {}),
        (f"/c/{code}", {"lang": "en"}),
        ("/", {"q": "gnp"}),
        ("/", {"q": "55556666"}),
        ("/", {"q": HOSTILE_NAME}),
        ("/bodies/keurcontrole", {}),
        ("/schemes/webwinkel", {"lang": "en"}),
    ]:
        page = site.client.get(path, params=params)
        assert page.status_code == 200, path
        html = page.text
        assert "<script>alert" not in html, path
        assert "<b>" not in html, path
        assert "\u202e" not in html and "\u202c" not in html, path
        assert "gnp.exe" in html, path
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &#39;quoted&#39;" in html, path
        title = re.search(r"<title>(.*?)</title>", html, re.S)
        assert title and "<" not in title.group(1) and len(title.group(1)) < 200, path
    page = site.client.get(f"/c/{code}").text
    assert "x" * 9_993 in page  # long text is shown whole; the style sheet wraps it
    assert '"holder": "\\u003cscript\\u003ealert(\\"x\\")' in page  # exact, for the script


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\(\w+\)s|\{\w+\}", text))


def test_every_message_has_a_dutch_translation() -> None:
    with catalogue_path("nl").open("rb") as po:
        catalogue = read_po(po, locale="nl")
    extracted = {
        message
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT),
            method_map=[
                ("registry/**.py", "python"),
                ("templates/**.html", "jinja2"),
                ("templates/**.svg", "jinja2"),
            ],
            options_map={
                "templates/**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true"},
                "templates/**.svg": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true"},
            },
        )
    }
    assert extracted
    for message in extracted:
        key = message[0] if isinstance(message, tuple) else message
        entry = catalogue.get(key)
        assert entry is not None and not entry.fuzzy, f"no Dutch for {key!r}"
        ids = message if isinstance(message, tuple) else (message,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        assert all(strings), f"empty Dutch for {key!r}"
        for translated in strings:
            assert _placeholders(translated) == _placeholders(ids[-1]), key


@pytest.mark.parametrize(
    ("query", "header", "expected"),
    [
        (None, None, ("nl", False)),
        ("en", "nl", ("en", True)),
        ("nl", "en", ("nl", True)),
        ("de", "en-US,en;q=0.9", ("en", False)),
        (None, "fr, en;q=0.5, nl;q=0.8", ("nl", False)),
        (None, "en;q=0, nl;q=0.1", ("nl", False)),
        (None, "EN-gb", ("en", False)),
        (None, "*", ("nl", False)),
        (None, "en;q=abc", ("nl", False)),
    ],
)
def test_language_negotiation(
    query: str | None, header: str | None, expected: tuple[str, bool]
) -> None:
    assert negotiate(query, header) == expected
