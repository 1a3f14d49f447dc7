"""The scored areas of the playbook: every finding and question belongs to one."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DimensionInfo:
    """A dimension's id, display name and the principles it covers."""

    id: str
    name: str
    principles: tuple[str, ...]


DIMENSIONS: dict[str, DimensionInfo] = {
    d.id: d
    for d in (
        DimensionInfo("roles", "Role coverage", ("P2", "P3", "P9")),
        DimensionInfo("dual-role", "Dual roles", ("P2", "P9")),
        DimensionInfo("developer-trap", "Developer trap", ("P6", "P7", "P8")),
        DimensionInfo("pods", "Pod shape", ("P1", "P10", "P11")),
        DimensionInfo("leadership", "Pod leadership", ("P4", "P10")),
        DimensionInfo("scaling", "Scaling structure", ("P12", "P13", "P14")),
        DimensionInfo("fundamentals", "Platform and process", ("P5", "P16")),
        DimensionInfo("value", "Backlog and value", ("P15",)),
    )
}
