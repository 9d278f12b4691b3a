"""sections: headings, the page title and the sections of a page (the last structural step).

Headings are the reader's markdown headings (ATX and setext) plus paragraphs promoted here:

* a paragraph is *title-like* when it is short, one sentence, starts with an upper-case letter or a
  digit, does not end in closing punctuation or a function word and is not mostly link text
  (``textrules.title_like``, settings under ``text.title``);
* a title-like line directly followed by body text is a heading. In a run of title-like lines only
  the last one (the one above the body) can be, and only when the run is at most ``max_title_run``
  long: a longer run is a flattened list or menu. A title-like line directly above a deeper heading
  is that heading's parent. When the page marks at least ``trust_markup_headings`` headings in
  markdown, unmarked lines are not promoted;
* a paragraph named in the page's own table of contents is a heading, whatever it looks like. The
  boilerplate stage drops such contents lists, labelled as its entries (``doc.contents``); they give the names.

Levels: markdown levels as given. A contents list belongs to the heading it sits under (its owner);
its entries are one level below the owner, or at ``default_level`` when no heading comes before the
list (so the first, top-level list gives ``default_level``, a list under one of its entries one
more). A plain heading that owns a list is at ``default_level``; another plain heading is one level
below the last listed heading or owner before it (``default_level`` when there is none). Capped at
``max_level``.

The page title (the first level-1 heading, else the first title-like line before any body text) goes
to ``doc.title`` and is logged under rule ``title`` rather than kept as a heading; so are copies of
it among the title lines next to it. A heading with no blocks and no sub-sections is logged under
``empty-section``. Each section gets a role: ``references`` (a references heading over mostly
citations), ``links`` (a links heading, or mostly link text) or ``body``.
"""
from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Sequence

from ..document import Block, Document, dropped, relabelled
from ..textrules import TextRules, heading_key, is_citation, title_like

NAME = "sections"
# headings named by the page's contents entries
FORMATS = ("text", "html", "pdf")  # page formats it acts on (others pass through)
REQUIRES = ("contents",)  # facts it reads: a listed stage that provides one runs before it
PROVIDES = ("sections", "title")
INVALIDATES = ()  # facts it would make stale: no stage that provides one runs before it


@dataclass(frozen=True)
class SectionRules:
    title_id: str
    empty_id: str
    max_title_run: int
    trust_markup_headings: int
    default_level: int
    max_level: int
    toc_bullet: Any  # compiled: bullets and numbering in front of a contents entry
    toc_split: Any  # compiled: separators between entries that share one removed block
    toc_link_item_share: float  # a kept list item this much link text is a contents entry
    references_min_share: float
    links_headings: tuple[Any, ...]
    link_pattern: Any
    links_min_share: float


def _regex_list(section: Mapping, key: str, where) -> tuple[Any, ...]:
    items = where.get(section, key, (list, tuple), ())
    return tuple(where.at(key, i).regex(p) for i, p in enumerate(items))


def compile(section: Mapping, where) -> SectionRules:
    def sub(key: str) -> Mapping:
        return where.get(section, key, Mapping, {})

    toc, refs, links = sub("toc"), sub("references"), sub("links")
    wtoc, wr, wl = where.at("toc"), where.at("references"), where.at("links")
    default_level = where.integer(section, "default_level", 2, lo=1, hi=6)
    max_level = where.integer(section, "max_level", 6, lo=1, hi=6)  # the schema's levels
    if default_level > max_level:
        raise where.at("default_level").error(f"must not exceed max_level ({max_level})")
    return SectionRules(
        title_id=where.get(section, "title_id", str, "title"),
        empty_id=where.get(section, "empty_id", str, "empty-section"),
        max_title_run=where.integer(section, "max_title_run", 2, lo=0),
        trust_markup_headings=where.integer(section, "trust_markup_headings", 3, lo=0),
        default_level=default_level,
        max_level=max_level,
        toc_bullet=wtoc.at("bullet").regex(wtoc.get(toc, "bullet", str, r"^[\s▶►▸•·‣◦»›*+\-–—]+")),
        toc_split=wtoc.at("split").regex(wtoc.get(toc, "split", str, r"\n|\s(?=[▶►▸•]\s)")),
        toc_link_item_share=wtoc.number(toc, "link_item_share", 0.8, lo=0, hi=1),
        references_min_share=wr.number(refs, "min_share", 0.5, lo=0, hi=1),
        links_headings=_regex_list(links, "headings", wl),
        link_pattern=wl.at("link_pattern").regex(wl.get(links, "link_pattern", str, r"(?:https?://|www\.)\S+")),
        links_min_share=wl.number(links, "min_share", 0.5, lo=0, hi=1),
    )


def _toc_groups(doc: Document, rest: Sequence[Block], keys: Sequence[str],
                cfg: SectionRules, text_rules: TextRules) -> tuple[dict[str, int], list[int]]:
    """Contents lists that name blocks of the page: {block key: first list naming it} and, per list,
    the index in ``rest`` of the block it sits before. Removals with no kept block between them
    form one list."""
    def pos(span) -> tuple[int, int]:
        return (span.lines[0], span.chars[0] if span.chars is not None else -1)

    starts = sorted(pos(b.span) for b in rest)
    groups: list[tuple[int, set[str]]] = []
    # entries: removed contents lists, and kept lists of in-page links (an introduced list of the
    # parts of the page, "treatment options include: [Surgery](#) ...", is content and a contents list)
    found = [(pos(b.span), b.text, False) for b in doc.contents]
    found += [(pos(b.span), b.text, True) for b in rest if _link_item(b, cfg)]
    for where, text, kept in sorted(found):
        here = bisect_left(starts, where) + (1 if kept else 0)
        if not groups or groups[-1][0] != here and not (kept and groups[-1][0] == here - 1):
            groups.append((here, set()))
        elif kept:
            groups[-1] = (here, groups[-1][1])
        for entry in cfg.toc_split.split(text):
            key = heading_key(entry, text_rules, cfg.toc_bullet)
            if key:
                groups[-1][1].add(key)
    present = set(k for k in keys if k)
    names: dict[str, int] = {}
    at: list[int] = []
    for here, entries in groups:
        named = entries & present
        if named:
            for key in named:
                names.setdefault(key, len(at))
            at.append(here)
    return names, at


def _link_item(block: Block, cfg: SectionRules) -> bool:
    """A list item that is (nearly) nothing but a link."""
    return block.kind == "list_item" and block.link_chars >= cfg.toc_link_item_share * len(block.text) > 0


def _same_title(candidate: str, title: str, text_rules: TextRules) -> bool:
    """A heading names the page when it equals the known title or is its head ("X - Site")."""
    a, b = heading_key(candidate, text_rules), heading_key(title, text_rules)
    return bool(a) and (a == b or b.startswith(a + " ") or a.startswith(b + " "))


def _find_title(blocks: Sequence[Block], like: Sequence[bool], doc: Document, text_rules: TextRules) -> int | None:
    """Index of the block that is the page title: the first level-1 heading, else the first
    title-like line before any body text (a page title may be longer than a heading); when the page
    already has a title, only a match to it."""
    index = next((i for i, b in enumerate(blocks) if b.kind == "heading" and b.level == 1), None)
    if index is None:
        for i, b in enumerate(blocks):
            if like[i] or title_like(b, text_rules, doc.language, text_rules.page_title_max_words,
                                     text_rules.page_title_max_chars):
                index = i
                break
            if b.kind != "heading":
                break  # body text came first: no plain title line
    if index is None or (doc.title and not _same_title(blocks[index].text, doc.title, text_rules)):
        return None
    return index


def _role(heading: Block | None, blocks: Sequence[Block], cfg: SectionRules, text_rules: TextRules) -> str:
    name = heading_key(heading.text, text_rules) if heading is not None else ""
    if blocks and name in text_rules.reference_headings:
        cited = sum(1 for b in blocks if is_citation(b.text, text_rules))
        if cited >= cfg.references_min_share * len(blocks):
            return "references"
    if name and any(p.search(name) for p in cfg.links_headings):
        return "links"
    total = sum(len(b.text) for b in blocks)
    if total:
        linked = sum(min(len(b.text), b.link_chars + sum(len(m) for m in cfg.link_pattern.findall(b.text)))
                     for b in blocks)
        if linked >= cfg.links_min_share * total:
            return "links"
    return "body"


def _title_copies(blocks: Sequence[Block], like: Sequence[bool], t: int, text_rules: TextRules) -> list[int]:
    """Indices of the copies of title ``t`` among the non-body blocks around it (on either side,
    up to the first body text), in page order."""
    key = heading_key(blocks[t].text, text_rules)
    copies: list[int] = []
    for step in (-1, 1):
        j = t + step
        while 0 <= j < len(blocks):
            if heading_key(blocks[j].text, text_rules) == key:
                copies.append(j)
            elif blocks[j].kind != "heading" and not like[j]:
                break  # body text ends the title zone
            j += step
    return sorted(copies)


@dataclass(frozen=True)
class Contents:
    """The page's contents lists as they bear on the blocks left after the title."""

    keys: Sequence[str]  # per block: its heading key ("" where none is needed)
    names: Mapping[str, int]  # key of a named block -> the first list naming it
    at: Sequence[int]  # per list, in page order: index of the block it sits before

    def list_naming(self, i: int) -> int:
        """The list that names block ``i`` (a listed heading)."""
        return self.names[self.keys[i]]


def _contents(doc: Document, blocks: Sequence[Block], rest: Sequence[Block], cfg: SectionRules,
              text_rules: TextRules) -> Contents:
    """The contents lists of the page and the blocks of ``rest`` (the blocks left after the title)
    they name. Whether the page has contents at all is judged on all its ``blocks``."""
    # keys are only needed when the page had contents lists
    has_toc = bool(doc.contents) or any(_link_item(b, cfg) for b in blocks)
    keys = [heading_key(b.text, text_rules) if has_toc and b.kind == "paragraph" else "" for b in rest]
    if not has_toc:
        return Contents(keys=keys, names={}, at=[])
    names, at = _toc_groups(doc, rest, keys, cfg, text_rules)
    return Contents(keys=keys, names=names, at=at)


def _promotes_plain(blocks: Sequence[Block], cfg: SectionRules) -> bool:
    """Whether plain title lines may become headings: not on a page that marks enough of its own."""
    marked = sum(1 for b in blocks if b.kind == "heading")
    return not cfg.trust_markup_headings or marked < cfg.trust_markup_headings


def _marked_kinds(blocks: Sequence[Block], contents: Contents) -> list[str | None]:
    """Per block, why it is a heading for sure: ``markup`` (a markdown heading), ``listed`` (named by a
    contents list), or None."""
    return ["markup" if b.kind == "heading" else "listed" if contents.keys[i] in contents.names else None
            for i, b in enumerate(blocks)]


def _plain_kinds(kind: Sequence[str | None], like: Sequence[bool], max_title_run: int) -> list[str | None]:
    """``kind`` with plain title lines added: ``plain`` for the last line of a short run of title
    lines directly above body text, ``parent`` for a lone title line directly above a heading (a
    candidate; the levels decide)."""
    kind = list(kind)
    n = len(kind)
    i = 0
    while i < n:
        if kind[i] is not None or not like[i]:
            i += 1
            continue
        j = i
        while j < n and kind[j] is None and like[j]:
            j += 1
        if j < n and kind[j] is None:  # body text follows: the last line of a short run is a heading
            if j - i <= max_title_run:
                kind[j - 1] = "plain"
        elif j < n and j - i == 1:  # a line right above a heading may be its parent
            kind[i] = "parent"
        i = j
    return kind


def _list_owners(kind: Sequence[str | None], at: Sequence[int]) -> list[int | None]:
    """Per contents list, the heading it sits under (its owner; None before any heading): the list's
    entries are one level below it."""
    owner_of: list[int | None] = []
    last: int | None = None
    k = 0
    for here in at:  # lists in page order
        while k < here:
            last = k if kind[k] is not None else last
            k += 1
        owner_of.append(last)
    return owner_of


def _levels(blocks: Sequence[Block], kind: Sequence[str | None], contents: Contents,
            owner_of: Sequence[int | None], references: Sequence[bool], cfg: SectionRules) -> list[int | None]:
    """Per block, its heading level, or None for a block that is not a heading (a ``parent`` candidate
    that is not above a deeper heading is not one).

    Markdown as given; a contents entry one below its list's owner (default_level for a list before
    any heading); a plain heading that owns a list at default_level; other plain headings one below
    the last listed heading or owner before them."""
    owners = {o for o in owner_of if o is not None}
    level: list[int | None] = [None] * len(blocks)

    def listed_level(i: int) -> int:
        o = owner_of[contents.list_naming(i)]
        if o is None or o >= i or level[o] is None:
            return cfg.default_level
        # a references section holds citations, not parts of the page: a contents list right
        # under its heading starts the next part, a sibling of it
        return level[o] if references[o] else level[o] + 1

    child: int | None = None
    previous: int | None = None  # level of the heading before
    for i in range(len(blocks)):
        if kind[i] is None:
            continue
        if kind[i] == "markup":
            lv = blocks[i].level
        elif kind[i] == "listed":
            lv = listed_level(i)
        elif previous is not None and references[i]:
            lv = previous  # "References" closes the part it follows: a sibling of the section before
        else:
            lv = cfg.default_level if i in owners or child is None else child
        lv = min(lv, cfg.max_level)
        if kind[i] == "parent":
            nxt = blocks[i + 1].level if kind[i + 1] == "markup" else (
                lv + 1 if owner_of[contents.list_naming(i + 1)] == i else listed_level(i + 1))
            if nxt <= lv:
                continue  # not above a deeper heading: not a parent, not a heading
        level[i] = previous = lv
        if kind[i] == "listed" or i in owners:
            child = min(lv + 1, cfg.max_level)
    return level


Entry = tuple[Block, int, list[Block]]  # a heading (as a heading block), its level, the blocks under it


def _group(blocks: Sequence[Block], level: Sequence[int | None]) -> tuple[list[Block], list[Entry]]:
    """Blocks grouped under their headings: (the lead, what comes before the first heading; the
    headings with their levels and blocks). A promoted paragraph becomes a heading block."""
    lead: list[Block] = []
    entries: list[Entry] = []
    for b, lv in zip(blocks, level):
        if lv is None:
            (entries[-1][2] if entries else lead).append(b)
        else:
            entries.append((b if b.kind == "heading" else relabelled(b, "heading", lv, b.role), lv, []))
    return lead, entries


def _non_empty(entries: Sequence[Entry]) -> list[bool]:
    """Per heading, whether it has blocks or sub-sections. Decided from the end, so that a parent
    whose only children were empty is empty too."""
    keep = [True] * len(entries)
    next_level: int | None = None
    for k in range(len(entries) - 1, -1, -1):
        _, lv, body = entries[k]
        if not body and (next_level is None or next_level <= lv):
            keep[k] = False
        else:
            next_level = lv
    return keep


def _labelled(lead: Sequence[Block], entries: Sequence[Entry], keep: Sequence[bool], cfg: SectionRules,
              text_rules: TextRules) -> list[Block]:
    """The kept blocks, labelled: headings with their levels, every block with its section's role
    (the sections themselves are built from these labels: Document.sections)."""
    out: list[Block] = _with_role(lead, _role(None, lead, cfg, text_rules)) if lead else []
    for (heading, lv, body), kept in zip(entries, keep):
        if kept:
            role = _role(heading, body, cfg, text_rules)
            out.append(relabelled(heading, heading.kind, lv, role))  # one new block for its level and role
            out += _with_role(body, role)
    return out


def stage(doc: Document, rules) -> Document:
    cfg: SectionRules = rules.stage(NAME)
    text_rules: TextRules = rules.text
    blocks = list(doc.kept)
    like = [title_like(b, text_rules, doc.language) for b in blocks]

    # the page title, and copies of it among the non-body blocks around it
    title = doc.title
    gone: list[Block] = []
    titles: set[int] = set()
    t = _find_title(blocks, like, doc, text_rules)
    if t is not None:
        title = doc.title or blocks[t].text
        titles = {t, *_title_copies(blocks, like, t, text_rules)}
        gone += [dropped(blocks[i], NAME, cfg.title_id, why="the page title" if i == t else "a copy of the page title")
                 for i in sorted(titles)]
    rest = [b for i, b in enumerate(blocks) if i not in titles]
    like = [v for i, v in enumerate(like) if i not in titles]

    # which blocks are headings: markdown ones, contents entries, and plain title lines
    contents = _contents(doc, blocks, rest, cfg, text_rules)
    kind = _marked_kinds(rest, contents)
    if _promotes_plain(rest, cfg):
        kind = _plain_kinds(kind, like, cfg.max_title_run)

    # their levels, then the sections they open
    references = [heading_key(b.text, text_rules) in text_rules.reference_headings for b in rest]
    level = _levels(rest, kind, contents, _list_owners(kind, contents.at), references, cfg)
    lead, entries = _group(rest, level)
    keep = _non_empty(entries)
    gone += [dropped(heading, NAME, cfg.empty_id, why="no blocks and no sub-sections under it")
             for (heading, _, _), kept in zip(entries, keep) if not kept]
    return doc.evolve(NAME, blocks=gone + _labelled(lead, entries, keep, cfg, text_rules), title=title)


def _with_role(blocks: Sequence[Block], role: str) -> list[Block]:
    return [b if b.role == role else relabelled(b, b.kind, b.level, role) for b in blocks]

