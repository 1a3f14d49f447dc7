"""Every unit gets a folder of its own inside --out, whatever its name, and keeps it on a rerun."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from podcheck import batch
from podcheck.files.atomic import unique_names

from .conftest import EXAMPLES, podcheck_cli

COMMERCE = (EXAMPLES / "commerce.yaml").read_text(encoding="utf-8")


def unit_file(folder: Path, stem: str, unit: str) -> Path:
    """The Commerce example under another unit name (quoted: names may hold YAML punctuation)."""
    path = folder / f"{stem}.yaml"
    path.write_text(COMMERCE.replace("\nunit: Commerce\n", f"\nunit: {json.dumps(unit)}\n"), encoding="utf-8")
    return path


def test_names_that_slug_alike_never_share_a_folder() -> None:
    names = unique_names(["A/B", "a-b", "A-B-2", "a b", "A_B"])
    assert len(set(names)) == 5
    assert len({n.casefold() for n in names}) == 5  # distinct on a case-insensitive file system too
    assert names[:3] == ["a-b", "a-b-3", "a-b-2"]  # a name that is really "A-B-2" keeps its own folder
    assert unique_names(["A/B", "a-b", "A-B-2", "a b", "A_B"]) == names  # the same on every run


def test_reserved_names_are_never_given_to_a_unit() -> None:
    names = unique_names(["Failed", "failed", "History", "x"], reserved={"failed", "History"})
    assert names == ["failed-2", "failed-3", "history-2", "x"]


@pytest.mark.parametrize("name", ["..", "../..", "/", "./.", ".hidden", "a/../../b", "C:\\Windows", "~", "", " ",
                                  "CON", "nul.txt", "-", "portfolio.html"])
def test_folder_names_stay_plain_names_inside_out(name: str) -> None:
    [folder] = unique_names([name], reserved=batch.RESERVED_NAMES)
    assert folder and not folder.startswith((".", "-")) and "/" not in folder and "\\" not in folder
    assert folder.casefold() not in {r.casefold() for r in batch.RESERVED_NAMES}
    assert Path(folder).name == folder and Path(folder).resolve().parent == Path.cwd()


def test_units_whose_names_collide_each_get_their_own_folder_and_a_rerun_skips_them(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    names = {"1-slash": "A/B", "2-dash": "a-b", "3-two": "A-B-2", "4-failed": "failed", "5-portfolio": "portfolio",
             "6-history": "History"}
    for stem, unit in names.items():
        unit_file(inputs, stem, unit)
    out = tmp_path / "out"
    (out / "failed").mkdir(parents=True)
    kept = out / "failed" / "earlier.ipynb"  # what an earlier run kept of a failed unit
    kept.write_text("{}", encoding="utf-8")
    proc = podcheck_cli("batch", inputs, "--out", out, "--formats", "html", "--no-notebooks")
    assert proc.returncode == 0, proc.stderr
    assert "6 ok, 0 failed" in proc.stdout
    folders = {}
    for manifest in out.glob("*/manifest.json"):
        data = json.loads(manifest.read_text(encoding="utf-8"))
        folders[data["unit"]] = manifest.parent.name
        result = json.loads((manifest.parent / "result.json").read_text(encoding="utf-8"))
        assert result["unit"] == data["unit"]  # each folder holds its own unit's result
    assert sorted(folders) == sorted(names.values())
    assert len({f.casefold() for f in folders.values()}) == 6
    assert folders["failed"] != "failed" and kept.read_text(encoding="utf-8") == "{}"
    assert folders["A-B-2"] == "a-b-2"
    portfolio = json.loads((out / "portfolio.json").read_text(encoding="utf-8"))
    assert sorted(u["unit"] for u in portfolio["units"]) == sorted(names.values())

    rerun = podcheck_cli("batch", inputs, "--out", out, "--formats", "html", "--no-notebooks")
    assert rerun.returncode == 0, rerun.stderr
    assert "6 ok (6 unchanged, skipped)" in rerun.stdout
