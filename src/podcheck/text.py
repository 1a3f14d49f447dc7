"""Small wording helpers shared by rules and views."""


def human_list(names: list[str] | tuple[str, ...]) -> str:
    """['A', 'B', 'C'] → 'A, B and C'."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
