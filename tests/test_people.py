"""Contract 5.1: people outside every pod, and people in several pods, through the whole assessment."""

from __future__ import annotations

from pathlib import Path

import podcheck
from podcheck.files.assessment import assessment_yaml, parse_assessment_text

TEAM = """\
schema: podcheck/1
organization: Acme Corp
unit: Payments
assessed_on: 2026-11-20
head_of_integration: Hal
pods:
  - {name: CRM, focus: domain}
  - {name: ERP, focus: domain}
people:
  - name: Max                       # a line manager outside every pod
    background: software-engineering
  - name: Hal                       # the head, who also leads CRM
    pod: CRM
    roles: {lead: 1.0}
    background: business-process
  - {name: Ed, pod: ERP, roles: {lead: 1.0}, background: business-process, reports_to: Hal}
  - {name: Ana, pod: CRM, roles: {analyst: 1.0}, background: business-analysis, reports_to: Max}
  - {name: Eli, pod: ERP, roles: {analyst: 1.0}, background: business-analysis, reports_to: Max}
  - name: Dana
    background: software-engineering
    reports_to: Max
    assignments:
      - {pod: CRM, roles: {technologist: 0.5}}
      - {pod: ERP, roles: {technologist: 0.5}}
"""


def test_outsider_and_two_pod_member_are_counted_as_the_contract_says() -> None:
    result = podcheck.assess(parse_assessment_text(TEAM))
    pods = {p.name: p for p in result.pods}
    # Max is in no pod; Dana is in each of her two pods once, at that pod's share.
    assert (pods["CRM"].core, pods["ERP"].core) == (3, 3)
    assert pods["CRM"].role_shares["technologist"] == pods["ERP"].role_shares["technologist"] == 0.5
    assert all(p.complete for p in result.pods)
    assert result.stage.id == "program"
    assert not [f.id for f in result.findings if f.id.startswith(("roles.", "scaling.", "dual-role."))]
    assert all("Max" not in f.people for f in result.findings)


def test_a_person_in_two_pods_is_named_once_in_what_the_file_leaves_unknown() -> None:
    result = podcheck.assess(parse_assessment_text(TEAM))
    training = [u for u in result.unknowns if "training" in u.lower()]
    assert len(training) == 1 and training[0].count("Dana") == 1, result.unknowns


def test_background_unknown_counts_people_whose_roles_are_in_assignments() -> None:
    team = parse_assessment_text(TEAM.replace("  - name: Dana\n    background: software-engineering\n",
                                              "  - name: Dana\n"))
    notes = podcheck.assess(team).unknowns
    background = [n for n in notes if n.startswith("Background not given")]
    assert len(background) == 1 and background[0].count("Dana") == 1, notes


def test_a_head_in_two_pods_is_not_a_lead_with_no_reporting_line() -> None:
    text = (TEAM.replace("    pod: CRM\n    roles: {lead: 1.0}\n",
                         "    assignments: [{pod: CRM, roles: {lead: 0.5}}, {pod: ERP, roles: {lead: 0.5}}]\n")
            .replace("reports_to: Hal}", "reports_to: Hal}"))
    notes = podcheck.assess(parse_assessment_text(text)).unknowns
    assert not [n for n in notes if "Reporting lines" in n and "Hal" in n], notes


def test_assignments_survive_the_yaml_writer(tmp_path: Path) -> None:
    team = parse_assessment_text(TEAM)
    text = assessment_yaml(team)
    again = parse_assessment_text(text)
    assert again == team
    assert "assignments:" in text and "pod: ERP" in text
    dana = again.person("Dana")
    assert dana is not None and dana.pod is None and [a.pod for a in dana.placements()] == ["CRM", "ERP"]
    assert again.person("Max") is not None and again.person("Max").outside_pods


def test_reports_show_a_two_pod_member_in_each_pod(tmp_path: Path, run_cli) -> None:
    path = tmp_path / "payments.yaml"
    path.write_text(TEAM, encoding="utf-8")
    run = run_cli("assess", path, "--format", "md")
    assert run.code == 0, run.err
    matrix = run.out.split("## Pods and roles", 1)[1].split("\n## ", 1)[0]
    assert matrix.count("Dana") == 2, matrix
    appendix = run.out.rsplit("| Name | Pod | Member |", 1)[1]
    dana = [line for line in appendix.splitlines() if line.startswith("| Dana ")]
    assert [line.split("|")[2].strip() for line in dana] == ["CRM", "ERP"], dana
    assert all("technologist 50%" in line for line in dana), dana


def test_playbook_tables_show_a_two_pod_member_in_each_pod() -> None:
    from podcheck.notebooks import tables

    team = parse_assessment_text(TEAM)
    result = podcheck.assess(team)
    people = tables.people(team)
    assert list(people[people["Name"] == "Dana"]["Pod"]) == ["CRM", "ERP"]
    coverage = tables.role_coverage(team, result).set_index("Pod")
    assert all("Dana (50%)" in cell for cell in coverage["Technologist"]), coverage
    assert list(tables.people(team, "ERP")["Name"]).count("Dana") == 1
