"""The package's layers: imports run one way, from the outer layers down to the core, as the README says."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "podcheck"

# Lower rank = lower layer. A module may import its own part and any part of a lower rank, never a higher
# one; parts of the same rank (other than the same part) may not import each other either.
RANK: dict[str, float] = {
    "text": 0,
    "errors": 1,
    "catalog": 1.5,
    "model": 2, "result": 2,
    "changes": 2.5,
    "view": 3,
    "rules": 4,
    "scoring": 5,
    "assess": 6,
    "compare": 7,
    "plan": 8,
    "survey": 9,
    "files": 10,
    "render": 11,
    "notebooks": 12,
    "batch": 13, "workshop": 13,
    "testing": 20, "schema": 20, "cli": 21, "__main__": 22, "__init__": 22,
}


def part_of(module: str) -> str:
    """'podcheck.files.atomic' → 'files'; 'podcheck' → '__init__'."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def is_module(name: str) -> bool:
    """Whether 'podcheck.x.y' is a module or package of the source tree."""
    path = PACKAGE.joinpath(*name.split(".")[1:])
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def imports() -> list[tuple[str, str, str]]:
    """(importing module, imported module, where) for every import of podcheck inside podcheck."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = ("podcheck", *path.relative_to(PACKAGE).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        module = ".".join(parts[:-1] if is_package else parts)
        package = module if is_package else module.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    target = ".".join([*base, node.module] if node.module else base)
                else:
                    target = node.module or ""
                # `from . import x`: a submodule if there is one, else a name the package itself exports.
                # The version number is the one thing every layer may read from the top.
                targets = [target] if node.module else [
                    f"{target}.{a.name}" if is_module(f"{target}.{a.name}") else target
                    for a in node.names if a.name != "__version__"]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            for t in targets:
                if not (t == "podcheck" or t.startswith("podcheck.")):
                    continue
                found.append((module, t, f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"))
    return found


def test_every_part_has_a_layer() -> None:
    parts = {part_of(m) for m, _, _ in imports()} | {part_of(t) for _, t, _ in imports()}
    assert parts <= set(RANK), f"give these a layer in RANK: {sorted(parts - set(RANK))}"


@pytest.mark.parametrize("importer,imported,where", imports())
def test_imports_run_down_the_layers(importer: str, imported: str, where: str) -> None:
    a, b = part_of(importer), part_of(imported)
    if a == b:
        return
    assert RANK[b] < RANK[a], f"{where}: {a} (layer {RANK[a]}) imports {b} (layer {RANK[b]})"


def test_the_check_sees_imports() -> None:
    """The scan finds known imports, so an empty or broken scan cannot pass the test above."""
    pairs = {(part_of(m), part_of(t)) for m, t, _ in imports()}
    assert {("cli", "batch"), ("render", "files"), ("assess", "rules"), ("model", "catalog")} <= pairs
