"""Small wording helpers shared by rules and views."""

import html


def human_list(names: list[str] | tuple[str, ...]) -> str:
    """['A', 'B', 'C'] → 'A, B and C'."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def html_text(value: object) -> str:
    """Any value as HTML-safe text: names from a file may hold markup, and it must show as typed."""
    return html.escape(str(value), quote=True)
