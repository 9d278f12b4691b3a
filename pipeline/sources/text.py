"""Reader for text pages (plain text, markdown-ish dumps, PDF-extracted text): source text -> Blocks.

It reads structure only: markdown headings (ATX and setext), bullets and numbered items, quotes,
code fences and table rows, and it rejoins lines that a dump hard-wrapped at a fixed width. Inline
markup (links, emphasis) is left for the markup stage; sentence-level repairs for the pdf stage.
Every block's ``origin`` maps its text back to the source, line by line.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..document import Block, Document, Removal, Span

NAME = "read-text"

LINE_END = re.compile(r"\r\n|\r|\n")
ATX = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$|^ {0,3}(#{1,6})[ \t]*$")
SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
RULE_LINE = re.compile(r"^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,}|(?:=[ \t]*){3,})$")
BULLET = re.compile(r"^([ \t]*)([-*+\u2022])[ \t]+(?=\S)")
NUMBERED = re.compile(r"^([ \t]*)(\d{1,3}[.)])[ \t]+(?=\S)")
QUOTE = re.compile(r"^[ \t]*>[ \t]?")
FENCE = re.compile(r"^[ \t]*(```|~~~)")
TABLE_ROW = re.compile(r"^[ \t]*\|.*\|[ \t]*$")
TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*$")
HEADER_FIELD = re.compile(r"^[ \t]*[A-Z][A-Za-z-]{1,20}:[ \t]")
HEADER_LINES = 10  # "Link: ..." field lines at the top of a dump are fields, never wrapped text
MAX_WRAP_WIDTH = 132  # hard wrapping happens at terminal widths; longer lines were never wrapped


@dataclass(slots=True)
class Line:
    number: int  # 1-based
    start: int  # offset of the first character of the line
    text: str  # without the line end

    @property
    def blank(self) -> bool:
        return not self.text.strip()


def split_lines(text: str) -> list[Line]:
    lines = []
    pos = 0
    number = 1
    for m in LINE_END.finditer(text):
        lines.append(Line(number, pos, text[pos:m.start()]))
        pos = m.end()
        number += 1
    if pos < len(text):
        lines.append(Line(number, pos, text[pos:]))
    return lines


def wrap_width(lines: list[Line]) -> int | None:
    """The width a dump was hard-wrapped at, or None where its lines were not wrapped.

    Lines followed by another non-blank line are the candidates; a wrapped page has most of them
    close under one width (within 70% of it), and that width is a terminal's, not a paragraph's.
    """
    lengths = [len(a.text.rstrip()) for a, b in zip(lines, lines[1:]) if not a.blank and not b.blank]
    lengths = [n for n in lengths if n <= MAX_WRAP_WIDTH]
    if len(lengths) < 3:
        return None
    lengths.sort()
    width = lengths[int(0.9 * (len(lengths) - 1))]
    if width < 40:
        return None
    near = sum(1 for n in lengths if n >= 0.7 * width)
    return width if near >= 0.5 * len(lengths) else None


def _content(line: Line, start_col: int) -> tuple[int, str]:
    """(source offset, text) of a line's content from column ``start_col``, outer blanks stripped."""
    raw = line.text[start_col:]
    stripped = raw.strip()
    if not stripped:
        return line.start + start_col, ""
    lead = len(raw) - len(raw.lstrip())
    return line.start + start_col + lead, stripped


class _Builder:
    """Accumulates the lines of one block and emits it."""

    def __init__(self):
        self.blocks: list[Block] = []
        self.removed: list[Removal] = []
        self.kind: str | None = None
        self.level = 0
        self.parts: list[tuple[int, str]] = []  # (source offset, text)
        self.first: Line | None = None
        self.last: Line | None = None
        self.indent = 0

    def open(self, kind: str, line: Line, col: int, level: int = 0, indent: int = 0) -> None:
        self.close()
        self.kind, self.level, self.first, self.last, self.indent = kind, level, line, line, indent
        self.parts = []
        self.add(line, col)

    def add(self, line: Line, col: int) -> None:
        off, text = _content(line, col)
        if text:
            self.parts.append((off, text))
        self.last = line

    def close(self) -> None:
        if self.kind is None:
            return
        texts, segs, pos = [], [], 0
        for off, text in self.parts:
            if texts:
                texts.append(" ")
                pos += 1
            segs.append((pos, off, len(text)))
            texts.append(text)
            pos += len(text)
        first, last = self.first, self.last
        end = last.start + len(last.text)
        span = Span((first.start, end), (first.number, last.number))
        text = "".join(texts)
        if text:
            self.blocks.append(Block(self.kind, text, span, self.level, tuple(segs)))
        else:  # a marker with nothing after it ("#", "* ") holds no text: logged, not kept
            self.removed.append(Removal(NAME, "empty-markup", span, first.text.strip()))
        self.kind = None

    def drop(self, line: Line, rule: str) -> None:
        self.close()
        self.removed.append(Removal(NAME, rule, Span((line.start, line.start + len(line.text)),
                                                     (line.number, line.number)), line.text.strip()))


def _unbalanced(text: str) -> bool:
    return text.count("[") > text.count("]") or text.count("(") > text.count(")") + 1


def read(doc: Document) -> Document:
    """Blocks from ``doc.text`` (a text page); markup lines that hold no text are logged."""
    lines = split_lines(doc.text)
    width = wrap_width(lines)
    b = _Builder()
    list_indents: list[int] = []
    in_fence = False
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        text = line.text
        if in_fence:
            if FENCE.match(text):
                in_fence = False
                b.last = line
                b.close()
            else:
                b.parts.append((line.start, text)) if text.strip() else None
                b.last = line
            i += 1
            continue
        if line.blank:
            if b.kind in ("paragraph", "list_item", "quote", "table"):
                b.close()
            i += 1
            continue
        if FENCE.match(text):
            b.open("code", line, len(text))
            in_fence = True
            i += 1
            continue
        nxt = lines[i + 1] if i + 1 < n else None
        m = ATX.match(text)
        if m:
            level = len(m.group(1) or m.group(3))
            b.open("heading", line, text.index("#") + level, level=level)
            b.parts = [(line.start + m.start(2), m.group(2))] if m.group(2) else []
            b.close()
            list_indents = []
            i += 1
            continue
        if nxt is not None and not nxt.blank and SETEXT.match(nxt.text) and not BULLET.match(text) \
                and not RULE_LINE.match(text) and b.kind != "list_item":
            b.open("heading", line, 0, level=1 if "=" in nxt.text else 2)
            b.last = nxt
            b.close()
            list_indents = []
            i += 2
            continue
        if RULE_LINE.match(text):
            b.drop(line, "rule-line")
            i += 1
            continue
        if TABLE_ROW.match(text):
            # one block per row, its text the row between the outer pipes as written (a copy of
            # the source, so the source map stays exact; normalize folds the padding later)
            if TABLE_RULE.match(text):
                b.drop(line, "rule-line")
            else:
                b.open("table", line, text.index("|") + 1)
                inner = text.rstrip().rstrip("|")
                b.parts = [_content(Line(line.number, line.start, inner), text.index("|") + 1)]
                b.close()
            i += 1
            continue
        bullet = BULLET.match(text)
        numbered = None if bullet else NUMBERED.match(text)
        continuation = (
            b.kind in ("paragraph", "list_item", "quote")
            and not (line.number <= HEADER_LINES and HEADER_FIELD.match(text))
            and b.last is lines[i - 1]
            and not bullet
            and (_continues(lines[i - 1], line, width) or _unbalanced(" ".join(t for _, t in b.parts)))
        )
        if continuation:
            b.add(line, len(QUOTE.match(text).group(0)) if b.kind == "quote" and QUOTE.match(text) else 0)
            i += 1
            continue
        marker = bullet or numbered
        if marker:
            indent = len(marker.group(1).expandtabs(4))
            while list_indents and list_indents[-1] > indent:
                list_indents.pop()
            if not list_indents or list_indents[-1] < indent:
                list_indents.append(indent)
            b.open("list_item", line, marker.end(), level=len(list_indents) - 1, indent=indent)
            i += 1
            continue
        if b.kind == "list_item" and b.last is lines[i - 1] and len(text) - len(text.lstrip()) > b.indent:
            b.add(line, 0)  # an indented line under a bullet continues the item
            i += 1
            continue
        q = QUOTE.match(text)
        if q:
            b.open("quote", line, q.end())
            i += 1
            continue
        if b.kind != "list_item" or (lines[i - 1].blank if i else True):
            list_indents = [] if len(text) == len(text.lstrip()) else list_indents
        b.open("paragraph", line, 0)
        i += 1
    b.close()
    return doc.evolve(NAME, blocks=b.blocks, removed=b.removed)


def _continues(prev: Line, line: Line, width: int | None) -> bool:
    """Whether ``line`` carries on ``prev`` because the dump wrapped it at ``width`` columns."""
    if width is None:
        return False
    first_word = line.text.split(None, 1)[0]
    return len(prev.text.rstrip()) + 1 + len(first_word) > width
