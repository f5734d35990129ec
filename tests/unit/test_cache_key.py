"""Laid-out PDFs are kept under names only this user's secret can make: a file planted in `.cache/` is never used."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from site_build.render.pdf import PdfCache
from site_build.store import cache_key


@pytest.fixture(autouse=True)
def own_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))
    cache_key._secret.cache_clear()
    yield
    cache_key._secret.cache_clear()


def test_a_pdf_planted_under_the_plain_hash_of_its_html_is_not_published(tmp_path: Path):
    folder = tmp_path / "project" / ".cache" / "pdf"
    folder.mkdir(parents=True)
    html = "<html><body>Approved text</body></html>"
    (folder / f"{hashlib.sha256(html.encode()).hexdigest()}.pdf").write_bytes(b"%PDF-1.7 forged")
    assert PdfCache(folder).get("pdf", html, lambda: b"%PDF-1.7 laid out") == b"%PDF-1.7 laid out"


def test_an_entry_is_reused_by_a_later_run_with_the_same_secret(tmp_path: Path):
    folder = tmp_path / ".cache" / "pdf"
    made: list[str] = []
    for _ in range(2):
        cache_key._secret.cache_clear()  # as in a new process
        PdfCache(folder).get("pdf", "<p>x</p>", lambda: made.append("x") or b"%PDF")
    assert made == ["x"]
    secret = tmp_path / "home-cache" / "policy-site" / "cache-key"
    assert secret.stat().st_mode & 0o777 == 0o600


def test_a_secret_others_can_read_is_not_trusted(tmp_path: Path):
    folder = tmp_path / ".cache" / "pdf"
    PdfCache(folder).get("pdf", "<p>x</p>", lambda: b"%PDF")
    (tmp_path / "home-cache" / "policy-site" / "cache-key").chmod(0o644)
    cache_key._secret.cache_clear()
    made: list[str] = []
    PdfCache(folder).get("pdf", "<p>x</p>", lambda: made.append("x") or b"%PDF")
    assert made == ["x"]
