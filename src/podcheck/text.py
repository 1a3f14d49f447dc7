"""Small wording helpers shared by rules and views."""

import unicodedata


def human_list(names: list[str] | tuple[str, ...]) -> str:
    """['A', 'B', 'C'] → 'A, B and C'."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


# ---------------------------------------------------------------- text a terminal or a reader can trust

# Characters that reorder the text around them without showing: a name holding one reads one
# way and sorts, greps and compares another (the "Trojan Source" trick).
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# The embedding, override and isolate controls; the marks (LRM, RLM, ALM) are ordinary in right-to-left prose.
BIDI_OVERRIDES = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
# Letters and symbols that draw as nothing, beside the format characters (Cf) and spaces.
_BLANK_LOOKING = frozenset("\u034f\u115f\u1160\u3164\uffa0\u2800")


def _is_control(char: str) -> bool:
    return unicodedata.category(char) == "Cc"


# Invisible inside a word with no use in a name: shown as escapes in error lines, so that
# "no person named 'Ana Ruiz'" never hides the difference between two names that look alike.
_ZERO_WIDTH = frozenset("\u200b\u2060\ufeff")


def _unsafe(char: str) -> bool:
    return _is_control(char) or char in LINE_BREAKS or char in BIDI_CONTROLS


def _hidden(char: str) -> bool:
    return _unsafe(char) or char in _ZERO_WIDTH


def printable(text: object) -> str:
    """Text with every control, line break, direction control and zero-width space shown as an escape.

    For error lines and other terminal output that quotes input: it can neither forge a line,
    drive the terminal nor reorder what follows.
    """
    value = str(text)
    if not any(_hidden(c) for c in value):
        return value
    return "".join(f"\\u{ord(c):04x}" if c in _ZERO_WIDTH else repr(c)[1:-1] if _unsafe(c) else c for c in value)


def describe_char(char: str) -> str:
    """A character a reader cannot see, in words: 'a line break (\\n)', 'the control character \\x1b'."""
    shown = repr(char)[1:-1]
    if char == "\t":
        return "a tab (\\t)"
    if char in LINE_BREAKS:
        return f"a line break ({shown})"
    if char in BIDI_CONTROLS:
        return f"the invisible direction control U+{ord(char):04X} ({unicodedata.name(char, 'unnamed')})"
    return f"the control character {shown}"


def name_problem(text: str) -> str | None:
    """Why `text` cannot be a name (one line of visible plain text), or None when it can."""
    for index, char in enumerate(text, start=1):
        if _unsafe(char):
            return f"must be one line of plain text: it holds {describe_char(char)} at character {index}"
    if all(c.isspace() or c in _BLANK_LOOKING or unicodedata.category(c) in ("Cf", "Zs", "Mn") for c in text):
        return "has no visible characters (only spaces or zero-width characters); write a name a reader can see"
    return None


def free_text_problem(text: str) -> str | None:
    """Why `text` cannot be free text such as a note (line breaks and tabs are fine), or None."""
    for index, char in enumerate(text, start=1):
        if char in "\n\t":
            continue
        if _is_control(char) or char in ("\u2028", "\u2029") or char in BIDI_OVERRIDES:
            return (f"holds {describe_char(char)} at character {index}, which free text may not "
                    "(line breaks and tabs are fine)")
    return None
