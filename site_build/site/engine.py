"""Site stage: write each school's pages into a temporary docs_dir and build it with MkDocs.

MkDocs stays a thin layer: every page is rendered here; the generated config takes only the checked
look from the root mkdocs.yml (site_build/base_config.py) and adds the school's name, nav, paths,
and our own plugins and Markdown extensions. Each site is built into a temporary
folder and swapped in whole, so a failed build never leaves a half-written site.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import jinja2
import jinja2.bccache
import yaml
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from ..compose.markdown_rules import theme_text
from ..errors import PolicyError
from ..load.base_config import load_base_config
from ..load.project import Project, SchoolSource
from ..load.theme_files import EXTRA_CSS, theme_files
from ..store.files import mark, swap_in, work_folder
from .pages import SitePages

THEME_DIR = Path(__file__).parent / "theme"
# Search, also from a folder opened with file:// (the offline plugin writes the index as a script;
# its iframe-worker shim comes with our theme), and the sanitiser and CSP of site_build/site/safety_plugin.py.
PLUGINS = ["search", "offline", "policy-site-safety"]
MARKDOWN_EXTENSIONS = ["admonition", "site_build.render.markdown_safe", "tables", "sane_lists",
                       {"toc": {"permalink": True, "toc_depth": 3}}]
# Any of these is a warning, and a warning stops the build (see _run_mkdocs).
VALIDATION = {"links": {"not_found": "warn", "anchors": "warn", "absolute_links": "warn", "unrecognized_links": "warn"}}


class _Warnings(logging.Handler):
    """Collects MkDocs warnings: on a generated site any warning (e.g. a broken link) is a bug."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def build_school_site(project: Project, school: SchoolSource, pages: SitePages, files: dict[str, bytes], out: Path,
                      site_url: str | None = None) -> Path:
    """Build one school's site into out/<slug>, replacing the old one only when the build succeeded."""
    try:
        return _build(project, school, pages, files, out, site_url)
    except OSError as exc:
        raise PolicyError(f"the site could not be written: {exc.strerror or exc}", exc.filename or out,
                          hint="free some disk space or check permissions; the previous site is unchanged") from None


def _build(project: Project, school: SchoolSource, pages: SitePages, files: dict[str, bytes], out: Path,
           site_url: str | None) -> Path:
    work_dir = work_folder(out, school.slug)
    try:
        docs = work_dir / "docs"
        _write_pages(docs, pages.pages)
        _write_files(docs, files)
        config_path = work_dir / "mkdocs.yml"
        config = _config(project, school, pages, docs, work_dir / "site")
        if site_url:
            config["site_url"] = f"{site_url.rstrip('/')}/{school.slug}/"
        config_path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
        _run_mkdocs(config_path, school)
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
        if school.school.logo:
            theme["logo"] = f"assets/{school.school.logo}"
        if (school.theme_dir / EXTRA_CSS).is_file():
            extra_css.append(f"assets/{EXTRA_CSS}")
    config = {
        **base,
        # MkDocs' theme templates do not autoescape: names from YAML are escaped here.
        "site_name": theme_text(school.school.name),
        "docs_dir": str(docs),
        "site_dir": str(site_dir),
        "use_directory_urls": False,  # pages work from a shared drive or USB stick (file://) too
        "theme": theme,
        "nav": pages.nav,
        "copyright": f"{theme_text(school.school.name)}. Policies published with policy-site.",
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


def _write_files(docs: Path, files: dict[str, bytes]) -> None:
    for relative, data in files.items():
        path = docs / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _run_mkdocs(config_path: Path, school: SchoolSource) -> None:
    logger = logging.getLogger("mkdocs")
    handler = _Warnings()
    logger.addHandler(handler)
    previous_level = logger.level
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    try:
        config = load_config(config_file=str(config_path))
        _share_compiled_templates(config.theme)
        mkdocs_build(config)
    except MkDocsException as exc:
        raise PolicyError(f"the site could not be built: {exc}", school.path) from None
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous_level)
    if handler.messages:
        raise PolicyError("the site was not published because MkDocs reported: " + "; ".join(handler.messages[:5]), school.path,
                          hint="this usually means a broken cross-reference; run `policy-site check`")


class _MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled theme templates kept for the whole process: each school's build reuses them."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


_THEME_BYTECODE = _MemoryBytecodeCache()
_THEME_FILES: dict[tuple, list[str]] = {}


def _share_compiled_templates(theme) -> None:
    """MkDocs makes a fresh theme environment per build: give it our compiled templates (about half a
    build's time) and the theme's file list (Material's folder holds thousands of icons to walk)."""
    make_env = theme.get_env
    key = (tuple(theme.dirs), tuple(theme.static_templates))

    def get_env() -> jinja2.Environment:
        env = make_env()
        env.bytecode_cache = _THEME_BYTECODE
        list_templates = env.list_templates

        def cached_list_templates(extensions=None, filter_func=None) -> list[str]:
            if extensions is not None or filter_func is None:
                return list_templates(extensions, filter_func)
            if key not in _THEME_FILES:
                _THEME_FILES[key] = list_templates(filter_func=filter_func)
            return _THEME_FILES[key]

        env.list_templates = cached_list_templates
        return env

    theme.get_env = get_env
