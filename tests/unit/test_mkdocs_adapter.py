"""The MkDocs adapter: the template-sharing patch really shares, and any MkDocs warning stops the build."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import jinja2
import pytest
import yaml

from site_build.errors import EngineError
from site_build.site import mkdocs_adapter
from site_build.store.files import prune_unused

TODAY = dt.date(2026, 11, 23)


def tiny_site(folder: Path, page: str, **settings: object) -> Path:
    (folder / "docs").mkdir(parents=True)
    (folder / "docs" / "index.md").write_text(page, encoding="utf-8")
    config = folder / "mkdocs.yml"
    config.write_text(yaml.safe_dump({"site_name": "Tiny", "docs_dir": str(folder / "docs"), "site_dir": str(folder / "site"),
                                      "use_directory_urls": False, "theme": {"name": "material", "font": False},
                                      "validation": {"links": {"not_found": "warn"}}, **settings}), encoding="utf-8")
    return config


def build_site(config: Path, *args) -> None:
    mkdocs_adapter.run_mkdocs(yaml.safe_load(config.read_text(encoding="utf-8")), *args)


def test_the_second_build_compiles_no_theme_template(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    compiled: list[str | None] = []
    compile_template = jinja2.Environment.compile

    def counting(self, source, name=None, filename=None, raw=False, defer_init=False):
        compiled.append(name)
        return compile_template(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    monkeypatch.setattr(mkdocs_adapter, "_THEME_BYTECODE", mkdocs_adapter._MemoryBytecodeCache())  # a new process, no disk cache
    monkeypatch.setattr(mkdocs_adapter, "_THEME_FILES", {})
    build_site(tiny_site(tmp_path / "one", "# One\n\nHello.\n"), tmp_path / "one.yml", TODAY)
    first = list(compiled)
    compiled.clear()
    build_site(tiny_site(tmp_path / "two", "# Two\n\nHello again.\n"), tmp_path / "two.yml", TODAY)
    assert "main.html" in first or any(name and name.endswith("base.html") for name in first), first
    theme_templates = [name for name in compiled if name and name.endswith(".html")]
    assert not theme_templates, f"MkDocs compiled the theme again: {theme_templates[:5]}"
    assert "Hello again." in (tmp_path / "two" / "site" / "index.html").read_text(encoding="utf-8")


def test_a_warning_from_mkdocs_is_an_engine_error_on_the_school_file(tmp_path: Path):
    config = tiny_site(tmp_path / "site", "# Page\n\nSee [the missing page](missing.md).\n")
    with pytest.raises(EngineError) as caught:
        build_site(config, Path("schools/x/school.yml"), TODAY)
    assert caught.value.file == Path("schools/x/school.yml")
    assert "missing.md" in caught.value.message


def test_the_build_date_stands_in_for_now_only_while_mkdocs_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    build_site(tiny_site(tmp_path / "a", "# A\n", site_url="https://example.org/"), tmp_path / "a.yml", TODAY)
    assert "SOURCE_DATE_EPOCH" not in os.environ
    sitemap = (tmp_path / "a" / "site" / "sitemap.xml").read_text(encoding="utf-8")
    assert "2026-11-23" in sitemap


def rebuild(folder: Path, pages: dict[str, str]) -> Path:
    """Rewrite a tiny site's pages and build it again in this process (as `serve` does after a save)."""
    for name in (folder / "docs").glob("*.md"):
        name.unlink()
    for name, text in pages.items():
        (folder / "docs" / name).write_text(text, encoding="utf-8")
    build_site(folder / "mkdocs.yml", Path("schools/x/school.yml"), TODAY)
    return folder / "site"


def test_a_rebuild_renders_only_changed_pages_and_shows_every_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    renders = mkdocs_adapter._RenderedPages()
    render = renders._render
    converted: list[str] = []

    def counting(page, config, files) -> None:
        converted.append(page.file.src_uri)
        render(page, config, files)

    renders._render = counting
    monkeypatch.setattr(mkdocs_adapter, "_RENDERS", renders)
    tiny_site(tmp_path, "# Home\n\nSee [the rules](rules.md).\n")
    rebuild(tmp_path, {"index.md": "# Home\n\nSee [the rules](rules.md).\n", "rules.md": "# Rules\n\nOld rule.\n"})
    converted.clear()
    site = rebuild(tmp_path, {"index.md": "# Home\n\nSee [the rules](rules.md).\n", "rules.md": "# Rules\n\nNew rule.\n"})
    assert converted == ["rules.md"]
    assert "New rule." in (site / "rules.html").read_text(encoding="utf-8")
    assert 'href="rules.html"' in (site / "index.html").read_text(encoding="utf-8")


def test_a_page_whose_link_target_went_is_rendered_again_and_stops_the_build(tmp_path: Path):
    tiny_site(tmp_path, "")
    pages = {"index.md": "# Home\n\nSee [the rules](rules.md).\n", "rules.md": "# Rules\n"}
    rebuild(tmp_path, pages)
    del pages["rules.md"]
    for _ in range(2):  # a render that warned is never reused: the second build fails too
        with pytest.raises(EngineError, match="rules.md"):
            rebuild(tmp_path, pages)


def test_a_new_process_takes_unchanged_pages_from_the_cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    pages = {"index.md": "# Home\n\n## Rules\n\nSee [the rules](rules.md#old-rules).\n", "rules.md": "# Rules\n\n## Old rules\n\nOld.\n"}
    cache = tmp_path / "cache"

    def build_in_a_new_process() -> list[str]:
        renders = mkdocs_adapter._RenderedPages()  # nothing in memory
        render, converted = renders._render, []

        def counting(page, config, files) -> None:
            converted.append(page.file.src_uri)
            render(page, config, files)

        renders._render = counting
        monkeypatch.setattr(mkdocs_adapter, "_RENDERS", renders)
        for name, text in pages.items():
            (tmp_path / "docs" / name).write_text(text, encoding="utf-8")
        build_site(tmp_path / "mkdocs.yml", Path("schools/x/school.yml"), TODAY, cache)
        return converted

    tiny_site(tmp_path, "", validation={"links": {"not_found": "warn", "anchors": "warn"}})
    assert sorted(build_in_a_new_process()) == ["index.md", "rules.md"]
    first = (tmp_path / "site" / "index.html").read_bytes()
    assert build_in_a_new_process() == []
    assert (tmp_path / "site" / "index.html").read_bytes() == first  # its table of contents and links too
    pages["rules.md"] = "# Rules\n\n## New rules\n\nNew.\n"  # the anchor the cached home page links to is gone
    with pytest.raises(EngineError, match="old-rules"):
        build_in_a_new_process()


def test_pruning_forgets_only_the_pages_no_build_used_since(tmp_path: Path):
    tiny_site(tmp_path, "# Home\n\nHello.\n")
    stale = tmp_path / "cache" / "stale.json"
    stale.parent.mkdir()
    stale.write_text("{}", encoding="utf-8")
    os.utime(stale, (0, 0))
    started = stale.stat().st_mtime + 1
    build_site(tmp_path / "mkdocs.yml", Path("schools/x/school.yml"), TODAY, tmp_path / "cache")
    prune_unused(tmp_path / "cache", started)
    assert not stale.exists() and len(list((tmp_path / "cache").glob("*.json"))) == 1


def test_the_theme_file_list_skips_hidden_paths_first_and_is_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import fnmatch

    from mkdocs.config import load_config
    from mkdocs.structure.files import Files

    monkeypatch.setattr(mkdocs_adapter, "_THEME_FILES", {})
    config = load_config(config_file=str(tiny_site(tmp_path, "# Home\n")))
    matches = []
    match = fnmatch.fnmatch
    monkeypatch.setattr(fnmatch, "fnmatch", lambda name, pattern: matches.append(name) or match(name, pattern))

    def theme_files() -> list[str]:
        files = Files([])
        files.add_files_from_theme(config.theme.get_env(), config)  # MkDocs' own filter of the theme's files
        return sorted(file.src_uri for file in files)

    theirs, their_matches = theme_files(), len(matches)
    matches.clear()
    mkdocs_adapter.share_compiled_templates(config.theme)
    assert theme_files() == theirs and "assets/javascripts/iframe-worker-shim.js" not in theirs
    assert any(name.endswith(".css") for name in theirs)
    assert len(matches) < their_matches / 10, "hidden paths (Material's icons) were listed and matched"


def test_the_settings_handed_to_mkdocs_are_left_as_they_were_for_the_next_school(tmp_path: Path):
    settings = yaml.safe_load(tiny_site(tmp_path, "# Home\n\n## Part\n\nHello.\n").read_text(encoding="utf-8"))
    settings["markdown_extensions"] = [{"toc": {"permalink": True}}]
    before = yaml.safe_dump(settings)
    for _ in range(2):  # MkDocs takes each extension's settings apart as it reads them
        mkdocs_adapter.run_mkdocs(settings, Path("schools/x/school.yml"), TODAY)
        assert yaml.safe_dump(settings) == before
    assert 'class="headerlink"' in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
