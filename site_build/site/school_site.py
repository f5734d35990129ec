"""One school's site: write its pages into a temporary docs_dir, build it with MkDocs, swap it in whole.

MkDocs stays a thin layer: every page is rendered here; the generated config takes only the checked
look from the root mkdocs.yml (load/base_config.py) and adds the school's name, nav, paths,
and our own plugins and Markdown extensions. Each site is built into a temporary
folder and swapped in whole, so a failed build never leaves a half-written site. MkDocs sees each download as an
empty file of its name (enough to check the links to it); the real files replace them in the built site, so the
PDFs may be laid out while MkDocs works.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path

from ..compose.markdown_rules import theme_text
from ..errors import OutputError
from ..load.base_config import load_base_config
from ..load.project import Project, SchoolSource
from ..load.theme_files import EXTRA_CSS, theme_files
from ..store.files import mark, swap_in, work_folder
from .mkdocs_adapter import run_mkdocs
from .pages import SitePages

THEME_DIR = Path(__file__).parent / "theme"
# Search, also from a folder opened with file:// (the offline plugin writes the index as a script;
# its iframe-worker shim comes with our theme), and the sanitiser and CSP of site_build/site/safety_plugin.py.
PLUGINS = ["search", "offline", "policy-site-safety"]
MARKDOWN_EXTENSIONS = ["admonition", "site_build.render.markdown_safe", "tables", "sane_lists",
                       {"toc": {"permalink": True, "toc_depth": 3}}]
# Any of these is a warning, and a warning stops the build (see mkdocs_adapter.run_mkdocs).
VALIDATION = {"links": {"not_found": "warn", "anchors": "warn", "absolute_links": "warn", "unrecognized_links": "warn"}}


Files = Callable[[], Mapping[str, bytes]]  # the downloads, once laid out


def build_school_site(project: Project, school: SchoolSource, pages: SitePages, downloads: list[str], files: Files,
                      out: Path, site_url: str | None, today: dt.date, rendered: Path | None = None) -> Path:
    """Build one school's site into out/<slug>, replacing the old one only when the build succeeded.

    `downloads` names the files the site offers; `files()` gives them, and is called once MkDocs has built the pages.
    `rendered` is the cache folder of pages rendered by earlier builds."""
    try:
        return _build(project, school, pages, downloads, files, out, site_url, today, rendered)
    except OSError as exc:
        raise OutputError(f"the site could not be written: {exc.strerror or exc}", exc.filename or out,
                          hint="free some disk space or check permissions; the previous site is unchanged") from None


def _build(project: Project, school: SchoolSource, pages: SitePages, downloads: list[str], files: Files, out: Path,
           site_url: str | None, today: dt.date, rendered: Path | None) -> Path:
    work_dir = work_folder(out, school.slug)
    try:
        docs = work_dir / "docs"
        _write_pages(docs, pages.pages)
        _write_files(docs, dict.fromkeys(downloads, b""))
        config = _config(project, school, pages, docs, work_dir / "site")
        if site_url:
            config["site_url"] = f"{site_url.rstrip('/')}/{school.slug}/"
        run_mkdocs(config, school.path, today, rendered)
        made = files()
        assert sorted(made) == sorted(downloads), "the downloads laid out are the ones named"
        _write_files(work_dir / "site", made)
        mark(work_dir / "site")
        swap_in(work_dir / "site", out / school.slug)
        return out / school.slug
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)


def _config(project: Project, school: SchoolSource, pages: SitePages, docs: Path, site_dir: Path) -> dict:
    """The school's MkDocs config: mkdocs.yml's checked look, plus plugins and extensions chosen here only."""
    base = load_base_config(project.root)
    theme: dict = {**base.get("theme", {}), "name": "material", "custom_dir": str(THEME_DIR), "font": False}
    extra_css = []
    if school.theme_dir:
        for relative in theme_files(school.theme_dir, f"overrides/{school.slug}/theme"):
            target = docs / "assets" / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(school.theme_dir / relative, target)
        if school.facts.logo:
            theme["logo"] = f"assets/{school.facts.logo}"
        if (school.theme_dir / EXTRA_CSS).is_file():
            extra_css.append(f"assets/{EXTRA_CSS}")
    config = {
        **base,
        # MkDocs' theme templates do not autoescape: names from YAML are escaped here.
        "site_name": theme_text(school.facts.name),
        "docs_dir": str(docs),
        "site_dir": str(site_dir),
        "use_directory_urls": False,  # pages work from a shared drive or USB stick (file://) too
        "theme": theme,
        "nav": pages.nav,
        "copyright": f"{theme_text(school.facts.name)}. Policies published with policy-site.",
        "plugins": PLUGINS,
        "markdown_extensions": MARKDOWN_EXTENSIONS,
        "validation": VALIDATION,
    }
    if extra_css:
        config["extra_css"] = extra_css
    return config


def _write_pages(docs: Path, pages: dict[str, str]) -> None:
    for relative, text in pages.items():
        path = docs / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _write_files(folder: Path, files: Mapping[str, bytes]) -> None:
    for relative, data in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


