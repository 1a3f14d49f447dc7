"""Material for the room: a unit's printable survey form, the questionnaire as a handout, and the role cards.

Each is rendered from templates/worksheets/ (HTML escaped there), to Markdown or HTML, and to PDF through
the reports' PDF path and shipped font.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .. import __version__
from ..catalog import DEFAULT_RUBRIC, Question, dimensions, questions, role_cards
from ..catalog.vocabulary import APPLIES_WHEN, AppliesWhen
from ..errors import ConfigError
from .pdf import html_to_pdf
from .report import PAPERS
from .templates import environment

HANDOUT_FORMATS = ("md", "html", "pdf")

# When a question that only sometimes applies is meant to be answered, as a handout says it.
SITUATION_WORDS: dict[AppliesWhen, str] = {
    "several-pods": "the unit runs two or more pods",
    "helpers": "a pod has part-time helpers",
}
if set(SITUATION_WORDS) != set(APPLIES_WHEN):
    raise ConfigError(f"render/worksheets.py: words needed for every applies_when: {', '.join(APPLIES_WHEN)}")


def _page(template: str, paper: str, **context: Any) -> str:
    return environment().get_template(template).render(
        version=__version__, page_size=PAPERS[paper], scale=DEFAULT_RUBRIC.answer_scale, **context)


def _as(fmt: str, html: str) -> str | bytes:
    return html_to_pdf(html) if fmt == "pdf" else html


def survey_form(organization: str, unit: str, bank: Sequence[Question], fmt: str = "html",
                paper: str = "a4") -> str | bytes:
    """A unit's survey as a printable form (html text or pdf bytes): one block of five boxes per question."""
    html = _page("worksheets/survey.html.j2", paper, bank=list(bank), eyebrow="Team survey",
                 title=unit, subtitle=organization,
                 facts=[("Questions", len(bank)), ("Answer", "alone, without your name")])
    return _as(fmt, html)


def _groups() -> list[tuple[Any, list[Question]]]:
    bank = questions()
    return [(dim, items) for dim in dimensions().values()
            if (items := [q for q in bank if q.dimension == dim.id])]


def questions_handout(fmt: str, paper: str = "a4") -> str | bytes:
    """The whole questionnaire, grouped by dimension, as Markdown, HTML or PDF."""
    if fmt == "md":
        return environment().get_template("worksheets/questions.md.j2").render(
            version=__version__, scale=DEFAULT_RUBRIC.answer_scale, groups=_groups(), situations=SITUATION_WORDS)
    html = _page("worksheets/questions.html.j2", paper, groups=_groups(), situations=SITUATION_WORDS,
                 eyebrow="Assessment workshop", title="The questionnaire", subtitle="What a team list cannot show",
                 facts=[("Questions", len(questions())), ("Scale", "1 (weak) to 5 (strong)")])
    return _as(fmt, html)


def role_cards_handout(fmt: str, paper: str = "a4") -> str | bytes:
    """A card per role (lead, technologist, analyst) as Markdown, HTML or PDF."""
    cards = role_cards()
    if fmt == "md":
        return environment().get_template("worksheets/roles.md.j2").render(version=__version__, cards=cards)
    html = _page("worksheets/roles.html.j2", paper, cards=cards, eyebrow="Assessment workshop",
                 title="Role cards", subtitle="The three roles of a pod",
                 facts=[("Roles", ", ".join(c.title for c in cards))])
    return _as(fmt, html)
