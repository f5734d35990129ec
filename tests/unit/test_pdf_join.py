"""Joining tagged parts: links and table headers keep their ties to the structure tree (packs have neither yet)."""

from __future__ import annotations

import io

from pypdf import PdfReader

from site_build.render.pdf import html_to_pdf
from site_build.render.pdf_join import join_tagged


def _part(n: int) -> bytes:
    return html_to_pdf(f"""<!doctype html><html lang="en-GB"><head><title>Part {n}</title></head><body>
<h1>Part {n}</h1><p>See <a href="https://example.org/{n}">the site</a>.</p>
<table><thead><tr><th>Name</th></tr></thead><tbody><tr><td>Row {n}</td></tr></tbody></table></body></html>""")


def test_links_and_table_headers_stay_tied_to_their_elements_across_parts():
    reader = PdfReader(io.BytesIO(join_tagged([_part(1), _part(2)])))
    root = reader.trailer["/Root"]
    assert reader.metadata.title == "Part 1" and root["/Lang"] == "en-GB" and root["/MarkInfo"]["/Marked"]
    nums = root["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    parents = {int(nums[i]): nums[i + 1].get_object() for i in range(0, len(nums), 2)}
    links = []
    for page in reader.pages:
        for annotation in page["/Annots"]:
            link = parents[annotation.get_object()["/StructParent"]]
            assert link["/S"] == "/Link" and link["/Pg"].indirect_reference == page.indirect_reference
            assert any(kid.get_object().get("/Obj") == annotation for kid in link["/K"] if not isinstance(kid, int))
            links.append(annotation.get_object()["/A"]["/URI"])
    assert links == [f"https://example.org/{n}" for n in (1, 2)]
    elements, stack = [], [root["/StructTreeRoot"]["/K"][0].get_object()]
    while stack:
        element = stack.pop()
        elements.append(element)
        kids = element.get("/K", [])
        stack += [k.get_object() for k in (kids if isinstance(kids, list) else [kids]) if not isinstance(k, int) and "/S" in k.get_object()]
    ids = [str(e["/ID"]) for e in elements if "/ID" in e]
    headers = [str(h) for e in elements if e["/S"] == "/TD" for h in e["/A"]["/Headers"]]
    assert len(ids) == len(set(ids)) == 2 and sorted(headers) == sorted(ids)
    assert [e["/S"] for e in root["/StructTreeRoot"]["/K"][0]["/K"]].count("/H1") == 2
