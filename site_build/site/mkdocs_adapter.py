"""Every call into MkDocs, in one place: building a site, the live-reload server, the plugin base class.

MkDocs 1.6 is no longer developed; a maintained fork that keeps its API (ProperDocs) would replace
the imports here and the plugin entry point in pyproject.toml, and nothing else.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import jinja2
import jinja2.bccache
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority

from ..errors import EngineError

__all__ = ["BasePlugin", "event_priority", "run_mkdocs", "serve_folder"]


class _Warnings(logging.Handler):
    """Collects MkDocs warnings: on a generated site any warning (e.g. a broken link) is a bug."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def run_mkdocs(config_path: Path, where: Path, today: dt.date) -> None:
    """Build the site CONFIG_PATH describes; any MkDocs warning is an error (on `where`, the school's file).

    `today` stands in for "now" (sitemap dates, archives), so equal inputs give equal bytes, unless
    SOURCE_DATE_EPOCH is set already."""
    logger = logging.getLogger("mkdocs")
    handler = _Warnings()
    logger.addHandler(handler)
    previous_level = logger.level
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    try:
        config = load_config(config_file=str(config_path))
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


def share_compiled_templates(theme) -> None:
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
    server = LiveReloadServer(builder=rebuild, host="127.0.0.1", port=port, root=str(folder), polling_interval=0.2)
    for path in watch:
        server.watch(str(path))
    try:
        server.serve()
    finally:
        server.shutdown()
