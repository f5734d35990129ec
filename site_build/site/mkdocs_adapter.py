"""Every call into MkDocs, in one place: building a site, the live-reload server, the plugin base class.

MkDocs 1.6 is no longer developed; a maintained fork that keeps its API (ProperDocs) would replace
the imports here and the plugin entry point in pyproject.toml, and nothing else.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import importlib.metadata
import io
import json
import logging
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
import mkdocs.utils
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, get_toc

from ..errors import EngineError
from ..render import markdown_safe
from ..store.bytecode import UNREADABLE, user_bytecode_cache
from ..store.cache_key import cache_name
from ..store.files import read_used, write_atomically

__all__ = ["BasePlugin", "event_priority", "run_mkdocs", "serve_folder"]


class _Warnings(logging.Handler):
    """Collects MkDocs warnings: on a generated site any warning (e.g. a broken link) is a bug."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def run_mkdocs(settings: Mapping[str, Any], where: Path, today: dt.date, pages: Path | None = None) -> None:
    """Build the site MkDocs `settings` describe (as mkdocs.yml would, as data: no YAML written and read back);
    any MkDocs warning is an error (on `where`, the school's file).

    `today` stands in for "now" (sitemap dates, archives), so equal inputs give equal bytes, unless
    SOURCE_DATE_EPOCH is set already. Pages rendered before are taken from the `pages` cache folder."""
    logger = logging.getLogger("mkdocs")
    handler = _Warnings()
    _RENDERS.warnings, _RENDERS.folder = handler, pages
    logger.addHandler(handler)
    previous_level = logger.level
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    try:
        config = load_config(config_file=io.StringIO("{}"), **copy.deepcopy(dict(settings)))  # MkDocs changes what it reads
        share_compiled_templates(config.theme)
        with _source_date(today):
            mkdocs_build(config)
    except MkDocsException as exc:
        raise EngineError(f"the site could not be built: {exc}", where) from None
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous_level)
    if handler.messages:
        raise EngineError("the site was not published because MkDocs reported: " + "; ".join(handler.messages[:5]), where,
                          hint="this usually means a broken cross-reference; run `policy-site check`")


class _MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled theme templates kept for the whole process: each school's build reuses them.

    They are also kept on disk for the next process (`disk`, see store/bytecode.py)."""

    def __init__(self, disk: jinja2.BytecodeCache | None = None) -> None:
        self.store: dict[str, bytes] = {}
        self.disk = disk

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])
        elif self.disk is not None:
            try:
                self.disk.load_bytecode(bucket)
            except UNREADABLE:  # an unreadable entry is compiled again
                bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()
        if self.disk is not None:
            try:
                self.disk.dump_bytecode(bucket)
            except OSError:
                self.disk = None  # a full or read-only disk costs only time


_THEME_BYTECODE = _MemoryBytecodeCache(user_bytecode_cache())
_THEME_FILES: dict[tuple, list[str]] = {}


def share_compiled_templates(theme) -> None:
    """MkDocs makes a fresh theme environment per build: give it our compiled templates (about half a
    build's time) and the theme's file list (Material's folder holds thousands of icons), listed once a process."""
    make_env = theme.get_env
    key = (tuple(theme.dirs), tuple(theme.static_templates))

    def get_env() -> jinja2.Environment:
        env = make_env()
        env.bytecode_cache = _THEME_BYTECODE
        env.auto_reload = False  # the environment lives for one build: no need to look at each template's file again
        list_templates = env.list_templates

        def cached_list_templates(extensions=None, filter_func=None) -> list[str]:
            if extensions is not None or filter_func is None:
                return list_templates(extensions, filter_func)
            if key not in _THEME_FILES:
                listed = _theme_files(theme.dirs, filter_func)
                _THEME_FILES[key] = list_templates(filter_func=filter_func) if listed is None else listed
            return _THEME_FILES[key]

        env.list_templates = cached_list_templates
        return env

    theme.get_env = get_env


def _theme_files(dirs: list[str], keep: Callable[[str], bool]) -> list[str] | None:
    """The theme's files MkDocs' filter `keep` lets through, as Jinja's FileSystemLoader lists them, but without
    walking hidden folders (Material keeps 14,000 icons in `.icons/`), which the filter drops anyway; None if it
    would not drop them."""
    if keep(".hidden") or keep("folder/.hidden"):
        return None
    found: set[str] = set()
    for top in dirs:
        for folder, subfolders, names in os.walk(top):
            subfolders[:] = [name for name in subfolders if not name.startswith(".")]
            found.update(os.path.relpath(os.path.join(folder, name), top).replace(os.sep, "/") for name in names)
    return [name for name in sorted(found) if keep(name)]


_MKDOCS_RENDER = Page.render


class _RenderedPages:
    """Each page's Markdown rendered to HTML, kept for the whole process and in the cache folder, and keyed by
    everything the HTML depends on (the page's Markdown and place, every file's place, the Markdown settings and
    code): a rebuild renders only the pages a change reached. A render that logged a warning is never kept, so a
    broken link is reported again on every build. Entries on disk are named by a keyed hash (store/cache_key.py),
    so none can be planted, and what they hold is cleaned again like any page (safety_plugin.on_page_content)."""

    LIMIT = 300  # pages kept in memory (a school has a few dozen): the oldest are forgotten, so memory stays flat

    def __init__(self) -> None:
        self.pages: dict[tuple, tuple] = {}
        self.warnings: _Warnings | None = None
        self.folder: Path | None = None
        self._render = _MKDOCS_RENDER

    def render(self, page: Page, config, files) -> None:
        key = (_ENGINE, page.markdown, page.file.src_uri, page.file.dest_uri, _files_key(files), config["use_directory_urls"],
               repr(config["markdown_extensions"]), repr(config["mdx_configs"]), repr(config["validation"]))
        kept = self.pages.get(key) or self._read(key)
        if kept is not None:
            page.content, page.toc, page._title_from_render, page.present_anchor_ids, links = kept
            page.links_to_anchors = {files.get_file_from_path(uri): anchors for uri, anchors in links.items()}
            return
        warned = len(self.warnings.messages) if self.warnings else 0
        self._render(page, config, files)
        if self.warnings and len(self.warnings.messages) > warned:
            return
        links = {file.src_uri: anchors for file, anchors in (page.links_to_anchors or {}).items()}
        self._keep(key, (page.content, page.toc, page._title_from_render, page.present_anchor_ids, links))

    def _remember(self, key: tuple, kept: tuple) -> tuple:
        if len(self.pages) >= self.LIMIT:
            self.pages.pop(next(iter(self.pages)))
        self.pages[key] = kept
        return kept

    def _keep(self, key: tuple, kept: tuple) -> None:
        self._remember(key, kept)
        if self.folder is not None:
            content, toc, title, anchors, links = kept
            data = {"content": content, "toc": [_token(link) for link in toc], "title": title, "anchors": sorted(anchors),
                    "links": links}
            try:
                write_atomically(self._path(key), json.dumps(data).encode("utf-8"))
            except OSError:
                self.folder = None  # a full or read-only disk costs only time

    def _read(self, key: tuple) -> tuple | None:
        if self.folder is None:
            return None
        path = self._path(key)
        try:
            data = json.loads(read_used(path))
        except (OSError, ValueError):  # not there (or gone since): render it
            return None
        return self._remember(key, (data["content"], get_toc(data["toc"]), data["title"], set(data["anchors"]), data["links"]))

    def _path(self, key: tuple) -> Path:
        assert self.folder is not None
        return self.folder / f"{cache_name(repr(key))}.json"


def _token(link: AnchorLink) -> dict:
    """A table-of-contents entry as the Markdown toc extension gives it (what MkDocs' get_toc reads)."""
    return {"level": link.level, "id": link.id, "name": link.title, "children": [_token(child) for child in link.children]}


def _files_key(files) -> str:
    """Where every file of a build is and goes, as a digest (computed once per build)."""
    key = getattr(files, "_policy_site_key", None)
    if key is None:
        places = sorted((file.src_uri, file.dest_uri) for file in files)
        key = hashlib.sha256(json.dumps(places).encode("utf-8")).hexdigest()
        files._policy_site_key = key
    return key


# What else a page's HTML depends on: the Markdown and MkDocs versions, and our Markdown extension.
_ENGINE = "|".join([importlib.metadata.version("markdown"), importlib.metadata.version("mkdocs"),
                    hashlib.sha256(Path(markdown_safe.__file__).read_bytes()).hexdigest()])
_RENDERS = _RenderedPages()
Page.render = lambda page, config, files: _RENDERS.render(page, config, files)  # type: ignore[method-assign, assignment]


def _installed_themes_once() -> None:
    """MkDocs looks for the installed themes again for each site (it empties its cache of them as it loads a theme): a
    scan of every package's entry points, 15 ms or more a school. Within one process they cannot change."""
    found = mkdocs.utils.get_themes()

    def installed() -> dict:
        return dict(found)

    installed.cache_clear = lambda: None  # type: ignore[attr-defined]
    mkdocs.utils.get_themes = installed  # type: ignore[assignment]


_installed_themes_once()


@contextmanager
def _source_date(today: dt.date) -> Iterator[None]:
    """SOURCE_DATE_EPOCH at midnight UTC of `today` while MkDocs runs (a value the user set wins)."""
    if "SOURCE_DATE_EPOCH" in os.environ:
        yield
        return
    os.environ["SOURCE_DATE_EPOCH"] = str(int(dt.datetime.combine(today, dt.time(), dt.UTC).timestamp()))
    try:
        yield
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]


def serve_folder(folder: Path, port: int, watch: list[Path], rebuild: Callable[[], None]) -> None:
    """Serve FOLDER on localhost with live reload; RE-BUILD whenever a file under WATCH changes (until Ctrl-C)."""
    server = LiveReloadServer(builder=rebuild, host="127.0.0.1", port=port, root=str(folder), polling_interval=0.1)
    for path in watch:
        server.watch(str(path))
    try:
        server.serve()
    finally:
        server.shutdown()
