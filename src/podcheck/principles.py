"""The playbook's principles (domain.md) by id, with a short title in podcheck's words."""

PRINCIPLES: dict[str, str] = {
    "P1": "Small, mixed, autonomous pods",
    "P2": "Three roles in every pod",
    "P3": "Mostly specialised, partly shared skills",
    "P4": "The lead enables, not manages",
    "P5": "Platform and process together",
    "P6": "The technologist builds broadly",
    "P7": "Beware the developer trap",
    "P8": "The analyst speaks for the customer",
    "P9": "Smallest real team: all three roles",
    "P10": "Grow a pod within limits",
    "P11": "Part-time helpers contribute, leads own",
    "P12": "Several pods, coordinated by their leads",
    "P13": "A head of integration for several pods",
    "P14": "Organise pods by a chosen principle",
    "P15": "Value, not volume",
    "P16": "Integration as its own discipline",
}
