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
from dataclasses import dataclass, field
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
LIST_TAGS = frozenset({"ul", "ol", "menu", "dir"})
CELL_TAGS = frozenset({"td", "th"})
INHERITED_KINDS = frozenset({"heading", "list_item", "quote", "code"})  # passed down to generic children
IMAGE_TAGS = frozenset({"img", "picture"})
LANG = re.compile(r"[a-z]{2,3}")  # a primary language subtag (ISO 639)
ABSOLUTE_URL = re.compile(r"https?://\S+$", re.IGNORECASE)
# elements that say what their content is by their tag alone: each is a Container
SECTIONING_TAGS = frozenset({
    "nav", "header", "footer", "aside", "main", "article", "section", "form", "menu", "dialog", "figure",
    "details", "address", "table", "ul", "ol",
})
# an inline style that hides the element
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


def container_of(el: etree._Element, tag: str, parent: Container | None) -> Container | None:
    """The Container of an element that says something about its content, else None."""
    get = el.get
    names = " ".join(v for v in (get("class"), get("id")) if v)
    role = get("role")
    style = get("style")
    hidden = (get("hidden") is not None or (get("aria-hidden") or "").strip().lower() == "true"
              or (style is not None and HIDDEN_STYLE.search(style) is not None))
    if not (names or role or hidden or tag in SECTIONING_TAGS):
        return None
    return Container(parent, tag, names, role.strip().lower() if role else None, hidden)


@dataclass(slots=True, eq=False)
class _Node:
    """An element's place in the tree, for its XPath: lxml's getpath counts siblings on every call,
    which is quadratic on pages with many siblings; counting once during the walk is not."""

    parent: _Node | None
    tag: str
    index: int  # 1-based among the parent's children of this tag
    counts: dict[str, int] | None = None  # children per tag (complete once it ends); None: no children yet


def _xpaths(nodes: list[_Node]) -> list[str]:
    """XPaths in lxml's getpath form: a position only where siblings share the tag."""
    memo: dict[int, str] = {}
    out = []
    for node in nodes:
        chain = []
        n: _Node | None = node
        while n is not None and id(n) not in memo:
            chain.append(n)
            n = n.parent
        prefix = memo[id(n)] if n is not None else ""
        for n in reversed(chain):
            step = n.tag if n.parent is None or n.parent.counts[n.tag] == 1 else f"{n.tag}[{n.index}]"  # type: ignore[index]
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


@dataclass(slots=True)
class _Box:
    """An open block-level element and the text collected for its current block."""

    el: etree._Element
    node: _Node
    context: Container | None  # the innermost container around it (itself, when it is one)
    kind: str
    level: int
    pre: bool  # inside <pre>: whitespace is kept
    first: int | None  # start line of the text collected since the last emit
    last: int
    start: int  # the element's start line
    parts: list[tuple[str, bool]] = field(default_factory=list)  # (text, inside a link)
    flags: set[str] = field(default_factory=set)
    row: list[_Cell] | None = None  # a <tr> read as a table row: its cells so far
    cell: bool = False  # a <td>/<th> whose text goes into its row


NO_FLAGS: frozenset[str] = frozenset()


def _frozen(flags: set[str]) -> frozenset[str]:
    """The flags as a frozenset; most blocks have none, and share one empty set (a new empty
    frozenset per block costs 216 bytes, on a page of a million paragraphs 200 MB)."""
    return frozenset(flags) if flags else NO_FLAGS


def collapse(parts: list[tuple[str, bool]], pre: bool = False) -> tuple[str, int]:
    """(text, link chars) of text pieces: whitespace runs become one space, ends stripped.

    In ``pre`` text whitespace is kept (only blank lines at the ends and trailing space go). A
    space between words counts as link text when the whitespace it stands for was inside a link.
    """
    if pre:
        text = "".join(t for t, _ in parts)
        stripped = text.rstrip()
        lead = len(stripped) - len(stripped.lstrip("\n\r\t "))
        start = stripped.rfind("\n", 0, lead) + 1 if lead else 0  # keep the first line's indent
        text = stripped[start:]
        return text, min(len(text), sum(len(t) for t, link in parts if link))
    linked = sum(1 for _, link in parts if link)
    if linked == 0 or linked == len(parts):  # the common case: all link text or none
        text = " ".join("".join(t for t, _ in parts).split())
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
        self.nodes: list[_Node] = []  # every open element
        self.contexts: list[Container | None] = []  # per open element, the innermost container around it
        self.containers: list[Container] = []  # every container, each after its parent
        self.stack: list[_Box] = []
        self.links = 0  # open <a> elements
        self.lists = 0  # open ul/ol elements
        self.line = 1  # start line of the element last started: where following text is

    # -- collecting text

    def add(self, box: _Box, text: str | None) -> None:
        if not text:
            return
        box.parts.append((text, self.links > 0))
        if box.first is None:
            box.first = self.line
        if self.line > box.last:
            box.last = self.line

    def open_node(self, el: etree._Element, tag: str) -> None:
        parent = self.nodes[-1] if self.nodes else None
        index = 1
        if parent is not None:
            if parent.counts is None:
                parent.counts = {}
            index = parent.counts[tag] = parent.counts.get(tag, 0) + 1
        self.nodes.append(_Node(parent, tag, index))
        around = self.contexts[-1] if self.contexts else None
        # blocks sit in block-level elements: an inline one (a link, a span) is no container
        container = container_of(el, tag, around) if tag in BLOCK_TAGS else None
        if container is not None:
            self.containers.append(container)
        self.contexts.append(container or around)

    def close_node(self) -> None:
        self.nodes.pop()
        self.contexts.pop()

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
        xpaths = _xpaths(self.block_nodes)
        records, self.blocks, self.block_nodes = self.blocks, [], []
        out = []
        for i, xpath in enumerate(xpaths):
            kind, text, lines, level, link_chars, flags, context = records[i]
            records[i] = None
            if lines[1] < lines[0]:
                lines = (lines[0], lines[0])
            out.append(Block(kind, text, Span(None, lines, xpath=xpath), level, (), link_chars, flags,
                             seq=len(out), container=context))
        return out

    def flush(self, box: _Box) -> None:
        """Emit the text ``box`` collected so far as a block (nothing for whitespace only)."""
        if len(box.parts) == 1 and not box.pre and box.parts[0][0].isspace():
            pass  # only whitespace (the line breaks between blocks): no block, as collapse would say
        elif box.parts:
            text, links = collapse(box.parts, box.pre)
            if text:
                first = box.first if box.first is not None else box.last
                self.emit(box.node, box.context, box.kind, box.level, text, links, _frozen(box.flags),
                          (first, box.last))
                box.flags.clear()  # flags not emitted yet (an image before any text) go to the next block
        box.parts = []
        box.first = None

    def unrow(self, row: _Box) -> None:
        """A row turned out to hold block content: its cells so far become paragraphs."""
        for c in row.row or ():
            self.emit(c.node, c.context, "paragraph", 0, c.text, c.link_chars, c.flags, c.lines)
        row.row = None

    # -- events

    def start(self, el: etree._Element, tag: str, line: int) -> None:
        self.line = line
        top = self.stack[-1] if self.stack else None
        if top is None or tag in BLOCK_TAGS:
            if top is not None:
                if top.cell and tag not in CELL_TAGS:
                    self.unrow(self.stack[-2])
                    top.cell = False
                self.flush(top)
            self.push(el, tag, line, top)
            self.add(self.stack[-1], el.text)
            return
        if line > top.last:
            top.last = line
        if tag == "br":
            self.add(top, "\n" if top.pre else " ")
        elif tag in IMAGE_TAGS:
            top.flags.add(IMAGE_DROPPED)
        if tag == "a":
            self.links += 1
        self.add(top, el.text)

    def push(self, el: etree._Element, tag: str, line: int, parent: _Box | None) -> None:
        pre = parent.pre if parent is not None else False
        if tag in HEADINGS:
            kind, level = "heading", HEADINGS[tag]
        elif tag == "li":
            kind, level = "list_item", max(0, self.lists - 1)
        elif tag == "blockquote":
            kind, level = "quote", 0
        elif tag == "pre":
            kind, level, pre = "code", 0, True
        elif tag == "tr":
            kind, level = "table", 0
        elif parent is not None and parent.kind in INHERITED_KINDS:
            kind, level = parent.kind, parent.level
        else:
            kind, level = "paragraph", 0
        if tag in LIST_TAGS:
            self.lists += 1
        box = _Box(el, self.nodes[-1], self.contexts[-1], kind, level, pre, line, line, line)
        if tag == "tr":
            box.row = []
        elif tag in CELL_TAGS and parent is not None and parent.row is not None:
            box.cell = True
        self.stack.append(box)

    def end(self, el: etree._Element, tag: str) -> None:
        if self.stack and self.stack[-1].el is el:  # a block element (or the root) closes
            box = self.stack.pop()
            if tag in LIST_TAGS:
                self.lists -= 1
            if box.cell:
                row = self.stack[-1]
                text, links = collapse(box.parts, box.pre)
                if text and row.row is not None:
                    first = box.first if box.first is not None else box.last
                    row.row.append(_Cell(box.node, box.context, text, links, _frozen(box.flags), (first, box.last)))
                if box.last > row.last:
                    row.last = box.last
            else:
                self.flush(box)
                if box.row:
                    self.end_row(box)
            if self.stack and box.last > self.stack[-1].last:
                self.stack[-1].last = box.last
        elif tag == "a":
            self.links -= 1

    def end_row(self, row: _Box) -> None:
        cells = row.row or []
        if len(cells) == 1:  # one cell is a paragraph laid out in a table, not tabular data
            c = cells[0]
            self.emit(c.node, c.context, "paragraph", 0, c.text, c.link_chars, c.flags, c.lines)
            return
        text = " | ".join(c.text for c in cells)
        flags = frozenset().union(*(c.flags for c in cells))
        lines = (row.start, max(c.lines[1] for c in cells))
        self.emit(row.node, row.context, "table", 0, text, sum(c.link_chars for c in cells), flags, lines)

    def tail(self, el: etree._Element) -> None:
        if self.stack:
            self.add(self.stack[-1], el.tail)


# text nodes of the body outside (and inside) <noscript>, script and styling aside
_BODY_TEXT = etree.XPath("//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript"
                         " or ancestor::template)]", smart_strings=False)
_NOSCRIPT_TEXT = etree.XPath("//body//noscript//text()[not(ancestor::script or ancestor::style"
                             " or ancestor::template)]", smart_strings=False)
_HAS_NOSCRIPT = etree.XPath("boolean(//body//noscript)")


def _visible_chars(texts: list[str]) -> int:
    return sum(len(t.strip()) for t in texts)


def noscript_holds_page(root: etree._Element, cfg: ReadRules) -> bool:
    """Whether the page's text is in its <noscript> elements: a page rendered by scripts serves
    crawlers and script-less browsers its posts or article there, and little else outside."""
    if not _HAS_NOSCRIPT(root):
        return False
    inside = _visible_chars(_NOSCRIPT_TEXT(root))
    return inside >= max(1, cfg.noscript_min_chars) and \
        inside >= cfg.noscript_min_share * (inside + _visible_chars(_BODY_TEXT(root)))


def _walk(w: _Walker, root: etree._Element, offset: int = 0, drop_tags: frozenset[str] = DROP_TAGS) -> None:
    """Walk one tree into ``w``; ``offset`` is added to its source lines (a re-parsed fragment's
    lines count from the line its text starts on); the subtrees of ``drop_tags`` make no blocks."""
    walk = etree.iterwalk(root, events=("start", "end"))
    for event, el in walk:
        tag = el.tag
        element = isinstance(tag, str)
        kept = element and tag not in drop_tags
        if event == "start":
            if element:
                w.open_node(el, tag)
            line = el.sourceline + offset if el.sourceline else w.line
            if tag == "noframes":
                # the parser keeps <noframes> content as raw text, but it is markup, and on a frameset
                # page often the only real text: it is parsed on its own and read in its place
                w.line = line
                inner = parse(el.text or "")[0]
                if inner is not None:
                    _walk(w, inner, line - 1)
                walk.skip_subtree()
            elif kept:
                w.start(el, tag, line)
            else:
                w.line = line  # its tail starts here
                walk.skip_subtree()  # its "end" still comes, for the tail
        else:
            if kept:
                w.end(el, tag)
            if element:
                w.close_node()
            if el is not root:
                w.tail(el)


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
    long_start_tag = re.compile(r"<[A-Za-z][^<>]{%d,}" % (4 * max_attributes))  # re caches it
    pieces: list[str] = []
    warnings: list[PageWarning] = []
    done = 0
    line, counted = 1, 0  # line numbers counted on from the last tag cut, not from the top each time
    for tag in long_start_tag.finditer(text):
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


def strip_controls(text: str) -> tuple[str, list[Removal]]:
    """The text without C0 control characters, and a removal per line that held some (its line
    numbers stay those of the source: no line end is removed)."""
    # looked for in the encoded bytes: deleting them in C and comparing lengths is several times
    # faster than a character-class search over a wide string
    data = text.encode("utf-8", "surrogatepass")
    if len(data.translate(None, CONTROL_BYTES)) == len(data):
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


def parse(text: str) -> tuple[etree._Element | None, list[str]]:
    """(root element, fatal parser errors) of an HTML page; no root for a page with no markup or text.

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
        root = lxml.html.document_fromstring(text.encode("utf-8", "replace"), parser=parser)
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
    text, removed = strip_controls(doc.text)
    text, warnings = limit_attributes(text, cfg.max_attributes)
    root, fatal = parse(blank_doctype_subset(text, cfg.doctype_window))
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
