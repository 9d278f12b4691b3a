"""Reader for HTML pages: decoded source text -> Blocks, parsed once by lxml.

One pass over the tree (``iterwalk`` start/end events, no recursion, no ``text_content`` on
ancestors) keeps a stack of open block-level elements. Text and inline elements (links, emphasis,
spans, ...) are flattened into the innermost open block element; a nested block-level element first
emits the text its parent collected so far, so no text is emitted twice. ``<br>`` is a space;
images carry no text but flag their block ``image``; links count into ``link_chars``.

Kinds: h1-h6 heading (level), li list_item (level = number of enclosing ul/ol minus one), blockquote
quote, pre code (whitespace kept), tr table (cells joined by `` | ``), any other block element a
paragraph; a generic element (p, div, ...) inside a li, blockquote, pre or heading takes that
element's kind. A row whose cell holds block-level content is a layout row: its cells become
paragraphs instead; a row with one non-empty cell is a paragraph too (nothing tabular about it).

Spans: ``chars`` is None (no character map for HTML, ``origin`` is empty), ``xpath`` is the
element's path and ``lines`` runs from its start line to the start line of its last descendant.

Non-content elements (script, style, head, ...) make no blocks; from ``<head>`` the title, the
description and keywords, the canonical URL and ``<html lang>`` go to the Document.

DOM context: each block knows the innermost element around it that says something about it (a
sectioning tag, class or id words, an ARIA role, hidden), and that element its own (``Container``,
``Block.container``); each container counts the text and link characters and the blocks under it.
Stages judge blocks by it (the structure stage); the reader only records it.

Readers take no rules yet, so the tag lists below are module constants.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import lxml.html
from lxml import etree

from ..document import IMAGE_DROPPED, Block, Container, Document, PageWarning, Removal, Span
from .htmlmeta import json_ld_objects, stated_metadata, stated_types

if TYPE_CHECKING:
    from . import ReadRules

NAME = "read-html"

# Elements whose content is never page text (code, styling, metadata, embedded objects, form
# widgets, media fallbacks). Their subtree makes no blocks; the text after them (tail) still counts.
DROP_TAGS = frozenset({
    "script", "style", "noscript", "template", "svg", "head", "iframe", "object", "embed", "canvas",
    "select", "textarea", "datalist", "audio", "video", "map",
})
# Block-level elements: each starts a new block; everything else is flattened into its block.
BLOCK_TAGS = frozenset({
    "html", "body", "address", "article", "aside", "blockquote", "caption", "center", "dd", "details",
    "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "frameset",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "legend", "li", "main", "menu", "nav",
    "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
# (kind, level) of the block-level elements that say it by their tag (li's level is its nesting)
TAG_KINDS = {**{tag: ("heading", level) for tag, level in HEADINGS.items()},
             "li": ("list_item", 0), "blockquote": ("quote", 0), "pre": ("code", 0), "tr": ("table", 0)}
LIST_TAGS = frozenset({"ul", "ol", "menu", "dir"})
CELL_TAGS = frozenset({"td", "th"})
INHERITED_KINDS = frozenset({"heading", "list_item", "quote", "code"})  # passed down to generic children
IMAGE_TAGS = frozenset({"img", "picture"})
LANG = re.compile(r"[a-z]{2,3}")  # a primary language subtag (ISO 639)
ABSOLUTE_URL = re.compile(r"https?://\S+$", re.IGNORECASE)
# elements that say what their content is by their tag alone: each is a Container
SECTIONING_TAGS = frozenset({
    "nav", "header", "footer", "aside", "main", "article", "section", "form", "menu", "dialog", "figure", "figcaption",
    "details", "address", "table", "ul", "ol",
})
# an inline style that hides the element
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


# the attributes that can make an element hidden or give it a role (most elements have none of them)
_ROLE_OR_HIDDEN = frozenset({"role", "style", "hidden", "aria-hidden"})


def container_of(el: etree._Element, tag: str, parent: Container | None) -> Container | None:
    """The Container of an element that says something about its content, else None."""
    # its attribute names first: one call, where a get of each attribute it may not have costs one
    # call each (and most elements have one attribute, most often a class, or none)
    keys = el.keys()
    if len(keys) < 2 and _ROLE_OR_HIDDEN.isdisjoint(keys):  # no role, not hidden: its names at most
        key = keys[0] if keys else None
        names = el.get(key) if key == "class" or key == "id" else ""
        if names or tag in SECTIONING_TAGS:
            return Container(parent, tag, names, None, False)
        return None
    get = el.get
    cls = get("class") if "class" in keys else None
    ident = get("id") if "id" in keys else None
    names = f"{cls} {ident}" if cls and ident else cls or ident or ""
    role, hidden = None, False
    if not _ROLE_OR_HIDDEN.isdisjoint(keys):
        role = get("role")
        style = get("style")
        hidden = (get("hidden") is not None or (get("aria-hidden") or "").strip().lower() == "true"
                  or (style is not None and HIDDEN_STYLE.search(style) is not None))
    if not (names or role or hidden or tag in SECTIONING_TAGS):
        return None
    return Container(parent, tag, names, role.strip().lower() if role else None, hidden)


# An element's place in the tree, for its XPath: lxml's getpath counts siblings on every call,
# which is quadratic on pages with many siblings; counting once during the walk is not. A plain
# tuple (one is made per element, a class instance costs several times more):
# (parent node, tag, 1-based index among the parent's children of this tag,
#  children per tag (complete once it ends), the innermost container around it (itself, if one))
_Node = tuple


def _xpaths(nodes: list[_Node], top: _Node) -> list[str]:
    """XPaths in lxml's getpath form: a position only where siblings share the tag. ``top`` is the
    node above the root (it has the root as its only child)."""
    memo: dict[int, str] = {id(top): ""}  # the nodes are alive: their ids are theirs
    out = []
    for node in nodes:
        prefix = memo.get(id(node))
        if prefix is None:  # the steps from the nearest ancestor with its path known
            chain = [node]
            n = node[0]
            while (prefix := memo.get(id(n))) is None:
                chain.append(n)
                n = n[0]
            for n in reversed(chain):
                tag = n[1]
                step = tag if n[0][3][tag] == 1 else f"{tag}[{n[2]}]"
                prefix = memo[id(n)] = f"{prefix}/{step}"
        out.append(prefix)
    return out


def _count_up(containers: list[Container]) -> None:
    """Add each container's counts into its parent's, innermost first (``containers`` has each
    after its parent): once per container, not once per block and container around it."""
    for c in reversed(containers):
        parent = c.parent
        if parent is not None:
            parent.text_chars += c.text_chars
            parent.link_chars += c.link_chars
            parent.blocks += c.blocks


@dataclass(slots=True)
class _Cell:
    node: _Node
    context: Container | None
    text: str
    link_chars: int
    flags: frozenset[str]
    lines: tuple[int, int]


# most blocks have no flags and share one empty set (a new empty frozenset per block costs 216
# bytes, on a page of a million paragraphs 200 MB)
NO_FLAGS: frozenset[str] = frozenset()
IMAGE_FLAGS = frozenset({IMAGE_DROPPED})


class _Box:
    """An open block-level element and the text collected for its current block. (A plain class
    with its own short __init__: one is made per block-level element, and a dataclass's default
    factories made that cost half again as much.)"""

    # (its element's node says which element it is and, as its last item, the innermost container
    # around it: neither is kept twice)
    __slots__ = ("node", "kind", "level", "pre", "first", "last", "parts", "flags", "row", "cell", "start")

    def __init__(self, node: _Node, kind: str, level: int, pre: bool, line: int):
        self.node = node
        self.kind = kind
        self.level = level
        self.pre = pre  # inside <pre>: whitespace is kept
        self.first: int | None = line  # start line of the text collected since the last emit
        self.last = line
        self.parts: list[tuple[str, bool]] = []  # (text, inside a link)
        self.flags = NO_FLAGS  # of the text collected since the last emit
        self.row: list[_Cell] | None = None  # a <tr> read as a table row: its cells so far
        self.cell = False  # a <td>/<th> whose text goes into its row
        # self.start: a row's start line, set on rows only (the only boxes that read it)


def collapse(parts: list[tuple[str, bool]], pre: bool = False) -> tuple[str, int]:
    """(text, link chars) of text pieces: whitespace runs become one space, ends stripped.

    In ``pre`` text whitespace is kept (only blank lines at the ends and trailing space go). A
    space between words counts as link text when the whitespace it stands for was inside a link.
    """
    if not parts:
        return "", 0
    if len(parts) == 1 and not pre:  # over half the blocks: one piece of text (a link's, or none)
        t, link = parts[0]
        text = " ".join(t.split())
        return text, len(text) if link else 0
    texts, in_link = zip(*parts)  # unzipped in C: most blocks need only the texts and a count
    if pre:
        text = "".join(texts)
        stripped = text.rstrip()
        lead = len(stripped) - len(stripped.lstrip("\n\r\t "))
        start = stripped.rfind("\n", 0, lead) + 1 if lead else 0  # keep the first line's indent
        text = stripped[start:]
        return text, min(len(text), sum(len(t) for t, link in parts if link))
    linked = sum(in_link)
    if linked == 0 or linked == len(parts):  # the common case: all link text or none
        text = " ".join("".join(texts).split())
        return text, len(text) if linked else 0
    out: list[str] = []
    n = links = 0
    space: bool | None = None  # a space is pending; whether it was link text
    for t, link in parts:
        words = t.split()
        if not words:  # whitespace only (or empty): at most a space between its neighbours
            if t and n:
                space = link
            continue
        if t[0].isspace() and n:
            space = link
        if space is not None and n:
            out.append(" ")
            n += 1
            links += space
        body = " ".join(words)
        out.append(body)
        n += len(body)
        if link:
            links += len(body)
        space = link if t[-1].isspace() else None
    return "".join(out), links


class _Walker:
    def __init__(self):
        # (kind, text, lines, level, link_chars, flags): made Blocks once the XPaths are known
        self.blocks: list[tuple] = []
        self.block_nodes: list[_Node] = []
        # the open elements' nodes, above the one that stands for the document (the root's parent)
        self.top: _Node = (None, "", 0, {}, None)
        self.nodes: list[_Node] = [self.top]
        self.containers: list[Container] = []  # every container, each after its parent
        self.stack: list[_Box] = []
        self.links = 0  # open <a> elements
        self.lists = 0  # open ul/ol elements
        self.line = 1  # start line of the element last started: where following text is

    def emit(self, node: _Node, context: Container | None, kind: str, level: int, text: str, link_chars: int,
             flags: frozenset[str], lines: tuple[int, int]) -> None:
        self.blocks.append((kind, text, lines, level, link_chars, flags, context))
        self.block_nodes.append(node)
        if context is not None:  # its own text only: finish adds each container's into its parents
            context.text_chars += len(text)
            context.link_chars += link_chars
            context.blocks += 1

    def finish(self) -> list[Block]:
        """The Blocks, made once their XPaths are known; each block's interim record is let go as
        its Block is made, so that a page of a million paragraphs does not hold both at once."""
        _count_up(self.containers)
        xpaths = _xpaths(self.block_nodes, self.top)
        records, self.blocks, self.block_nodes = self.blocks, [], []
        out = []
        for i, xpath in enumerate(xpaths):
            kind, text, lines, level, link_chars, flags, context = records[i]
            records[i] = None
            if lines[1] < lines[0]:
                lines = (lines[0], lines[0])
            out.append(Block(kind, text, Span(None, lines, None, xpath), level, (), link_chars, flags, None, None,
                             i, context))
        return out

    def flush(self, box: _Box) -> None:
        """Emit the text ``box`` collected so far as a block. Its callers call it only when that is
        more than a single piece of whitespace: one alone (the line break between two blocks, on
        most elements) makes no block, as collapse would say, and they clear it themselves."""
        text, links = collapse(box.parts, box.pre)
        if text:
            first = box.first if box.first is not None else box.last
            node = box.node
            self.emit(node, node[4], box.kind, box.level, text, links, box.flags, (first, box.last))
            box.flags = NO_FLAGS  # flags not emitted yet (an image before any text) go to the next block
        box.parts = []
        box.first = None

    def unrow(self, row: _Box) -> None:
        """A row turned out to hold block content: its cells so far become paragraphs."""
        for c in row.row or ():
            self.emit(c.node, c.context, "paragraph", 0, c.text, c.link_chars, c.flags, c.lines)
        row.row = None

    def open_block(self, tag: str, line: int, node: _Node) -> _Box:
        """A block-level element (or the root) starts: the text before it in the one around it is
        a block of its own, and it collects its text from here on."""
        stack = self.stack
        parent = stack[-1] if stack else None
        if parent is not None:
            if parent.cell and tag not in CELL_TAGS:
                self.unrow(stack[-2])
                parent.cell = False
            parts = parent.parts
            if parts and (len(parts) > 1 or parent.pre or not parts[0][0].isspace()):
                self.flush(parent)
            else:  # nothing, or only whitespace (the line breaks between blocks): no block
                if parts:
                    parent.parts = []
                parent.first = None  # as flush would: its next text starts the next block
        pre = parent.pre if parent is not None else False
        known = TAG_KINDS.get(tag)
        if known is not None:
            kind, level = known
            if tag == "li":
                level = max(0, self.lists - 1)
            elif tag == "pre":
                pre = True
        elif parent is not None and parent.kind in INHERITED_KINDS:
            kind, level = parent.kind, parent.level
        else:
            kind, level = "paragraph", 0
        if tag in LIST_TAGS:
            self.lists += 1
        box = _Box(node, kind, level, pre, line)
        if tag == "tr":
            box.row = []
            box.start = line
        elif tag in CELL_TAGS and parent is not None and parent.row is not None:
            box.cell = True
        stack.append(box)
        return box

    def close_block(self, box: _Box, tag: str) -> None:
        """A block-level element ends (it is already off the stack): its text is a block, or a
        cell of its row; its row, if it was one, is a block."""
        stack = self.stack
        if tag in LIST_TAGS:
            self.lists -= 1
        if box.cell:
            row = stack[-1]
            text, links = collapse(box.parts, box.pre)
            if text and row.row is not None:
                first = box.first if box.first is not None else box.last
                row.row.append(_Cell(box.node, box.node[4], text, links, box.flags, (first, box.last)))
            if box.last > row.last:
                row.last = box.last
        else:
            parts = box.parts
            if parts and (len(parts) > 1 or box.pre or not parts[0][0].isspace()):
                self.flush(box)
            if box.row:
                self.end_row(box)
        if stack and box.last > stack[-1].last:
            stack[-1].last = box.last

    def end_row(self, row: _Box) -> None:
        cells = row.row or []
        if len(cells) == 1:  # one cell is a paragraph laid out in a table, not tabular data
            c = cells[0]
            self.emit(c.node, c.context, "paragraph", 0, c.text, c.link_chars, c.flags, c.lines)
            return
        text = " | ".join(c.text for c in cells)
        flags = frozenset().union(*(c.flags for c in cells))
        lines = (row.start, max(c.lines[1] for c in cells))
        self.emit(row.node, row.node[4], "table", 0, text, sum(c.link_chars for c in cells), flags, lines)


# text nodes of the body outside (and inside) <noscript>, script and styling aside
_BODY_TEXT = etree.XPath("//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript"
                         " or ancestor::template)]", smart_strings=False)
_NOSCRIPT_TEXT = etree.XPath("//body//noscript//text()[not(ancestor::script or ancestor::style"
                             " or ancestor::template)]", smart_strings=False)


def _visible_chars(texts: list[str]) -> int:
    return sum(len(t.strip()) for t in texts)


def noscript_holds_page(root: etree._Element, cfg: ReadRules) -> bool:
    """Whether the page's text is in its <noscript> elements: a page rendered by scripts serves
    crawlers and script-less browsers its posts or article there, and little else outside."""
    inside = _visible_chars(_NOSCRIPT_TEXT(root))
    return inside >= max(1, cfg.noscript_min_chars) and \
        inside >= cfg.noscript_min_share * (inside + _visible_chars(_BODY_TEXT(root)))


def _walk(w: _Walker, root: etree._Element, offset: int = 0, drop_tags: frozenset[str] = DROP_TAGS) -> None:
    """Walk one tree into ``w``; ``offset`` is added to its source lines (a re-parsed fragment's
    lines count from the line its text starts on); the subtrees of ``drop_tags`` make no blocks.

    One loop over lxml's events with the per-element work written out in it: it runs for every
    element of the page, and a method call per step cost more than the work. Text is added to
    the innermost open block element's ``parts``; its lines widen that block's."""
    nodes, stack, containers = w.nodes, w.stack, w.containers
    links, line = w.links, w.line  # kept in locals while walking; w's are current around calls out
    walk = etree.iterwalk(root, events=("start", "end"))
    skipped = False  # the element that just started was skipped whole: its "end" comes next
    for event, el in walk:
        if event == "start":
            tag = el.tag
            sourceline = el.sourceline
            if sourceline:
                line = sourceline + offset
            if tag in drop_tags or tag.__class__ is not str:
                if tag.__class__ is str:  # no node (nothing in it makes a block), but it counts as a sibling
                    counts = nodes[-1][3]
                    counts[tag] = counts.get(tag, 0) + 1
                walk.skip_subtree()  # its "end" still comes, for the tail
                skipped = True
                continue
            parent = nodes[-1]
            counts = parent[3]
            index = counts[tag] = counts.get(tag, 0) + 1
            context = parent[4]
            block = tag in BLOCK_TAGS
            if block:  # blocks sit in block-level elements: an inline one (a link, a span) is no container
                container = container_of(el, tag, context)
                if container is not None:
                    containers.append(container)  # for finish to count up
                    context = container
            node = (parent, tag, index, {}, context)
            nodes.append(node)
            if block or not stack:
                box = w.open_block(tag, line, node)
                text = el.text
                if text:  # its first and last lines are this one already
                    box.parts.append((text, links > 0))
                continue
            if tag == "noframes":
                # the parser keeps <noframes> content as raw text, but it is markup, and on a frameset
                # page often the only real text: it is parsed on its own and read in its place
                w.links, w.line = links, line
                inner = parse(el.text or "")[0]
                if inner is not None:
                    _walk(w, inner, line - 1)
                links, line = w.links, w.line
                walk.skip_subtree()
                continue
            top = stack[-1]
            if line > top.last:
                top.last = line
            if tag == "br":
                top.parts.append(("\n" if top.pre else " ", links > 0))
                if top.first is None:
                    top.first = line
            elif tag in IMAGE_TAGS:
                top.flags = top.flags | IMAGE_FLAGS
            elif tag == "a":
                links += 1
            text = el.text
            if text:
                top.parts.append((text, links > 0))
                if top.first is None:
                    top.first = line
        else:
            if skipped:
                skipped = False  # no node, no block: only its tail is text
            else:
                node = nodes.pop()
                tag = node[1]  # (not el.tag again: lxml makes a new string each time)
                if stack and stack[-1].node is node:  # a block element (or the root) closes
                    w.close_block(stack.pop(), tag)
                elif tag == "a":
                    links -= 1
            if el is not root and stack:
                text = el.tail
                if text:
                    top = stack[-1]
                    top.parts.append((text, links > 0))
                    if top.first is None:
                        top.first = line
                    if line > top.last:
                        top.last = line
    w.links, w.line = links, line


def _squash(text: str | None) -> str | None:
    text = " ".join(text.split()) if text else ""
    return text or None


def _head_fields(root: etree._Element) -> tuple[str | None, dict[str, str | None], str | None]:
    """(title, meta, canonical URL) from the page's <head>."""
    head = root.find("head")
    if head is None:
        return None, {}, None
    title_el = head.find(".//title")
    title = _squash("".join(title_el.itertext())) if title_el is not None else None
    meta: dict[str, str | None] = {}
    og_url = None
    for m in head.iter("meta"):
        key = (m.get("name") or m.get("property") or "").strip().lower()
        if key in ("description", "keywords"):
            meta.setdefault(key, _squash(m.get("content")))
        elif key == "og:url" and og_url is None:
            og_url = _squash(m.get("content"))
    canonical = None
    for link in head.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split():
            canonical = _squash(link.get("href"))
            break
    # a relative URL names no site: only absolute ones are the page's URL
    url = next((u for u in (canonical, og_url) if u and ABSOLUTE_URL.match(u)), None)
    return title, {k: v for k, v in meta.items() if v}, url


def _language(root: etree._Element) -> str | None:
    lang = (root.get("lang") or root.get("xml:lang") or "").strip().lower()
    primary = re.split(r"[-_]", lang, maxsplit=1)[0]
    return primary if LANG.fullmatch(primary) else None


# C0 control characters other than whitespace: not HTML text (the parser turns each into U+FFFD)
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]+")
# the same characters as UTF-8 bytes (none of them is part of a longer sequence)
CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0b, *range(0x0e, 0x20), 0x7f])
CONTROL_RULE = "control-characters"
# a DOCTYPE with an internal subset: the parser ends the DOCTYPE at the subset's first '>'
DOCTYPE_SUBSET = re.compile(r"<!doctype[^\[>]*(\[(?:[^\]\"']|\"[^\"]*\"|'[^']*')*\])\s*>", re.IGNORECASE)


# libxml2 checks each attribute of a start tag against all the ones before it: quadratic in their
# number (80,000 attributes on one element took 40 s). Past read.max_attributes the rest are
# dropped before parsing (no text is lost: attribute values are not page text). Only start tags
# long enough to hold that many are looked at: one search, in C, over the page.
ATTRIBUTE = re.compile(r"""[^\s"'<>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'<>=`]+))?""")


def limit_attributes(text: str, max_attributes: int) -> tuple[str, list[PageWarning]]:
    """The text with start tags cut to their first ``max_attributes`` attributes (line ends kept,
    so line numbers stay), and a warning for each tag cut."""
    min_length = 4 * max_attributes
    # first a search for a run without ">" alone, over twice as fast (one character to rule out,
    # not a class): every long start tag is one, and most pages have neither; none starts before it
    candidate = re.search(r"<[A-Za-z][^>]{%d,}" % min_length, text)  # re caches the patterns
    if candidate is None:
        return text, []
    long_start_tag = re.compile(r"<[A-Za-z][^<>]{%d,}" % min_length)
    pieces: list[str] = []
    warnings: list[PageWarning] = []
    done = 0
    line, counted = 1, 0  # line numbers counted on from the last tag cut, not from the top each time
    for tag in long_start_tag.finditer(text, candidate.start()):
        attributes = ATTRIBUTE.finditer(text, tag.start() + 1, tag.end())
        next(attributes, None)  # the tag name
        cut = None
        for n, attribute in enumerate(attributes, 1):
            if n == max_attributes:
                cut = attribute.end()
                break
        if cut is None or not text[cut:tag.end()].strip():
            continue
        line += text.count("\n", counted, tag.start())
        counted = tag.start()
        pieces += [text[done:cut], re.sub(r"[^\r\n]+", "", text[cut:tag.end()])]
        done = tag.end()
        warnings.append(PageWarning(NAME, "too-many-attributes", Span(None, (line, line)),
                                    f"an element with more than {max_attributes} attributes: the rest were ignored"))
    if not warnings:
        return text, []
    pieces.append(text[done:])
    return "".join(pieces), warnings


def strip_controls(text: str, data: bytes | None = None) -> tuple[str, list[Removal]]:
    """The text without C0 control characters, and a removal per line that held some (its line
    numbers stay those of the source: no line end is removed). ``data``: the text as UTF-8, if at
    hand (a character that cannot be encoded may stand as anything but a control character)."""
    # looked for in the encoded bytes, one byte value at a time (memchr): several times faster than
    # a character-class search over a wide string, and faster than deleting them all in one pass
    if data is None:
        data = text.encode("utf-8", "replace")
    if not any(byte in data for byte in CONTROL_BYTES):
        return text, []
    removed: list[Removal] = []
    line, pos = 1, 0
    by_line: dict[int, list[str]] = {}
    for m in CONTROL_CHARS.finditer(text):
        line += text.count("\n", pos, m.start())
        pos = m.start()
        by_line.setdefault(line, []).append(m.group())
    for n, chars in by_line.items():
        removed.append(Removal(NAME, CONTROL_RULE, Span(None, (n, n)), "".join(chars)))
    return CONTROL_CHARS.sub("", text), removed


def blank_doctype_subset(text: str, window: int) -> str:
    """The text with a DOCTYPE's internal subset (``[ <!ENTITY ...> ]``) blanked out, its line ends
    kept so that line numbers do not move: left in, its ``]>`` became page text. A DOCTYPE comes
    first: it is looked for in the first ``window`` characters only."""
    m = DOCTYPE_SUBSET.search(text, 0, window)
    if m is None:
        return text
    a, b = m.span(1)
    return text[:a] + re.sub(r"[^\r\n]+", "", text[a:b]) + text[b:]


def parse(text: str, data: bytes | None = None) -> tuple[etree._Element | None, list[str]]:
    """(root element, fatal parser errors) of an HTML page; no root for a page with no markup or text.
    ``data``: ``text.encode("utf-8", "replace")``, if the caller has it already.

    A fatal error (a resource limit such as excessive nesting) means the parser stopped early: the
    page is read as far as it got, and the caller warns.
    """
    from . import SourceError  # here, not at the top: the package imports this module while loading

    if not text.strip():
        return None, []
    # the text is already decoded: given as UTF-8 with the encoding fixed, an XML declaration or a
    # <meta charset> in the page cannot make lxml decode it a second time
    # a plain etree parser: lxml.html's element classes cost time per element and are not needed
    parser = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, huge_tree=True)
    try:
        if data is None:
            data = text.encode("utf-8", "replace")
        root = lxml.html.document_fromstring(data, parser=parser)
    except etree.ParserError as exc:
        if "empty" in str(exc).lower():  # only comments or processing instructions
            return None, []
        raise SourceError(f"HTML could not be parsed: {exc}") from None
    except (etree.LxmlError, ValueError) as exc:
        raise SourceError(f"HTML could not be parsed: {exc}") from None
    fatal = [f"line {e.line}: {e.message}" for e in parser.error_log if e.level == etree.ErrorLevels.FATAL]
    return root, fatal


def read(doc: Document, cfg: ReadRules) -> Document:
    """Blocks from ``doc.text`` (an HTML page); title, language, URL and meta from its <head>."""
    # the page as the parser takes it, encoded once: the control character check looks in it too,
    # and it is parsed as it is unless a check changed the text
    source = doc.text
    data: bytes | None = source.encode("utf-8", "replace")
    text, removed = strip_controls(source, data)
    if text is not source:
        data = None  # not the text parsed: let it go
    text, warnings = limit_attributes(text, cfg.max_attributes)
    parsed = blank_doctype_subset(text, cfg.doctype_window)
    root, fatal = parse(parsed, data if parsed is source else None)
    del data, parsed
    if root is None:
        return doc.evolve(NAME, blocks=(), cuts=removed, warnings=warnings)
    if fatal:
        warnings.append(PageWarning(NAME, "html-truncated", None, f"the HTML parser stopped early: {fatal[0]}"))
    title, meta, url = _head_fields(root)
    ld = json_ld_objects(root)
    meta.update(stated_metadata(root, ld))
    changes: dict = {"stated_types": stated_types(root, ld, microdata="itemtype" in text)}
    if doc.title is None and title:
        changes["title"] = title
    language = _language(root)
    if doc.language is None and language:
        changes["language"] = language
    if doc.url is None and url:
        changes["url"] = url
    walker = _Walker()
    drop_tags = DROP_TAGS - {"noscript"} if noscript_holds_page(root, cfg) else DROP_TAGS
    _walk(walker, root, drop_tags=drop_tags)
    del root  # the tree is read: let it go before the Blocks are made
    return doc.evolve(NAME, blocks=walker.finish(), cuts=removed, warnings=warnings, meta=meta, **changes)
