"""The staff handbook: a family of policies from one clause library, on the built example sites and on paper."""

from __future__ import annotations

import re
import subprocess
import unicodedata
from pathlib import Path

import lxml.html
from conftest import run_cli
from pypdf import PdfReader

from site_build.store.releases import read_releases

ROOT = Path(__file__).resolve().parents[1]
ASHCOMBE, CHELLASTON, CALVERLEY = "ashcombe-ridge-academy", "chellaston-infant", "calverley-parkside-primary"
POLICIES = ("acceptable-use", "online-safety", "mobile-phones", "social-media")


def page(site: Path, path: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((site / path).read_text(encoding="utf-8"))


def section(tree: lxml.html.HtmlElement, clause_id: str) -> tuple[str, str]:
    """A clause's heading number and its text up to the next heading."""
    heading = tree.get_element_by_id(clause_id)
    words = []
    for element in heading.itersiblings():
        if element.tag in ("h2", "h3", "h4", "h5", "h6"):
            break
        words.append(element.text_content())
    return heading.text_content().split()[0], " ".join(" ".join(words).split())


def pdf_text(path: Path) -> list[str]:
    return [" ".join(unicodedata.normalize("NFKC", page.extract_text() or "").split()) for page in PdfReader(path).pages]


def test_a_shared_clause_has_the_same_words_and_each_policys_own_number(built_site: Path):
    aup = page(built_site, f"{ASHCOMBE}/acceptable-use/index.html")
    social = page(built_site, f"{ASHCOMBE}/social-media/index.html")
    for clause_id, numbers in (("personal-social-media", ("5.2.1", "2.1")), ("images-of-pupils", ("5.5", "3.2"))):
        (in_aup, aup_text), (in_social, social_text) = section(aup, clause_id), section(social, clause_id)
        assert (in_aup, in_social) == numbers
        assert aup_text == social_text and len(aup_text) > 200


def test_links_between_policies_land_on_the_heading_they_name(built_site: Path):
    checked = 0
    for school in (ASHCOMBE, CHELLASTON):
        for policy in POLICIES:
            for link in page(built_site, f"{school}/{policy}/index.html").xpath(".//article//a[contains(@href, '/index.html#')]"):
                target, anchor = link.get("href").split("#")
                match = re.fullmatch(r"(?:\.\./)?([a-z-]+)/index\.html", target)
                if not match or match[1] == policy or match[1] not in POLICIES:
                    continue
                words = " ".join(link.text_content().split())
                heading = page(built_site, f"{school}/{match[1]}/index.html").get_element_by_id(anchor)
                number = heading.text_content().split()[0].rstrip(".:")
                label = number if number[0].isdigit() else " ".join(heading.text_content().split()[:2]).rstrip(":").lower()
                assert words.startswith((f"section {label} of the ", label)), (school, policy, words, label)
                checked += 1
    assert checked >= 5


def test_the_home_page_is_the_handbook_with_every_policy_and_its_status(built_site: Path):
    home = page(built_site, f"{CALVERLEY}/index.html")
    rows = [" ".join(row.text_content().split()) for row in home.xpath("(.//article//table)[1]//tr[td]")]
    releases = {policy: read_releases(ROOT, CALVERLEY, policy) for policy in ("acceptable-use", "online-safety", "mobile-phones")}
    assert len(rows) == 3 and not any("social" in row.lower() for row in rows)
    for policy, history in releases.items():
        assert any(history[-1].label in row for row in rows), (policy, rows)
    assert home.xpath(".//article//a[@href='staff-handbook.pdf']")


def test_the_printable_handbook_holds_every_approved_policy_with_its_version_and_one_contents_list(built_site: Path):
    pages = pdf_text(built_site / f"{ASHCOMBE}/staff-handbook.pdf")
    text = " ".join(pages)
    assert "Staff handbook" in pages[0] and "Contents" in " ".join(pages[:3])
    contents = " ".join(pages[:3])
    titles = []
    for policy in POLICIES:
        release = read_releases(ROOT, ASHCOMBE, policy)[-1]
        title = release.document.title
        titles.append(title)
        assert title in contents, title
        assert f"Version {release.label}" in text, release.label
        first = release.document.clauses[0].heading
        assert text.count(first) >= 2, first  # in the contents and as the heading
    assert [contents.index(title) for title in titles] == sorted(contents.index(title) for title in titles)
    info = PdfReader(built_site / f"{ASHCOMBE}/staff-handbook.pdf")
    assert info.metadata.title == "Staff handbook: Ashcombe Ridge Academy"
    assert "/StructTreeRoot" in info.trailer["/Root"]


def test_the_handbook_holds_each_published_policy_pdf_unchanged_and_its_contents_give_the_right_pages(built_site: Path):
    path = built_site / f"{ASHCOMBE}/staff-handbook.pdf"
    handbook = pdf_text(path)
    published = {policy: pdf_text(built_site / f"{ASHCOMBE}/{policy}/{policy}.pdf") for policy in POLICIES}
    cover_pages = handbook.index(published["acceptable-use"][0])  # the cover runs up to the first policy
    layout = subprocess.run(["pdftotext", "-layout", "-l", str(cover_pages), str(path), "-"], capture_output=True, text=True,
                            check=True).stdout
    lines = [" ".join(unicodedata.normalize("NFKC", line).split()) for line in layout.splitlines()]
    checked = 0
    for policy in POLICIES:
        title = read_releases(ROOT, ASHCOMBE, policy)[-1].document.title
        first = int(next(line for line in lines if re.fullmatch(re.escape(title) + r" \d+", line)).rsplit(" ", 1)[1])
        pages = published[policy]
        assert handbook[first - 1:first - 1 + len(pages)] == pages, policy  # the same pages, word for word
        for line in lines:
            heading, _, number = line.rpartition(" ")
            if number.isdigit() and first <= int(number) < first + len(pages) and re.match(r"\d+\. ", heading) \
                    and heading in pages[int(number) - first]:
                checked += 1
            elif number.isdigit() and first <= int(number) < first + len(pages) and re.match(r"\d+\. ", heading):
                assert heading not in " ".join(pages), (policy, line)  # a heading of this policy listed at the wrong page
    assert checked >= 10


def test_the_read_and_understood_pack_lists_each_roles_policies(project: Path):
    (project / "roster.csv").write_text("name,role\nAmara Osei,staff\nGeorge Hall,governor\nVera Lin,volunteer\n", encoding="utf-8")
    result = run_cli("agreements", ASHCOMBE, "--acknowledge", "--roster", "roster.csv", "-o", "ack.pdf", cwd=project)
    assert result.code == 0, result.text
    titles = {policy: read_releases(project, ASHCOMBE, policy)[-1].document.title for policy in POLICIES}
    sheets = {p.split("Name: ")[1].split(" Role")[0]: p for p in pdf_text(project / "ack.pdf") if "Name: " in p}
    expected = {"Amara Osei": set(POLICIES), "George Hall": {"acceptable-use", "online-safety", "social-media"},
                "Vera Lin": {"acceptable-use", "online-safety", "mobile-phones"}}
    for name, policies in expected.items():
        listed = {policy for policy, title in titles.items() if title in sheets[name]}
        assert listed == policies, (name, listed)
