"""The Markdown pages of one school's site, as plain data: {path: markdown} plus the nav (pure)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from itertools import pairwise
from types import MappingProxyType

from ..compose.markdown_rules import literal_markdown, theme_text
from ..diff.changelog import change_log
from ..diff.compare import compare_documents
from ..load.project import SchoolSource
from ..model.document import Document
from ..model.guidance import KIND_LABELS
from ..model.release import PolicyState, Release, format_date, review_status
from ..model.vocabulary import ROLE_PLURALS
from ..render.css import css_string
from ..render.markdown import OTHER_POLICY_LINK, document_markdown, site_links
from ..render.redline import LEGEND, redline_fragment


def _front_matter(superseded: str = "") -> str:
    """A page's front matter: out of the search (archived versions and redlines repeat the current text), and for a
    superseded version the line its printout carries at the top of every page (main.html), as a CSS string."""
    lines = ["search:", "  exclude: true"] + ([f"superseded: {json.dumps(css_string(superseded))}"] if superseded else [])
    return "---\n" + "".join(line + "\n" for line in lines) + "---\n"


NOT_IN_SEARCH = _front_matter()


@dataclass(frozen=True)
class SitePages:
    pages: dict[str, str]
    nav: list


HANDBOOK_PDF = "staff-handbook.pdf"  # every approved policy in one file, at the top of the school's site


def pdf_name(policy_id: str, draft: bool = False) -> str:
    """The PDF beside a policy's page: 'acceptable-use.pdf' or 'acceptable-use-draft.pdf'."""
    return f"{policy_id}-draft.pdf" if draft else f"{policy_id}.pdf"


def agreement_pdf_path(clause_id: str) -> str:
    return f"agreements/{clause_id}.pdf"


def relink(text: str, page: str) -> str:
    """Point in-page cross-references (`](#id)`) at the policy page, for text shown elsewhere."""
    return text.replace("](#", f"]({page}#")


def school_pages(school: SchoolSource, policies: list[PolicyState], today: dt.date, draft: bool,
                 pdfs: bool = True, as_at: dt.date | None = None) -> SitePages:
    """Every page of a school's site: home, each policy with its history, agreements (with PDF links if `pdfs`).

    `as_at`: the drafts were composed as at that date, not today (a preview of dated content)."""
    pages = {"index.md": _home(school, policies, today, pdfs)}
    nav: list = [{"Home": "index.md"}]
    for state in policies:
        pid = state.policy_id
        section: list = [{"Current version": f"{pid}/index.md"}]
        frozen = state.current.letterhead if state.current else None  # a release shows who wrote it then
        written_by = frozen.written_by if frozen else school.facts.policies[pid].written_by
        pages[f"{pid}/index.md"] = _policy_page(state, today, draft, written_by, pdfs, school.images,
                                                school.facts.governance.body)
        if state.guidance:
            pages[f"{pid}/guidance.md"] = _guidance_page(state, {s.policy_id: s for s in policies}, today, draft)
            section.append({"Guidance map": f"{pid}/guidance.md"})
        if state.releases:
            pages[f"{pid}/changelog.md"] = _change_log_page(state, school.facts.governance.body)
            section.append({"Change log": f"{pid}/changelog.md"})
            pages[f"{pid}/versions/index.md"] = _versions_page(state)
            versions: list = [{"Every version": f"{pid}/versions/index.md"}]
            for release in reversed(state.releases):
                path = f"{pid}/versions/{release.version}.md"
                pages[path] = _archived_page(state, release, school.images)
                versions.append({release.label: path})
            section.append({"All versions": versions})
            pages[f"{pid}/changes.md"] = _changes_page(state, draft)
            section.append({"What changed": f"{pid}/changes.md"})
        if draft:
            pages[f"{pid}/draft.md"] = _draft_page(state, pdfs, school.images, as_at)
            section.append({"Draft (not approved)": f"{pid}/draft.md"})
        nav.append({theme_text(state.title): section})  # MkDocs' theme prints nav titles unescaped
    pages["agreements.md"] = _agreements_page(school, policies, draft, pdfs)
    nav.append({"Agreements": "agreements.md"})
    pages["accessibility.md"] = accessibility_page(school, today)
    nav.append({"Accessibility": "accessibility.md"})
    pages = {path: _reachable_links(text, policies, draft) for path, text in pages.items()}
    return SitePages({path: _titled(text, page_title(path, policies, school.facts.name)) for path, text in pages.items()}, nav)


def _reachable_links(text: str, policies: list[PolicyState], draft: bool) -> str:
    """Links to another policy's section, on a site where that policy may have no approved version yet (adopted,
    awaiting approval) or one without the section: to the approved version when it has the section; else to the
    draft, when drafts are published and it has it; else the link's words alone, as on paper."""
    published = {s.policy_id: {c.id for c in s.current.document.clauses} if s.current else set() for s in policies}
    drafted = {s.policy_id: {c.id for c in s.draft.clauses} for s in policies} if draft else {}

    def reachable(match: re.Match[str]) -> str:
        words, root, policy_id, clause_id = match.groups()
        if policy_id not in published or clause_id in published[policy_id]:
            return match.group(0)
        if clause_id in drafted.get(policy_id, set()):
            return f"[{words}]({root}{policy_id}/draft.md#{clause_id})"
        return words
    return OTHER_POLICY_LINK.sub(reachable, text)


def accessibility_page(school: SchoolSource, today: dt.date) -> str:
    """The school's accessibility statement, from its details: what works, what does not yet, and whom to ask."""
    facts = school.facts
    name = literal_markdown(facts.name)
    contact = [f"- email: {literal_markdown(facts.email)}" for _ in [1] if facts.email] + \
        [f"- telephone: {literal_markdown(facts.telephone)}" for _ in [1] if facts.telephone]
    return "\n".join([
        NOT_IN_SEARCH + "# Accessibility statement", "",
        f"This statement is for {name}'s policy website: its policies, their versions and change logs, and the "
        "agreements to download. We want as many people as possible to be able to read them. You should be able to:", "",
        "- zoom in up to 400% without text spilling off the screen, and read every page on a phone;",
        "- move through every page with a keyboard alone, with the focus always visible;",
        "- use a screen reader: pages have one main heading each, a title naming the page, and British English "
        "as their language; in the redlines of what changed, a screen reader says which words were inserted and "
        "which deleted;",
        "- read every PDF with a screen reader: each is tagged (PDF/UA-1) with its headings, lists and tables, "
        "and its title; agreement sheets are printed in at least 11 point type (16 point for pupils), and in large "
        "print on request;",
        "- search every policy, even with the website saved to a folder and no internet connection.", "",
        "## What is not accessible yet", "",
        "- In the menu on a narrow screen, the titles that lead back a level are read as text, and open with Enter "
        "but not with Space.",
        "- In the PDFs, table header cells are tagged, but some PDF readers cannot tie a cell to its header.", "",
        "## Ask for another format, or tell us about a problem", "",
        "If you need a policy in another format (large print, easy read, audio, or a document you can edit), or "
        f"find something on this website you cannot use, contact {name}"
        + (":" if contact else " through the school office."), "", *contact, *([""] if contact else []),
        "If you are not happy with how we respond, contact the Equality Advisory and Support Service (EASS). "
        "The Equality and Human Rights Commission (EHRC) enforces the accessibility regulations in England, Scotland "
        "and Wales.", "",
        "## How we checked", "",
        "Every kind of page is checked automatically against the Web Content Accessibility Guidelines (WCAG) 2.2 "
        "level AA and axe-core's best practices, in a browser, at desktop and phone widths, and the menu, search "
        "and every link of a policy page are tried with a keyboard alone, each time the software that builds this "
        "website is tested. "
        f"This statement was prepared on {format_date(today)}.", ""])


def page_title(path: str, policies: list[PolicyState], school: str) -> str:
    """The browser tab's title of a page: what it is, of which policy and version, and the school."""
    if path == "index.md":
        return f"Policies: {school}"
    if path == "agreements.md":
        return f"Agreements to sign: {school}"
    if path == "accessibility.md":
        return f"Accessibility statement: {school}"
    pid, _, rest = path.partition("/")
    state = next(s for s in policies if s.policy_id == pid)
    if rest.startswith("versions/") and rest != "versions/index.md":
        release = next(r for r in state.releases if f"versions/{r.version}.md" == rest)
        what = f"version {release.label}" + (" (current)" if release is state.current else " (superseded)")
    else:
        current = f"current version {state.current.label}" if state.current else "no approved version yet"
        what = {"index.md": current, "guidance.md": "guidance map", "changelog.md": "change log",
                "versions/index.md": "every version", "changes.md": "what changed", "draft.md": "draft (not approved)"}[rest]
    return f"{state.title}, {what}: {school}"


def _titled(text: str, title: str) -> str:
    """The page with `page_title` in its front matter: the site's plugin makes it the page's <title>."""
    line = f"page_title: {json.dumps(title)}\n"
    return "---\n" + line + text[4:] if text.startswith("---\n") else "---\n" + line + "---\n" + text


def _home(school: SchoolSource, policies: list[PolicyState], today: dt.date, pdfs: bool) -> str:
    s = school.facts
    lines = [f"# {literal_markdown(s.name)}", ""]
    if s.motto:
        lines += [f"*{literal_markdown(s.motto)}*", ""]
    contact = [literal_markdown(line) for line in s.address]
    for label, value in (("Telephone", s.telephone), ("Email", s.email), ("Website", s.website)):
        if value:
            contact.append(f"{label}: {literal_markdown(value)}")
    head = s.roles.get("headteacher")
    if head and head.name:
        contact.append(f"{literal_markdown(head.title[:1].upper() + head.title[1:])}: {literal_markdown(head.name)}")
    if contact:
        lines += ["  \n".join(contact), ""]
    lines += ["## Staff handbook", "", "Every policy of the school, with the version in force. The search box at the top of "
              "each page searches all of them.", "",
              "| Policy | Status | Version | Approved | Next review |", "| --- | --- | --- | --- | --- |"]
    for state in policies:
        link = f"[{literal_markdown(state.title)}]({state.policy_id}/index.md)"
        release = state.current
        status = review_status(list(state.releases), today)
        if release is None:
            lines.append(f"| {link} | No approved version yet | none yet | not yet approved | — |")
        else:
            flag = "**Overdue for review**" if status.overdue else ("Review due soon" if status.due_soon else "Current")
            lines.append(f"| {link} | {flag} | {literal_markdown(release.label)} | {release.when_approved} by "
                         f"{literal_markdown(release.approved_by)} | {format_date(release.next_review)} |")
    lines.append("")
    if pdfs and any(state.current for state in policies):
        lines += [f"[Download the whole handbook to print (PDF)]({HANDBOOK_PDF}){{ .md-button }}", ""]
    lines += ["Agreements to read and sign are on the [agreements page](agreements.md).", ""]
    return "\n".join(lines)


def _status_box(state: PolicyState, release: Release, today: dt.date, link_prefix: str, pdfs: bool) -> list[str]:
    status = review_status(list(state.releases), today)
    kind = "danger" if status.overdue else "info"
    lines = [f'!!! {kind} "Version {release.label}"', f"    {_approval_record(release)}",
             f"    Next review: {format_date(release.next_review)}."]
    if status.overdue:
        lines.append(f"    **This policy is overdue for review** (it was due on {format_date(release.next_review)}).")
    lines.append(f"    See the [change log]({link_prefix}changelog.md) and [all versions]({link_prefix}versions/index.md).")
    if pdfs:
        lines.append(f"    [Download PDF]({link_prefix}{pdf_name(state.policy_id)}){{ .md-button }}")
    lines.append("")
    return lines


def _approval_record(release: Release) -> str:
    """'Approved by X on D (meeting ..., minute ...). In force from D. Text fingerprint: F.' for pages."""
    meeting = f" at {literal_markdown(release.meeting.words)}" if release.meeting else ""
    return (f"Approved by {literal_markdown(release.approved_by)} {release.on_date}{meeting}. "
            f"In force from {format_date(release.in_force_from)}. Text fingerprint: `{release.document.fingerprint}`.")


def _policy_page(state: PolicyState, today: dt.date, draft: bool, written_by: str | None, pdfs: bool,
                 images: frozenset[str], board: str) -> str:
    release = state.current
    lines = [f"# {literal_markdown(state.title)}", ""]
    if written_by:
        lines += [f"Written by {literal_markdown(written_by)}.", ""]
    if release is None:
        lines += ['!!! warning "No approved version yet"',
                  f"    This policy has not yet been approved by the {literal_markdown(board)}, so no version is published.",
                  "    " + ("The [draft](draft.md) is shown for review only." if draft else ""), ""]
        return "\n".join(lines)
    lines += _status_box(state, release, today, "", pdfs)
    return "\n".join(lines) + "\n" + document_markdown(release.document, images)


def _archived_page(state: PolicyState, release: Release, images: frozenset[str]) -> str:
    current = state.current
    lines = [NOT_IN_SEARCH, f"# {literal_markdown(release.document.title)}: version {literal_markdown(release.label)}", ""]
    later = [r for r in state.releases if r.approved_on > release.approved_on]
    if later:
        until = later[0].in_force_from - dt.timedelta(days=1)
        replaced_by = f"version {literal_markdown(later[0].label)}"
        newest = "" if later[0] is current else f"; the current version is [version {literal_markdown(later[-1].label)}](../index.md)"
        lines[0] = _front_matter(superseded=f"Superseded: version {release.label}, in force from "
                                 f"{format_date(release.in_force_from)} to {format_date(until)}. Not the current version.")
        lines += ['!!! warning "Superseded version"',
                  f"    This version was in force from {format_date(release.in_force_from)} to {format_date(until)}, when "
                  f"{replaced_by if newest else f'[{replaced_by}](../index.md)'} replaced it{newest}. It is kept here for reference.", ""]
    else:
        lines += ['!!! note "Current version"', f"    This is the version in force since {format_date(release.in_force_from)}: "
                  "see [the policy](../index.md).", ""]
    lines += [_approval_record(release), "", f"Change: {literal_markdown(release.note)}", ""]
    return "\n".join(lines) + "\n" + document_markdown(release.document, images, "../../")


def _changes_page(state: PolicyState, draft: bool) -> str:
    """Redlines: each release against the one before it (newest first), and the draft when asked for."""
    lines = [NOT_IN_SEARCH, f"# {literal_markdown(state.title)}: what changed", "",
             f"Each approved version compared with the one before it, clause by clause. {LEGEND}", ""]
    pairs = list(pairwise(state.releases))[::-1]
    if draft and state.current:
        lines += _redline_section("draft", "The draft compared with the approved version", state.current.document, state.draft,
                                  state.statutory, state.reasons)
    for old, new in pairs:
        lines += _redline_section(new.version, f"Version {literal_markdown(new.label)} compared with {literal_markdown(old.label)}",
                                  old.document, new.document, state.statutory)
    if not pairs and not (draft and state.current):
        lines.append("There is only one approved version, so there is nothing to compare yet.")
    return "\n".join(lines) + "\n"


def _redline_section(anchor: str, heading: str, old: Document, new: Document, statutory: Mapping[str, str],
                     reasons: Mapping[str, str] = MappingProxyType({})) -> list[str]:
    changes = [replace(change, why=reasons.get(change.id, ""), statutory=statutory.get(change.id, ""))
               for change in compare_documents(old, new)]
    fragment = redline_fragment(changes, link_prefix=f"v{anchor}-") if changes else "<p>No change to the text.</p>"
    return [f"## {heading} {{#v{anchor}}}", "", f'<div class="redline" markdown="0">\n{fragment}\n</div>', ""]


def _draft_page(state: PolicyState, pdfs: bool, images: frozenset[str], as_at: dt.date | None) -> str:
    lines = [f"# {literal_markdown(state.draft.title)}: draft", "",
             '!!! danger "Draft: not approved"',
             "    This is a draft for review. It has not been approved and is not in force.",
             f"    Text fingerprint: `{state.draft.fingerprint}` (quote it when approving: `approve --expect`).",
             f"    It is composed as at {format_date(as_at)}: with the law and guidance in force on that day." if as_at else "",
             f"    [Download the draft as PDF]({pdf_name(state.policy_id, draft=True)})" if pdfs else "", ""]
    return "\n".join(lines) + "\n" + document_markdown(state.draft, images)


def _guidance_page(state: PolicyState, states: Mapping[str, PolicyState], today: dt.date, draft: bool) -> str:
    """Each requirement of law and guidance that applies to the school, and the sections that meet it, or why none does."""
    rows = state.guidance
    unmet = [row for row in rows if not row.met]
    statutory = sum(1 for row in unmet if row.requirement.statutory)
    lines = [NOT_IN_SEARCH, f"# {literal_markdown(state.title)}: guidance map", "",
             "Which requirement of law and guidance each part of this policy meets, as the shared clauses and the "
             f"school's choices stand on {format_date(today)}. The register of laws and guidance, with the date of "
             "each edition, is kept by the policy lead.", "",
             f"{len(rows)} requirements apply to this school: {len(rows) - len(unmet)} are met"
             + (f", and **{len(unmet)} are not met** ({statutory} of them statutory)." if unmet else "."), "",
             "| Requirement | Source | Statutory | Met by |", "| --- | --- | --- | --- |"]
    current = state.current.document if state.current else None
    for row in rows:
        source = (f"[{literal_markdown(row.document.name)}]({row.document.url.replace('(', '%28').replace(')', '%29')}) "
                  f"({KIND_LABELS[row.document.kind].lower()})")
        if row.met:
            met = ", ".join([_section_link(clause_id, state.draft, current, draft) for clause_id in row.clauses]
                            + [_section_link(other.clause_id, states[other.policy_id].draft, _published(states[other.policy_id]),
                                             draft, other.policy_id, other.policy_title) for other in row.elsewhere])
        else:
            met = f"**Not met**: {literal_markdown(row.gap)}"
        lines.append(f"| {literal_markdown(row.requirement.text)} | {source} | {'Yes' if row.requirement.statutory else 'No'} | {met} |")
    return "\n".join(lines) + "\n"


def _section_link(clause_id: str, composed: Document, current: Document | None, draft: bool, policy_id: str = "",
                  policy_title: str = "") -> str:
    """'[section 6](index.md#id)' in the approved version; in a draft-only clause, a link to the draft (if built).

    With `policy_id`, a section of another of the school's policies: '[section 6 of the Online safety policy](...)'."""
    of = f" of the {literal_markdown(policy_title)}" if policy_id else " of the draft"  # that policy's page says "draft"
    folder = f"../{policy_id}/" if policy_id else ""
    published = current.clause(clause_id) if current else None
    if published:
        return f"[{_section_label(published.number)}{of if policy_id else ''}]({folder}index.md#{clause_id})"
    clause = composed.clause(clause_id)
    label = f"{_section_label(clause.number)}{of}" if clause else clause_id
    return f"[{label}]({folder}draft.md#{clause_id})" if draft else label


def _published(state: PolicyState) -> Document | None:
    return state.current.document if state.current else None


def _section_label(number: str) -> str:
    return number.replace("Appendix", "appendix") if number.startswith("Appendix") else f"section {number}"


def _versions_page(state: PolicyState) -> str:
    """Every approved version, newest first, with the days it was in force and the fingerprint a minute cites."""
    lines = [NOT_IN_SEARCH, f"# {literal_markdown(state.title)}: every version", "",
             "| Version | Approved | In force | Text fingerprint |", "| --- | --- | --- | --- |"]
    releases = list(state.releases)
    for index in range(len(releases) - 1, -1, -1):
        release = releases[index]
        later = releases[index + 1] if index + 1 < len(releases) else None
        until = f"to {format_date(later.in_force_from - dt.timedelta(days=1))}" if later else "(current)"
        lines.append(f"| [{literal_markdown(release.label)}]({release.version}.md) | {release.when_approved} by "
                     f"{literal_markdown(release.approved_by)} | from {format_date(release.in_force_from)} {until} "
                     f"| `{release.document.fingerprint}` |")
    return "\n".join(lines) + "\n"


def _change_log_page(state: PolicyState, board: str) -> str:
    """The approved versions, oldest first; `board` is what the school calls its governing board (a trust's trustees)."""
    lines = [f"# {literal_markdown(state.title)}: change log", "",
             f"Each row is a version approved by the {literal_markdown(board)}, or by whoever it delegated the approval to, "
             "as the row says. \"Where\" is worked out from the text itself.", "",
             "| Date | Where | Change | Approved by | In force from | Next review | Version |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for row in change_log(list(state.releases)):
        r = row.release
        meeting = f", at {literal_markdown(r.meeting.words)}" if r.meeting else ""
        lines.append(f"| {r.when_approved} | {literal_markdown(row.where)} | {literal_markdown(r.note)} "
                     f"| {literal_markdown(r.approved_by)}{meeting} | {format_date(r.in_force_from)} | {format_date(r.next_review)} "
                     f"| [{literal_markdown(r.label)}](versions/{r.version}.md)<br>`{r.document.fingerprint}` |")
    return "\n".join(lines) + "\n"


def _signers(school: SchoolSource, roles: tuple[str, ...]) -> str:
    """'staff, governors, volunteers and visitors': who signs, as this school has them (its board is governors or
    trustees, never both)."""
    board = "trustee" if school.facts.governance.members == "trustees" else "governor"
    has = [ROLE_PLURALS[role] for role in roles if role not in ("governor", "trustee") or role == board] \
        or [ROLE_PLURALS[role] for role in roles]
    return has[0] if len(has) == 1 else f"{', '.join(has[:-1])} and {has[-1]}"


def _agreements_page(school: SchoolSource, policies: list[PolicyState], draft: bool, pdfs: bool) -> str:
    """Each agreement of each approved policy (or, in a draft build, of a draft that has none)."""
    lines = ["# Agreements", "", "Each agreement below is part of a policy. Read the policy first, then sign the "
             "agreement for your role. The office prints signing packs.", ""]
    shown = 0
    for state in policies:
        if state.current:
            document, version, page = state.current.document, state.current.label, f"{state.policy_id}/index.md"
        elif draft:
            document, version, page = state.draft, "draft, not yet approved", f"{state.policy_id}/draft.md"
        else:
            lines += [f"{literal_markdown(state.title)} has no approved version yet, so it has no agreements to sign.", ""]
            continue
        for agreement in document.agreements:
            clause = document.clause(agreement.clause_id)
            if clause is None:
                continue
            shown += 1
            download = f" [Download to print (PDF)]({agreement_pdf_path(clause.id)})" if state.current and pdfs else ""
            lines += [f"## {literal_markdown(clause.title)} {{#{clause.id}}}", "",
                      f"For: {_signers(school, agreement.roles)}. Part of the [{literal_markdown(document.title)}]({page}#{clause.id}), "
                      f"version {literal_markdown(version)}.{download}", "", site_links(relink(clause.text, page), school.images, ""), "",
                      "Name: ______________________________  Signature: ______________________  Date: ____________", ""]
    if not shown:
        lines.append(f"{literal_markdown(school.facts.name)} has no agreements to sign yet.")
    return "\n".join(lines) + "\n"
