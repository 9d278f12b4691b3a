"""markup: inline markdown-ish markup out of block texts, each cut logged where it was in the source.

Links keep their text (``[text](target)`` -> ``text``; the block's ``link_chars`` grows by it), images
go with their alt text (the block gets flag ``image``), emphasis markers and backslash escapes go,
struck-through text goes with its content, footnote marks (superscript digits glued to a word or a
link, numeric citations like ``[2,3]``) go, and a paragraph opening with a Unicode bullet becomes a
list item.

How a block is done: passes over a *masked* copy of its text find the markup. Each pass returns what
it takes, and what an earlier pass took (a link target, a URL, a code span, an escaped character, an
emphasis marker) is masked out with U+E000 before the next one reads the text, so a later pass never
reads characters inside a URL or an escape as markup, and cuts never overlap. All cuts are then
logged against the original block and applied with one ``edit_text``, which keeps the map back to
the source.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping, NamedTuple, Sequence

import regex

from ..document import IMAGE_DROPPED, Block, Document, Removal, Segment, copy_segments, dropped, edit_text, removal
from ..document import Span as SourceSpan
from ..patterns import required_chars

# Removal and Span are named tuples, whose own __new__ is a Python function; tuple.__new__ builds the
# same tuple in C (a block's cuts make two per cut, tens of thousands on a page of menus)
_new_tuple = tuple.__new__

NAME = "markup"
# an HTML reader has read the markup itself: in its text a "*" or "[1]" is literal
FORMATS = ("text",)  # page formats it acts on (others pass through)
REQUIRES = ()  # facts it reads: a listed stage that provides one runs before it
PROVIDES = ("plain-text", "link-counts", "image-flags")
INVALIDATES = ("sections",)  # facts it would make stale: no stage that provides one runs before it
MASK = "\ue000"  # stands for characters a pass has claimed; also in rules (\uE000) where it matters
SKIP_KINDS = ("code",)
BLANKS = re.compile(r"[ \t]{2,}")
OPENING_BRACKETS = "([{"


@dataclass(frozen=True)
class MarkupRules:
    trigger: regex.Pattern
    code_span: regex.Pattern
    url: regex.Pattern
    links: bool  # [text](target) links (the syntax is the scanner's, in code)
    images: bool
    link_id: str
    max_link_text: int
    max_target: int
    # a link with nothing nested, escaped or quoted: "[", a text without "[", "]" or a backslash,
    # "](", a target without parentheses, backslashes or quotes, ")" (the scanner's common case)
    simple_link: re.Pattern
    reference_label: regex.Pattern
    image_id: str
    autolink_id: str
    autolink: regex.Pattern
    definition_id: str
    definition: regex.Pattern
    dangling_id: str
    dangling: regex.Pattern
    escape_id: str
    escape: regex.Pattern
    strike_id: str
    strike: regex.Pattern
    emphasis_id: str
    emphasis: tuple[regex.Pattern, ...]
    footnote_id: str
    superscript: regex.Pattern
    units: frozenset[str]
    math: regex.Pattern
    citation: regex.Pattern
    footnote_link_text: regex.Pattern
    bullet_id: str
    bullet: regex.Pattern
    # per pattern field, the characters a text must hold for the pattern to match there (see
    # patterns.required_chars), and under "passes" what any pass after the links that cuts needs:
    # most blocks skip most passes, and a block of links alone skips them all
    needs: Mapping[str, tuple[frozenset[str], ...]]
    emphasis_needs: tuple[tuple[frozenset[str], ...], ...]
    # the same, each set as a character class searched for in C (``_may_hold``): asking a text
    # whether it holds one of a few characters costs less than a set of all its characters
    gates: Mapping[str, Gate]
    emphasis_gates: tuple[Gate, ...]
    cutting_gates: tuple[Gate, ...]  # the gate of each pass after the links that cuts (CUTTING_PASSES, emphasis)


NEVER = regex.compile(r"(?!)")
NEEDS_NOTHING: tuple[frozenset[str], ...] = ()


def _needs(pattern) -> tuple[frozenset[str], ...]:
    if pattern is NEVER:
        return (frozenset(),)  # never matches: no text holds a character of the empty set
    return required_chars(pattern.pattern, pattern.flags)


# one character class per set of characters a match needs: a text lacking one of them has no match
Gate = tuple[re.Pattern, ...]


def _gate(needs: tuple[frozenset[str], ...]) -> Gate:
    """The gate of a pattern that ``needs`` those sets. The passes read a masked text, which may
    hold MASK where the text does not: a set holding MASK is always met, and left out."""
    return tuple(re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]") if chars else NO_CHARS
                 for chars in needs if MASK not in chars)


NO_CHARS = re.compile(r"(?!)")  # the empty set of characters: no text holds one


def _may_hold(text: str, gate: Gate) -> bool:
    """Whether ``text`` (or the masked text made from it) may hold a match (False: surely none)."""
    for chars in gate:
        if chars.search(text) is None:
            return False
    return True


def _passes_may_cut(present: str, r: MarkupRules) -> bool:
    """Whether a pass after the links may cut in a text holding ``present``'s characters (False:
    surely none does). The one gate of all of them first, then each pass's own: a text holding a
    character one of them needs (")" of a dangling target) may lack the others it needs ("(#")."""
    return _may_hold(present, r.gates["passes"]) and any(_may_hold(present, gate) for gate in r.cutting_gates)


def compile(section: Mapping, where) -> MarkupRules:
    """Each behaviour runs only where its rules are given: a missing pattern (or a missing ``link`` /
    ``image`` section) turns that behaviour off, and without ``trigger`` the stage does nothing."""
    def rx(sec: Mapping, key: str, w) -> regex.Pattern:
        value = w.get(sec, key, str, None)
        return NEVER if value is None else w.at(key).regex(value)

    def sub(key: str) -> tuple[Mapping, object]:
        value = where.get(section, key, Mapping, {})
        return value, where.at(key)

    def rid(sec: Mapping, w, default: str) -> str:
        value = w.get(sec, "id", str, default)
        if not value:
            raise w.at("id").error("a rule id may not be empty")
        return value

    link, wl = sub("link")
    image, wi = sub("image")
    auto, wa = sub("autolink")
    definition, wd = sub("link_definition")
    dangling, wg = sub("dangling_target")
    escape, we = sub("escape")
    strike, ws = sub("strikethrough")
    emph, wm = sub("emphasis")
    foot, wf = sub("footnote")
    bullet, wb = sub("bullet")
    patterns = wm.get(emph, "patterns", (list, tuple), ())
    emphasis = []
    for i, p in enumerate(patterns):
        compiled = wm.at("patterns", i).regex(p)
        if not {"open", "close"} <= set(compiled.groupindex):
            raise wm.at("patterns", i).error("an emphasis pattern needs groups named `open` and `close`")
        emphasis.append(compiled)
    units = wf.get(foot, "units", (list, tuple), ())
    if not all(isinstance(u, str) for u in units):
        raise wf.at("units").error("expected a list of strings")
    max_text = wl.integer(link, "max_text", 500, lo=1)
    max_target = wl.integer(link, "max_target", 2048, lo=1)
    autolink = rx(auto, "pattern", wa)
    if autolink is not NEVER and autolink.groups < 1:
        raise wa.at("pattern").error("the pattern needs a group around the URL it keeps")
    found = dict(
        trigger=rx(section, "trigger", where),
        code_span=rx(section, "code_span", where),
        url=rx(section, "url", where),
        links=bool(link),
        images=bool(image),
        link_id=rid(link, wl, "link-target"),
        max_link_text=max_text,
        max_target=max_target,
        simple_link=_simple_link(max_text, max_target),
        reference_label=rx(link, "reference_label", wl),
        image_id=rid(image, wi, "image"),
        autolink_id=rid(auto, wa, "autolink"),
        autolink=autolink,
        definition_id=rid(definition, wd, "link-definition"),
        definition=rx(definition, "pattern", wd),
        dangling_id=rid(dangling, wg, "link-target"),
        dangling=rx(dangling, "pattern", wg),
        escape_id=rid(escape, we, "escape"),
        escape=rx(escape, "pattern", we),
        strike_id=rid(strike, ws, "strikethrough"),
        strike=rx(strike, "pattern", ws),
        emphasis_id=rid(emph, wm, "emphasis"),
        emphasis=tuple(emphasis),
        footnote_id=rid(foot, wf, "footnote-mark"),
        superscript=rx(foot, "superscript", wf),
        units=frozenset(units),
        math=rx(foot, "math", wf),
        citation=rx(foot, "citation", wf),
        footnote_link_text=rx(foot, "link_text", wf),
        bullet_id=rid(bullet, wb, "bullet"),
        bullet=rx(bullet, "pattern", wb),
    )
    needs = {key: _needs(value) for key, value in found.items() if hasattr(value, "pattern")}
    emphasis_needs = tuple(_needs(p) for p in emphasis)
    needs["passes"] = _any_of([needs[key] for key in CUTTING_PASSES] + list(emphasis_needs))
    gates = {key: _gate(sets) for key, sets in needs.items()}
    emphasis_gates = tuple(_gate(sets) for sets in emphasis_needs)
    return MarkupRules(**found, needs=MappingProxyType(needs), emphasis_needs=emphasis_needs,
                       gates=MappingProxyType(gates), emphasis_gates=emphasis_gates,
                       cutting_gates=tuple(gates[key] for key in CUTTING_PASSES) + emphasis_gates)


# the passes that run after the links and cut, by their pattern fields (and the emphasis patterns).
# The url pass runs among them but only claims: it hides URLs from the passes after it, and a text
# none of these may cut in has no cut after the links, whatever URLs it holds
CUTTING_PASSES = ("autolink", "dangling", "escape", "strike", "superscript", "citation")


def _any_of(needs: list[tuple[frozenset[str], ...]]) -> tuple[frozenset[str], ...]:
    """What a text needs for one of several patterns to match: a character of one of their sets."""
    if not all(needs):
        return NEEDS_NOTHING  # one of them needs nothing sure
    return (frozenset().union(*(sets[0] for sets in needs)),)


# --- links ----------------------------------------------------------------------------------------

@dataclass(slots=True)
class _Link:
    start: int  # the "[" (or "!" of an image)
    text_start: int
    text_end: int  # the "]"
    end: int  # after ")" or the label's "]"
    image: bool


def _escaped(text: str, i: int) -> bool:
    n = 0
    while i - n - 1 >= 0 and text[i - n - 1] == "\\":
        n += 1
    return n % 2 == 1


# the scanner's own patterns are simple: the standard library's engine runs them with less overhead
BRACKET_MARKS = re.compile(r"\\.|[\[\]]", re.S)
PAREN_MARKS = re.compile(r"\\.|[()]|(?<=[ \t])[\"']", re.S)
_PAREN_SPECIAL = re.compile(r"[()\\\"']")  # what may make PAREN_MARKS find more than a ")"


def _simple_link(max_text: int, max_target: int) -> re.Pattern:
    """What ``_close_bracket`` and ``_close_paren`` find at once where nothing is nested, escaped or
    quoted: the text (group 1) ends at the first "]" and the target at the first ")", within the
    same limits."""
    return re.compile(r"\[([^\[\]\\]{0,%d})\]\([^()\\\"']{0,%d}\)" % (max_text, max_target))


def _close_bracket(masked: str, j: int, end: int, limit: int) -> int | None:
    """Index of the "]" matching the "[" at ``j`` (nesting and escapes respected), or None."""
    stop = min(end, j + limit + 2)
    close = masked.find("]", j + 1, stop)
    if close < 0:  # the common case of a bracket that never closes
        return None
    if masked.find("[", j + 1, close) < 0 and masked.find("\\", j + 1, close) < 0:
        return close  # and of one that closes at the first "]": nothing nested or escaped
    depth = 0
    for m in BRACKET_MARKS.finditer(masked, j, stop):
        c = m.group()
        if c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
            if depth == 0:
                return m.start()
    return None


def _close_paren(masked: str, k: int, end: int, limit: int) -> int | None:
    """Index of the ")" that ends the link target opened at ``k``, or None.

    Parentheses nest (URLs such as .../Cancer_(disease)); a quoted title may hold any of them.
    """
    stop = min(end, k + limit + 2)
    close = masked.find(")", k + 1, stop)
    if close < 0:
        return None
    if not _PAREN_SPECIAL.search(masked, k + 1, close):
        return close  # the common case: nothing nested, escaped or quoted before the first ")"
    depth = 0
    pos = k
    while True:
        m = PAREN_MARKS.search(masked, pos, stop)
        if not m:
            return None
        c = m.group()
        if c in "\"'":  # a title: skip to its closing quote
            q = masked.find(c, m.end(), stop)
            if q < 0:
                return None
            pos = q + 1
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return m.start()
        pos = m.end()


def _find_links(masked: str, start: int, end: int, r: MarkupRules, out: list[_Link], inner: bool = False) -> None:
    simple_link = r.simple_link.match
    i = start
    while True:
        j = masked.find("[", i, end)
        if j < 0:
            return
        if j and masked[j - 1] == "\\" and _escaped(masked, j):  # most have no backslash before
            i = j + 1
            continue
        image = j > start and masked[j - 1] == "!" and not _escaped(masked, j - 1)
        simple = simple_link(masked, j, end)
        if simple is not None:  # the common case, found with one match
            if not (r.images if image else r.links):
                i = j + 1  # plain bracketed text
                continue
            if not inner or image:
                out.append(_Link(j - 1 if image else j, j + 1, simple.end(1), simple.end(), image))
            i = simple.end()
            continue
        close = _close_bracket(masked, j, end, r.max_link_text)
        if close is None:
            i = j + 1
            continue
        k = close + 1
        link = None
        if k < end and masked[k] == "(":
            tend = _close_paren(masked, k, end, r.max_target)
            if tend is not None:
                link = _Link(j - 1 if image else j, j + 1, close, tend + 1, image)
        elif k < end and masked[k] == "[":
            # [text][label]; "[1][2]" are two citations, not a link labelled 2
            m = r.reference_label.match(masked, k + 1, end)
            if m and m.end() < end and masked[m.end()] == "]" \
                    and not r.footnote_link_text.fullmatch(masked, j + 1, close):
                link = _Link(j - 1 if image else j, j + 1, close, m.end() + 1, image)
        if link is None or not (r.images if link.image else r.links):
            i = j + 1  # plain bracketed text: links inside it are still links
            continue
        if not inner or link.image:
            out.append(link)
        # images inside link text ([![logo](src)](href)) are dropped too
        if not link.image and masked.find("[", link.text_start, link.text_end) >= 0:
            _find_links(masked, link.text_start, link.text_end, r, out, inner=True)
        i = link.end


# --- the block ------------------------------------------------------------------------------------
#
# Each pass reads the block's text as the passes before it left it masked, and returns what it takes:
# cuts (start, end, rule id), characters that go, or claims (start, end), characters that stay but
# that no later pass may read as markup. A pass changes nothing it is given; _block_cuts runs them in
# order and masks what each one took before the next one reads the text.

Cut = tuple[int, int, str]
Span = tuple[int, int]


class _Taken:
    """What the passes have taken from one block so far: its cuts, and its text with the cuts and
    claims masked out.

    Spans are put into the masked text when a pass next reads it: one pass over the text per pass
    that runs, however many spans came before it.
    """

    __slots__ = ("_masked", "_pending", "cuts")

    def __init__(self, text: str):
        self.cuts: list[Cut] = []
        self._masked = text
        self._pending: list[Span] = []  # not yet in _masked

    def masked(self) -> str:
        if self._pending:
            self._masked = _mask(self._masked, self._pending)
            self._pending = []
        return self._masked

    def unmasked(self) -> str:
        """The masked text without the spans claimed or cut since it was last made: it holds the
        characters the masked text holds, MASK aside, and is cheaper to make when the spans cover
        much (link targets). The passes after the links may all be skipped, and then no masked
        text is needed."""
        return _without(self._masked, self._pending)

    def claim(self, spans: list[Span]) -> None:
        self._pending += spans

    def cut(self, cuts: list[Cut]) -> None:
        for s, e, rule in cuts:
            if e > s:  # a pattern that matched nothing cuts nothing
                self.cuts.append((s, e, rule))
                self._pending.append((s, e))

    def cut_whole(self, spans: _Spans, rule: str) -> None:
        """Each span goes whole, with the cuts made inside it before (they would be nested)."""
        self.cuts = [cut for cut in self.cuts if not spans.holds(cut[0], cut[1])]
        self.cut([(s, e, rule) for s, e in spans.spans])


def _without(text: str, spans: list[Span]) -> str:
    """``text`` without the characters of ``spans`` (which may overlap)."""
    pieces: list[str] = []
    pos = 0
    for a, b in sorted(spans):
        if a < pos:
            a = pos
        if b > a:
            pieces.append(text[pos:a])
            pos = b
    pieces.append(text[pos:])
    return "".join(pieces)


def _mask(text: str, spans: list[Span]) -> str:
    """``text`` with the characters of ``spans`` (which may overlap) replaced by MASK."""
    pieces: list[str] = []
    pos = 0
    for a, b in sorted(spans):
        a = max(a, pos)
        if b > a:
            pieces.append(text[pos:a])
            pieces.append(MASK * (b - a))
            pos = b
    pieces.append(text[pos:])
    return "".join(pieces)


def _block_cuts(block: Block, r: MarkupRules, links: list[_Link] | None = None) -> tuple[list[Cut], int, bool]:
    """(cuts, link_chars, had_image) for a block that holds markup. A pass whose pattern needs a
    character the (masked) text lacks is skipped. ``links``: the links, where they were found
    already (in a block without code spans)."""
    text = block.text
    gates = r.gates
    present = text  # a text that holds the characters of the masked text (but MASK)
    taken = _Taken(text)
    if links is None:
        if _may_hold(present, gates["code_span"]):
            taken.claim(_code_spans(text, r))
        links = _links(taken.masked(), r) if (r.links or r.images) and "[" in text else []
    anchors: Sequence[_Link] = ()  # links whose text stays
    images: Sequence[_Link] = ()
    if links:
        taken.claim(_link_markup(links))
        anchors, marks, images = _sort_links(text, links, r)
        if marks:
            taken.cut([(ln.start, ln.end, r.footnote_id) for ln in marks])
        # the passes below read the masked text: without the link targets it has fewer characters
        present = taken.unmasked()
    urls: Sequence[Span] = ()  # of autolinks: anchors like link texts
    struck = None
    if _may_hold(present, gates["passes"]):  # each pass is gated on its own below
        link_ends = {ln.end for ln in anchors}  # where a footnote mark may follow
        if _may_hold(present, gates["autolink"]):
            brackets, urls = _autolinks(taken.masked(), r)
            taken.cut(brackets)
            taken.claim(urls)
        if _may_hold(present, gates["url"]):
            taken.claim(_urls(taken.masked(), r))
        if _may_hold(present, gates["dangling"]):
            dangling = _dangling_targets(taken.masked(), r)
            taken.cut(dangling)
            link_ends.update(e for _, e, _ in dangling)
        if _may_hold(present, gates["escape"]):
            backslashes, escaped = _escapes(taken.masked(), r)
            taken.cut(backslashes)
            taken.claim(escaped)
        if _may_hold(present, gates["strike"]):
            spans = _struck_through(taken.masked(), r)
            if spans:
                struck = _Spans(spans)
                taken.cut_whole(struck, r.strike_id)
        for pattern, pattern_gate in zip(r.emphasis, r.emphasis_gates):
            if _may_hold(present, pattern_gate):  # each pattern reads what the one before left
                taken.cut(_emphasis_markers(taken.masked(), pattern, r.emphasis_id))
        if _may_hold(present, gates["superscript"]):
            taken.cut(_superscript_marks(taken.masked(), r, link_ends))
        if _may_hold(present, gates["citation"]):
            taken.cut(_citations(taken.masked(), r))
    if struck is not None:  # links inside struck-through text went with it
        anchors = [ln for ln in anchors if not struck.holds(ln.start, ln.end)]
        images = [ln for ln in images if not struck.holds(ln.start, ln.end)]
    # link cuts come last: they are markup a pass may never read, claimed since the links pass
    if not taken.cuts and not images and not urls:
        # links alone (most blocks): their cuts are their markup, apart from their texts
        cuts = _settle(_link_cuts(anchors, images, r))
        return cuts, sum(ln.text_end - ln.text_start for ln in anchors), False
    cuts = _settle(taken.cuts + _link_cuts(anchors, images, r))
    return cuts, _link_chars(cuts, anchors, urls), bool(images)


def _links_alone(text: str, links: list[_Link], r: MarkupRules) -> tuple[list[Cut], int, bool] | None:
    """(cuts, link_chars, had_image) of a block without code spans whose only markup is ``links``
    (links and images, no footnote marks), as ``_block_cuts`` gives them: most blocks are menu
    entries and link lists, and for them no pass after the links cuts, so none of its bookkeeping
    is needed. None for any other block (a mark, or a character a later pass needs outside the
    link markup)."""
    link_id = r.link_id
    cuts: list[Cut] = []
    rest: list[str] = []  # the text the passes would read: the links' markup masked
    pos = link_chars = 0
    for ln in links:  # in text order: the scanner goes on after each link's end
        if ln.image:
            return _links_and_images_alone(text, links, r)
        if _is_mark(text, ln, r):
            return None
        rest.append(text[pos:ln.start])
        rest.append(text[ln.text_start:ln.text_end])
        cuts.append((ln.start, ln.text_start, link_id))
        cuts.append((ln.text_end, ln.end, link_id))
        link_chars += ln.text_end - ln.text_start
        pos = ln.end
    rest.append(text[pos:])
    if _passes_may_cut("".join(rest), r):
        return None
    return cuts, link_chars, False


def _links_and_images_alone(text: str, links: list[_Link], r: MarkupRules) -> tuple[list[Cut], int, bool] | None:
    """``_links_alone`` for links among which are images: an image may sit in a link's text
    ("[![logo](l.png)](/)"), and takes its alt text with it."""
    if any(not ln.image and _is_mark(text, ln, r) for ln in links):
        return None
    if _passes_may_cut(_without(text, _link_markup(links)), r):
        return None
    anchors = [ln for ln in links if not ln.image]
    cuts = _settle(_link_cuts(anchors, [ln for ln in links if ln.image], r))
    return cuts, _link_chars(cuts, anchors, ()), True


# --- the passes, in the order they run ------------------------------------------------------------

def _code_spans(text: str, r: MarkupRules) -> list[Span]:
    """Inline code, claimed: it is as written, nothing inside it is markup."""
    return [m.span() for m in r.code_span.finditer(text)]


def _links(masked: str, r: MarkupRules) -> list[_Link]:
    """The links and images of the block (the syntax is the scanner's, not a pattern's); an image
    inside a link's text comes after that link."""
    links: list[_Link] = []
    _find_links(masked, 0, len(masked), r, links)
    return links


def _link_markup(links: list[_Link]) -> list[Span]:
    """What of the links is markup, claimed: an image whole, a link's "[" and "](target)"."""
    spans: list[Span] = []
    for ln in links:
        if ln.image:
            spans.append((ln.start, ln.end))
        else:
            spans.append((ln.start, ln.text_start))
            spans.append((ln.text_end, ln.end))
    return spans


def _sort_links(text: str, links: list[_Link], r: MarkupRules) -> tuple[list[_Link], list[_Link], list[_Link]]:
    """(anchors, marks, images): a link that is only a footnote number glued to what it marks
    ("studies[1](#cite-1)") is a mark, cut whole; one in brackets of its own ("([1](https://...))")
    is a citation written out, and keeps its number as an anchor."""
    anchors: list[_Link] = []
    marks: list[_Link] = []
    images: list[_Link] = []
    for ln in links:
        if ln.image:
            images.append(ln)
        elif _is_mark(text, ln, r):
            marks.append(ln)
        else:
            anchors.append(ln)
    return anchors, marks, images


def _is_mark(text: str, ln: _Link, r: MarkupRules) -> bool:
    """Whether a link (not an image) is a footnote mark: its text a number, glued to a word."""
    return ln.start > 0 and not text[ln.start - 1].isspace() and text[ln.start - 1] not in OPENING_BRACKETS \
        and r.footnote_link_text.fullmatch(text, ln.text_start, ln.text_end) is not None


def _autolinks(masked: str, r: MarkupRules) -> tuple[list[Cut], list[Span]]:
    """<url>: (the angle brackets, cut; the URLs, claimed: each stays, as the anchor)."""
    brackets: list[Cut] = []
    urls: list[Span] = []
    for m in r.autolink.finditer(masked):
        brackets.append((m.start(), m.start() + 1, r.autolink_id))
        brackets.append((m.end() - 1, m.end(), r.autolink_id))
        urls.append(m.span(1))
    return brackets, urls


def _urls(masked: str, r: MarkupRules) -> list[Span]:
    """Bare URLs, claimed: the markup characters inside them (snake_case, a*b) are not markup."""
    return [m.span() for m in r.url.finditer(masked)]


def _dangling_targets(masked: str, r: MarkupRules) -> list[Cut]:
    """Link targets whose text is gone ("Side Effects(#)"), cut; a footnote mark may follow one."""
    return [(m.start(), m.end(), r.dangling_id) for m in r.dangling.finditer(masked)]


def _escapes(masked: str, r: MarkupRules) -> tuple[list[Cut], list[Span]]:
    """Backslash escapes: (the backslashes, cut; the escaped characters, claimed: text, never markup)."""
    backslashes: list[Cut] = []
    escaped: list[Span] = []
    for m in r.escape.finditer(masked):
        backslashes.append((m.start(), m.start() + 1, r.escape_id))
        escaped.append((m.start() + 1, m.end()))
    return backslashes, escaped


def _struck_through(masked: str, r: MarkupRules) -> list[Span]:
    """Struck-through text, markers and all: it goes whole, with whatever markup it held."""
    return [m.span() for m in r.strike.finditer(masked)]


def _emphasis_markers(masked: str, pattern: regex.Pattern, rule: str) -> list[Cut]:
    """The opening and closing markers of one emphasis pattern's matches, cut; the text stays."""
    cuts: list[Cut] = []
    for m in pattern.finditer(masked):
        cuts.append((m.start("open"), m.end("open"), rule))
        cuts.append((m.start("close"), m.end("close"), rule))
    return cuts


def _superscript_marks(masked: str, r: MarkupRules, link_ends: set[int]) -> list[Cut]:
    """Superscript runs that are footnote marks (not exponents, units or other content), cut."""
    cuts: list[Cut] = []
    for m in r.superscript.finditer(masked):
        start = _footnote_context(masked, m.start(), r, link_ends)
        if start is not None:
            cuts.append((start, m.end(), r.footnote_id))
    return cuts


def _footnote_context(masked: str, p: int, r: MarkupRules, link_ends: set[int]) -> int | None:
    """Where a footnote cut starting near ``p`` (a superscript run) starts, or None if it is content."""
    if p == 0:
        return None
    c = masked[p - 1]
    if c in " \t":  # only a link may have its mark after a blank: "[Anatomy Gallery](#) ²"
        q = p - 1
        while q > 0 and masked[q - 1] in " \t":
            q -= 1
        return q if q in link_ends else None
    if c == MASK or c in ".,;:!?]\"'”’*":
        return p
    if c == ")":
        o = masked.rfind("(", max(0, p - 42), p - 1)
        inner = masked[o + 1:p - 1] if o >= 0 else ""
        if o >= 0 and (len(inner.strip()) <= 2 or r.math.search(inner)):
            return None  # (x+1)², (a)²: an exponent
        return p
    if c.isdigit():
        return None  # 10⁶
    if c.isalpha():
        q = p - 1
        while q > 0 and masked[q - 1].isalpha():
            q -= 1
        word = masked[q:p]
        if len(word) == 1 or word in r.units:
            return None  # x², m², cm³
        return p
    return None


def _citations(masked: str, r: MarkupRules) -> list[Cut]:
    """Numeric citations after a word ("growth[2,3]"), cut."""
    return [(m.start(), m.end(), r.footnote_id) for m in r.citation.finditer(masked)]


def _link_cuts(anchors: Sequence[_Link], images: Sequence[_Link], r: MarkupRules) -> list[Cut]:
    """The links still standing: "[" and "](target)" of each link cut, each image cut whole."""
    cuts: list[Cut] = []
    for ln in images:
        cuts.append((ln.start, ln.end, r.image_id))
    for ln in anchors:
        cuts.append((ln.start, ln.text_start, r.link_id))
        cuts.append((ln.text_end, ln.end, r.link_id))
    return cuts


def _link_chars(cuts: list[Cut], anchors: Sequence[_Link], urls: Sequence[Span]) -> int:
    """Characters of link anchors (link texts, autolink URLs) that no cut took."""
    if not anchors and not urls:
        return 0
    if len(anchors) + len(urls) <= 2 and len(cuts) <= 8:
        # a few anchors and cuts (most blocks): overlaps counted directly; cuts never overlap
        cut = _FewSpans(cuts)
    else:
        cut = _Spans([(s, e) for s, e, _ in cuts])
    link_chars = 0
    for ln in anchors:
        link_chars += ln.text_end - ln.text_start - cut.covered(ln.text_start, ln.text_end)
    for s, e in urls:
        link_chars += e - s - cut.covered(s, e)
    return link_chars


class _Spans:
    """Sorted, non-overlapping (start, end) spans with logarithmic look-ups (blocks may hold
    thousands of links; no per-link scan over all cuts)."""

    def __init__(self, spans: list[tuple[int, int]]):
        self.spans = sorted(spans)
        self.starts = [s for s, _ in self.spans]
        self.prefix = [0]
        for s, e in self.spans:
            self.prefix.append(self.prefix[-1] + e - s)

    def __bool__(self) -> bool:
        return bool(self.spans)

    def holds(self, a: int, b: int) -> bool:
        """Whether one span contains all of [a, b)."""
        k = bisect_right(self.starts, a) - 1
        return k >= 0 and self.spans[k][1] >= b

    def _before(self, x: int) -> int:
        k = bisect_right(self.starts, x) - 1
        if k < 0:
            return 0
        s, e = self.spans[k]
        return self.prefix[k] + min(x, e) - s

    def covered(self, a: int, b: int) -> int:
        """How many characters of [a, b) the spans cover."""
        return self._before(b) - self._before(a)


NO_SPANS = _Spans([])


class _FewSpans:
    """Non-overlapping cuts, few: ``covered`` as _Spans gives it, without building an index."""

    def __init__(self, cuts: list[Cut]):
        self.cuts = cuts

    def covered(self, a: int, b: int) -> int:
        total = 0
        for s, e, _ in self.cuts:
            lo, hi = max(a, s), min(b, e)
            if lo < hi:
                total += hi - lo
        return total


def _settle(cuts: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Cuts sorted, and a cut nested in a wider one (an image inside a footnote link) left out."""
    cuts = sorted(cuts)
    out: list[tuple[int, int, str]] = []
    for s, e, rule in cuts:
        if out and s < out[-1][1]:
            if e <= out[-1][1]:
                continue
            s = out[-1][1]
        out.append((s, e, rule))
    return out


def _tidy(cuts: list[tuple[int, int, str]], text: str, content_rules: frozenset[str]) -> list[tuple[int, int, str]]:
    """Let a cut that took content (an image, a citation) take the blank before it when a blank or
    the end follows, so that no doubled or trailing blank is left behind."""
    out: list[tuple[int, int, str]] = []
    prev_end = 0
    for s, e, rule in cuts:
        if rule in content_rules and s > prev_end and text[s - 1] in " \t":
            after = text[e] if e < len(text) else ""
            if after == "" or after in " \t.,;:!?)":
                q = s - 1
                while q > prev_end and text[q - 1] in " \t":
                    q -= 1
                s = q
        out.append((s, e, rule))
        prev_end = e
    return out


class _Plan(NamedTuple):
    """The cuts markup makes in a text, and what they tell of the block holding it."""

    cuts: list[Cut]  # sorted, none overlapping
    link_chars: int
    had_image: bool
    list_item: bool


DEFINITIONS = _Plan([], 0, False, False)  # the text is link definitions only: its block goes
_UNPLANNED = object()


def _plan(block: Block, r: MarkupRules, content_rules: frozenset[str]) -> _Plan | None:
    """What markup does to the block's text (None: it holds none). It reads the text and whether
    the block is a paragraph only, so a page's blocks of one text share it (menus and share bars
    repeat on a page)."""
    text = block.text
    bullet = None
    # a bullet is never a letter or digit: most blocks skip the pattern
    if block.kind == "paragraph" and text and not text[0].isalnum() and _may_hold(text, r.gates["bullet"]):
        bullet = r.bullet.match(text)
    # the trigger's gate, searched in C with less overhead, turns most prose away before the trigger runs
    if not bullet and not (_may_hold(text, r.gates["trigger"]) and r.trigger.search(text)):
        return None
    if _may_hold(text, r.gates["definition"]) and _definitions(text, r):
        return DEFINITIONS
    # without code spans the links are found in the text itself: found once, for both ways below
    links = _links(text, r) if (r.links or r.images) and "[" in text \
        and not _may_hold(text, r.gates["code_span"]) else None
    alone = None if not links or bullet or r.link_id in content_rules else _links_alone(text, links, r)
    if alone is not None:  # what _block_cuts would find, found with less work
        cuts, link_chars, had_image = alone
        if had_image:  # an image's cut may take the blank before it (links' cuts are never tidied here)
            cuts = _tidy(cuts, text, content_rules)
        return _Plan(cuts, link_chars, had_image, False)
    cuts, link_chars, had_image = _block_cuts(block, r, links)
    list_item = False
    if bullet:
        cut = _bullet_cut(bullet, cuts, r)
        if cut is not None:
            cuts.insert(0, cut)
            list_item = True
    if not cuts:
        return None
    return _Plan(_tidy(cuts, text, content_rules), link_chars, had_image, list_item)


def _process(block: Block, r: MarkupRules, content_rules: frozenset[str], removed: list,
             plans: dict[tuple[str, bool], _Plan | None]) -> Block:
    """The block with its markup cut (each cut logged in ``removed``), the block itself when it holds
    none, or dropped when it held nothing but markup. ``plans``: the page's plans so far, by text."""
    key = (block.text, block.kind == "paragraph")
    plan = plans.get(key, _UNPLANNED)
    if plan is _UNPLANNED:
        plan = plans[key] = _plan(block, r, content_rules)
    if plan is None:
        return block
    if plan is DEFINITIONS:
        return dropped(block, NAME, r.definition_id)
    cuts = plan.cuts
    new_text, origin = _log_and_cut(block, cuts, removed)
    if not new_text.strip():
        # blank: nothing is left to log, the cuts say what it held
        blank = Block(block.kind, new_text, block.span, block.level, origin, block.link_chars, block.flags,
                      block.role, None, block.seq, block.container)
        return dropped(blank, NAME, cuts[-1][2], why="nothing but markup", by_cuts=True)
    new_text, origin = _squeeze_blanks(block, new_text, origin)
    flags = block.flags | {IMAGE_DROPPED} if plan.had_image else block.flags
    kind, level = ("list_item", 0) if plan.list_item else (block.kind, block.level)
    # built directly: dataclasses.replace is slow on this hot path
    return Block(kind, new_text, block.span, level, origin, block.link_chars + plan.link_chars, flags, block.role,
                 block.drop, block.seq, block.container)


def _log_and_cut(block: Block, cuts: list[Cut], removed: list[Removal]) -> tuple[str, tuple[Segment, ...]]:
    """(text, origin) of the block with ``cuts`` (sorted, none overlapping) taken out, each cut
    logged in ``removed``: the same entries ``removal`` logs and the same text and origin
    ``edit_text`` makes, found in one walk over the origin's segments for all the cuts (not a
    search per cut and a second walk to cut). A helper for document.py's ``Block``, kept private
    here: only this stage cuts many pieces per block."""
    segs = block.origin
    span = block.span
    chars = span.chars
    if len(segs) == 1 and chars is not None:  # most blocks: one run of the source
        return _log_and_cut_one_run(block, cuts, removed)
    text = block.text
    if chars is None or not segs or not _in_text_order(segs):
        for s, e, rule in cuts:  # the general way (no reader's block): per cut
            removed.append(removal(NAME, rule, block, s, e))
        new = edit_text(block, [(s, e, "") for s, e, _ in cuts])
        return new.text, new.origin
    lines, page, xpath = span.lines, span.page, span.xpath
    size = len(text)
    last = len(segs) - 1
    k = 0  # the last segment that starts at or before the position looked up (0 if none does)
    j = 0  # the same, for the start of the text copied next
    pieces: list[str] = []
    new_segs: list[Segment] = []
    pos = out = 0  # where the next copy starts, in the old text and in the new one
    for s, e, rule in cuts:
        if s < pos or e <= s:
            raise ValueError("cuts must be sorted, non-empty and not overlapping")
        if s == 0 and e >= size:  # the whole block, logged as ``removal`` logs it
            removed.append(_new_tuple(Removal, (NAME, rule, span, text, None, block.seq)))
        else:
            # the source offsets Block.source_offset gives for s and for the end e
            while k < last and segs[k + 1][0] <= s:
                k += 1
            t, src, n = segs[k]
            a = chars[0] if t > s else src + s - t if s < t + n else src + n
            while k < last and segs[k + 1][0] < e:  # the last starting at or before e - 1
                k += 1
            t, src, n = segs[k]
            if t >= e:
                b = segs[0][1]
            elif e - t <= n:
                b = src + e - t
            else:  # text no segment maps: it stands for the source up to the next mapped text
                b = segs[k + 1][1] if k < last else chars[1]
            removed.append(_new_tuple(Removal, (NAME, rule, _new_tuple(SourceSpan, ((a, b if b > a else a), lines,
                                                                               page, xpath)), text[s:e], None, block.seq)))
        if s > pos:
            pieces.append(text[pos:s])
            j = copy_segments(segs, True, pos, s, out, new_segs, j)
            out += s - pos
        pos = e
    if pos < size:
        pieces.append(text[pos:])
        copy_segments(segs, True, pos, size, out, new_segs, j)
    return "".join(pieces), tuple(new_segs)


def _log_and_cut_one_run(block: Block, cuts: list[Cut], removed: list[Removal]) -> tuple[str, tuple[Segment, ...]]:
    """``_log_and_cut`` for a block whose origin is one run of the source (most blocks): each offset
    is the run's, or an end of it; no two pieces kept join into one segment (a cut lies between)."""
    text = block.text
    span = block.span
    (t0, s0, n0), = block.origin
    t1 = t0 + n0
    first, end = span.chars
    lines, page, xpath, seq = span.lines, span.page, span.xpath, block.seq
    size = len(text)
    pieces: list[str] = []
    new_segs: list[Segment] = []
    log = removed.append
    pos = out = 0
    for s, e, rule in cuts:
        if s < pos or e <= s:
            raise ValueError("cuts must be sorted, non-empty and not overlapping")
        if s == 0 and e >= size:
            log(_new_tuple(Removal, (NAME, rule, span, text, None, seq)))
        else:
            a = first if t0 > s else s0 + s - t0 if s < t1 else s0 + n0
            b = s0 if t0 >= e else s0 + e - t0 if e <= t1 else end
            log(_new_tuple(Removal, (NAME, rule, _new_tuple(SourceSpan, ((a, b if b > a else a), lines, page, xpath)),
                                     text[s:e], None, seq)))
        if s > pos:
            pieces.append(text[pos:s])
            lo = pos if pos > t0 else t0
            hi = s if s < t1 else t1
            if lo < hi:
                new_segs.append((out + lo - pos, s0 + lo - t0, hi - lo))
            out += s - pos
        pos = e
    if pos < size:
        pieces.append(text[pos:])
        lo = pos if pos > t0 else t0
        hi = size if size < t1 else t1
        if lo < hi:
            new_segs.append((out + lo - pos, s0 + lo - t0, hi - lo))
    return "".join(pieces), tuple(new_segs)


def _in_text_order(segs: tuple[Segment, ...]) -> bool:
    if len(segs) < 2:
        return True
    return all(x[0] <= y[0] for x, y in zip(segs, segs[1:]))



def _bullet_cut(bullet: regex.Match, cuts: list[Cut], r: MarkupRules) -> Cut | None:
    """The cut of the bullet opening a paragraph (it becomes a list item), or None when markup at the
    very start of the block took those characters first."""
    if cuts and cuts[0][0] < bullet.end():
        return None
    return (0, bullet.end(), r.bullet_id)


def _squeeze_blanks(block: Block, text: str, origin: tuple[Segment, ...]) -> tuple[str, tuple[Segment, ...]]:
    """Blanks a cut left at an end or doubled between words go (``text`` and ``origin``: the block's
    after its cuts; not blank): whitespace, not text, so not logged."""
    # a run of two blanks holds a tab or two spaces: most texts have no blank to squeeze
    if not (text[0].isspace() or text[-1].isspace() or "\t" in text or "  " in text):
        return text, origin
    lead = len(text) - len(text.lstrip())
    trail = len(text.rstrip())
    doubled = "\t" in text or "  " in text
    blanks = [(m.start(), m.end(), " ") for m in BLANKS.finditer(text, lead, trail)] if doubled else []
    if not blanks:  # the ends alone (most of these: a link text "[ Home ](/)"): one copy of the map
        if lead == 0 and trail == len(text):
            return text, origin
        segs: list[Segment] = []
        copy_segments(origin, _in_text_order(origin), lead, trail, 0, segs)
        return text[lead:trail], tuple(segs)
    if lead:
        blanks.insert(0, (0, lead, ""))
    if trail < len(text):
        blanks.append((trail, len(text), ""))
    new = edit_text(Block(block.kind, text, block.span, block.level, origin), blanks)
    return new.text, new.origin


def _definitions(text: str, r: MarkupRules) -> bool:
    """Whether the block is link definitions only ("[1]: https://..."), one or several."""
    # both ways need a match at the start: most blocks fail that one cheap anchored try
    return r.definition.match(text) is not None and (r.definition.fullmatch(text) is not None
                                                       or _all_definitions(text, r))


def _all_definitions(text: str, r: MarkupRules) -> bool:
    # several "[n]: url" lines the reader joined into one block
    pos = 0
    n = 0
    while pos < len(text):
        m = r.definition.match(text, pos)
        if not m:
            return False
        n += 1
        pos = m.end()
        while pos < len(text) and text[pos].isspace():
            pos += 1
    return n > 1


def stage(doc: Document, rules) -> Document:
    if doc.format not in FORMATS:
        return doc.evolve(NAME)
    r: MarkupRules = rules.stage(NAME)
    content_rules = frozenset({r.image_id, r.footnote_id, r.strike_id})
    removed: list = []
    blocks: list[Block] = []
    plans: dict[tuple[str, bool], _Plan | None] = {}
    changed = False
    for block in doc.kept:
        if block.kind in SKIP_KINDS:
            blocks.append(block)
            continue
        new = _process(block, r, content_rules, removed, plans)
        if new is not block:
            changed = True
        blocks.append(new)
    return doc.evolve(NAME, blocks=blocks if changed else None, cuts=removed)
