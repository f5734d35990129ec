"""One tagged PDF from the tagged PDFs of a document laid out in parts, written a part at a time so memory stays flat.

WeasyPrint tags each part: a structure tree under one Document element, and a parent tree keyed by each page's
StructParents. The join keeps one Document element whose kids are every part's elements in order, renumbers the
parent-tree keys to run on, prefixes table header IDs so they stay unique, and chains the parts' bookmarks. Each part
is read with pikepdf (qpdf) and its objects written out renumbered, so only one part is ever parsed in memory; the
joined file (objects packed in compressed object streams) grows by about 3 KB a page.
"""

from __future__ import annotations

import functools
import io
import itertools
import struct
import zlib
from array import array
from decimal import Decimal

import pikepdf

CATALOG, PAGES, TREE, DOCUMENT, OUTLINES = 1, 2, 3, 4, 5  # the joined document's own objects
_XREF = struct.Struct(">BIH")  # a cross-reference stream entry: type, offset or object stream, index in it


def page_total(pdf: bytes) -> int:
    with pikepdf.open(io.BytesIO(pdf)) as part:
        return len(part.pages)


def bookmark_pages(pdf: bytes) -> tuple[int, dict[str, int]]:
    """A PDF's page total, and the page index of each bookmark (by its title; the first wins)."""
    with pikepdf.open(io.BytesIO(pdf)) as document, document.open_outline() as outline:
        found: dict[str, int] = {}
        items = list(outline.root)
        while items:
            item = items.pop(0)
            if item.destination is not None and item.title not in found:
                found[item.title] = document.pages.index(pikepdf.Page(item.destination[0]))  # type: ignore[index]
            items = list(item.children) + items
        return len(document.pages), found


def join_tagged(pdfs: list[bytes]) -> bytes:
    """The parts' pages in order in one tagged PDF, with the first part's title, language, metadata and viewer settings."""
    join = _Join()
    for index, pdf in enumerate(pdfs):
        with pikepdf.open(io.BytesIO(pdf)) as part:
            join.add(part, index)
    return join.finish()


class _Objects:
    """A PDF body written as it goes: streams as they come, other objects packed into compressed object streams,
    then a cross-reference stream."""

    PACK = 200  # objects in one object stream

    def __init__(self, reserved: int):
        self.out = io.BytesIO(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        self.out.seek(0, io.SEEK_END)
        self.kind, self.where, self.index = array("B", [0] * reserved), array("L", [0] * reserved), array("H", [0] * reserved)
        self.batch: list[tuple[int, bytes]] = []

    def reserve(self) -> int:
        for column in (self.kind, self.where, self.index):
            column.append(0)
        return len(self.kind)

    def put(self, number: int, body: bytes) -> None:
        self.batch.append((number, body))
        if len(self.batch) == self.PACK:
            self._pack()

    def put_stream(self, number: int, entries: bytes, data: bytes) -> None:
        self.kind[number - 1], self.where[number - 1] = 1, self.out.tell()
        self.out.write(b"%d 0 obj\n<<%s/Length %d>>\nstream\n%s\nendstream\nendobj\n" % (number, entries, len(data), data))

    def _pack(self) -> None:
        number, offsets, bodies, at = self.reserve(), [], [], 0
        for index, (member, body) in enumerate(self.batch):
            self.kind[member - 1], self.where[member - 1], self.index[member - 1] = 2, number, index
            offsets.append(b"%d %d" % (member, at))
            bodies.append(body)
            at += len(body) + 1
        head = b" ".join(offsets) + b"\n"
        self.put_stream(number, b"/Type/ObjStm/N %d/First %d/Filter/FlateDecode" % (len(self.batch), len(head)),
                        zlib.compress(head + b"\n".join(bodies)))
        self.batch = []

    def close(self, root: int, info: int) -> bytes:
        if self.batch:
            self._pack()
        number = self.reserve()
        self.kind[number - 1], self.where[number - 1] = 1, self.out.tell()
        packer, rows = zlib.compressobj(), zip(self.kind, self.where, self.index, strict=True)
        chunks = [packer.compress(_XREF.pack(0, 0, 65535))]
        while chunk := b"".join(_XREF.pack(*row) for row in itertools.islice(rows, 4096)):  # a few rows at a time
            chunks.append(packer.compress(chunk))
        data = b"".join([*chunks, packer.flush()])
        info_entry = b"/Info %d 0 R" % info if info else b""
        self.out.write(b"%d 0 obj\n<</Type/XRef/Size %d/W[1 4 2]/Root %d 0 R%s/Filter/FlateDecode/Length %d>>\nstream\n%s\nendstream\nendobj\n"
                       % (number, number + 1, root, info_entry, len(data), data))
        self.out.write(b"startxref\n%d\n%%%%EOF\n" % self.where[number - 1])
        return self.out.getvalue()


class _Join:
    def __init__(self) -> None:
        self.objects = _Objects(reserved=OUTLINES)
        self.pages: list[int] = []
        self.elements: list[int] = []  # the Document element's kids
        self.nums: list[tuple[int, int]] = []  # the parent tree: key, object
        self.key_offset = self.next_key = 0
        self.prefix = ""  # for this part's element IDs
        self.catalog = b""  # the first part's other catalog entries: language, metadata, viewer preferences
        self.info = 0
        self.outline = [0, 0, 0]  # first and last top-level bookmark, count
        self.last_item: tuple[int, bytes] | None = None  # the last top-level bookmark so far: written once its /Next is known
        self.numbers: dict[tuple[int, int], int] = {}  # this part's objects: their new numbers
        self.todo: dict[tuple[int, int], pikepdf.Object] = {}  # this part's objects still to write

    def add(self, part: pikepdf.Pdf, index: int) -> None:
        """Write one part's objects, renumbered: its pages, structure elements, parent-tree arrays and bookmarks."""
        root, tree = part.Root, part.Root.StructTreeRoot
        outlines = root.get("/Outlines")
        self.numbers = {root.objgen: CATALOG, root.Pages.objgen: PAGES, tree.objgen: TREE, tree.K[0].objgen: DOCUMENT}
        if outlines is not None:
            self.numbers[outlines.objgen] = OUTLINES
        self.key_offset, self.prefix = self.next_key, f"{index}:" if index else ""
        if index == 0:
            self.catalog = b"".join(self._entry(k, v) for k, v in root.items() if k not in ("/Type", "/Pages", "/StructTreeRoot", "/Outlines"))
            self.info = self._number(part.trailer.Info) if "/Info" in part.trailer else 0
        for page in part.pages:
            self.pages.append(self._write_now(page.obj, {"/Parent": b"%d 0 R" % PAGES}))
        self.elements += [self._number(element) for element in tree.K[0].K]
        nums = tree.ParentTree.Nums
        for i in range(0, len(nums), 2):
            key, value = int(nums[i]) + self.key_offset, nums[i + 1]
            self.nums.append((key, self._number(value) if value.is_indirect else self._write(self.objects.reserve(), value)))
            self.next_key = max(self.next_key, key + 1)
        if outlines is not None and "/First" in outlines:
            self._add_bookmarks(outlines)
        while self.todo:
            objgen, obj = self.todo.popitem()
            self._write(self.numbers[objgen], obj)

    def _add_bookmarks(self, outlines: pikepdf.Object) -> None:
        """Chain this part's top-level bookmarks after the last part's; its last one waits for the next part's first."""
        self.outline[2] += int(outlines.get("/Count", 0))
        item, extra = outlines.First, {}
        if self.last_item:
            extra["/Prev"] = b"%d 0 R" % self.last_item[0]
            self._write_last(self._number(item))
        else:
            self.outline[0] = self._number(item)
        while "/Next" in item:
            self._write_now(item, extra)
            item, extra = item.Next, {}
        self.outline[1] = self._number(item)
        self.todo.pop(item.objgen)
        self.last_item = self.outline[1], self._entries(item, {**extra, "/Next": b""})

    def _write_last(self, next_item: int = 0) -> None:
        if self.last_item:
            number, entries = self.last_item
            self.objects.put(number, b"<<" + entries + (b"/Next %d 0 R" % next_item if next_item else b"") + b">>")
            self.last_item = None

    def finish(self) -> bytes:
        """Write the joined document's own objects: catalog, page tree, structure tree root and Document element, outline."""
        self._write_last()
        put, refs = self.objects.put, b" ".join
        put(PAGES, b"<</Type/Pages/Count %d/Kids[%s]>>" % (len(self.pages), refs(b"%d 0 R" % n for n in self.pages)))
        nums = refs(b"%d %d 0 R" % pair for pair in self.nums)
        put(TREE, b"<</Type/StructTreeRoot/K[%d 0 R]/ParentTree<</Nums[%s]>>/ParentTreeNextKey %d>>" % (DOCUMENT, nums, self.next_key))
        put(DOCUMENT, b"<</Type/StructElem/S/Document/P %d 0 R/K[%s]>>" % (TREE, refs(b"%d 0 R" % n for n in self.elements)))
        first, last, count = self.outline
        put(OUTLINES, b"<</Type/Outlines/First %d 0 R/Last %d 0 R/Count %d>>" % (first, last, count) if first else b"<</Type/Outlines>>")
        put(CATALOG, b"<</Type/Catalog/Pages %d 0 R/StructTreeRoot %d 0 R/Outlines %d 0 R%s>>" % (PAGES, TREE, OUTLINES, self.catalog))
        return self.objects.close(CATALOG, self.info)

    def _number(self, obj: pikepdf.Object) -> int:
        """The new number of one of this part's objects, given (and the object queued to be written) on first sight."""
        number = self.numbers.get(obj.objgen)
        if number is None:
            number = self.numbers[obj.objgen] = self.objects.reserve()
            self.todo[obj.objgen] = obj
        return number

    def _write_now(self, obj: pikepdf.Object, extra: dict[str, bytes]) -> int:
        """Write an object now, with `extra` entries, rather than when the part's queue is emptied."""
        number = self._number(obj)
        self.todo.pop(obj.objgen)
        return self._write(number, obj, extra)

    def _write(self, number: int, obj: pikepdf.Object, extra: dict[str, bytes] | None = None) -> int:
        if isinstance(obj, pikepdf.Stream):
            self.objects.put_stream(number, self._entries(obj.stream_dict, {**(extra or {}), "/Length": b""}), obj.read_raw_bytes())
        elif isinstance(obj, pikepdf.Dictionary):
            self.objects.put(number, b"<<" + self._entries(obj, extra or {}) + b">>")
        else:
            self.objects.put(number, self._value(obj))
        return number

    def _entries(self, obj: pikepdf.Object, extra: dict[str, bytes]) -> bytes:
        """A dictionary's entries, `extra` replacing (or, when empty, dropping) those it names."""
        entries = [self._entry(key, value) for key, value in obj.items() if key not in extra]
        return b"".join(entries) + b"".join(_name(key) + b" " + value for key, value in extra.items() if value)

    def _entry(self, key: str, value: object) -> bytes:
        if key in ("/StructParents", "/StructParent"):
            value = int(value) + self.key_offset  # type: ignore[call-overload]
        elif self.prefix and key in ("/ID", "/Headers"):
            value = _prefixed(value, self.prefix)
        return _name(key) + b" " + self._value(value)

    def _value(self, value: object) -> bytes:
        if isinstance(value, pikepdf.Object):
            if value.is_indirect:
                return b"%d 0 R" % self._number(value)
            if isinstance(value, pikepdf.Dictionary):
                return b"<<" + b"".join(self._entry(k, v) for k, v in value.items()) + b">>"
            if isinstance(value, pikepdf.Array):
                return b"[" + b" ".join(self._value(v) for v in value) + b"]"
            return value.unparse()
        if value is None:
            return b"null"
        if isinstance(value, bool):
            return b"true" if value else b"false"
        if isinstance(value, Decimal):
            return format(value, "f").encode()
        return b"%d" % value  # type: ignore[str-format]


def _prefixed(value: object, prefix: str) -> object:
    """A structure element's ID, or a table cell's Headers, with the part's prefix."""
    if isinstance(value, pikepdf.Array):
        return pikepdf.Array([_prefixed(v, prefix) for v in value])
    return pikepdf.String(prefix + str(value)) if isinstance(value, pikepdf.String) else value


@functools.lru_cache(maxsize=1024)
def _name(key: str) -> bytes:
    return pikepdf.Name(key).unparse()
