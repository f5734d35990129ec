"""The project's mkdocs.yml: the look every school's site shares, and nothing that can read files or run code.

MkDocs' own config can run Python (`hooks:`, plugins) and read any file (`pymdownx.snippets`), so the
generated per-school config does not INHERIT it: only the keys below are taken from it, checked, and
policy-site sets plugins and Markdown extensions itself.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Annotated, Literal

from pydantic import StringConstraints

from ..errors import InputError
from ..model.schema import Strict
from .schema_errors import validate
from .yaml_lines import line_of, parse_yaml, read_text

SOURCE = "mkdocs.yml"
# Values that reach the theme's HTML unescaped: no quotes, '<', '>', '&' or backslashes.
Word = Annotated[str, StringConstraints(pattern=r"^[\w .:/(),#+-]{1,100}$")]
Feature = Annotated[str, StringConstraints(pattern=r"^[a-z]+(\.[a-z]+)*$")]
Icon = Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+(/[a-z0-9_-]+)+$")]
ImagePath = Annotated[str, StringConstraints(pattern=r"^[\w-]+(/[\w-]+)*\.(png|jpg|jpeg|gif|webp|svg|ico)$")]
Text = Annotated[str, StringConstraints(min_length=1, max_length=500)]
CODE_KEYS = {"plugins", "hooks", "markdown_extensions", "INHERIT", "extra_javascript", "extra_templates", "watch",
             "docs_dir", "site_dir", "custom_dir", "dev_addr", "strict", "exclude_docs", "not_in_nav"}
SET_PER_SCHOOL = {"site_name", "copyright", "nav", "site_url", "use_directory_urls", "validation", "extra_css"}


class Toggle(Strict):
    icon: Icon
    name: Word


class Palette(Strict):
    scheme: Word | None = None
    primary: Word | None = None
    accent: Word | None = None
    media: Word | None = None
    toggle: Toggle | None = None


class Theme(Strict):
    name: Literal["material"]
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")] | None = None
    features: list[Feature] = []
    palette: Palette | list[Palette] | None = None
    font: Literal[False] | None = None
    icon: dict[Feature, Icon | dict[Feature, Icon]] | None = None
    favicon: ImagePath | None = None
    logo: ImagePath | None = None


class Extra(Strict):
    generator: bool | None = None


class BaseConfig(Strict):
    site_description: Text | None = None
    site_author: Text | None = None
    theme: Theme
    extra: Extra | None = None


def load_base_config(root: Path) -> dict:
    """mkdocs.yml's allowed settings as MkDocs config (texts HTML-escaped); a InputError for anything else."""
    path = root / SOURCE
    if path.is_symlink() or not path.is_file():
        raise InputError("this file is missing (or is a link)", SOURCE,
                          hint="restore mkdocs.yml from the project's git history: it holds the look of every site")
    data, lines = parse_yaml(read_text(path), SOURCE)
    if not isinstance(data, dict):
        raise InputError("mkdocs.yml should be a set of 'key: value' lines", SOURCE, 1)
    for key in data:
        _refuse_known(str(key), line_of(lines, (key,)))
    if isinstance(data.get("theme"), dict) and "custom_dir" in data["theme"]:
        _refuse_known("custom_dir", line_of(lines, ("theme", "custom_dir")))
    config = validate(BaseConfig, data, lines, SOURCE).model_dump(exclude_none=True, exclude_defaults=True)
    for key in ("site_description", "site_author"):  # MkDocs' templates do not autoescape
        if key in config:
            config[key] = html.escape(config[key])
    return config


def _refuse_known(key: str, line: int | None) -> None:
    if key in CODE_KEYS:
        raise InputError(f"'{key}' is not allowed in mkdocs.yml", SOURCE, line,
                          hint="policy-site sets MkDocs' plugins, Markdown extensions, hooks and folders itself: "
                               "others could read files or run code on the build machine. Remove this setting")
    if key in SET_PER_SCHOOL:
        raise InputError(f"'{key}' is not allowed in mkdocs.yml", SOURCE, line,
                          hint="policy-site sets it for each school (names come from school.yml, a school's own "
                               "styles from overrides/<school>/theme/extra.css). Remove this setting")
