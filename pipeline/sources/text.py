"""Reader for text pages (plain text, markdown-ish dumps, PDF-extracted text): source text -> Blocks.

It reads structure only: markdown headings (ATX and setext), bullets and numbered items, quotes,
code fences and table rows, and it rejoins lines that a dump hard-wrapped at a fixed width. Inline
markup (links, emphasis) is left for the markup stage; sentence-level repairs for the pdf stage.
Every block's ``origin`` maps its text back to the source, line by line.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Iterator

from ..document import Block, Document, Removal, Span

if TYPE_CHECKING:
    from . import ReadRules

NAME = "read-text"

LINE_END = re.compile(r"\r\n|\r|\n")
# the opening of an ATX heading; its text and closing #s are cut by ``atx_heading`` with string
# methods (one regex for the whole line backtracked over long runs of spaces: quadratic)
ATX_OPEN = re.compile(r" {0,3}(#{1,6})(?:[ \t]+|$)")
SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
RULE_LINE = re.compile(r"^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,}|(?:=[ \t]*){3,})$")
BULLET = re.compile(r"^([ \t]*)([-*+\u2022])[ \t]+(?=\S)")
NUMBERED = re.compile(r"^([ \t]*)(\d{1,3}[.)])[ \t]+(?=\S)")
QUOTE = re.compile(r"^[ \t]*>[ \t]?")
FENCE = re.compile(r"^[ \t]*(```|~~~)")
TABLE_ROW = re.compile(r"^[ \t]*\|.*\|[ \t]*$")
TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*$")
# (not empty) the characters a line (after blanks) must start with for FENCE, SETEXT, RULE_LINE, BULLET
FENCE_HEADS, SETEXT_HEADS, RULE_HEADS, BULLET_HEADS = "`~", "=-", "*-_=", "-*+\u2022"
HEADER_FIELD = re.compile(r"^[ \t]*[A-Z][A-Za-z-]{1,20}:[ \t]")


@dataclass(slots=True)
class Line:
    number: int  # 1-based
    start: int  # offset of the first character of the line
    text: str  # without the line end

    @property
    def blank(self) -> bool:
        return not self.text.strip()


NON_SPACE = re.compile(r"\S")
LINE_END_CHAR = re.compile(r"[\r\n]")


def _line_ends(text: str, a: int, b: int) -> int:
    """Line ends (CRLF, CR or LF) in ``text[a:b]``; the range holds whole line ends only."""
    return text.count("\n", a, b) + text.count("\r", a, b) - text.count("\r\n", a, b)


def text_lines(text: str) -> Iterator[Line]:
    """The non-blank lines of ``text``, with their numbers and offsets, one at a time.

    Blank lines are stepped over in C (a search for the next non-space character and a count of
    the line ends passed), never made into objects: a page of 50 million empty lines costs no
    memory per line, and a page is never held as a list of lines.
    """
    if "\r" in text:
        yield from _text_lines_any_end(text)
        return
    # every line ends in "\n" (or the page does): string methods find the ends
    pos, number = 0, 1
    while True:
        m = NON_SPACE.search(text, pos)
        if m is None:
            return
        found = m.start()
        if found > pos:  # blank lines, or blanks at the start of this one
            start = text.rfind("\n", pos, found) + 1 or pos
            number += text.count("\n", pos, start)
        else:  # pos is where a line starts (as it always is) and it starts with its text
            start = pos
        end = text.find("\n", found)
        if end < 0:
            yield Line(number, start, text[start:])
            return
        yield Line(number, start, text[start:end])
        pos = end + 1
        number += 1


def _text_lines_any_end(text: str) -> Iterator[Line]:
    """``text_lines`` for a text whose line ends may be CRLF or CR too."""
    pos, number = 0, 1
    while True:
        m = NON_SPACE.search(text, pos)
        if m is None:
            return
        found = m.start()
        before = max(text.rfind("\n", pos, found), text.rfind("\r", pos, found))
        start = before + 1 if before >= 0 else pos
        number += _line_ends(text, pos, start)
        end_m = LINE_END.search(text, found)
        end = end_m.start() if end_m else len(text)
        yield Line(number, start, text[start:end])
        if end_m is None:
            return
        pos = end_m.end()
        number += 1


def last_line(text: str) -> Line | None:
    """The page's last line (blank or not), as a reader that stepped over blank lines would miss it."""
    if not text:
        return None
    end = len(text)
    if text.endswith("\n") or text.endswith("\r"):
        end -= 2 if text.endswith("\r\n") else 1
    before = max(text.rfind("\n", 0, end), text.rfind("\r", 0, end))
    start = before + 1
    number = 1 + _line_ends(text, 0, start)
    return Line(number, start, text[start:end])


def wrap_width(lines: Iterable[Line], cfg: ReadRules) -> int | None:
    """The width a dump was hard-wrapped at, or None where its lines were not wrapped.

    Lines followed by another non-blank line are the candidates; a wrapped page has most of them
    (``wrap_min_share``) close under one width (at least ``wrap_near`` of it), and that width is a
    terminal's, not a paragraph's. Lengths are counted in a histogram (they are at most
    ``wrap_max_width``): no list per line.
    """
    max_width = cfg.wrap_max_width
    counts = [0] * (max_width + 1)
    prev: Line | None = None
    for line in lines:
        if prev is not None and prev.number + 1 == line.number:
            n = len(prev.text.rstrip())
            if n <= max_width:
                counts[n] += 1
        prev = line
    total = sum(counts)
    if total < cfg.wrap_min_lines:
        return None
    rank = int(cfg.wrap_percentile * (total - 1))  # the percentile, as an index into the sorted lengths
    seen = 0
    for width, count in enumerate(counts):
        seen += count
        if seen > rank:
            break
    if width < cfg.wrap_min_width:
        return None
    near = sum(counts[n] for n in range(max_width + 1) if n >= cfg.wrap_near * width)
    return width if near >= cfg.wrap_min_share * total else None


# Blanks stripped from the end of a line: ASCII ones only. A no-break space there may be half of a
# mis-decoded one ("Â\xa0"), which the mojibake stage can repair only if it is still there; the
# normalize stage takes what whitespace is left.
TRAILING_BLANKS = " \t\x0b\x0c"


def _content(line: Line, start_col: int) -> tuple[int, str]:
    """(source offset, text) of a line's content from column ``start_col``, outer blanks stripped."""
    raw = line.text[start_col:]
    if not raw.strip():
        return line.start + start_col, ""
    lead = len(raw) - len(raw.lstrip())
    return line.start + start_col + lead, raw[lead:].rstrip(TRAILING_BLANKS)


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


def atx_heading(text: str) -> tuple[int, int, str] | None:
    """(level, start column, text) of an ATX heading line (``## Text ##``), else None. The text
    leaves out the spaces around it and a closing run of #s set off by a space."""
    m = ATX_OPEN.match(text)
    if m is None:
        return None
    start = m.end()
    heading = text[start:].rstrip(" \t")
    if heading.endswith("#"):
        bare = heading.rstrip("#")
        if bare and bare[-1] in " \t":
            heading = bare.rstrip(" \t")
    return len(m.group(1)), start, heading


def _with_next(lines: Iterator[Line]) -> Iterator[tuple[Line, Line | None]]:
    """Each line with the one after it (None at the end)."""
    line = next(lines, None)
    while line is not None:
        nxt = next(lines, None)
        yield line, nxt
        line = nxt


def read(doc: Document, cfg: ReadRules) -> Document:
    """Blocks from ``doc.text`` (a text page); markup lines that hold no text are logged.

    Only non-blank lines are visited (``text_lines``); a blank line shows as a gap in the line
    numbers, and "the line before/after" means the one numbered so.
    """
    text_ = doc.text
    width = wrap_width(text_lines(text_), cfg)
    b = _Builder()
    list_indents: list[int] = []
    in_fence = False
    prev: Line | None = None  # the non-blank line before this one
    skip = False  # this line was taken as a setext underline with the line before it
    for line, following in _with_next(text_lines(text_)):
        if skip:
            skip, prev = False, line
            continue
        text = line.text
        after_blank = line.number > (prev.number + 1 if prev is not None else 1)
        # the line before, where it is not blank (None where it is, or at the top)
        before = prev if prev is not None and prev.number + 1 == line.number else None
        nxt = following if following is not None and following.number == line.number + 1 else None
        prev = line
        # the first character after the indent: each line pattern below needs one of a few there
        head = text.lstrip(" \t")[:1]
        if in_fence:
            if head in FENCE_HEADS and FENCE.match(text):
                in_fence = False
                b.last = line
                b.close()
            else:
                b.parts.append((line.start, text))
                b.last = line
            continue
        if after_blank and b.kind in ("paragraph", "list_item", "quote", "table"):
            b.close()
        if head in FENCE_HEADS and FENCE.match(text):
            b.open("code", line, len(text))
            in_fence = True
            continue
        atx = atx_heading(text) if head == "#" else None
        if atx:
            level, start, heading = atx
            b.open("heading", line, text.index("#") + level, level=level)
            b.parts = [(line.start + start, heading)] if heading else []
            b.close()
            list_indents = []
            continue
        if nxt is not None and nxt.text.lstrip(" \t")[:1] in SETEXT_HEADS and SETEXT.match(nxt.text) \
                and not BULLET.match(text) and not RULE_LINE.match(text) and b.kind != "list_item":
            b.open("heading", line, 0, level=1 if "=" in nxt.text else 2)
            b.last = nxt
            b.close()
            list_indents = []
            skip = True
            continue
        if head in RULE_HEADS and RULE_LINE.match(text):
            b.drop(line, "rule-line")
            continue
        if head == "|" and TABLE_ROW.match(text):
            # one block per row, its text the row between the outer pipes as written (a copy of
            # the source, so the source map stays exact; normalize folds the padding later)
            if TABLE_RULE.match(text):
                b.drop(line, "rule-line")
            else:
                b.open("table", line, text.index("|") + 1)
                inner = text.rstrip().rstrip("|")
                b.parts = [_content(Line(line.number, line.start, inner), text.index("|") + 1)]
                b.close()
            continue
        bullet = BULLET.match(text) if head in BULLET_HEADS else None
        numbered = NUMBERED.match(text) if not bullet and head.isdigit() else None
        continuation = (
            b.kind in ("paragraph", "list_item", "quote")
            and not (line.number <= cfg.header_lines and HEADER_FIELD.match(text))
            and before is not None and b.last is before
            and not bullet
            and (_continues(before, line, width) or _unbalanced(" ".join(t for _, t in b.parts)))
        )
        if continuation:
            b.add(line, len(QUOTE.match(text).group(0)) if b.kind == "quote" and QUOTE.match(text) else 0)
            continue
        marker = bullet or numbered
        if marker:
            indent = len(marker.group(1).expandtabs(4))
            while list_indents and list_indents[-1] > indent:
                list_indents.pop()
            if not list_indents or list_indents[-1] < indent:
                list_indents.append(indent)
            b.open("list_item", line, marker.end(), level=len(list_indents) - 1, indent=indent)
            continue
        if b.kind == "list_item" and before is not None and b.last is before \
                and len(text) - len(text.lstrip()) > b.indent:
            b.add(line, 0)  # an indented line under a bullet continues the item
            continue
        q = QUOTE.match(text) if head == ">" else None
        if q:
            b.open("quote", line, q.end())
            continue
        if b.kind != "list_item" or before is None:
            list_indents = [] if len(text) == len(text.lstrip()) else list_indents
        b.open("paragraph", line, 0)
    if in_fence:  # an open fence runs to the page's last line, blank or not
        b.last = last_line(text_) or b.last
    b.close()
    return doc.evolve(NAME, blocks=b.blocks, removed=b.removed)


def _continues(prev: Line, line: Line, width: int | None) -> bool:
    """Whether ``line`` carries on ``prev`` because the dump wrapped it at ``width`` columns."""
    if width is None:
        return False
    first_word = line.text.split(None, 1)[0]
    return len(prev.text.rstrip()) + 1 + len(first_word) > width
