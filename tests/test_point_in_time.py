"""The law as it stood: period-correct releases, --as-at previews, model updates traced in status and redlines, and
releases that print only what they froze."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import unicodedata
from pathlib import Path

from conftest import ROOT, edit, run_cli
from jinja2 import Environment, nodes
from pypdf import PdfReader

from site_build.load.project import load_project
from site_build.store.releases import read_releases

MIN_MARKER = 25  # characters: shorter fragments of a dated passage could occur by chance elsewhere


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[*_`#>\[\]]", "", text)).strip()


def _marker(template_text: str) -> str | None:
    """The longest stretch of literal text in a dated item or passage (its template tags removed), if long enough."""
    pieces = [_words(piece) for piece in re.split(r"\{\{.*?\}\}|\{%.*?%\}|\n\s*[-*] ", template_text, flags=re.DOTALL)]
    longest = max(pieces, key=len, default="")
    return longest if len(longest) >= MIN_MARKER else None


def _dated_passages(body: str) -> list[tuple[str, dt.date | None, dt.date | None]]:
    """(marker, from, until) for each `{% if since(...) %}` / `{% if before(...) %}` passage of a template."""
    found = []
    for branch in Environment().parse(body).find_all(nodes.If):
        test = branch.test
        if not (isinstance(test, nodes.Call) and isinstance(test.node, nodes.Name) and test.node.name in ("since", "before")):
            continue
        day = dt.date.fromisoformat(test.args[0].value)  # type: ignore[attr-defined]
        literal = "".join(n.data for n in branch.body if isinstance(n, nodes.Output) for n in n.nodes
                          if isinstance(n, nodes.TemplateData))
        marker = _marker(literal)
        if marker:
            found.append((marker, day, None) if test.node.name == "since" else (marker, None, day - dt.timedelta(days=1)))
    return found


def _dated_content() -> list[tuple[str, str, dt.date | None, dt.date | None]]:
    """(clause id, marker, from, until) for every dated item and passage of the shared library."""
    project = load_project(ROOT, [])
    dated = []
    for clause in project.clauses.values():
        for item in clause.meta.items:
            marker = _marker(item.text)
            if marker and (item.from_ or item.until):
                dated.append((clause.id, marker, item.from_, item.until))
        dated += [(clause.id, marker, start, end) for marker, start, end in _dated_passages(clause.body)]
    return dated


def _all_releases():
    for folder in sorted(ROOT.glob("schools/*/releases/*")):
        yield from read_releases(ROOT, folder.parent.parent.name, folder.name)


def test_every_example_release_holds_only_the_law_and_guidance_in_force_on_its_date():
    dated, releases = _dated_content(), list(_all_releases())
    assert len(dated) >= 15 and len(releases) >= 10  # the library is dated, and every example release is checked
    checked = 0
    for release in releases:
        for clause_id, marker, start, end in dated:
            clause = release.document.clause(clause_id)
            if clause is None:
                continue
            checked += 1
            present = marker in _words(clause.text)
            if start and release.latest_day < start:
                assert not present, f"{release.path} ({release.version}) has {marker!r}, in force only from {start}"
            if end and release.approved_on > end:
                assert not present, f"{release.path} ({release.version}) has {marker!r}, in force only until {end}"
    assert checked > 100


def test_old_releases_cite_the_guidance_editions_of_their_day():
    chellaston = {r.version: r.document.clause("legislation").text for r in read_releases(ROOT, "chellaston-infant", "acceptable-use")}
    assert "Keeping Children Safe in Education 2020" in chellaston["2020-10-19"]
    assert "Keeping Children Safe in Education 2021" in chellaston["2021-10-18"]
    assert "UK GDPR" not in chellaston["2020-10-19"] and "UK GDPR" in chellaston["2021-10-18"]
    assert not any("Data (Use and Access) Act 2025" in text for text in chellaston.values())


def _pdf_text(data: bytes) -> str:
    return unicodedata.normalize("NFKC", "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def test_a_new_telephone_number_leaves_every_release_pdf_unchanged_and_reaches_the_next_draft(project: Path, tmp_path: Path):
    slug = "chellaston-infant"

    def build(cache: str) -> dict[str, bytes]:
        result = run_cli("build", slug, "--draft", "--force", "--today", "2026-11-23", cwd=project,
                         env={"POLICY_SITE_CACHE": str(tmp_path / cache)})  # a fresh cache: every PDF laid out again
        assert result.code == 0, result.text
        return {p.relative_to(project / "site").as_posix(): p.read_bytes() for p in (project / "site" / slug).rglob("*.pdf")}

    before = build("first")
    edit(project / "schools" / slug / "school.yml", 'telephone: "01332 700298"', 'telephone: "01332 999000"')
    after = build("second")
    released = [path for path in before if "draft" not in path and not path.endswith("staff-handbook.pdf")]
    assert len(released) >= 2 and all(before[path] == after[path] for path in released)  # the same bytes
    handbook = f"{slug}/staff-handbook.pdf"  # today's cover over the approved versions: the school's number today
    assert "01332 999000" in _pdf_text(after[handbook]) and "01332 700298" in _pdf_text(before[handbook])
    draft = next(path for path in after if "draft" in path)
    assert "01332 999000" in _pdf_text(after[draft]) and "01332 700298" in _pdf_text(before[draft])
    assert "01332 700298" in _pdf_text(after[next(p for p in released if "agreement" not in p)])


FUTURE_ITEM = """  - id: future-act-2027
    text: Future Schools (Example) Act 2027
    from: 2027-09-01
"""


def test_as_at_previews_a_future_item_from_its_start_date_only(project: Path):
    edit(project / "clauses" / "legislation.md", "items:\n", "items:\n" + FUTURE_ITEM)
    slug = "chellaston-infant"

    def redline(day: str) -> str:
        result = run_cli("diff", slug, "acceptable-use", "--format", "json", "--as-at", day, cwd=project)
        assert result.code == 0, result.text
        return json.dumps(json.loads(result.out)["changes"])

    assert "Future Schools (Example) Act 2027" not in redline("2027-08-31")
    assert "Future Schools (Example) Act 2027" in redline("2027-09-01")
    result = run_cli("build", slug, "--as-at", "2027-09-01", cwd=project)
    assert result.code == 0, result.text
    page = (project / "site" / slug / "acceptable-use" / "draft.html").read_text()
    assert "Future Schools (Example) Act 2027" in page and "composed as at 1 September 2027" in page
    assert "Future Schools (Example) Act 2027" not in (project / "site" / slug / "acceptable-use" / "index.html").read_text()


def test_a_shared_clause_edit_is_pending_for_exactly_the_schools_that_use_it(project: Path):
    slugs = sorted(p.parent.name for p in (project / "schools").glob("*/school.yml"))
    users = {slug for slug in slugs if read_releases(project, slug, "acceptable-use")[-1].document.clause("printers")}
    assert 1 < len(users) < len(slugs)  # some schools use the clause and some do not
    edit(project / "clauses" / "printers.md", "---\nOnly print,",
         "changes:\n  - on: 2026-11-20\n    note: Print-release codes now required\n---\n"
         "Use your print-release code at the printer.\n\nOnly print,")
    result = run_cli("status", "--pending", "--today", "2026-11-30", cwd=project)
    assert result.code == 0, result.text
    names = {slug: read_releases(project, slug, "acceptable-use")[-1].document.school_name for slug in slugs}
    flagged = {slug for slug, name in names.items() for block in result.out.split("\n\n")
               if block.strip().startswith(name) and "Use of printers and photocopiers" in block}
    assert flagged == users
    for block in result.out.split("\n\n"):
        if "Use of printers and photocopiers" in block:
            assert "model change pending" in block.strip().splitlines()[0]
            line = next(line for line in block.splitlines() if "Use of printers and photocopiers" in line)
            assert "model: Print-release codes now required (20 November 2026)" in line
    slug = sorted(users)[0]
    redline = run_cli("diff", slug, "acceptable-use", "--format", "json", cwd=project)
    change = next(c for c in json.loads(redline.out)["changes"] if c["id"] == "printers")
    assert change["why"] == "Shared model: Print-release codes now required (20 November 2026)"


def test_monitoring_rests_on_the_regulations_in_force_on_the_day():
    """Issue 15: the 2018 Investigatory Powers monitoring regulations replaced the 2000 Lawful Business Practice ones."""
    project = load_project(ROOT, [])
    from site_build.compose.policy import compose_all

    new, old = "Investigatory Powers (Interception by Businesses", "Lawful Business Practice"
    for day in (dt.date(2018, 6, 27), dt.date(2026, 11, 30)):
        for (slug, policy), document in compose_all(project, day).items():
            text = " ".join(_words(c.text) for c in document.clauses if c.id in ("legislation", "monitoring"))
            assert (new in text or (not text and policy != "acceptable-use")) and old not in text, (slug, policy, day)
    before = compose_all(project, dt.date(2018, 6, 26))["chellaston-infant", "acceptable-use"]
    assert old in _words(before.clause("monitoring").text) and new not in _words(before.clause("monitoring").text)


def test_the_phones_duty_is_stated_from_the_day_it_came_into_force():
    project = load_project(ROOT, [])
    from site_build.compose.policy import compose_all

    duty = "This is a legal duty"
    for day, stated in ((dt.date(2026, 6, 28), False), (dt.date(2026, 6, 29), True)):
        phones = compose_all(project, day)["the-coppice-primary", "acceptable-use"].clause("pupil-phones")
        assert (duty in phones.text) is stated, day
    ofsted = compose_all(project, dt.date(2026, 3, 31))["the-coppice-primary", "acceptable-use"].clause("pupil-phones")
    assert "Ofsted" not in ofsted.text
