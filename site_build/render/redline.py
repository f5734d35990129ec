"""Render a list of clause Changes as a terminal redline, JSON, or a standalone HTML page (pure)."""

from __future__ import annotations

import html
import json
import re

from rich.text import Text

from ..diff.compare import Change, diff_lines, in_context, summary_counts
from ..diff.plain_text import styled


def summary_lines(changes: list[Change]) -> list[str]:
    """'3 clauses changed, 1 added, ...' then one line per clause with its section number."""
    counts = summary_counts(changes)
    total = ", ".join(f"{n} {kind}" for kind, n in counts.items() if n) or "no changes"
    lines = [f"Summary: {total}."]
    for change in changes:
        lines.append(f"  {_where(change)}: {change.label}")
    return lines


def _where(change: Change) -> str:
    """The clause's heading where it now stands ('4. Monitoring (was section 3)'), so the summary reads in order."""
    old, new = change.old, change.new
    if change.kind in ("moved", "renumbered") and old and new:
        return f"{new.heading} (was {old.number if old.is_appendix else 'section ' + old.number})"
    return (new or old).heading  # type: ignore[union-attr]


def redline_json(changes: list[Change], meta: dict) -> str:
    items = [{
        "id": c.id, "kind": c.kind, "label": c.label,
        "old_number": c.old.number if c.old else None, "new_number": c.new.number if c.new else None,
        "old_title": c.old.title if c.old else None, "new_title": c.new.title if c.new else None,
        "old_text": c.old.text if c.old else None, "new_text": c.new.text if c.new else None,
        "title_changed": c.title_changed, "text_changed": c.text_changed, "why": c.why or None,
        "statutory": c.statutory or None,
    } for c in changes]
    return json.dumps({**meta, "summary": summary_counts(changes), "changes": items}, indent=2, ensure_ascii=False)


def redline_terminal(changes: list[Change], heading: str, markers: bool = False) -> list[Text]:
    """Coloured redline: deletions red and struck through, insertions green and underlined.

    With `markers` (output that is not a terminal), deletions read [-like this-] and insertions {+like this+}.
    """
    blocks = [Text(heading, style="bold")]
    blocks += [Text(line) for line in summary_lines(changes)]
    for change in changes:
        blocks.append(Text(""))
        blocks.append(Text(f"{_where(change)} [{change.label}]", style="bold"))
        if change.why:
            blocks.append(Text(f"Why: {change.why}", style="italic"))
        if change.statutory:
            blocks.append(Text(f"Statutory: {change.statutory}", style="italic"))
        if change.title_changed and change.old and change.new:
            blocks.append(Text.assemble("title: ", (change.old.title, "red strike"), " -> ", (change.new.title, "green underline")))
        for line in diff_lines(in_context(change.words)) if change.words else []:
            text, last = Text(), 0
            for op, words, bold, italic in styled(line):
                if markers and op != last:  # one [-…-] or {+…+} around a run of deleted or inserted words
                    text.append(_CLOSE[last] + _OPEN[op])
                last = op
                style = {-1: "red strike", 1: "green underline", 0: ""}[op] + " bold" * bold + " italic" * italic
                text.append(words, style=style.strip())
            if markers:
                text.append(_CLOSE[last])
            blocks.append(text)
    return blocks


_OPEN, _CLOSE = {-1: "[-", 1: "{+", 0: ""}, {-1: "-]", 1: "+}", 0: ""}


def redline_fragment(changes: list[Change], link_prefix: str = "c-") -> str:
    """The redline as an HTML fragment (summary list, then each clause), for pages and the standalone file."""
    counts = ", ".join(f"{n} {kind}" for kind, n in summary_counts(changes).items() if n) or "no changes"
    summary = "".join(f'<li><a href="#{link_prefix}{html.escape(c.id)}">{html.escape(_where(c))}</a>: {c.label}</li>'
                      for c in changes)
    parts = [f'<p class="redline-summary"><strong>Summary: {html.escape(counts)}.</strong></p><ul>{summary}</ul>']
    for change in changes:
        body = _html_text(change.words)
        title = html.escape(_where(change))
        if change.title_changed and change.old and change.new:
            title += f' <span class="title-change">(title was <del>{html.escape(change.old.title)}</del>)</span>'
        why = f'<p class="why"><strong>Why:</strong> {html.escape(change.why)}</p>' if change.why else ""
        if change.statutory:
            why += f'<p class="why"><strong>Statutory:</strong> {html.escape(change.statutory)}</p>'
        parts.append(f'<section id="{link_prefix}{html.escape(change.id)}" class="redline {change.kind}"><h3>{title} '
                     f'<span class="kind">{change.label}</span></h3>{why}<div class="text">{body}</div></section>')
    return "\n".join(parts)


def redline_html(changes: list[Change], heading: str, subtitle: str) -> str:
    """A standalone page governors can open or print: summary with links, then each clause's redline."""
    return PAGE.format(title=html.escape(f"Redline: {heading} ({subtitle[:1].lower()}{subtitle[1:]})"), heading=html.escape(heading),
                       subtitle=html.escape(subtitle), legend=html.escape(LEGEND), body=redline_fragment(changes))


_LIST_ITEM = re.compile(r"^(?:(•)|(\d+)\.)\s")


def _html_text(ops: tuple[tuple[int, str], ...]) -> str:
    """The clause's diff as HTML blocks: paragraphs, and list items in real <ul>/<ol> lists (numbered as printed),
    with bold and italic kept and each change in <ins> or <del>."""
    blocks: list[str] = []
    open_list = ""
    for line in diff_lines(in_context(ops)):
        text = "".join(piece for _, piece in line)
        item = _LIST_ITEM.match(text)
        kind = ("ul" if item.group(1) else "ol") if item else ""
        if open_list and kind != open_list:
            blocks.append(f"</{open_list}>")
        if kind and kind != open_list:
            blocks.append(f"<{kind}>")
        open_list = kind
        content = _html_line(_after(line, item.end()) if item else line)
        if kind == "ol":
            blocks.append(f'<li value="{item.group(2)}">{content}</li>')  # type: ignore[union-attr]
        elif kind:
            blocks.append(f"<li>{content}</li>")
        elif text.startswith("[… "):
            blocks.append(f'<p class="gap">{content}</p>')
        elif text:
            blocks.append(f"<p>{content}</p>")
    if open_list:
        blocks.append(f"</{open_list}>")
    return "".join(blocks)


def _after(line: list[tuple[int, str]], length: int) -> list[tuple[int, str]]:
    """The line without its first `length` characters (its bullet or number), whichever pieces they are in."""
    out = []
    for op, piece in line:
        cut = min(length, len(piece))
        length -= cut
        if piece[cut:]:
            out.append((op, piece[cut:]))
    return out


def _html_line(line: list[tuple[int, str]]) -> str:
    parts: list[tuple[int, str]] = []
    for op, words, bold, italic in styled(line):
        escaped = html.escape(words)
        if italic:
            escaped = f"<em>{escaped}</em>"
        if bold:
            escaped = f"<strong>{escaped}</strong>"
        if parts and parts[-1][0] == op:
            parts[-1] = (op, parts[-1][1] + escaped)
        else:
            parts.append((op, escaped))
    out = []
    for index, (op, text) in enumerate(parts):
        out.append(_CHANGE_HTML[op].format(text))
        following = parts[index + 1] if index + 1 < len(parts) else None
        if op == -1 and following and following[0] == 1 and not text.endswith(" ") and not following[1].startswith(" "):
            out.append(" ")  # "2020 2021", not "20202021", when a word is replaced
    return "".join(out)


# Each change says what it is in words a screen reader reads out (hidden on screen and paper: VISUALLY_HIDDEN).
_CHANGE_HTML = {0: "{}", -1: '<del><span class="visually-hidden">[deleted: </span>{}<span class="visually-hidden">]</span></del>',
                1: '<ins><span class="visually-hidden">[inserted: </span>{}<span class="visually-hidden">]</span></ins>'}
LEGEND = ("Inserted words are underlined in green and deleted words struck through in red; "
          "a screen reader announces each as inserted or deleted.")


PAGE = """<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: Georgia, serif; max-width: 50rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.55; color: #111; }}
ins {{ color: #0b6b1f; text-decoration: underline; background: #e9f7ec; }}
del {{ color: #a4161a; text-decoration: line-through; background: #fbeaea; }}
.kind {{ font: 600 0.8rem system-ui, sans-serif; text-transform: uppercase; color: #444; margin-left: 0.5rem; }}
section {{ border-top: 1px solid #ccc; padding-top: 0.5rem; }}
h3 {{ font-size: 1.1rem; }}
.why {{ font: 0.95rem system-ui, sans-serif; color: #333; border-left: 3px solid #767676; padding-left: 0.5rem; }}
.visually-hidden {{ position: absolute; width: 1px; height: 1px; margin: -1px; overflow: hidden; clip: rect(0 0 0 0);
  white-space: nowrap; border: 0; padding: 0; }}
.gap {{ color: #555; font-style: italic; }}
</style></head>
<body><main>
<h1>{heading}</h1>
<p>{subtitle}</p>
<p class="legend">{legend}</p>
{body}
</main></body></html>
"""
