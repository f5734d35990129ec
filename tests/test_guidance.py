"""The guidance register through the real CLI: the map on each school's site, `check`'s warning when a school's
choice leaves a statutory requirement unmet, bad register ids, and redlines that name the statutory duties."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from conftest import BUILD_DATE, assert_clean_failure, edit, edit_school, line_of, run_cli

from site_build.load.guidance import load_guidance
from site_build.store.releases import read_releases

ROOT = Path(__file__).resolve().parents[1]
SCHOOL = "ashcombe-ridge-academy"  # keeps the shared filtering-and-monitoring clause


def test_dropping_the_only_clause_for_a_statutory_requirement_is_a_warning_at_the_school_line(project: Path):
    clean = run_cli("check", cwd=project)
    assert clean.code == 0 and SCHOOL not in clean.err, clean.text
    def drop_everywhere(data: dict) -> None:  # the online safety policy holds the same clause, and would meet them
        for policy in ("acceptable-use", "online-safety"):
            data["policies"][policy].setdefault("drop", []).append("filtering-and-monitoring")
    edit_school(project, SCHOOL, drop_everywhere)
    school_yml = project / "schools" / SCHOOL / "school.yml"
    line = line_of(school_yml, "- filtering-and-monitoring")
    result = run_cli("check", cwd=project)
    assert result.code == 0, result.text  # a warning, not an error
    warning = next(w for w in result.err.split("warning: ") if w.startswith(f"schools/{SCHOOL}/school.yml:{line}:"))
    assert "drops 'filtering-and-monitoring'" in warning and "statutory requirement" in warning
    assert "(fms.yearly-review)" in warning and "Filtering and monitoring standards" in warning
    strict = run_cli("check", "--strict", cwd=project)
    assert_clean_failure(strict, "--strict treats warnings as problems")


def test_a_schools_own_text_counts_only_when_it_says_what_it_meets(project: Path):
    own = project / "overrides" / SCHOOL / "filtering-and-monitoring.md"
    own.parent.mkdir(parents=True, exist_ok=True)
    own.write_text("---\ntitle: Filtering\n---\nThe trust filters and monitors every device.\n")
    replaced = run_cli("check", cwd=project)
    assert f"overrides/{SCHOOL}/filtering-and-monitoring.md:1:" in replaced.err and "replaces 'filtering-and-monitoring'" in replaced.err
    shared = (ROOT / "clauses" / "filtering-and-monitoring.md").read_text()
    claims = re.search(r"^implements: \[.*\]$", shared, re.MULTILINE).group(0)  # type: ignore[union-attr]
    own.write_text(f"---\ntitle: Filtering\n{claims}\n---\nThe trust filters and monitors every device.\n")
    claimed = run_cli("check", cwd=project)
    assert claimed.code == 0 and f"overrides/{SCHOOL}" not in claimed.err and SCHOOL not in claimed.err, claimed.text


def test_an_unknown_requirement_is_an_error_at_its_line(project: Path):
    clause = project / "clauses" / "passwords.md"
    edit(clause, "title:", "implements: [fms.rolez]\ntitle:")
    result = run_cli("check", cwd=project)
    assert_clean_failure(result, f"clauses/passwords.md:{line_of(clause, 'fms.rolez')}:", "'fms.rolez' is not a requirement",
                         "did you mean 'fms.roles'?")


def test_guidance_map_lists_every_requirement_with_a_section_or_a_flag(built_site: Path):
    register = load_guidance(ROOT).register.requirements()
    day = dt.date.fromisoformat(BUILD_DATE)
    for school_yml in sorted((ROOT / "schools").glob("*/school.yml")):
        slug = school_yml.parent.name
        page = built_site / slug / "acceptable-use" / "guidance.html"
        article = page.read_text().split("<article", 1)[1].split("</article>", 1)[0]
        rows = re.findall(r"<tr>(.*?)</tr>", article, re.DOTALL)[1:]
        phase = re.search(r"^phase: (\S+)", school_yml.read_text(), re.MULTILINE).group(1)  # type: ignore[union-attr]
        expected = [r for r in register.values() if r[1].applies_on(day) and r[1].applies_to(phase)]
        assert len(rows) == len(expected) > 20, slug
        for row in rows:
            cells = re.findall(r"<td>(.*?)</td>", row, re.DOTALL)
            # a section of this policy, or of another of the school's (a link once that policy is approved)
            assert re.search(r'href="index.html#[a-z0-9-]+">section [0-9.]+|appendix|section [0-9.]+ of the ', cells[3]) \
                or "Not met" in cells[3], (slug, cells)


def test_redline_names_the_statutory_requirements_a_changed_clause_meets(project: Path):
    edit(project / "clauses" / "filtering-and-monitoring.md", "No filtering or monitoring system is perfect.",
         "No filtering or monitoring system is ever perfect.")
    result = run_cli("diff", SCHOOL, "acceptable-use", "--format", "json", cwd=project)
    assert result.code == 0, result.text
    change = next(c for c in json.loads(result.out)["changes"] if c["id"] == "filtering-and-monitoring")
    assert "Filtering and monitoring standards" in change["statutory"] and "KCSIE" in change["statutory"]
    terminal = run_cli("diff", SCHOOL, "acceptable-use", cwd=project).out
    assert "Statutory: " in terminal


def test_releases_after_2018_cite_the_2018_monitoring_regulations_not_the_2000_ones():
    checked = 0
    releases = [(folder, release) for folder in sorted((ROOT / "schools").glob("*/releases/*"))
                for release in read_releases(ROOT, folder.parent.parent.name, folder.name)]
    for path, release in releases:
        if release.approved_on < dt.date(2019, 1, 1):
            continue
        text = "\n".join(clause.text for clause in release.document.clauses)
        if "Regulations" not in text or "Interception" not in text:
            continue  # a school whose policy names no monitoring regulations
        checked += 1
        assert "Lawful Business Practice" not in text, path
        assert "Investigatory Powers (Interception by Businesses etc. for Monitoring and Record-keeping" in text, path
    assert checked >= 3
