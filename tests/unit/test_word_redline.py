"""The Word redline is a British document: A4, en-GB proofing, and none of python-docx's template metadata."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

from site_build.render.docx import redline_docx


def test_the_word_redline_is_a4_in_british_english_with_its_own_metadata():
    package = zipfile.ZipFile(io.BytesIO(redline_docx([], "Acceptable use: Oak School", "Changes", dt.datetime(2026, 11, 30, tzinfo=dt.UTC))))
    document, styles = package.read("word/document.xml").decode(), package.read("word/styles.xml").decode()
    settings, core = package.read("word/settings.xml").decode(), package.read("docProps/core.xml").decode()
    assert re.search(r'<w:pgSz w:w="11906" w:h="16838"/>', document)  # A4 in twentieths of a point
    assert 'w:lang w:val="en-GB"' in styles and 'w:themeFontLang w:val="en-GB"' in settings
    assert "python-docx" not in core and "<dc:language>en-GB</dc:language>" in core
    assert "<dc:title>Acceptable use: Oak School</dc:title>" in core
