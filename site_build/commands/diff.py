"""`diff` command: pick the two documents to compare, diff them, write the chosen format."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from rich.console import Console

from ..compose.policy import compose_policy, outline_for
from ..diff.compare import compare_documents
from ..errors import PolicyError
from ..load.project import SchoolSource, load_project
from ..model.document import Document
from ..model.schema import PolicySettings
from ..render.docx import redline_docx
from ..render.pdf import html_to_pdf
from ..render.redline import redline_html, redline_json, redline_terminal
from ..store.files import write_atomically
from ..store.releases import read_releases


def redline(root: Path, slug: str, policy_id: str, from_version: str | None, to_version: str, against: str | None,
            fmt: str, output: Path | None, console: Console) -> None:
    old, new, old_label, new_label = pick_documents(root, slug, policy_id, from_version, to_version, against)
    changes = compare_documents(old, new)
    heading = f"{new.title}: {new.school_name}"
    subtitle = f"Changes from {old_label} to {new_label}"
    if fmt in ("pdf", "docx"):
        if output is None:
            raise PolicyError(f"a {fmt} redline is a file: give -o FILE.{fmt}")
        if fmt == "pdf":
            data = html_to_pdf(redline_html(changes, heading, subtitle))
        else:
            data = redline_docx(changes, heading, subtitle, _build_time())
        write_atomically(output, data)
        console.print(f"wrote {output}", markup=False)
        return
    if fmt == "json":
        text = redline_json(changes, {"school": slug, "policy": policy_id, "from": old_label, "to": new_label})
    elif fmt == "html":
        text = redline_html(changes, heading, subtitle)
    else:
        if output:
            raise PolicyError("the terminal format cannot be written to a file", output, hint="use --format html or json")
        for block in redline_terminal(changes, f"{heading}\n{subtitle}", markers=not console.is_terminal):
            console.print(block)
        return
    if output:
        write_atomically(output, text.encode("utf-8"))
        console.print(f"wrote {output}", markup=False)
    else:
        console.out(text, highlight=False)


def _build_time() -> dt.datetime:
    """Now, or SOURCE_DATE_EPOCH for reproducible files."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return dt.datetime.now(dt.UTC).replace(microsecond=0)
    try:
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    except (ValueError, OverflowError, OSError):
        raise PolicyError(f"SOURCE_DATE_EPOCH={epoch[:40]!r} is not a time I can use",
                          hint="set it to whole seconds since 1970, e.g. SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)") from None


def pick_documents(root: Path, slug: str, policy_id: str, from_version: str | None, to_version: str,
                   against: str | None) -> tuple[Document, Document, str, str]:
    """The (old, new) documents and their labels for the options given."""
    schools = [slug] + ([against] if against and against != "model" else [])
    project = load_project(root, schools)
    school = project.schools[slug]
    outline = outline_for(project, school, policy_id)
    draft = compose_policy(school, outline, project.clauses)
    releases = read_releases(root, slug, policy_id)

    def version(name: str | None) -> tuple[Document, str]:
        if name == "draft":
            return draft, "the draft"
        if not releases:
            raise PolicyError(f"{school.school.name} has no approved release of '{policy_id}' yet",
                              f"schools/{slug}/releases/{policy_id}", hint="compare with --against, or approve a first version")
        if name is None:
            return releases[-1].document, f"version {releases[-1].label}"
        for release in releases:
            if release.version == name:
                return release.document, f"version {release.label}"
        raise PolicyError(f"there is no release '{name}'", f"schools/{slug}/releases/{policy_id}",
                          hint="versions: " + ", ".join(r.version for r in releases))

    if against == "model":
        return _model_document(school, outline, project), draft, "the shared model", f"{school.school.name}'s draft"
    if against:
        other = project.schools[against]
        other_releases = read_releases(root, against, policy_id)
        other_doc = other_releases[-1].document if other_releases else compose_policy(other, outline, project.clauses)
        new, new_label = version(None) if releases else (draft, "the draft")
        return other_doc, new, f"{other.school.name}", f"{school.school.name} ({new_label})"
    old, old_label = version(from_version)
    new, new_label = version(to_version)
    return old, new, old_label, new_label


def _model_document(school: SchoolSource, outline, project) -> Document:
    """The shared library as this school would get it with no choices of its own."""
    settings = school.school.policies[outline.id]
    plain = PolicySettings(review_cycle=settings.review_cycle, variables={})
    bare = SchoolSource(school.slug, school.path, school.school.model_copy(update={"policies": {outline.id: plain}}),
                        school.lines, {}, None)
    return compose_policy(bare, outline, project.clauses)
