"""The workshop's words for the room: names of people, pods and questions, proper plurals, percentages.

Changes and problems are described in the file's terms (podcheck.workshop.changes, the model's checks);
these helpers turn them into what a facilitator reads out: no paths, no ids, shares as the sliders
show them (percent), "Pod 1" rather than "pod Pod 1".
"""

from __future__ import annotations

import re

from ..catalog import DEFAULT_RUBRIC, questions

# A pod's name that already says "pod" is not prefixed with it again.
_POD_TWICE = re.compile(r"\bpod (?=pod\b)", re.IGNORECASE)
_SHARES = re.compile(r"role shares( across assignments)? add up to (\d+(?:\.\d+)?); one person's shares must total "
                     r"at most 1\b")
_QUESTION = re.compile(r"^answer ([a-z][a-z0-9-]*): (.*)$")
# Paths the result may still name, as the workshop's fields call them.
_FIELDS = {
    "context.backlog.added_per_quarter": "new requests a quarter",
    "context.backlog.delivered_per_quarter": "delivered a quarter",
    "context.backlog.open": "requests waiting",
    "context.platform": "integration platform",
    "context.process": "triage/build process",
    "added_per_quarter": "new requests a quarter",  # a second field named after the first one's path
    "delivered_per_quarter": "delivered a quarter",
}


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 person', '2 people', '0 findings'."""
    return f"{n} {word if n == 1 else many or word + 's'}"


def pod_words(name: object) -> str:
    """How the room names a pod: 'pod Orders', but 'Pod 1' (never 'pod Pod 1')."""
    text = str(name)
    return text if re.search(r"\bpod\b", text, re.IGNORECASE) else f"pod {text}"


def question_words(question_id: str) -> str:
    """A question named by its first words rather than its id."""
    for q in questions():
        if q.id == question_id:
            text = q.text.rstrip("?")
            cut = text[:60].rsplit(" ", 1)[0] + "…" if len(text) > 60 else text
            return f"“{cut}”"
    return question_id.replace("-", " ")


def reword(description: str) -> str:
    """A change's description as a sentence for the status line: capitalised, pods and questions named."""
    text = _POD_TWICE.sub("", description)
    match = _QUESTION.match(text)
    if match:
        qid, value = match.groups()
        text = (f"answer to {question_words(qid)} withdrawn" if value == "withdrawn"
                else f"{question_words(qid)} answered {value} of {DEFAULT_RUBRIC.answer_scale.highest}")
    return text[:1].upper() + text[1:]


def _percent(match: re.Match[str]) -> str:
    total = f"{float(match.group(2)):.0%}"
    return f"role sliders{match.group(1) or ''} add up to {total}; one person's total is at most 100%"


def plain(message: str) -> str:
    """A problem or a result's sentence with shares in percent, as the sliders show them, and no file paths."""
    text = _SHARES.sub(_percent, message)
    for path, words in _FIELDS.items():
        text = text.replace(path, words)
    return _POD_TWICE.sub("", text)
