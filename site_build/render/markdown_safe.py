"""A Markdown attribute list that can only set safe ids and classes (`{ #anchor .md-button }`).

Python-Markdown's `attr_list` lets text set any attribute (`{: onclick=... }`, `href="javascript:..."`);
this keeps its syntax but drops every attribute except `id` and `class` with plain values.
Use it as the extension "site_build.render.markdown_safe" wherever `attr_list` would be used.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

from markdown import Markdown
from markdown.extensions import Extension
from markdown.extensions.attr_list import AttrListTreeprocessor, get_attrs_and_remainder

# A leading digit is allowed (clause ids such as '2-step-sign-in'); a leading '_' is not, so text
# cannot shadow the theme's own elements ('__config', '__search').
SAFE_ID = re.compile(r"[A-Za-z0-9][\w-]*", re.ASCII)
SAFE_CLASS = re.compile(r"[\w-]+", re.ASCII)


class SafeAttrListTreeprocessor(AttrListTreeprocessor):
    """attr_list's tree processor, assigning only `#id`, `.class` and `class="a b"` with safe values."""

    def assign_attrs(self, elem: Element, attrs_string: str, *, strict: bool = False) -> str:
        attrs, remainder = get_attrs_and_remainder(attrs_string)
        if strict and remainder:
            return remainder
        for key, value in attrs:
            if key == "id" and value and SAFE_ID.fullmatch(value):
                elem.set("id", value)
            elif key in (".", "class") and value:
                tokens = [token for token in value.split() if SAFE_CLASS.fullmatch(token)]
                if tokens:
                    elem.set("class", " ".join(filter(None, [elem.get("class"), *tokens])))
        return remainder


class SafeAttrListExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        md.treeprocessors.register(SafeAttrListTreeprocessor(md), "attr_list", 8)
        md.registerExtension(self)


def makeExtension(**kwargs) -> SafeAttrListExtension:
    return SafeAttrListExtension(**kwargs)
