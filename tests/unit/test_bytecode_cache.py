"""Compiled clause templates kept between runs: reused when the text is the same, never trusted when damaged."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from site_build.compose import sandbox


@pytest.fixture
def fresh_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A bytecode cache in tmp_path, and an empty in-process cache (as each new process has)."""
    monkeypatch.setattr(sandbox, "_BYTECODE", jinja2.FileSystemBytecodeCache(str(tmp_path)))
    monkeypatch.setattr(sandbox, "_compiled", {})
    return tmp_path


def compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    parse = sandbox.ENVIRONMENT.parse
    monkeypatch.setattr(sandbox.ENVIRONMENT, "parse", lambda source, **kw: (seen.append(source), parse(source, **kw))[1])
    return seen


def test_a_later_run_reuses_the_compiled_text_and_an_edited_text_is_compiled_again(fresh_process: Path,
                                                                                   monkeypatch: pytest.MonkeyPatch):
    text, item = "{% for i in range(3) %}{{ school.name }} {% endfor %}", "Ask {{ school.name }}."  # one file, two passages
    assert sandbox.render(text, {"school": {"name": "Oak"}}, "clauses/x.md") == "Oak Oak Oak "
    assert sandbox.render(item, {"school": {"name": "Oak"}}, "clauses/x.md") == "Ask Oak."
    monkeypatch.setattr(sandbox, "_compiled", {})  # the next run
    seen = compiles(monkeypatch)
    assert sandbox.render(text, {"school": {"name": "Elm"}}, "clauses/x.md") == "Elm Elm Elm "
    assert sandbox.render(item, {"school": {"name": "Elm"}}, "clauses/x.md") == "Ask Elm."
    assert seen == []
    assert sandbox.render(text + "!", {"school": {"name": "Elm"}}, "clauses/x.md") == "Elm Elm Elm !"
    assert seen == [text + "!"]


def test_a_reused_template_keeps_its_limits(fresh_process: Path, monkeypatch: pytest.MonkeyPatch):
    text = "{% for i in range(10) %}{% for j in range(10**6) %}x{% endfor %}{% endfor %}"
    for _ in range(2):  # compiled, then from the cache in a new run
        with pytest.raises(sandbox.InputError, match="stopped"):
            sandbox.render(text, {}, "clauses/loop.md")
        monkeypatch.setattr(sandbox, "_compiled", {})


def test_a_damaged_cache_entry_is_compiled_again(fresh_process: Path, monkeypatch: pytest.MonkeyPatch):
    text = "Contact {{ school.name }}."
    sandbox.render(text, {"school": {"name": "Oak"}}, "clauses/y.md")
    for entry in fresh_process.iterdir():
        entry.write_bytes(entry.read_bytes()[:25])
    monkeypatch.setattr(sandbox, "_compiled", {})
    seen = compiles(monkeypatch)
    assert sandbox.render(text, {"school": {"name": "Oak"}}, "clauses/y.md") == "Contact Oak."
    assert seen == [text]
