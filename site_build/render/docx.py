"""A Word redline with real tracked changes (w:ins / w:del), so governors can accept or reject in Word.

python-docx has no API for revisions, so the revision elements are built as raw WordprocessingML.
The file is reproducible: the same changes and `when` give the same bytes (core.xml and zip entry times).
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import zipfile

from docx import Document as WordDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.text.paragraph import Paragraph

from ..diff.compare import Change, diff_lines, summary_counts
from ..diff.plain_text import styled

AUTHOR = "policy-site"


def redline_docx(changes: list[Change], heading: str, subtitle: str, when: dt.datetime) -> bytes:
    """Summary with links to each clause, then each changed clause with its tracked changes."""
    word = WordDocument()
    _british_a4(word)
    for field in ("subject", "keywords", "comments", "category", "content_status"):  # the template's "python-docx" text
        setattr(word.core_properties, field, "")
    word.core_properties.language = "en-GB"
    word.core_properties.author = AUTHOR
    word.core_properties.title = heading
    word.core_properties.created = when
    word.core_properties.modified = when
    word.core_properties.last_modified_by = AUTHOR
    word.core_properties.revision = 1
    word.add_heading(heading, level=1)
    word.add_paragraph(subtitle)
    counts = ", ".join(f"{n} {kind}" for kind, n in summary_counts(changes).items() if n) or "no changes"
    word.add_heading(f"Summary: {counts}", level=2)
    for change in changes:
        item = word.add_paragraph(style="List Bullet")
        _internal_link(item, f"c-{change.id}", f"{_label(change)}: {change.label}")
    ids = itertools.count(1)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    for change in changes:
        title = word.add_heading(level=2)
        _bookmark(title, f"c-{change.id}", next(ids))
        title.add_run(f"{_label(change)} ({change.label})")
        if change.why:
            word.add_paragraph().add_run(f"Why: {change.why}").italic = True
        if change.statutory:
            word.add_paragraph().add_run(f"Statutory: {change.statutory}").italic = True
        if change.title_changed and change.old and change.new:
            paragraph = word.add_paragraph("Title: ")
            _revision(paragraph, "w:del", change.old.title, next(ids), stamp)
            _revision(paragraph, "w:ins", change.new.title, next(ids), stamp)
        made: list[tuple[Paragraph, set[int]]] = []  # each paragraph and the kinds of text in it
        for line in diff_lines(change.words):
            paragraph = word.add_paragraph()
            made.append((paragraph, {op for op, _ in line}))
            for op, piece, bold, italic in styled(line):
                if op == 0:
                    run = paragraph.add_run(piece)
                    run.bold, run.italic = bold or None, italic or None
                else:
                    _revision(paragraph, "w:ins" if op == 1 else "w:del", piece, next(ids), stamp, bold, italic)
        for done, kinds in made:  # a paragraph wholly added or removed: its mark is tracked too, so accept/reject leave none
            if kinds in ({1}, {-1}):
                _tracked_mark(done, "w:ins" if kinds == {1} else "w:del", next(ids), stamp)
    buffer = io.BytesIO()
    word.save(buffer)
    return _dated(buffer.getvalue(), when)


def _british_a4(word) -> None:
    """A4 paper with 2 cm margins, and British English for proofing (python-docx's template is US Letter, en-US)."""
    for section in word.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Mm(20)
    styles = word.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    run_defaults = defaults.find(qn("w:rPrDefault"))
    if run_defaults is None:
        run_defaults = OxmlElement("w:rPrDefault")
        defaults.insert(0, run_defaults)
    properties = run_defaults.find(qn("w:rPr"))
    if properties is None:
        properties = OxmlElement("w:rPr")
        run_defaults.append(properties)
    for old in properties.findall(qn("w:lang")):
        properties.remove(old)
    language = OxmlElement("w:lang")
    for attribute in ("w:val", "w:eastAsia", "w:bidi"):
        language.set(qn(attribute), "en-GB")
    properties.append(language)
    theme_language = word.settings.element.find(qn("w:themeFontLang"))
    if theme_language is not None:
        theme_language.set(qn("w:val"), "en-GB")


def _dated(package: bytes, when: dt.datetime) -> bytes:
    """The same package with every zip entry dated `when` (zip dates run from 1980 to 2107)."""
    utc = when.astimezone(dt.UTC)
    stamp = max((1980, 1, 1, 0, 0, 0), min(utc.timetuple()[:6], (2107, 12, 31, 23, 59, 58)))
    source = zipfile.ZipFile(io.BytesIO(package))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info))
    return buffer.getvalue()


def _label(change: Change) -> str:
    clause = change.new or change.old
    return clause.heading  # type: ignore[union-attr]


def _revision(paragraph: Paragraph, tag: str, text: str, revision_id: int, stamp: str,
              bold: bool = False, italic: bool = False) -> None:
    """Append <w:ins> or <w:del> holding one run: the form Word writes for a tracked change."""
    revision = OxmlElement(tag)
    revision.set(qn("w:id"), str(revision_id))
    revision.set(qn("w:author"), AUTHOR)
    revision.set(qn("w:date"), stamp)
    run = OxmlElement("w:r")
    if bold or italic:
        properties = OxmlElement("w:rPr")
        for on, name in ((bold, "w:b"), (italic, "w:i")):
            if on:
                properties.append(OxmlElement(name))
        run.append(properties)
    text_element = OxmlElement("w:delText" if tag == "w:del" else "w:t")
    text_element.set(qn("xml:space"), "preserve")
    text_element.text = text
    run.append(text_element)
    revision.append(run)
    paragraph._p.append(revision)


def _tracked_mark(paragraph: Paragraph, tag: str, revision_id: int, stamp: str) -> None:
    """Mark the paragraph's own mark as inserted or deleted (w:pPr/w:rPr/w:ins), as Word does for a whole paragraph."""
    properties = paragraph._p.get_or_add_pPr()
    run_properties = properties.find(qn("w:rPr"))
    if run_properties is None:
        run_properties = OxmlElement("w:rPr")
        properties.append(run_properties)
    mark = OxmlElement(tag)
    mark.set(qn("w:id"), str(revision_id))
    mark.set(qn("w:author"), AUTHOR)
    mark.set(qn("w:date"), stamp)
    run_properties.append(mark)


def _bookmark(paragraph: Paragraph, name: str, bookmark_id: int) -> None:
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(bookmark_id))
    start.set(qn("w:name"), name[:40])
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(bookmark_id))
    paragraph._p.append(start)
    paragraph._p.append(end)


def _internal_link(paragraph: Paragraph, anchor: str, text: str) -> None:
    link = OxmlElement("w:hyperlink")
    link.set(qn("w:anchor"), anchor[:40])
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    props.append(underline)
    run.append(props)
    text_element = OxmlElement("w:t")
    text_element.set(qn("xml:space"), "preserve")
    text_element.text = text
    run.append(text_element)
    link.append(run)
    paragraph._p.append(link)
