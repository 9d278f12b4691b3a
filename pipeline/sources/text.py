"""Reader for text pages (plain text, markdown-ish dumps, PDF-extracted text): source text -> Blocks.

It reads structure only: markdown headings (ATX and setext), bullets and numbered items, quotes,
code fences and table rows, and it rejoins lines that a dump hard-wrapped at a fixed width. Inline
markup (links, emphasis) is left for the markup stage; sentence-level repairs for the pdf stage.
Every block's ``origin`` maps its text back to the source, line by line.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from operator import itemgetter
from typing import TYPE_CHECKING, Iterator

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


# Span is a named tuple, whose own __new__ is a Python function; tuple.__new__ builds the same
# tuple in C (one per block the reader makes)
_new_tuple = tuple.__new__

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


def wrap_width(page: str, cfg: ReadRules) -> int | None:
    """The width a dump was hard-wrapped at, or None where its lines were not wrapped.

    Lines followed by another non-blank line are the candidates; a wrapped page has most of them
    (``wrap_min_share``) close under one width (at least ``wrap_near`` of it), and that width is a
    terminal's, not a paragraph's. Lengths are counted in a histogram (they are at most
    ``wrap_max_width``): no list per line.
    """
    max_width = cfg.wrap_max_width
    counts = _going_on_lengths(page, max_width)
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


def _going_on_lengths(text: str, max_width: int) -> list[int]:
    """How many lines followed right away by another non-blank line have each length (blanks at
    the end left out) up to ``max_width``: a histogram, indexed by the length.

    Such lines are found by one pattern (``GOING_ON``) searched over the page in C: no object is
    made for a line that is blank or ends a paragraph, and none is kept for any line.
    """
    counts = [0] * (max_width + 1)
    if "\r" in text:
        prev: Line | None = None
        for line in _text_lines_any_end(text):
            if prev is not None and prev.number + 1 == line.number:
                n = len(prev.text.rstrip())
                if n <= max_width:
                    counts[n] += 1
            prev = line
        return counts
    # group 1 is the line (from its start): counted in C, one line at a time, none kept
    lengths = Counter(map(len, map(itemgetter(1), GOING_ON.finditer(text))))
    first = FIRST_GOING_ON.match(text)
    if first:
        lengths[len(first[1])] += 1
    for n, count in lengths.items():
        if n <= max_width:
            counts[n] = count
    return counts


# a line with a non-blank character, group 1 running to its last one, whose next line holds one
# too; the blank test is ``text_lines``' (\S: str.strip's whitespace). Each line after the first
# is found after its "\n" (a literal the engine searches fast, where "^" is tried everywhere).
# Atomic: a line whose next line is blank is not tried again at each shorter length (quadratic)
GOING_ON_LINE = r"(?>([^\n]*\S))[^\n]*+(?=\n[^\S\n]*+\S)"
GOING_ON = re.compile("\n" + GOING_ON_LINE)
FIRST_GOING_ON = re.compile(GOING_ON_LINE)


# Blanks stripped from the end of a line: ASCII ones only. A no-break space there may be half of a
# mis-decoded one ("Â\xa0"), which the mojibake stage can repair only if it is still there; the
# normalize stage takes what whitespace is left.
TRAILING_BLANKS = " \t\x0b\x0c"


def _content(line: Line, start_col: int) -> tuple[int, str]:
    """(source offset, text) of a line's content from column ``start_col``, outer blanks stripped."""
    raw = line.text[start_col:]
    text = raw.lstrip()
    if not text:
        return line.start + start_col, ""
    return line.start + start_col + len(raw) - len(text), text.rstrip(TRAILING_BLANKS)


class _Builder:
    """Accumulates the lines of one block and emits it."""

    # its fields are read and set a few times per line: slots, not a dict
    __slots__ = ("blocks", "removed", "kind", "level", "parts", "first", "last", "indent", "open_brackets",
                 "open_parens", "counted")

    def __init__(self):
        self.blocks: list[Block] = []
        self.removed: list[Removal] = []
        self.kind: str | None = None
        self.level = 0
        self.parts: list[tuple[int, str]] = []  # (source offset, text)
        self.first: Line | None = None
        self.last: Line | None = None
        self.indent = 0
        # "[" minus "]" and "(" minus ")" over the block's first ``counted`` parts: counted on from
        # there when asked, so asking whether a bracket is still open never rejoins the block
        # (quadratic on long blocks), and a block nobody asks about (most) is never counted
        self.open_brackets = self.open_parens = self.counted = 0

    def open(self, kind: str, line: Line, col: int, level: int = 0, indent: int = 0) -> None:
        self.close()
        self.kind, self.level, self.first, self.last, self.indent = kind, level, line, line, indent
        self.parts = []
        self.open_brackets = self.open_parens = self.counted = 0
        self.add(line, col)

    def add(self, line: Line, col: int) -> None:
        off, text = _content(line, col)
        if text:
            self.parts.append((off, text))
        self.last = line

    def unbalanced(self) -> bool:
        """A "[" or (beyond one stray) a "(" still open in the block: its next line goes on with it."""
        parts = self.parts
        for k in range(self.counted, len(parts)):
            text = parts[k][1]
            self.open_brackets += text.count("[") - text.count("]")
            self.open_parens += text.count("(") - text.count(")")
        self.counted = len(parts)
        return self.open_brackets > 0 or self.open_parens > 1

    def close(self) -> None:
        if self.kind is None:
            return
        parts = self.parts
        if len(parts) == 1:  # most blocks are one line: nothing to join
            off, text = parts[0]
            segs: tuple[tuple[int, int, int], ...] = ((0, off, len(text)),)
        else:
            texts, joined, pos = [], [], 0
            for off, part in parts:
                if texts:
                    texts.append(" ")
                    pos += 1
                joined.append((pos, off, len(part)))
                texts.append(part)
                pos += len(part)
            text, segs = "".join(texts), tuple(joined)
        first, last = self.first, self.last
        end = last.start + len(last.text)
        span = _new_tuple(Span, ((first.start, end), (first.number, last.number), None, None))
        if text:
            self.blocks.append(Block(self.kind, text, span, self.level, segs, seq=len(self.blocks)))
        else:  # a marker with nothing after it ("#", "* ") holds no text: logged, not kept
            self.removed.append(Removal(NAME, "empty-markup", span, first.text.strip()))
        self.kind = None

    def single(self, kind: str, line: Line, parts: list[tuple[int, str]], level: int = 0) -> None:
        """Emit a block of one line whose text parts are already cut (a heading, a table row)."""
        self.close()
        self.kind, self.level, self.first, self.last, self.indent = kind, level, line, line, 0
        self.parts = parts
        self.close()

    def drop(self, line: Line, rule: str) -> None:
        self.close()
        self.removed.append(Removal(NAME, rule, Span((line.start, line.start + len(line.text)),
                                                     (line.number, line.number)), line.text.strip()))


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


# What a line is, where that takes more than one pattern (FENCE, RULE_LINE and TABLE_ROW say it
# alone). Each test reads one line's text on its own. ``read`` asks a test only where the line's
# first character after the indent (its head) is one the pattern needs there (the *_HEADS above):
# most lines fail on that alone, at the cost of a string comparison.

def list_marker(text: str, head: str) -> re.Match[str] | None:
    """The bullet (``-``, ``*``, ``+``, ``\u2022``) or number (``1.``, ``2)``) that opens a list item,
    else None; group 1 is the indent before it, ``end()`` the column its text starts at."""
    if head in BULLET_HEADS:
        return BULLET.match(text)
    return NUMBERED.match(text) if head.isdigit() else None


def quote_marker(text: str) -> int | None:
    """The column a quote line's text starts at (after ``>`` and one blank), else None."""
    q = QUOTE.match(text)
    return q.end() if q else None


def setext_level(text: str, under: Line) -> int | None:
    """The level of the setext heading whose text is this line and whose underline is ``under``,
    the line right after it (1 for ``===``, 2 for ``---``), else None. A bullet or a rule line
    over a ``---`` is not a heading's text."""
    if under.text.lstrip(" \t")[:1] not in SETEXT_HEADS or not SETEXT.match(under.text):
        return None
    if BULLET.match(text) or RULE_LINE.match(text):
        return None
    return 1 if "=" in under.text else 2


def nest(list_indents: list[int], indent: int) -> int:
    """The nesting level of a list item indented ``indent`` columns. ``list_indents`` holds the
    indents of the items above it, one per level, outermost first; it is updated to end in this
    one (deeper levels closed, a deeper indent opening a level)."""
    while list_indents and list_indents[-1] > indent:
        list_indents.pop()
    if not list_indents or list_indents[-1] < indent:
        list_indents.append(indent)
    return len(list_indents) - 1


def _in_context(lines: Iterator[Line]) -> Iterator[tuple[Line, Line | None, Line | None, bool]]:
    """Each line with the line right before it and the one right after it (None where that line
    is blank or off the page), and whether a blank line comes before it."""
    prev: Line | None = None
    prev_number = 0  # the number of the line before (0 before the first: a page's top is no gap)
    line = next(lines, None)
    while line is not None:
        following = next(lines, None)
        number = line.number
        if prev_number + 1 == number:
            before, after_blank = prev, False
        else:
            before, after_blank = None, prev is not None or number > 1
        nxt = following if following is not None and following.number == number + 1 else None
        yield line, before, nxt, after_blank
        prev, prev_number, line = line, number, following


# the blocks a blank line ends (a fence runs on over blank lines)
ENDED_BY_BLANK = ("paragraph", "list_item", "quote", "table")
# the kinds of block a line may carry on (a wrapped line, or one inside an open bracket)
CONTINUED_KINDS = ("paragraph", "list_item", "quote")


# What a line does: the state that carries from one line to the next, and one step per kind.

class _ReadState:
    """What carries across lines: the block being built, the indents of the open list's levels,
    whether a code fence is open, and whether the next line was taken as a setext underline."""

    __slots__ = ("block", "list_indents", "in_fence", "underline_taken", "width", "header_lines")

    def __init__(self, width: int | None, header_lines: int):
        self.block = _Builder()
        self.list_indents: list[int] = []
        self.in_fence = False
        self.underline_taken = False
        self.width = width  # the page's hard-wrap width (``wrap_width``), None if not wrapped
        self.header_lines = header_lines  # lines at the top where "Field: value" lines stand alone

    def fenced_line(self, line: Line, head: str) -> None:
        """A line inside an open fence: kept as written, up to the closing fence."""
        b = self.block
        if head in FENCE_HEADS and FENCE.match(line.text):
            self.in_fence = False
            b.last = line
            b.close()
        else:
            b.parts.append((line.start, line.text))
            b.last = line

    def open_fence(self, line: Line) -> None:
        self.block.open("code", line, len(line.text))
        self.in_fence = True

    def atx_heading(self, line: Line, atx: tuple[int, int, str]) -> None:
        level, start, heading = atx
        self.block.single("heading", line, [(line.start + start, heading)] if heading else [], level=level)
        self.list_indents.clear()

    def setext_heading(self, line: Line, under: Line, level: int) -> None:
        b = self.block
        b.open("heading", line, 0, level=level)
        b.last = under
        b.close()
        self.list_indents.clear()
        self.underline_taken = True

    def table_row(self, line: Line) -> None:
        """One block per row, its text the row between the outer pipes as written (a copy of the
        source, so the source map stays exact; normalize folds the padding later)."""
        text = line.text
        if TABLE_RULE.match(text):
            self.block.drop(line, "rule-line")
            return
        col = text.index("|") + 1
        inner = text.rstrip().rstrip("|")
        self.block.single("table", line, [_content(Line(line.number, line.start, inner), col)])

    def continues(self, line: Line, before: Line | None, marker: re.Match[str] | None, head: str) -> bool:
        """Whether the line carries on the open paragraph, list item or quote: it comes right after
        that block's last line, is no header field or bullet, and the line before was wrapped or
        the block has a bracket still open."""
        b = self.block
        text = line.text
        return (
            b.kind in CONTINUED_KINDS
            and not (line.number <= self.header_lines and HEADER_FIELD.match(text))
            and before is not None and b.last is before
            and not (marker is not None and head in BULLET_HEADS)  # a bullet opens an item
            and (_continues(before, line, self.width) or b.unbalanced())
        )

    def carry_on(self, line: Line, head: str) -> None:
        b = self.block
        # a quote's next line leaves out its own ">" where it has one
        quoted = b.kind == "quote" and head == ">" and quote_marker(line.text)
        b.add(line, quoted or 0)

    def list_item(self, line: Line, marker: re.Match[str]) -> None:
        indent = len(marker.group(1).expandtabs(4))
        level = nest(self.list_indents, indent)
        self.block.open("list_item", line, marker.end(), level=level, indent=indent)

    def item_goes_on(self, line: Line, before: Line | None) -> bool:
        """Whether the line, indented deeper than the open list item's marker and right under it,
        continues that item."""
        b = self.block
        text = line.text
        return (b.kind == "list_item" and before is not None and b.last is before
                and len(text) - len(text.lstrip()) > b.indent)

    def quote(self, line: Line, col: int) -> None:
        self.block.open("quote", line, col)

    def paragraph(self, line: Line, before: Line | None) -> None:
        # a line at the margin ends the list, unless it comes right under an item
        text = line.text
        if (self.block.kind != "list_item" or before is None) and len(text) == len(text.lstrip()):
            self.list_indents.clear()
        self.block.open("paragraph", line, 0)

    def finish(self, page: str) -> None:
        if self.in_fence:  # an open fence runs to the page's last line, blank or not
            self.block.last = last_line(page) or self.block.last
        self.block.close()


def read(doc: Document, cfg: ReadRules) -> Document:
    """Blocks from ``doc.text`` (a text page); markup lines that hold no text are logged.

    Only non-blank lines are visited (``text_lines``); a blank line shows as a gap in the line
    numbers, and "the line before/after" means the one numbered so.
    """
    page = doc.text
    state = _ReadState(wrap_width(page, cfg), cfg.header_lines)
    b = state.block
    for line, before, nxt, after_blank in _in_context(text_lines(page)):
        if state.underline_taken:
            state.underline_taken = False
            continue
        text = line.text
        # the first character after the indent (a line visited is never blank); most lines have none
        head = text[0] if text[0] not in " \t" else text.lstrip(" \t")[:1]
        if state.in_fence:
            state.fenced_line(line, head)
            continue
        if after_blank and b.kind in ENDED_BY_BLANK:
            b.close()
        # looked for once: a bullet does not carry on the block above, and a marker opens an item
        marker = list_marker(text, head)
        if head in FENCE_HEADS and FENCE.match(text):
            state.open_fence(line)
        elif head == "#" and (atx := atx_heading(text)):
            state.atx_heading(line, atx)
        elif nxt is not None and b.kind != "list_item" and (level := setext_level(text, nxt)):
            state.setext_heading(line, nxt, level)
        elif head in RULE_HEADS and RULE_LINE.match(text):
            b.drop(line, "rule-line")
        elif head == "|" and TABLE_ROW.match(text):
            state.table_row(line)
        elif b.kind in CONTINUED_KINDS and state.continues(line, before, marker, head):
            state.carry_on(line, head)
        elif marker:
            state.list_item(line, marker)
        elif b.kind == "list_item" and state.item_goes_on(line, before):
            b.add(line, 0)
        elif head == ">" and (col := quote_marker(text)) is not None:
            state.quote(line, col)
        else:
            state.paragraph(line, before)
    state.finish(page)
    return doc.evolve(NAME, blocks=b.blocks, cuts=b.removed)


def _continues(prev: Line, line: Line, width: int | None) -> bool:
    """Whether ``line`` carries on ``prev`` because the dump wrapped it at ``width`` columns."""
    if width is None:
        return False
    first_word = line.text.split(None, 1)[0]
    return len(prev.text.rstrip()) + 1 + len(first_word) > width
