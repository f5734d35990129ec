"""Clause-aware redlines: planted edits on an example school come back exactly, in every format."""

from __future__ import annotations

import json
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import assert_clean_failure, edit_school, run_cli

from site_build.diff.compare import compare_documents, summary_counts, word_diff
from site_build.model.document import Clause, Document
from site_build.render.redline import redline_html, summary_lines

SLUG = "tudhoe-moor-nursery"
POLICY = "acceptable-use"


def doc(*clauses: tuple[str, str, str]) -> Document:
    """A document from (number, id, text) triples; level follows the number's depth."""
    return Document(POLICY, "Policy", "s", "School", "1 year",
                    tuple(Clause(i, n, i.title(), t, n.count(".") + 1) for n, i, t in clauses))


def test_renumbering_alone_is_not_a_change_but_is_reported():
    old = doc(("1", "aims", "A"), ("2", "rules", "B"), ("2.1", "sanctions", "C"))
    new = doc(("1", "aims", "A"), ("2", "new", "N"), ("3", "rules", "B"), ("3.1", "sanctions", "C"))
    kinds = {c.id: c.kind for c in compare_documents(old, new)}
    assert kinds == {"new": "added", "rules": "renumbered", "sanctions": "renumbered"}


def test_a_moved_clause_is_one_move_not_a_delete_and_insert():
    old = doc(("1", "a", "A"), ("2", "b", "B"), ("3", "c", "C"), ("4", "d", "D"))
    new = doc(("1", "a", "A"), ("2", "c", "C"), ("3", "d", "D"), ("4", "b", "B"))
    changes = compare_documents(old, new)
    assert [(c.id, c.kind) for c in changes if c.kind != "renumbered"] == [("b", "moved")]


def test_word_diff_never_splits_a_word_even_when_the_words_share_letters():
    ops = word_diff("Keeping Children Safe in Education 2020", "Keeping Children Safe in Education 2021")
    assert ops == [(0, "Keeping Children Safe in Education "), (-1, "2020"), (1, "2021")]


def test_word_diff_keeps_whole_words():
    ops = word_diff("Staff must not share passwords with pupils.", "Staff must never share passwords with anyone.")
    assert (-1, "not") in ops and (1, "never") in ops
    assert all(" " not in text.strip() or op == 0 for op, text in ops if op)  # no shredded letters


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Tudhoe with a known set of edits planted after its last release."""
    from conftest import copy_project

    root = copy_project(tmp_path_factory.mktemp("redline") / "project")
    # The shared library moves on after a school's last approval: approve today's draft (after its other policies were
    # approved, so its references to them carry their numbers), so only the planted edits differ.
    approved = run_cli("approve", "--by", "Governing Body", SLUG, POLICY, "--on", "2026-11-20", "--note", "Baseline for the planted edits", cwd=root)
    assert approved.code == 0 or "identical to the last release" in approved.err, approved.text
    baseline = run_cli("diff", SLUG, POLICY, "--format", "json", cwd=root)
    assert json.loads(baseline.out)["changes"] == [], "the draft should equal the release just approved"
    clauses = root / "clauses"
    replace(clauses / "passwords.md", "strong", "long, strong")                     # a word changed
    append(clauses / "software-updates.md", "**Lost devices**\n\nReport a lost device at once.")  # a bold heading and sentence
    def policy(change):
        edit_school(root, SLUG, lambda data: change(data["policies"][POLICY]))
    policy(lambda p: p.setdefault("add", []).append({"clause": "visitor-badges", "before": "monitoring-and-review"}))
    (root / "overrides" / SLUG).mkdir(parents=True, exist_ok=True)                  # ...a clause added, renumbering below
    (root / "overrides" / SLUG / "visitor-badges.md").write_text("---\ntitle: Visitor badges\n---\nVisitors wear a badge.\n")
    outline = root / "policies_src" / "acceptable-use.yml"
    replace(outline, "          - clause: printers\n", "")                        # a clause removed
    replace(outline, "          - clause: recording-calls\n", "")                 # ...and one moved
    replace(outline, "      - clause: remote-access\n", "      - clause: remote-access\n      - clause: recording-calls\n")
    policy(lambda p: p.setdefault("items", {}).setdefault("unacceptable-use", {}).setdefault("add", []).append("misinformation"))
    policy(lambda p: p["items"]["unacceptable-use"]["drop"].append("damage"))        # ...a list item added, one removed
    return root


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, (old, path)
    path.write_text(text.replace(old, new, 1))


def append(path: Path, sentence: str) -> None:
    path.write_text(path.read_text().rstrip("\n") + f"\n\n{sentence}\n")


def test_json_reports_exactly_the_planted_changes(planted: Path):
    result = run_cli("diff", SLUG, POLICY, "--format", "json", cwd=planted)
    assert result.code == 0, result.text
    changes = json.loads(result.out)["changes"]
    kinds = {(c["id"], c["kind"]) for c in changes if c["kind"] != "renumbered"}
    assert kinds == {("passwords", "changed"), ("software-updates", "changed"), ("visitor-badges", "added"),
                     ("printers", "removed"), ("recording-calls", "moved"), ("unacceptable-use", "changed")}
    renumbered = {c["id"]: c for c in changes if c["kind"] == "renumbered"}
    assert {"monitoring-and-review", "related-policies"} <= set(renumbered)
    def same_apart_from_refs(text):
        return re.sub(r"\[(section|appendix) [0-9.]+\]", "[ref]", text)
    for change in renumbered.values():
        assert same_apart_from_refs(change["old_text"]) == same_apart_from_refs(change["new_text"])
        assert change["old_number"] != change["new_number"]
    review = renumbered["monitoring-and-review"]
    assert int(review["new_number"]) == int(review["old_number"]) + 1
    by_id = {c["id"]: c for c in changes}
    assert "long, strong" in by_id["passwords"]["new_text"] and "long, strong" not in by_id["passwords"]["old_text"]


def test_terminal_redline_marks_insertions_and_deletions(planted: Path):
    result = run_cli("diff", SLUG, POLICY, cwd=planted)
    assert result.code == 0, result.text
    assert re.search(r"\{\+\s*long,\s*\+\}", result.out) and result.out.index("Summary:") < result.out.index("long,")
    assert re.search(r"\{\+\s*Report a lost device at once\.\s*\+\}", result.out)
    assert "[-" in result.out  # the removed clause's text


def test_html_redline_has_summary_links_and_ins_del(planted: Path, tmp_path: Path):
    out = tmp_path / "redline.html"
    assert run_cli("diff", SLUG, POLICY, "--format", "html", "-o", str(out), cwd=planted).code == 0
    page = out.read_text()
    assert 'href="#c-passwords"' in page and 'id="c-passwords"' in page
    assert re.search(r"<ins><span class=\"visually-hidden\">\[inserted: </span>\s*long,\s*<span", page)
    assert "<del>" in page


def test_pdf_redline_holds_inserted_and_deleted_words(planted: Path, tmp_path: Path):
    out = tmp_path / "redline.pdf"
    assert run_cli("diff", SLUG, POLICY, "--format", "pdf", "-o", str(out), cwd=planted).code == 0
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "Summary:" in text and "Report a lost device at once." in text and "Visitors wear a badge." in text


def test_docx_has_real_tracked_changes_that_libreoffice_shows(planted: Path, tmp_path: Path):
    out = tmp_path / "redline.docx"
    assert run_cli("diff", SLUG, POLICY, "--format", "docx", "-o", str(out), cwd=planted).code == 0
    xml = zipfile.ZipFile(out).read("word/document.xml").decode()
    assert "<w:ins " in xml and "<w:del " in xml and "<w:delText" in xml
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
                   capture_output=True, check=True, timeout=180)
    text = subprocess.run(["pdftotext", str(tmp_path / "redline.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    assert "long," in text and "Report a lost device at once." in text
    assert "collect" in text.lower()  # the removed printers clause is still visible, struck through


def test_against_model_and_against_another_school(planted: Path):
    model = run_cli("diff", SLUG, POLICY, "--against", "model", "--format", "json", cwd=planted)
    assert model.code == 0, model.text
    ids = {c["id"] for c in json.loads(model.out)["changes"]}
    assert "visitor-badges" in ids and "logging-on" in ids and "encryption" in ids  # its own clause, and its own wording
    other = run_cli("diff", SLUG, POLICY, "--against", "chellaston-infant", "--format", "json", cwd=planted)
    assert other.code == 0, other.text
    assert "printers" in {c["id"] for c in json.loads(other.out)["changes"] if c["kind"] == "added"}


def test_diff_bad_versions_are_clear(planted: Path):
    assert_clean_failure(run_cli("diff", SLUG, POLICY, "--from", "1999-01-01", cwd=planted), "no release '1999-01-01'")
    assert_clean_failure(run_cli("diff", SLUG, POLICY, "--format", "docx", cwd=planted), "give -o FILE.docx")


def test_a_clause_moved_and_edited_counts_as_both():
    old = doc(("1", "a", "A"), ("2", "b", "B"), ("3", "c", "C"), ("4", "d", "D"))
    new = doc(("1", "a", "A"), ("2", "c", "C"), ("3", "d", "D"), ("4", "b", "B, and more"))
    changes = [c for c in compare_documents(old, new) if c.kind != "renumbered"]
    assert [(c.id, c.label) for c in changes] == [("b", "moved and changed")]
    assert summary_counts(changes)["changed"] == 1 and summary_counts(changes)["moved"] == 1
    assert "4. B (was section 2): moved and changed" in "\n".join(summary_lines(changes))


INSERTED, DELETED = ('<span class="visually-hidden">[inserted: </span>', '<span class="visually-hidden">[deleted: </span>')
ADDED_ITEM = "• Knowingly creating or spreading false or misleading information"
REMOVED_ITEM = "• Deliberately damaging ICT equipment, systems or materials."


def test_a_list_item_added_or_removed_is_one_whole_item_in_the_terminal_and_html(planted: Path, tmp_path: Path):
    terminal = run_cli("diff", SLUG, POLICY, cwd=planted).out
    assert "{+" + ADDED_ITEM in terminal and "[-" + REMOVED_ITEM in terminal  # whole lines, never spliced into a neighbour
    assert re.search(r"\[… \d+ unchanged lines …\]", terminal)  # a long list shows the changed items with context
    out = tmp_path / "redline.html"
    assert run_cli("diff", SLUG, POLICY, "--format", "html", "-o", str(out), cwd=planted).code == 0
    page = out.read_text()
    items = re.findall(r"<ul>(.*?)</ul>", page, re.DOTALL)  # real lists, not bullets in the text
    assert any(f"<li><ins>{INSERTED}{ADDED_ITEM[2:]}" in body for body in items), "the added item is not a list item"
    assert any(f"<li><del>{DELETED}{REMOVED_ITEM[2:]}" in body for body in items), "the removed item is not a list item"
    assert "•" not in page.split("</h1>", 1)[1]


def test_bold_sub_headings_stay_bold_in_every_format(planted: Path, tmp_path: Path):
    html_out, docx_out = tmp_path / "redline.html", tmp_path / "redline.docx"
    assert run_cli("diff", SLUG, POLICY, "--format", "html", "-o", str(html_out), cwd=planted).code == 0
    assert f"<p><ins>{INSERTED}<strong>Lost devices</strong>" in html_out.read_text()
    assert run_cli("diff", SLUG, POLICY, "--format", "docx", "-o", str(docx_out), cwd=planted).code == 0
    from docx import Document as WordDocument

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    runs = [run for paragraph in WordDocument(str(docx_out)).paragraphs for run in paragraph._p.iter(f"{w}r")
            if run.findtext(f"{w}t") == "Lost devices"]
    assert runs and runs[0].find(f"{w}rPr/{w}b") is not None, "the inserted heading is not bold in Word"
    terminal = run_cli("diff", SLUG, POLICY, cwd=planted).out
    assert "{+Lost devices+}" in terminal and "\x02" not in terminal


def test_numbered_lists_keep_their_numbers_and_an_inserted_item_renumbers_nothing_else():
    old = doc(("1", "a", "Sign below.\n\n1. I keep my password secret.\n2. I lock my screen.\n3. I report problems."))
    new = doc(("1", "a", "Sign below.\n\n1. I keep my password secret.\n2. I use *only* school accounts.\n"
               "3. I lock my screen.\n4. I report problems."))
    [change] = compare_documents(old, new)
    assert [text for op, text in change.words if op] == ["2. I use \x0eonly\x0f school accounts.\n"]
    page = redline_html([change], "Redline", "test")
    assert ('<ol><li value="1">I keep my password secret.</li><li value="2"><ins>' + INSERTED + 'I use <em>only</em> school '
            'accounts.<span class="visually-hidden">]</span></ins></li><li value="3">I lock my screen.</li>'
            '<li value="4">I report problems.</li></ol>') in page


def _settled(docx: Path, accept: bool) -> Path:
    """The Word file with every tracked change accepted (or rejected), as Word's Accept All / Reject All would."""
    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    package = zipfile.ZipFile(docx)
    tree = etree.fromstring(package.read("word/document.xml"))
    keep, drop = ("ins", "del") if accept else ("del", "ins")
    for paragraph in list(tree.iter(f"{w}p")):
        mark = paragraph.find(f"{w}pPr/{w}rPr/{w}{drop}")
        if mark is not None:  # a paragraph mark that goes: its paragraph held only text that goes too
            paragraph.getparent().remove(paragraph)
    for element in list(tree.iter(f"{w}{drop}")):
        element.getparent().remove(element)
    for element in list(tree.iter(f"{w}{keep}")):
        parent, index = element.getparent(), element.getparent().index(element)
        for child in reversed(list(element)):
            if child.tag == f"{w}r":
                for text in child.iter(f"{w}delText"):
                    text.tag = f"{w}t"
            parent.insert(index, child)
        parent.remove(element)
    out = docx.with_name(f"{'accepted' if accept else 'rejected'}.docx")
    with zipfile.ZipFile(out, "w") as target:
        for item in package.infolist():
            target.writestr(item, etree.tostring(tree) if item.filename == "word/document.xml" else package.read(item))
    return out


def test_word_accept_all_and_reject_all_leave_clean_lists(planted: Path, tmp_path: Path):
    out = tmp_path / "redline.docx"
    assert run_cli("diff", SLUG, POLICY, "--format", "docx", "-o", str(out), cwd=planted).code == 0
    for accept in (True, False):
        settled = _settled(out, accept)
        subprocess.run(["soffice", "--headless", "--convert-to", "txt:Text (encoded):UTF8", "--outdir", str(tmp_path), str(settled)],
                       capture_output=True, check=True, timeout=180)
        lines = [line.strip() for line in settled.with_suffix(".txt").read_text(encoding="utf-8-sig").splitlines()]
        assert not [line for line in lines if line in ("•", "• The person is")], "a stray bullet is left behind"
        added, removed = (any(line.startswith(item) for line in lines) for item in (ADDED_ITEM, REMOVED_ITEM))
        assert added == accept and removed == (not accept)
