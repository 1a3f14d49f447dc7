"""The Markdown report for wikis: complete, and inert when a wiki renders it (HTML passed through)."""

from __future__ import annotations

import mistune
import pytest
from bs4 import BeautifulSoup

from podcheck.render.filters import md_escape

from .conftest import EXAMPLE_NAMES, IMG, ODD_POD, SCRIPT, advice, squash

# The harshest wiki: raw HTML in Markdown is passed through to the page.
wiki = mistune.create_markdown(escape=False, plugins=["table"])


def as_wiki_page(md: str) -> BeautifulSoup:
    return BeautifulSoup(wiki(md), "html.parser")


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_markdown_has_what_the_html_has(units, name: str) -> None:
    unit = units[name]
    page = as_wiki_page(unit.md)
    text = squash(page.get_text(" "))
    assert squash(page.h1.get_text()).startswith(unit.result.unit)
    assert unit.result.stage.name in text
    for f in unit.result.findings:
        assert squash(f.message) in text, f.id
        assert advice(unit.result, f) in text, f.id
    for person in unit.people():
        assert person in text
    for d in unit.result.not_assessed:
        assert f"{d.name} not assessed" in text


def test_tables_keep_their_columns(units, hostile) -> None:
    for unit in [*units.values(), hostile]:
        page = as_wiki_page(unit.md)
        for table in page.find_all("table"):
            width = len(table.thead.find_all("th"))
            for row in table.tbody.find_all("tr"):
                assert len(row.find_all("td")) == width, (unit.name, squash(row.get_text(" | ")))


def test_names_with_html_and_markdown_marks_are_plain_text(hostile) -> None:
    md = hostile.md
    assert "<script" not in md and "<img" not in md and "<b>" not in md
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in md
    assert md_escape(ODD_POD) in md
    page = as_wiki_page(md)
    assert not page.find_all(["script", "img", "b", "a"])
    assert not [em for em in page.find_all("em") if "stars" in em.get_text()]
    text = page.get_text(" ")
    for name in (SCRIPT, IMG, ODD_POD):
        assert name in text
    assert squash(page.h1.get_text()).startswith(SCRIPT)


def test_md_escape_makes_marks_literal() -> None:
    escaped = md_escape("a|b *c* _d_ [e](f) <g> & `h` ~~i~~ #j")
    assert str(escaped) == r"a\|b \*c\* \_d\_ \[e\](f) &lt;g&gt; &amp; \`h\` \~\~i\~\~ \#j"
    assert squash(as_wiki_page(str(escaped)).get_text()) == "a|b *c* _d_ [e](f) <g> & `h` ~~i~~ #j"
