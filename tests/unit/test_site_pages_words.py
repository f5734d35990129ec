"""Site pages name the school's own board and only the signers it has (issue 15)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from site_build.commands.school_policy import policy_states
from site_build.load.project import load_project
from site_build.site.pages import school_pages

ROOT = Path(__file__).resolve().parents[2]
DAY = dt.date(2026, 11, 23)


def pages_of(slug: str) -> dict[str, str]:
    project = load_project(ROOT, [slug])
    return school_pages(project.schools[slug], policy_states(project, DAY)[slug], DAY, draft=True, pdfs=False).pages


def test_a_trust_run_by_trustees_says_its_board_approved_each_version_and_trustees_sign():
    pages = pages_of("the-coppice-primary")
    assert "approved by the Board of Trustees" in pages["acceptable-use/changelog.md"]
    assert "governing body" not in pages["acceptable-use/changelog.md"]
    assert "For: staff, trustees, volunteers and visitors." in pages["agreements.md"]
    assert "governor" not in pages["agreements.md"].split("For:")[1].split(".")[0]


def test_a_school_with_governors_lists_governors_not_trustees():
    pages = pages_of("chellaston-infant")
    assert "For: staff, governors, volunteers and visitors." in pages["agreements.md"]
    assert "trustee" not in pages["agreements.md"]
    assert "approved by the Local Governing Board" in pages["acceptable-use/changelog.md"]


def test_a_link_to_a_policy_awaiting_its_first_approval_goes_to_its_draft_or_keeps_its_words():
    """Tudhoe Moor as if its online safety policy were adopted but not yet approved: its acceptable use policy's
    guidance map names the online safety policy's sections, which the site has only as a draft."""
    project = load_project(ROOT, ["tudhoe-moor-nursery"])
    school = project.schools["tudhoe-moor-nursery"]
    states = [replace(s, releases=()) if s.policy_id == "online-safety" else s
              for s in policy_states(project, DAY)["tudhoe-moor-nursery"]]
    with_drafts = school_pages(school, states, DAY, draft=True, pdfs=False).pages["acceptable-use/guidance.md"]
    without = school_pages(school, states, DAY, draft=False, pdfs=False).pages["acceptable-use/guidance.md"]
    assert "of the Online safety policy](../online-safety/draft.md#filtering-and-monitoring)" in with_drafts
    assert "../online-safety/index.md#" not in with_drafts + without
    assert "section 6 of the Online safety policy" in without and "online-safety/draft.md" not in without
