"""A school's own structure through the real command line: what the published policy and its agreements show."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import yaml
from conftest import BUILD_DATE, assert_clean_failure, run_cli
from pypdf import PdfReader

SCHOOL = "the-coppice-primary"
POLICY = "acceptable-use"


def change_policy(root: Path, **settings: object) -> Path:
    path = root / "schools" / SCHOOL / "school.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["policies"][POLICY].update(settings)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def own_clause(root: Path, clause_id: str, title: str, text: str) -> None:
    (root / "overrides" / SCHOOL / f"{clause_id}.md").write_text(f"---\ntitle: {title}\n---\n{text}\n", encoding="utf-8")


def published_headings(root: Path) -> list[tuple[str, str]]:
    """(id, 'number title') of every clause heading on the school's published policy page, in order."""
    assert run_cli("approve", "--by", "Trustees", SCHOOL, POLICY, "--on", "2026-11-02", "--note", "New structure", cwd=root).code == 0
    result = run_cli("build", SCHOOL, "--today", BUILD_DATE, cwd=root)
    assert result.code == 0, result.text
    html = (root / "site" / SCHOOL / POLICY / "index.html").read_text(encoding="utf-8")
    return re.findall(r'<h[2-6] id="([^"]+)">([^<]*)', html)


def test_a_moved_clause_and_the_schools_own_sections_in_any_order_are_published(project: Path):
    own_clause(project, "our-devices", "Our devices", "Every device we lend is recorded.")
    own_clause(project, "contacts", "Who to ask", "Ask the school office first.")
    data = yaml.safe_load((project / "schools" / SCHOOL / "school.yml").read_text(encoding="utf-8"))
    added = data["policies"][POLICY].get("add", [])
    change_policy(project, move=[{"clause": "phones-and-email", "under": "our-devices"}],
                  add=[{"clause": "contacts", "at": "end"}, {"clause": "our-devices", "after": "staff-access"}, *added])
    headings = dict(published_headings(project))
    devices = headings["our-devices"].split(" ")[0]
    assert headings["phones-and-email"].startswith(f"{devices}.1 ")  # under the school's own section, renumbered
    numbers = [text.split(" ")[0] for text in headings.values() if re.match(r"^\d+\.? ", text)]
    top = [n.rstrip(".") for n in numbers if "." not in n.rstrip(".")]
    assert headings["contacts"].split(" ")[0].rstrip(".") == top[-1]  # the last section of the body


def test_the_schools_own_sections_stand_alone_after_it_drops_every_shared_section(project: Path):
    outline = yaml.safe_load((project / "policies_src" / f"{POLICY}.yml").read_text(encoding="utf-8"))
    shared = [entry["clause"] for entry in outline["sections"] + outline["appendices"]]
    policies = yaml.safe_load((project / "schools" / SCHOOL / "school.yml").read_text(encoding="utf-8"))["policies"]
    elsewhere = {added["clause"] for policy, settings in policies.items() if policy != POLICY for added in settings.get("add", [])}
    for stale in (project / "overrides" / SCHOOL).glob("*.md"):  # its wording of the clauses it now drops
        if stale.stem not in elsewhere:  # but not its own sections of its other policies
            stale.unlink()
    own_clause(project, "about-this-policy", "About this policy", "This policy is the school's own.")
    own_clause(project, "using-computers", "Using the school's computers", "Use them for school work.")
    change_policy(project, drop=shared, include=[], items={}, variables={}, add=[
        {"clause": "using-computers", "at": "end"}, {"clause": "about-this-policy", "at": "start"}])
    headings = published_headings(project)
    assert headings == [("about-this-policy", "1. About this policy"), ("using-computers", "2. Using the school's computers")]


def test_a_section_of_the_body_becomes_an_agreement_with_its_own_signing_sheet(project: Path):
    change_policy(project, agreements=[{"clause": "personal-use", "signed_by": ["staff"]}])
    published_headings(project)
    page = (project / "site" / SCHOOL / "agreements.html").read_text(encoding="utf-8")
    assert "personal-use" in page
    pack = project / "staff.pdf"
    result = run_cli("agreements", SCHOOL, "--role", "staff", "-o", str(pack), cwd=project)
    assert result.code == 0, result.text
    sheets = [unicodedata.normalize("NFKC", page.extract_text()) for page in PdfReader(pack).pages]
    assert any("Personal use" in text and "Signed" in text for text in sheets), "no signing sheet for the section"


def test_a_drop_that_breaks_a_reference_is_reported_at_the_schools_line(project: Path):
    path = project / "schools" / "tudhoe-moor-nursery" / "school.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("      - filtering-and-monitoring\n", "      - filtering-and-monitoring\n      - unacceptable-use\n", 1),
                    encoding="utf-8")
    line = next(n for n, text in enumerate(path.read_text().splitlines(), start=1) if text.strip() == "- unacceptable-use")
    result = run_cli("check", cwd=project)
    assert_clean_failure(result, f"schools/tudhoe-moor-nursery/school.yml:{line}: dropping 'unacceptable-use' breaks the "
                                 "reference to it in 'phones-and-email'", "keep 'unacceptable-use'",
                         "overrides/tudhoe-moor-nursery/phones-and-email.md")
