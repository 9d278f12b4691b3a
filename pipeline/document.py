"""The one data model every stage reads and returns.

A Document holds the decoded source text and one list of the Blocks read from it. Stages never
mutate and never delete: they return a new Document (``doc.evolve``) whose blocks are labelled (a
dropped block keeps its place, with the stage, rule and reason that dropped it: ``Block.drop``) and
whose cuts/warnings logs have grown. ``sections`` and ``removed`` are built from the labels when they
are asked for (the JSON is made from them once, at output). A Block keeps, beside
its text, an ``origin`` map from positions in its text to offsets in the source text, so that a
stage which cuts part of a block (a link target, a footnote mark, operators leaked into a sentence)
can log exactly where in the source the cut part came from.
"""
from __future__ import annotations

from bisect import bisect_right
from operator import attrgetter
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Iterable, Mapping, NamedTuple, Sequence

from .textutil import TextFacts, text_facts

BLOCK_KINDS = ("heading", "paragraph", "list_item", "table", "quote", "code")
IMAGE_DROPPED = "image"  # block flag: an image was dropped from the block (what is left may be its caption)
CONTENTS_ENTRY = "contents"  # block flag: a dropped block that is an entry of the page's own table of contents
ROLES = ("body", "references", "links")


class Span(NamedTuple):
    """Where something came from: 0-based half-open char offsets and 1-based inclusive lines.
    (A named tuple, not a dataclass: one is made per removal, tens of thousands on a large page,
    and a tuple is built at C speed.)"""

    chars: tuple[int, int] | None
    lines: tuple[int, int]
    page: int | None = None
    xpath: str | None = None

    def join(self, other: Span) -> Span:
        if self.chars is None or other.chars is None:
            chars = self.chars or other.chars
        else:
            chars = (min(self.chars[0], other.chars[0]), max(self.chars[1], other.chars[1]))
        lines = (min(self.lines[0], other.lines[0]), max(self.lines[1], other.lines[1]))
        page = self.page if self.page is not None else other.page
        return Span(chars, lines, page, self.xpath or other.xpath)

    def to_json(self) -> dict:
        # one per block and per removal (tens of thousands on a large page): kept to plain steps
        chars = self.chars
        out: dict = {"chars": [chars[0], chars[1]] if chars is not None else None, "lines": [*self.lines]}
        if self.page is not None:
            out["page"] = self.page
        if self.xpath is not None:
            out["xpath"] = self.xpath
        return out


# A segment (text_start, source_start, length): block.text[t:t+n] was copied from source[s:s+n].
Segment = tuple[int, int, int]


_INF = float("inf")


@dataclass(slots=True, eq=False)
class Container:
    """An HTML element that blocks sit in and that says something about them: a sectioning tag
    (nav, footer, article, ...), class or id words, an ARIA role, or hidden. The reader makes one
    per such element (a plain ``<p>`` or ``<div>`` makes none: its blocks share the one above) and
    counts the text of the blocks under it; blocks reach their containers through ``Block.container``
    and ``parent``. Filled in once by the reader, read-only after."""

    parent: Container | None
    tag: str
    names: str  # its class and id attribute values, as written ("" for none)
    role: str | None  # its ARIA role, lower-cased
    hidden: bool  # hidden by the hidden attribute, aria-hidden="true" or an inline display:none
    text_chars: int = 0  # characters of the block text under it
    link_chars: int = 0  # ...of which link text
    blocks: int = 0  # blocks under it

    def chain(self) -> list[Container]:
        """It and its containers, innermost first."""
        out: list[Container] = []
        c: Container | None = self
        while c is not None:
            out.append(c)
            c = c.parent
        return out


@dataclass(frozen=True, slots=True)
class Drop:
    """The label of a dropped block: which stage dropped it, by which rule, and what it measured."""

    stage: str
    rule: str
    why: str | None = None
    by_cuts: bool = False  # the stage's cuts took all its text: they are its log, there is nothing more


@dataclass(frozen=True, slots=True, init=False)  # __init__ below: the generated one is slow
class Block:
    """A unit of text with its kind and provenance.

    ``level`` is the heading level for headings and the nesting depth (0 = top) for list items.
    ``link_chars`` counts characters of ``text`` that were link anchors in the source markup: the
    markup that said so is gone once links are flattened, the boilerplate signal is not.
    ``flags`` are facts stages leave for later stages (``IMAGE_DROPPED``: an image was dropped from it).
    ``role`` is the role of the section the block is in (``body``, ``references``, ``links``), as
    the sections stage labelled it; None before that.
    ``drop`` labels a dropped block (None while it is kept); ``seq`` is its place in the reader's
    order, which the parts of a split block and a merged block keep (the first part's), so that a
    stage's output can be put back in order among the blocks dropped before it.
    """

    kind: str
    text: str
    span: Span
    level: int = 0
    origin: tuple[Segment, ...] = ()
    link_chars: int = 0
    flags: frozenset[str] = frozenset()
    role: str | None = None
    drop: Drop | None = None
    seq: int = 0
    container: Container | None = None  # HTML: the innermost element around it that says something (None: none)
    _facts: TextFacts | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def facts(self) -> TextFacts:
        """Its words, sentences and the like, measured on first use and kept: the text never
        changes (a rewrite makes a new Block), so no stage measures it again."""
        if self._facts is None:
            object.__setattr__(self, "_facts", text_facts(self.text))
        return self._facts

    def __init__(self, kind: str, text: str, span: Span, level: int = 0, origin: tuple[Segment, ...] = (),
                 link_chars: int = 0, flags: frozenset[str] = frozenset(), role: str | None = None,
                 drop: Drop | None = None, seq: int = 0, container: Container | None = None) -> None:
        # a frozen dataclass's own __init__ sets each field with object.__setattr__; the slots' own
        # setters (_BLOCK_SETTERS, below the class) do the same a quarter faster, and every stage
        # makes Blocks (one per block read, one per block dropped)
        set_kind, set_text, set_span, set_level, set_origin, set_link_chars, set_flags, set_role, set_drop, \
            set_seq, set_container, set_facts = _BLOCK_SETTERS
        set_kind(self, kind)
        set_text(self, text)
        set_span(self, span)
        set_level(self, level)
        set_origin(self, origin)
        set_link_chars(self, link_chars)
        set_flags(self, flags)
        set_role(self, role)
        set_drop(self, drop)
        set_seq(self, seq)
        set_container(self, container)
        set_facts(self, None)

    def with_text(self, text: str, origin: tuple[Segment, ...] | None = None, **changes) -> Block:
        return replace(self, text=text, origin=self.origin if origin is None else origin, **changes)

    def source_offset(self, i: int, end: bool = False) -> int | None:
        """The source offset of text position ``i`` (for ``end``, of the position just before it)."""
        chars = self.span.chars
        if chars is None:
            return None
        segs = self.origin
        if not segs:
            return chars[1] if end else chars[0]
        x = i - 1 if end else i
        if len(segs) == 1:  # most blocks: one run copied from the source, no search
            k = 0 if segs[0][0] <= x else -1
        else:
            # (x, inf) sorts after every segment that starts at or before x: compared on the start only
            k = bisect_right(segs, (x, _INF)) - 1
        if k < 0:
            # i is in text no segment maps, before the first mapped text (a replacement at the start,
            # "fi" for "ﬁ"): it starts where the block's source starts, and ends where the mapped text does
            return segs[0][1] if end else chars[0]
        t, s, n = segs[k]
        if end:
            if i - t <= n:
                return s + (i - t)
            # text up to i ends in text no segment maps (a replacement, "é" for "Ã©"): it stands for
            # the source up to where the next mapped text starts
            return segs[k + 1][1] if k + 1 < len(segs) else chars[1]
        if i < t + n:
            return s + (i - t)
        # i falls in text that no segment maps (a replacement, "fi" for "ﬁ"): it stands for the
        # source from where the mapped text before it ends
        return s + n

    def subspan(self, start: int, end: int) -> Span:
        """The Span of ``text[start:end]`` in the source (lines of the whole block)."""
        a, b = self.source_offset(start), self.source_offset(end, end=True)
        if a is None or b is None:
            return self.span
        if b < a:
            b = a
        sp = self.span  # built directly: dataclasses.replace is slow on this hot path
        return Span((a, b), sp.lines, sp.page, sp.xpath)

    def to_json(self) -> dict:
        out: dict = {"kind": self.kind, "text": self.text}
        if self.kind == "heading" or (self.kind == "list_item" and self.level):
            out["level"] = self.level
        out["source"] = self.span.to_json()
        return out


# the setters of Block's slots, in the order Block.__init__ unpacks them
_BLOCK_SETTERS = tuple(Block.__dict__[name].__set__ for name in (
    "kind", "text", "span", "level", "origin", "link_chars", "flags", "role", "drop", "seq", "container", "_facts"))


def edit_text(block: Block, edits: Sequence[tuple[int, int, str]]) -> Block:
    """Apply non-overlapping edits ``(start, end, replacement)`` to the block text, keeping ``origin``.

    Text copied through unchanged keeps its mapping; replacement text maps to nothing (its source
    offset is taken from the mapped text after it).
    """
    if not edits:
        return block
    edits = sorted(edits)
    text = block.text
    pieces: list[str] = []
    new_segs: list[Segment] = []
    old_segs = block.origin
    # segments are in text order (as readers and edit_text make them): each copy then starts at
    # the first segment that can overlap and stops after the last, so many edits stay linear
    in_order = len(old_segs) < 2 or all(x[0] <= y[0] for x, y in zip(old_segs, old_segs[1:]))
    pos = 0  # position in old text
    out = 0  # position in new text
    for start, end, repl in edits:
        if start < pos:
            raise ValueError("overlapping edits")
        pieces.append(text[pos:start])
        copy_segments(old_segs, in_order, pos, start, out, new_segs)
        out += start - pos
        pieces.append(repl)
        out += len(repl)
        pos = end
    pieces.append(text[pos:])
    copy_segments(old_segs, in_order, pos, len(text), out, new_segs)
    b = block  # built directly: dataclasses.replace is slow on this hot path
    return Block(b.kind, "".join(pieces), b.span, b.level, tuple(new_segs), b.link_chars, b.flags, b.role,
                 b.drop, b.seq, b.container)


def copy_segments(old_segs: tuple[Segment, ...], in_order: bool, a: int, b: int, out_at: int,
                  new_segs: list[Segment], start: int | None = None) -> int:
    """Append to ``new_segs`` the mapping of old text[a:b], placed at ``out_at`` in the new text
    (a segment that continues the last one in both texts extends it). ``start``: a segment that
    starts at or before ``a``, for copies made in text order (the search walks on from it instead
    of bisecting). Returns the first segment that can overlap, where a later copy can start."""
    if a >= b:
        return start or 0
    # the first segment that can overlap: the last one starting at or before a
    if not in_order:
        first = 0
    elif start is None:
        first = max(0, bisect_right(old_segs, (a, _INF)) - 1)
    else:
        first, last = start, len(old_segs) - 1
        while first < last and old_segs[first + 1][0] <= a:
            first += 1
    for k in range(first, len(old_segs)):
        t, s, n = old_segs[k]
        if in_order and t >= b:
            break
        lo = a if a > t else t  # not max()/min(): this loop runs for every copied range
        hi = b if b < t + n else t + n
        if lo < hi:
            start, source = out_at + lo - a, s + lo - t
            if new_segs:
                pt, ps, pn = new_segs[-1]
                if pt + pn == start and ps + pn == source:
                    new_segs[-1] = (pt, ps, pn + hi - lo)
                    continue
            new_segs.append((start, source, hi - lo))
    return first


WORD_REACH = 30  # a rewrite is logged with the word around it, at most this far on each side


def rewritten_words(text: str, edits: Sequence[tuple[int, int, str]], new: str,
                    logged: Sequence[bool] | None = None) -> list[tuple[int, int, str]]:
    """The words that ``edits`` (sorted, as ``edit_text`` applies them to ``text``, giving ``new``)
    rewrite: ``(start, end, what text[start:end] became)``, one entry for all the edits in one word.
    A word is the non-blank run around an edit, at most WORD_REACH characters on each side. Only the
    edits that ``logged`` marks count (all by default); the others only move the text. One pass."""
    out: list[tuple[int, int, str]] = []
    group: list[int] | None = None  # [old start, old end, new start, shift after its last edit]
    shift = 0  # new position - old position, before the current edit
    for k, (s, e, repl) in enumerate(edits):
        if logged is None or logged[k]:
            a, b = _word_around(text, s, e)
            if group is not None and a < group[1]:  # another edit in the same word
                group[1] = max(group[1], b)
            else:
                if group is not None:
                    out.append((group[0], group[1], new[group[2]:group[1] + group[3]]))
                group = [a, b, a + shift, 0]
            group[3] = shift + len(repl) - (e - s)
        shift += len(repl) - (e - s)
    if group is not None:
        out.append((group[0], group[1], new[group[2]:group[1] + group[3]]))
    return out


def _word_around(text: str, s: int, e: int) -> tuple[int, int]:
    a = s
    while a > 0 and s - a < WORD_REACH and not text[a - 1].isspace():
        a -= 1
    b = e
    while b < len(text) and b - e < WORD_REACH and not text[b].isspace():
        b += 1
    return a, b


def merge_blocks(blocks: Sequence[Block], sep: str = " ", kind: str | None = None) -> Block:
    """One block from several: texts joined by ``sep``, spans and origins joined."""
    first = blocks[0]
    texts: list[str] = []
    segs: list[Segment] = []
    span = first.span
    out = 0
    links = 0
    flags: frozenset[str] = frozenset()
    for i, b in enumerate(blocks):
        if i:
            texts.append(sep)
            out += len(sep)
            span = span.join(b.span)
        segs.extend((t + out, s, n) for t, s, n in b.origin)
        texts.append(b.text)
        out += len(b.text)
        links += b.link_chars
        flags |= b.flags
    return replace(first, kind=kind or first.kind, text="".join(texts), span=span, origin=tuple(segs),
                   link_chars=links, flags=flags)


def slice_block(block: Block, start: int, end: int) -> Block:
    """The part ``text[start:end]`` of a block as a block of its own, with its own narrower span."""
    edits = []
    if end < len(block.text):
        edits.append((end, len(block.text), ""))
    if start > 0:
        edits.append((0, start, ""))
    part = edit_text(block, edits)
    return replace(part, span=block.subspan(start, end), link_chars=min(block.link_chars, len(part.text)))


def dropped(block: Block, stage: str, rule: str, why: str | None = None, *, contents: bool = False,
            by_cuts: bool = False) -> Block:
    """``block`` labelled as dropped by ``stage``'s ``rule`` (``contents``: it is an entry of the
    page's own table of contents, which the sections stage reads; ``by_cuts``: the stage's logged
    cuts took all of its text)."""
    flags = block.flags | {CONTENTS_ENTRY} if contents else block.flags
    b = block  # built directly: dataclasses.replace is slow, and most blocks of a page are dropped
    return Block(b.kind, b.text, b.span, b.level, b.origin, b.link_chars, flags, b.role, Drop(stage, rule, why, by_cuts),
                 b.seq, b.container)


def relabelled(block: Block, kind: str, level: int, role: str | None) -> Block:
    """``replace(block, kind=kind, level=level, role=role)``, built directly as ``dropped`` is: the
    sections stage relabels most blocks of a page (a test holds the two equal, every field set)."""
    b = block
    return Block(kind, b.text, b.span, level, b.origin, b.link_chars, b.flags, role, b.drop, b.seq, b.container)


class Removal(NamedTuple):
    """Something a stage took out (or rewrote), the rule that did it, and where it was.

    ``text`` is what was there in the block. ``why`` says what the rule measured or, for a rewrite
    (mojibake, an entity, a hyphen at a line break), what the text became. (A named tuple, as Span.)
    """

    stage: str
    rule: str
    span: Span
    text: str
    why: str | None = None
    seq: int = -1  # the reader's place of the block it came from (-1: no block), for the order of ``removed``

    def to_json(self) -> dict:
        out = {"stage": self.stage, "rule": self.rule, "source": self.span.to_json(), "text": self.text}
        if self.why:
            out["why"] = self.why
        return out


@dataclass(frozen=True, slots=True)
class PageWarning:
    """Something a stage did that a reader should check (a join across missing text, an empty page)."""

    stage: str
    code: str
    span: Span | None
    text: str

    def to_json(self) -> dict:
        return {"stage": self.stage, "code": self.code,
                "source": self.span.to_json() if self.span else None, "text": self.text}


def removal(stage: str, rule: str, block: Block, start: int = 0, end: int | None = None,
            why: str | None = None) -> Removal:
    """A Removal of a whole block, or of ``block.text[start:end]``."""
    if start == 0 and (end is None or end >= len(block.text)):
        return Removal(stage, rule, block.span, block.text, why, block.seq)
    end = len(block.text) if end is None else end
    return Removal(stage, rule, block.subspan(start, end), block.text[start:end], why, block.seq)


def rewrite(stage: str, rule: str, block: Block, start: int, end: int, replacement: str) -> Removal:
    """The log entry of a rewrite: ``block.text[start:end]`` became ``replacement``."""
    return removal(stage, rule, block, start, end, why=f"replaced by {replacement!r}" if replacement else "deleted")


@dataclass(frozen=True, slots=True)
class Section:
    """A heading and the blocks under it; the lead section has no heading and level 0."""

    id: str
    heading: Block | None
    level: int
    path: tuple[str, ...]
    role: str
    blocks: tuple[Block, ...]

    @property
    def text(self) -> str:
        """Paragraphs separated by one blank line; consecutive list items (and table rows) one per line."""
        out: list[str] = []
        prev_kind = None
        for b in self.blocks:
            if out:
                # list items one per line, and so are the rows of a table
                out.append("\n" if b.kind == prev_kind and b.kind in ("list_item", "table") else "\n\n")
            out.append(b.text)
            prev_kind = b.kind
        return "".join(out)

    @property
    def span(self) -> Span | None:
        spans = ([self.heading.span] if self.heading else []) + [b.span for b in self.blocks]
        if not spans:
            return None
        out = spans[0]
        for s in spans[1:]:
            out = out.join(s)
        return out


EMPTY_META: Mapping[str, object] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Document:
    """A page on its way through the pipeline."""

    name: str | None
    data: bytes = b""
    text: str = ""
    format: str = "text"
    encoding: str | None = None
    url: str | None = None
    site: str | None = None
    title: str | None = None
    language: str | None = None
    meta: Mapping[str, object] = field(default_factory=lambda: EMPTY_META)
    # HTML: the schema.org types the page's markup states for itself ("DiscussionForumPosting")
    stated_types: frozenset[str] = frozenset()
    # every block the reader made, in its order, kept or dropped (``Block.drop``): the one list
    blocks: tuple[Block, ...] = ()
    # what is measured once about the page after the reader (profile.Profile: language, word lists)
    profile: Any = None
    # a corpus run's template state (templates.TemplateState), None for a page cleaned on its own
    templates: Any = None
    # what was cut out of a block's text or rewritten in it, and source text that never became a
    # block: the part of ``removed`` that labels cannot hold
    cuts: tuple[Removal, ...] = ()
    warnings: tuple[PageWarning, ...] = ()
    stages: tuple[str, ...] = ()

    @property
    def kept(self) -> tuple[Block, ...]:
        """The blocks no stage dropped, in order: what a stage works on and what sections hold."""
        return tuple([b for b in self.blocks if b.drop is None])  # a list first: built faster than from a generator

    @property
    def contents(self) -> tuple[Block, ...]:
        """The page's own table of contents: the dropped blocks labelled as its entries (they name
        the page's headings; the sections stage reads them)."""
        return tuple(b for b in self.blocks if b.drop is not None and CONTENTS_ENTRY in b.flags)

    @property
    def sections(self) -> tuple[Section, ...]:
        """The sections, built from the kept blocks' labels: a heading block opens one (its level and
        the headings above it give its path), the blocks before the first heading are the lead."""
        return build_sections(self.kept)

    @property
    def removed(self) -> tuple[Removal, ...]:
        """Everything taken out: the cuts and the dropped blocks, stage by stage in the order the
        stages ran, within a stage in the reader's order of the blocks (a block's cuts before its
        drop)."""
        drops = [Removal(b.drop.stage, b.drop.rule, b.span, b.text, b.drop.why, b.seq)
                 for b in self.blocks if b.drop is not None and not b.drop.by_cuts]
        ran = {name: i for i, name in enumerate(self.stages)}
        last = len(ran)
        return tuple(sorted((*self.cuts, *drops), key=lambda r: (ran.get(r.stage, last), r.seq)))

    def evolve(self, stage: str, *, blocks: Iterable[Block] | None = None, cuts: Iterable[Removal] = (),
               warnings: Iterable[PageWarning] = (), meta: Mapping[str, object] | None = None,
               **changes) -> Document:
        """A new Document after ``stage``: logs extended, ``meta`` merged (first value of a key wins).

        ``blocks`` are what the stage made of the kept blocks (``kept``), the ones it dropped
        labelled: they are put back in the reader's order among the blocks dropped before."""
        if blocks is not None:
            earlier = [b for b in self.blocks if b.drop is not None]
            # a stable sort: blocks of one place (the parts of a split block) keep the given order
            changes["blocks"] = tuple(sorted((*earlier, *blocks), key=_SEQ)) if earlier else tuple(blocks)
        if meta:
            merged = dict(self.meta)
            for k, v in meta.items():
                if merged.get(k) is None and v is not None:
                    merged[k] = v
            changes["meta"] = MappingProxyType(merged)
        return replace(self, cuts=self.cuts + tuple(cuts), warnings=self.warnings + tuple(warnings),
                       stages=self.stages + (stage,), **changes)

    # notebook display (pipeline/report/notebook.py): a short repr, not every byte and block
    def __repr__(self) -> str:
        from .report.notebook import document_repr
        return document_repr(self)

    def _repr_html_(self) -> str:
        from .report.notebook import document_html
        return document_html(self)


_SEQ = attrgetter("seq")  # a block's place in the reader's order (a key read in C)


def build_sections(blocks: Sequence[Block]) -> tuple[Section, ...]:
    """Sections from labelled blocks, in order, with ids s0, s1, ..."""
    groups: list[tuple[Block | None, list[Block]]] = []
    for b in blocks:
        if b.kind == "heading":
            groups.append((b, []))
        elif groups:
            groups[-1][1].append(b)
        else:
            groups.append((None, [b]))
    out: list[Section] = []
    stack: list[tuple[int, str]] = []
    for heading, body in groups:
        if heading is None:
            out.append(Section("s0", None, 0, (), body[0].role or "body", tuple(body)))
            continue
        while stack and stack[-1][0] >= heading.level:
            stack.pop()
        stack.append((heading.level, heading.text))
        out.append(Section(f"s{len(out)}", heading, heading.level, tuple(t for _, t in stack),
                           heading.role or "body", tuple(body)))
    return tuple(out)
