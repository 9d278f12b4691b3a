"""structure: on HTML pages, blocks inside page furniture go, judged by the elements around them.

The HTML reader records, per block, the elements around it that say what they hold
(``document.Container``: a sectioning tag, class and id words, an ARIA role, hidden). A block goes
when the innermost such element that decides is furniture:

* a **content** container (``content``: ``<main>``, ``<article>``, role main) decides for keep:
  what is inside it is judged by the later stages; inside furniture it is furniture (comment
  systems and related-story lists make an ``<article>`` of every comment and every teaser), except
  on a page whose profile shows evidence named in ``content.kept_inside_furniture_on`` (a page
  that calls itself a thread, ``discussion``: its posts are the page);
* a **furniture** container decides for its rule (``furniture``: navigation, a page header or
  footer, a sidebar, a search form, a dialog or a consent banner, a share bar, an advert), by its
  tag, its ARIA role or a word of its class or id. Entries marked ``page_level`` (``<header>``,
  ``<footer>``, roles banner and contentinfo) count only outside content and sectioning elements:
  an article's own header holds its title;
* a **hidden** element (the ``hidden`` attribute, ``aria-hidden="true"``, an inline ``display:none``)
  is not shown to a reader (rule ``hidden``), unless it holds more than ``hidden_max_prose_share``
  of the page's prose: a tab or an accordion panel hides text until a click, a menu or a pop-up
  hides none.

Where the page has a **content region** (``content_region``: the innermost element that holds
``min_prose_share`` of the page's prose, on a page with at least ``min_prose_chars`` of it), the
blocks after its last block go (``after-content``: teasers of other stories, a newsletter box, the
page's end matter; its first ``tail_left`` short lines without links, a byline and a date, are left
to the text stages), and so do the blocks outside it before the page's title heading, its first
``h1`` (``before-title``: a site header, a news ticker).

Where the markup states no published date, the page's head gives it (``page_head``): the date a
short line shows just around the title heading, before the first paragraph of prose, as a byline
does ("By Ann Lee | July 8, 2025"); a line that says it was updated gives ``modified``.

A container that holds more than ``max_text_share`` of the page's text, or more than
``max_prose_share`` of its prose (text outside links in blocks of at least ``prose_min_words``
words that end a sentence), is never furniture: a class word on a wrapper of the page's main
column (``<div class="with-sidebar">``) or a hidden-until-clicked article body says nothing
about its content. An entry may set its own shares, and ``min_prose_beside``: it applies at any
size to an element inside content that holds that much prose outside it (an article's comment
thread may outgrow the article). The text share does not count for a container at least
``links_min_share`` of whose text is link text: a mega-menu of story links may outweigh a short
article. Class and id values are split into words at non-letters and at lower-to-upper case
changes (``site-footer``, ``mainNav``) and compared lower-cased; a value that opens with a layout
modifier (``modifier_words``: ``has-sidebar``, ``with-rail-right``) gives none.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import regex

from ..dates import dates_in_line
from ..document import Block, Container, Document, dropped
from ..profile import page_profile

NAME = "structure"
FORMATS = ("html",)  # only HTML blocks have containers
REQUIRES = ()
PROVIDES = ()
INVALIDATES = ("sections",)  # facts it would make stale: no stage that provides one runs before it

NAME_RUN = regex.compile(r"[\p{L}\p{N}]+")
CAMEL_PART = regex.compile(r"\p{Lu}?\p{Ll}+|\p{Lu}+(?!\p{Ll})")
MIN_CAMEL_PART = 3  # "mainNav" is two words; "adKqa" (a generated suffix) is none
# the same runs and parts on ASCII text (nearly every class name), by the stdlib's faster engine
ASCII_NAME_RUN = re.compile(r"[A-Za-z0-9]+")
ASCII_CAMEL_PART = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")


@dataclass(frozen=True)
class Furniture:
    id: str
    tags: frozenset[str]
    roles: frozenset[str]
    names: frozenset[str]
    page_level: bool  # counts only outside content and sectioning elements
    max_text_share: float  # a container with more of the page's text than this is not this furniture...
    max_prose_share: float  # ...nor one with more of its prose (the section's values unless the entry sets its own)
    min_prose_beside: int  # > 0: at any size when the content element around it holds this much prose outside it
    max_blocks: int = 0  # > 0: a container of more blocks is not this furniture (a caption is a line or two)


@dataclass(frozen=True)
class StructureRules:
    content_tags: frozenset[str]
    content_roles: frozenset[str]
    content_kept_on: frozenset[str]  # profile evidence on which content inside furniture is kept (a forum's posts)
    sectioning_tags: frozenset[str]  # what a page_level entry must not sit in
    furniture: tuple[Furniture, ...]
    hidden_id: str | None  # None: hidden elements are not judged
    hidden_max_prose_share: float  # a hidden element with more of the page's prose is shown on a click (a tab)
    max_text_share: float
    max_prose_share: float
    links_min_share: float  # a container with at least this share of link text is furniture at any size
    prose_min_words: int
    ignore_tags: frozenset[str]  # never judged by their names (the page's root wrappers)
    named_tags: frozenset[str]  # elements whose class and id words count (a heading's id is its text, slugged)
    modifier_words: frozenset[str] = frozenset()  # a class value opening with one is layout ("has-sidebar"): no words
    # the page head, where a date the markup does not state is looked for: blocks around the title heading
    head_before: int = 0
    head_after: int = 0
    head_max_words: int = 0  # a longer block is prose, not a byline: the head ends there
    region_after_rule: str | None = None  # None: blocks after the content region stay
    region_before_rule: str | None = None  # None: blocks before the title heading outside the region stay
    region_min_prose: int = 0
    region_min_prose_share: float = 1.0
    region_min_content_share: float = 1.0  # the one main/article element with this share of the prose is the region
    region_tail_left: int = 0  # short blocks right after the region left to the later stages (a byline, a date)
    index: FurnitureIndex = field(init=False, repr=False, compare=False)  # the furniture entries by what names them

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", FurnitureIndex(self.furniture))


class FurnitureIndex:
    """The furniture entries by tag, by role and by name word: a container's candidates are the few
    entries its tag, role or words name, not all of them tested in turn."""

    def __init__(self, furniture: tuple[Furniture, ...]):
        self.furniture = furniture
        self.by_tag = _positions(furniture, lambda f: f.tags)
        self.by_role = _positions(furniture, lambda f: f.roles)
        self.by_name = _positions(furniture, lambda f: f.names)
        self.name_words = frozenset(self.by_name)

    def named(self, tag: str, role: str | None, words: frozenset[str], names: str) -> list[tuple[Furniture, str]]:
        """The entries that ``tag``, ``role`` or ``words`` name, in the entries' order, each with why
        it is named (by the first of tag, role and words that names it). ``names``: the class and id
        values, as written, for the why."""
        if tag not in self.by_tag and (role is None or role not in self.by_role) and self.name_words.isdisjoint(words):
            return []  # most containers
        found = set(self.by_tag.get(tag, ()))
        if role is not None:
            found.update(self.by_role.get(role, ()))
        for w in words:
            found.update(self.by_name.get(w, ()))
        out = []
        for i in sorted(found):
            f = self.furniture[i]
            if tag in f.tags:
                why = f"in <{tag}>{_label_of(names)}"
            elif role is not None and role in f.roles:
                why = f"in role={role}{_label_of(names)}"
            else:
                why = f"in <{tag}> named {', '.join(sorted(words & f.names))}{_label_of(names)}"
            out.append((f, why))
        return out


def _positions(furniture: tuple[Furniture, ...], keys: Callable[[Furniture], frozenset[str]]) -> dict[str, tuple[int, ...]]:
    """Key -> the positions of the entries that list it, in order."""
    out: dict[str, list[int]] = {}
    for i, f in enumerate(furniture):
        for k in keys(f):
            out.setdefault(k, []).append(i)
    return {k: tuple(v) for k, v in out.items()}


def _names(section: Mapping, key: str, where) -> frozenset[str]:
    items = where.get(section, key, (list, tuple), ())
    for i, w in enumerate(items):
        if not isinstance(w, str) or not w.strip():
            raise where.at(key, i).error(f"expected a word, got {w!r}")
    return frozenset(w.strip().lower() for w in items)


def compile(section: Mapping, where) -> StructureRules:
    content = where.get(section, "content", Mapping, {})
    wc = where.at("content")
    head = where.get(section, "page_head", Mapping, {})
    region = where.get(section, "content_region", Mapping, {})
    max_text_share = where.number(section, "max_text_share", 0.5, lo=0, hi=1)
    max_prose_share = where.number(section, "max_prose_share", 0.5, lo=0, hi=1)
    furniture = []
    for i, entry in enumerate(where.get(section, "furniture", (list, tuple), ())):
        w = where.at("furniture", i)
        if not isinstance(entry, Mapping):
            raise w.error("expected a mapping with id and tags / roles / names")
        furniture.append(Furniture(
            id=w.get(entry, "id", str), tags=_names(entry, "tags", w), roles=_names(entry, "roles", w),
            names=_names(entry, "names", w), page_level=w.get(entry, "page_level", bool, False),
            max_text_share=w.number(entry, "max_text_share", max_text_share, lo=0, hi=1),
            max_prose_share=w.number(entry, "max_prose_share", max_prose_share, lo=0, hi=1),
            min_prose_beside=w.integer(entry, "min_prose_beside", 0, lo=0),
            max_blocks=w.integer(entry, "max_blocks", 0, lo=0)))
        if not furniture[-1].id:
            raise w.at("id").error("a furniture entry needs an id: it is the rule removed[] names")
    return StructureRules(
        content_tags=_names(content, "tags", wc),
        content_roles=_names(content, "roles", wc),
        content_kept_on=_names(content, "kept_inside_furniture_on", wc),
        sectioning_tags=_names(section, "sectioning_tags", where),
        furniture=tuple(furniture),
        hidden_id=where.get(section, "hidden_id", str, None),
        hidden_max_prose_share=where.number(section, "hidden_max_prose_share", 0.0, lo=0, hi=1),
        max_text_share=max_text_share,
        max_prose_share=max_prose_share,
        links_min_share=where.number(section, "links_min_share", 1.0, lo=0, hi=1),
        prose_min_words=where.integer(section, "prose_min_words", 10, lo=1),
        ignore_tags=_names(section, "ignore_tags", where),
        named_tags=_names(section, "named_tags", where),
        modifier_words=_names(section, "modifier_words", where),
        head_before=where.integer(head, "blocks_before", 0, lo=0),
        head_after=where.integer(head, "blocks_after", 0, lo=0),
        head_max_words=where.integer(head, "max_words", 0, lo=0),
        region_after_rule=where.get(region, "after_rule", str, None),
        region_before_rule=where.get(region, "before_rule", str, None),
        region_min_prose=where.integer(region, "min_prose_chars", 0, lo=0),
        region_min_prose_share=where.number(region, "min_prose_share", 1.0, lo=0, hi=1),
        region_tail_left=where.integer(region, "tail_left", 0, lo=0),
        region_min_content_share=where.number(region, "min_content_share", 1.0, lo=0, hi=1),
    )


def name_words(names: str, modifiers: frozenset[str] = frozenset()) -> frozenset[str]:
    """The words of class and id values: ``"site-footer mainNav"`` -> site, footer, main, nav. A run
    with a digit is a generated name (``b5343ad4``, ``col-md-12``'s ``12``), no word; a camel-case run
    splits only into parts of at least three letters. A value that opens with one of ``modifiers``
    (``has-rail-right``, ``with-sidebar``) says how the element is laid out, not what it is: no words."""
    ascii = names.isascii()
    run_pattern, camel_pattern = (ASCII_NAME_RUN, ASCII_CAMEL_PART) if ascii else (NAME_RUN, CAMEL_PART)
    runs = run_pattern.findall(names)
    lower = ascii and names.islower()  # islower: some letter, none upper case
    # a value's first word is one of its runs: where no run is a modifier, no value opens with one
    if modifiers and not modifiers.isdisjoint(runs if lower else [r.lower() for r in runs]):
        names = " ".join(v for v in names.split() if _first_word(v) not in modifiers)
        runs = run_pattern.findall(names)
    if lower:  # the usual value ("site-footer"): each run is a word unless it holds a digit
        return frozenset(filter(str.isalpha, runs))
    return _words_of_runs(runs, camel_pattern)


def _words_of_runs(runs: list[str], camel_pattern: Any) -> frozenset[str]:
    out: set[str] = set()
    for run in runs:
        if run.islower() and run.isalpha():  # most runs: one word, nothing to split
            out.add(run)
            continue
        if not run.isalpha() and any(ch.isdigit() for ch in run):
            continue
        parts = camel_pattern.findall(run)
        if len(parts) > 1 and "".join(parts) == run and min(map(len, parts)) >= MIN_CAMEL_PART:
            out.update(p.lower() for p in parts)
        else:
            out.add(run.lower())
    return frozenset(out)


def _first_word(value: str) -> str:
    m = (ASCII_NAME_RUN if value.isascii() else NAME_RUN).search(value)
    return m.group().lower() if m else ""


Verdict = tuple[str, str] | None  # (rule, why), or None: nothing around it decides for a drop


_KEEP = ("", "")  # a container's own decision: content, keep what is inside
_UNSET: Any = object()  # no value in a memo yet (None is a value)
# what a container's tag, role and names say: _KEEP (content), None (never judged), or the furniture
# entries they name with the verdict of each
_Kind = tuple[tuple[Furniture, tuple[str, str]], ...] | tuple[str, str] | None


class _Judge:
    """Verdicts per container, each decided once (many blocks share one)."""

    def __init__(self, cfg: StructureRules, page_chars: int, prose: dict[int, int], evidence: frozenset[str]):
        self.cfg = cfg
        # content inside furniture is furniture (comment systems and story lists make an <article>
        # of every comment and teaser), except on a page that calls itself a thread: there the
        # posts are the page
        self.content_decides = not cfg.content_kept_on.isdisjoint(evidence)
        self.page_chars = max(1, page_chars)
        self.prose = prose  # container id -> prose characters under it
        self.page_prose = max(1, prose.get(0, 0))
        self.memo: dict[int, Verdict] = {}
        self.enclosed: dict[int, bool] = {}  # whether content or a sectioning element is around it
        self.names: dict[str, frozenset[str]] = {}  # class-and-id value -> its words
        self.kinds: dict[tuple[str, str | None, str], _Kind] = {}  # (tag, role, names) -> what they say

    def verdict(self, c: Container | None) -> Verdict:
        """The innermost decision around ``c``: a furniture rule, or None (content, or nothing)."""
        memo = self.memo
        if c is None:
            return None
        around = memo.get(id(c), _UNSET)
        if around is not _UNSET:  # most blocks: a container an earlier block sits in
            return around
        todo: list[Container] = []  # c and the containers around it not decided yet, innermost first
        while c is not None:
            around = memo.get(id(c), _UNSET)
            if around is not _UNSET:
                break
            todo.append(c)
            c = c.parent
        else:
            around = None
        # outermost first, each by its own decision or else the one around it (a loop, not
        # recursion: a page may nest elements thousands deep)
        kinds = self.kinds
        for x in reversed(todo):
            kind = kinds.get((x.tag, x.role, x.names), _UNSET)
            if kind is _UNSET:
                kind = self.kind(x)
            if kind is _KEEP:
                around = None if self.content_decides else around
            elif kind is not None and (kind or x.hidden):  # most containers: neither, nothing to measure
                own = self._own(x, kind)
                if own is not None:
                    around = own
            memo[id(x)] = around
        return around

    def _own(self, c: Container, kind: tuple[tuple[Furniture, tuple[str, str]], ...]) -> Verdict:
        """What ``c`` itself says, ``kind`` being what its names say (furniture entries): a (rule,
        why) for furniture, None for nothing."""
        cfg = self.cfg
        hidden = c.hidden and cfg.hidden_id
        if not kind and not hidden:
            return None
        text_share = c.text_chars / self.page_chars
        if c.text_chars and c.link_chars >= cfg.links_min_share * c.text_chars:
            text_share = 0.0  # a menu's size says nothing: a mega-menu may outweigh a short article
        prose_share = self.prose.get(id(c), 0) / self.page_prose
        # a container with most of the page is furniture only by an entry whose own shares it fits
        # (the usual case of a page's wrappers: none); a hidden one holds no prose
        big = text_share > cfg.max_text_share or prose_share > cfg.max_prose_share
        if not big and hidden and prose_share <= cfg.hidden_max_prose_share:
            return cfg.hidden_id, f"in a hidden <{c.tag}>{_label(c)}"
        for f, verdict in kind:  # what it is was found by its names; whether it fits is measured
            if (f.page_level and self.inside_sections(c.parent)) or not self._fits(f, c, text_share, prose_share):
                continue
            return verdict
        return None

    def kind(self, c: Container) -> _Kind:
        """What ``c``'s tag, role and class-and-id words say, once per such triple of the page (cards
        and list items repeat theirs): _KEEP for content, None for a wrapper never judged, else the
        furniture entries they name, in the entries' order, each with its verdict."""
        key = (c.tag, c.role, c.names)
        kind = self.kinds.get(key, _UNSET)
        if kind is _UNSET:
            cfg = self.cfg
            if c.tag in cfg.content_tags or (c.role is not None and c.role in cfg.content_roles):
                kind = _KEEP
            elif c.tag in cfg.ignore_tags:
                kind = None
            else:
                words = self.words_of(c.names) if c.names and c.tag in cfg.named_tags else frozenset()
                kind = tuple([(f, (f.id, why)) for f, why in cfg.index.named(c.tag, c.role, words, c.names)])
            self.kinds[key] = kind
        return kind

    def words_of(self, names: str) -> frozenset[str]:
        """``name_words(names)``, once per class-and-id value of the page (cards repeat theirs)."""
        words = self.names.get(names)
        if words is None:
            words = self.names[names] = name_words(names, self.cfg.modifier_words)
        return words

    def _fits(self, f: Furniture, c: Container, text_share: float, prose_share: float) -> bool:
        """Whether ``c`` is small enough to be ``f``: within its shares, or beside enough prose of
        the content element around it (an article's comment thread may outgrow the article)."""
        if f.max_blocks and c.blocks > f.max_blocks:
            return False
        if text_share <= f.max_text_share and prose_share <= f.max_prose_share:
            return True
        return f.min_prose_beside > 0 and self.prose_beside(c) >= f.min_prose_beside

    def prose_beside(self, c: Container) -> int:
        """Prose characters in the nearest content element around ``c`` but outside ``c`` (0: none)."""
        cfg = self.cfg
        x = c.parent
        while x is not None:
            if x.tag in cfg.content_tags or (x.role is not None and x.role in cfg.content_roles):
                return self.prose.get(id(x), 0) - self.prose.get(id(c), 0)
            x = x.parent
        return 0

    def inside_sections(self, c: Container | None) -> bool:
        """Whether ``c`` or an element around it is content or a sectioning element."""
        cfg = self.cfg

        def step(x: Container, around: bool) -> bool:
            return around or x.tag in cfg.content_tags or x.tag in cfg.sectioning_tags or (
                x.role is not None and x.role in cfg.content_roles)

        return _down_chain(c, self.enclosed, False, step)


def _down_chain(c: Container | None, memo: dict, top: Any, step: Callable[[Container, Any], Any]) -> Any:
    """``memo[id(c)]``, computed outermost first for ``c`` and the containers around it that have no
    value yet: each one's is ``step(it, the value around it)``, ``top`` above the outermost. A loop,
    not recursion: a page may nest elements thousands deep."""
    todo: list[Container] = []
    while c is not None and id(c) not in memo:
        todo.append(c)
        c = c.parent
    value = memo[id(c)] if c is not None else top
    for x in reversed(todo):
        value = memo[id(x)] = step(x, value)
    return value


PROSE_KINDS = ("paragraph", "quote", "list_item")


def _prose(blocks: tuple[Block, ...], cfg: StructureRules) -> dict[int, int]:
    """Prose characters (text outside links, in blocks long enough and ending a sentence) under each
    container, by id, and under the whole page (key 0)."""
    own: dict[int, list] = {}  # container id -> [container, prose of the blocks right in it]
    total = 0
    for b in blocks:
        if not _is_prose(b, cfg):
            continue
        n = len(b.text) - b.link_chars
        total += n
        c = b.container
        if c is not None:
            entry = own.get(id(c))
            if entry is None:
                own[id(c)] = [c, n]
            else:
                entry[1] += n
    # each container's prose up its chain once, not each block's (an article's paragraphs share one)
    out: dict[int, int] = {0: total}
    for c, n in own.values():
        while c is not None:
            out[id(c)] = out.get(id(c), 0) + n
            c = c.parent
    return out


def _is_prose(b: Block, cfg: StructureRules) -> bool:
    """A paragraph of prose: mostly outside links, long enough, ending a sentence."""
    if b.kind not in PROSE_KINDS or 2 * b.link_chars > len(b.text):
        return False
    facts = b.facts  # the cheap test first: tokens splits the text at each call
    return facts.ends_sentence and facts.tokens >= cfg.prose_min_words


def _label(c: Container) -> str:
    return _label_of(c.names)


def _label_of(names: str) -> str:
    shown = " ".join(names.split())
    return f' ("{shown[:60]}")' if shown else ""


def stage(doc: Document, rules) -> Document:
    cfg: StructureRules = rules.stage(NAME)
    blocks = doc.kept
    if not blocks or all(b.container is None for b in blocks):
        return doc.evolve(NAME)
    evidence = page_profile(doc, rules.text).evidence
    judge = _Judge(cfg, sum(len(b.text) for b in doc.blocks), _prose(blocks, cfg), evidence)
    out: list[Block] = []
    for b in blocks:
        v = judge.verdict(b.container)
        out.append(b if v is None else dropped(b, NAME, v[0], v[1]))
    out = _outside_content(out, judge.prose, cfg)
    return doc.evolve(NAME, blocks=out, meta=_head_dates(doc, cfg))


def _content_region(blocks: list[Block], prose: dict[int, int], cfg: StructureRules) -> Container | None:
    """The innermost element that holds nearly all the page's prose (``region.min_prose_share``),
    None where the prose is spread over the page or there is little of it."""
    total = prose.get(0, 0)
    if not (cfg.region_after_rule or cfg.region_before_rule) or total < cfg.region_min_prose:
        return None
    best: Container | None = None
    seen: set[int] = set()
    for b in blocks:
        c = b.container
        while c is not None and id(c) not in seen:
            seen.add(id(c))
            if c.tag not in cfg.ignore_tags and prose.get(id(c), 0) >= cfg.region_min_prose_share * total \
                    and (best is None or c.text_chars < best.text_chars):
                best = c
            c = c.parent
    return best if best is not None else _content_element(blocks, prose, cfg)


def _content_element(blocks: list[Block], prose: dict[int, int], cfg: StructureRules) -> Container | None:
    """The page's one content element (a content tag or role: main, article) that holds
    ``region.min_content_share`` of its prose: the story where a feed of teasers after it outweighs
    it. The innermost, where they nest (an article in main); None where two lie apart (a feed of
    articles) or there is none."""
    least = max(cfg.region_min_prose, cfg.region_min_content_share * prose.get(0, 0))
    found: list[Container] = []
    seen: set[int] = set()
    for b in blocks:
        c = b.container
        while c is not None and id(c) not in seen:
            seen.add(id(c))
            if (c.tag in cfg.content_tags or c.role in cfg.content_roles) and prose.get(id(c), 0) >= least:
                found.append(c)
            c = c.parent
    if not found:
        return None
    inner = min(found, key=lambda c: c.text_chars)
    around = {id(c) for c in inner.chain()}
    return inner if all(id(c) in around for c in found) else None


def _outside_content(blocks: list[Block], prose: dict[int, int], cfg: StructureRules) -> list[Block]:
    """Where the page has a content region: the blocks after its last block go (``after_rule``:
    teasers of other stories, a newsletter box, the page's end matter), and so do the blocks
    before the page's title heading (its first ``h1``, where that is not after the region) that
    lie outside the region (``before_rule``: a site header, a news ticker, a promo strip)."""
    kept = [b for b in blocks if b.drop is None]
    region = _content_region(kept, prose, cfg)
    if region is None:
        return blocks
    inside = [i for i, b in enumerate(blocks) if b.drop is None and b.container is not None
              and region in b.container.chain()]
    if not inside:
        return blocks
    end = inside[-1]
    where = f"the content region <{region.tag}>{_label(region)}"
    out = blocks[:end + 1]
    title = _title_heading(out)
    if title is not None and cfg.region_before_rule:
        inside_set = set(inside)
        out = [b if i >= title or b.drop is not None or i in inside_set
               else dropped(b, NAME, cfg.region_before_rule, f"before the title heading, outside {where}")
               for i, b in enumerate(out)]
    if not cfg.region_after_rule:
        return out + blocks[end + 1:]
    near = 0  # the article's own end matter follows it: its byline and date are left to the text stages
    for b in blocks[end + 1:]:
        if b.drop is None:
            near += 1
            if near > cfg.region_tail_left or b.facts.tokens > cfg.head_max_words or b.link_chars:
                b = dropped(b, NAME, cfg.region_after_rule, f"after {where}")
        out.append(b)
    return out


def _title_heading(blocks: Sequence[Block]) -> int | None:
    """Where the page's title heading is among ``blocks``: its first ``h1`` (None: it has none)."""
    return next((i for i, b in enumerate(blocks) if b.kind == "heading" and b.level == 1), None)


def _head_dates(doc: Document, cfg: StructureRules) -> dict[str, str]:
    """The dates the page shows at its head where its markup states no published date: the short
    lines just before and after its title heading (its first ``h1``), up to the first paragraph of
    prose, as a byline shows them ("By Ann Lee | July 8, 2025", "Updated: Dec 9, 2025"). Where
    several of those lines state a date, they are a list's entries (a blog's latest posts), not the
    page's dates."""
    if "published" in doc.meta or not cfg.head_max_words:
        return {}
    blocks = doc.blocks
    title = _title_heading(blocks)
    if title is None:
        return {}
    dated: dict[str, list[tuple[str, str]]] = {}  # by line: a title shown twice is one line
    for i in range(max(0, title - cfg.head_before), min(len(blocks), title + 1 + cfg.head_after)):
        b = blocks[i]
        if i > title and _is_prose(b, cfg):
            break
        if b.facts.tokens <= cfg.head_max_words:
            found = dates_in_line(b.text)
            if found:
                dated.setdefault(b.text, found)
    return dict(reversed(next(iter(dated.values())))) if len(dated) == 1 else {}
