"""boilerplate: drop navigation, menus, link lists, promos, legal footers and dangling fragments.

Generic signals carry the work; rules.yaml adds phrase patterns and per-site extras. In order:

1. patterns: whole-block UI strings (skip links, share/print widgets, search boxes, breadcrumbs,
   sign-up boxes, datelines, bylines, comment and account UI), generic and per-site;
2. legal: blocks dense in legal/insurance/trademark vocabulary, and bylines with their blurb;
3. promos: an opener ("Recommended ...", "Today on ...") and its teasers up to a closer ("Read
   more"); the short teasers right before a call to action ("Get Started");
4. dangling fragments: a trailing sentence that stops on a function word ("..., see the", "Use
   our") is cut, as is an unfinished last sentence after complete ones; a line ending in ':' is a
   list introduction and stays;
5. link blocks: blocks that are (nearly) all link text or bare URLs, unless a line ending in ':'
   introduces them; an in-page table of contents (its entries recur later as lines) is logged as
   ``toc`` so the sections stage can use the entry names;
6. menus: runs of short unpunctuated lines that are link-heavy, repeated or not followed by text;
   other short runs are menus only outside the article body (a list of symptoms is content);
   what is left of a block whose image was dropped, if only a few words, was its caption;
7. body region (jusText-style): each block is classed by length, stopword density (the language's
   most frequent words) and link density; near-good blocks touching good ones are good; what lies
   before the first or after the last good block is header/footer, except the heading/title lines
   that lead into the article and citations under a References heading; stray references and
   broken-off citation pieces elsewhere go; on HTML pages, what shares the article text's content
   element (<main>, <article>) is not dropped for where it stands;
8. orphan headings: a title line whose whole content went as a link list or legal notice goes too;
9. listing pages: where many linked titles outweigh what the page kept, they are the page (a search
   result, a category, a feed) and the link-list rule gives them back; on HTML, so does a grid of
   cards (an element repeated under one parent) for every part of its cards.
The first date lines dropped (``dateline_rules``: datelines, bylines) date the page in
``source.meta``, and the first byline names its author there.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from bisect import bisect_left, bisect_right
from collections import Counter
from operator import attrgetter
from functools import lru_cache
from typing import Callable, Mapping

import regex

from ..dates import dates_in_line
from ..document import IMAGE_DROPPED, Block, Container, Document, Removal, dropped, edit_text, removal
from ..patterns import TextFold, char_set, combine, literal_search, text_fold, text_needs
from ..profile import MARKDOWN, page_profile
from ..textrules import TextRules, block_title_shape, citation_hits, compare_key, is_references_heading
from ..textutil import ends_closed, token_count, wide_count, words

NAME = "boilerplate"
# it judges plain text by its link share and the site's rules; contents: the entries of the page's own table of contents
FORMATS = ("text", "html", "pdf")  # page formats it acts on (others pass through)
REQUIRES = ("site", "plain-text", "link-counts", "image-flags")  # facts it reads: a listed stage that provides one runs before it
PROVIDES = ("contents",)
INVALIDATES = ("sections",)  # facts it would make stale: no stage that provides one runs before it

# the domain form looks for the '.com' lazily, once the whole rest is known to be one token: a greedy
# \S+ backtracked over a long dotted token ("1.1.1.1...") was quadratic
URL_ONLY = regex.compile(r"^(?:\d{1,3}[.)]\s*)?(?:<?(?:https?://|www\.|//)\S+>?|(?=\S+$)\S+?\.(?:com|org|gov|net|edu|html?|php)(?:/\S*)?)$", regex.I)
CONTENTS = "toc"  # the rule of a contents list (its entries recur later as lines): its blocks are labelled contents entries (doc.contents)
# a byline that names its author: "By Ann Lee", "Written by Ann Lee, PhD on May 2, 2018"
BYLINE_NAME = regex.compile(r"\s*(?:(?:written|posted|reported|story|words)\s+)?by:?\s+(?P<name>\S.*)", regex.I | regex.S)
NAME_END = regex.compile(r"\s+(?:on|at|in|for|from|and\s+(?:reviewed|updated|edited))\s+|\s*[|•,;:–—(\[]|\s+-\s+|\d|\n")
MAX_BYLINE_NAME_WORDS = 5
LIST_JOINER = regex.compile(r"[;,]\s*(and|or|and/or)$", regex.I)  # "...; or" ends a list item, not a fragment


@dataclass(frozen=True)
class Pattern:
    id: str
    regex: regex.Pattern
    max_words: int  # a pattern only takes blocks this short: phrases inside real text are not UI


@dataclass(frozen=True)
class BoilerplateRules:
    patterns: tuple[Pattern, ...] = ()
    legal: tuple[str, ...] = ()
    legal_min_hits: int = 2
    legal_words_per_hit: int = 25
    promo_open: regex.Pattern | None = None
    promo_close: regex.Pattern | None = None
    promo_window: int = 6
    teaser_max_chars: int = 300
    top_box_max_chars: int = 200
    byline: regex.Pattern | None = None
    citation_strong: regex.Pattern | None = None
    dangling_end_words: frozenset[str] = frozenset()
    link_density_max: float = 0.5
    link_block_density: float = 0.8
    length_low: int = 70
    length_high: int = 200
    stopwords_low: float = 0.30
    stopwords_high: float = 0.32
    stopwords_sentence: float = 0.15
    short_words: int = 6
    menu_min_run: int = 3
    title_max_words: int = 16
    title_lookback: int = 3
    head_title_max_words: int = 30
    byline_max_words: int = 60
    caption_max_words: int = 4
    fragment_max_words: int = 3
    orphan_citation_hits: int = 3
    cta: frozenset[str] = frozenset()  # rule ids whose lines are calls to action ("Get Started")
    cta_lookback: int = 8
    cta_box_max_prose: int = 2  # a stretch between two calls to action with more blocks of prose is the article's...
    cta_box_prose_words: int = 25  # ...prose being a full sentence of more words than this
    comments_opener: str = "comment-ui"
    comments_after_share: float = 0.6
    comments_not_on: frozenset[str] = frozenset()  # profile evidence of a page whose replies are its content
    wide_char_weight: float = 3.0  # a Han or kana character counts as this many characters in lengths
    refs_heading_max_words: int = 4
    teaser_max_words: int = 12
    teaser_max_sentences: int = 2
    body_min_words: int = 12
    listing_min_items: int = 5
    listing_item_min_words: int = 4
    listing_mean_words: float = 5.0
    listing_item_max_words: int = 50
    listing_over_kept: float = 3.0
    listing_max_kept_words: int = 300
    listing_rules: frozenset[str] = frozenset({"link-list"})  # the drops a listing page's entries may have had
    card_rules: frozenset[str] = frozenset()  # HTML: the drops the parts of a listing's cards may have had
    card_max_depth: int = 12  # elements looked at above a block for the card it is part of
    card_max_kept_words: int = 300  # a page that kept this many words has its cards around an article
    dateline_rules: frozenset[str] = frozenset()
    menu_link_share: float = 0.5
    legal_min_chars: int = 8
    byline_blurb_reach: int = 3
    byline_blurb_max_chars: int = 400
    title_case_min_letters: int = 4
    title_case_share: float = 0.7
    sentence_min_words: int = 8
    sentence_min_chars: int = 40
    unfinished_min_words: int = 3




# What a site section may hold: lists that add to the generic ones (a site's own UI strings, legal
# terms, promo openers ...); thresholds are generic (rules.py refuses any other key under a site).
SITE_RULES = ("patterns", "legal", "promo_open", "promo_close", "byline", "citation_strong", "dangling_end_words",
              "cta")


def _pattern_list(items, where) -> tuple[Pattern, ...]:
    if items is None:
        return ()
    if not isinstance(items, tuple):
        raise where.error("expected a list of patterns")
    out = []
    for i, item in enumerate(items):
        w = where.at(i)
        if not isinstance(item, Mapping) or "id" not in item or "pattern" not in item:
            raise w.error("each pattern needs an id and a pattern")
        w.get(item, "note", str)  # a comment kept with the pattern
        out.append(Pattern(str(item["id"]), w.at("pattern").regex(item["pattern"], regex.I, joined=True),
                           w.integer(item, "max_words", 12, lo=1)))
    return tuple(out)


def _alternation(items, where, anchored: bool = False):
    if not items:
        return None
    if not isinstance(items, tuple) or not all(isinstance(s, str) for s in items):
        raise where.error("expected a list of regular expressions")
    # each compiled alone too, so an error (or a pattern that runs too long) names its entry
    return where.regex_any(items, regex.I, "^(?:{})$" if anchored else "(?:{})")


def compile(section: Mapping, where) -> BoilerplateRules:
    count = lambda key, default, lo=0: where.integer(section, key, default, lo=lo)  # noqa: E731
    share = lambda key, default: where.number(section, key, default, lo=0, hi=1)  # noqa: E731
    words = section.get("dangling_end_words", ())
    if not isinstance(words, tuple):
        raise where.at("dangling_end_words").error("expected a list of words")
    for i, w in enumerate(words):
        if not isinstance(w, str):  # YAML reads a bare on/off/yes/no as a boolean
            raise where.at("dangling_end_words", i).error(f"expected a word, got {w!r} (quote it)")
    rules = BoilerplateRules(
        patterns=_pattern_list(section.get("patterns"), where.at("patterns")),
        legal=tuple(t.casefold() for t in _strings(section.get("legal", ()), where.at("legal"))),
        legal_min_hits=count("legal_min_hits", 2, 1),
        legal_words_per_hit=count("legal_words_per_hit", 25, 1),
        promo_open=_alternation(section.get("promo_open"), where.at("promo_open"), anchored=True),
        promo_close=_alternation(section.get("promo_close"), where.at("promo_close"), anchored=True),
        promo_window=count("promo_window", 6),
        teaser_max_chars=count("teaser_max_chars", 300),
        top_box_max_chars=count("top_box_max_chars", 200),
        byline=_alternation(section.get("byline"), where.at("byline"), anchored=True),
        citation_strong=_alternation(section.get("citation_strong"), where.at("citation_strong")),
        dangling_end_words=frozenset(w.lower() for w in words),
        link_density_max=share("link_density_max", 0.5),
        link_block_density=share("link_block_density", 0.8),
        length_low=count("length_low", 70),
        length_high=count("length_high", 200),
        stopwords_low=share("stopwords_low", 0.30),
        stopwords_high=share("stopwords_high", 0.32),
        stopwords_sentence=share("stopwords_sentence", 0.15),
        short_words=count("short_words", 6, 1),
        menu_min_run=count("menu_min_run", 3, 1),
        title_max_words=count("title_max_words", 16, 1),
        title_lookback=count("title_lookback", 3),
        head_title_max_words=count("head_title_max_words", 30, 1),
        byline_max_words=count("byline_max_words", 60, 1),
        caption_max_words=count("caption_max_words", 4),
        fragment_max_words=count("fragment_max_words", 3),
        orphan_citation_hits=count("orphan_citation_hits", 3, 1),
        cta=frozenset(_strings(section.get("cta", ()), where.at("cta"))),
        cta_lookback=count("cta_lookback", 8),
        cta_box_max_prose=count("cta_box_max_prose", 2),
        cta_box_prose_words=count("cta_box_prose_words", 25, 1),
        comments_opener=where.get(section, "comments_opener", str, "comment-ui"),
        comments_after_share=share("comments_after_share", 0.6),
        comments_not_on=frozenset(_strings(section.get("comments_not_on", ()), where.at("comments_not_on"))),
        wide_char_weight=where.number(section, "wide_char_weight", 3.0, above=0),
        refs_heading_max_words=count("refs_heading_max_words", 4, 1),
        teaser_max_words=count("teaser_max_words", 12, 1),
        teaser_max_sentences=count("teaser_max_sentences", 2, 1),
        body_min_words=count("body_min_words", 12, 1),
        listing_min_items=count("listing_min_items", 5, 1),
        listing_item_min_words=count("listing_item_min_words", 4, 1),
        listing_mean_words=where.number(section, "listing_mean_words", 5.0, lo=0),
        listing_item_max_words=count("listing_item_max_words", 50, 1),
        listing_over_kept=where.number(section, "listing_over_kept", 3.0, lo=0),
        listing_max_kept_words=count("listing_max_kept_words", 300, 1),
        dateline_rules=frozenset(_strings(section.get("dateline_rules", ()), where.at("dateline_rules"))),
        listing_rules=frozenset(_strings(section.get("listing_rules", ("link-list",)), where.at("listing_rules"))),
        card_rules=frozenset(_strings(section.get("card_rules", ()), where.at("card_rules"))),
        card_max_depth=count("card_max_depth", 12, 1),
        card_max_kept_words=count("card_max_kept_words", 300, 1),
        menu_link_share=share("menu_link_share", 0.5),
        legal_min_chars=count("legal_min_chars", 8, 1),
        byline_blurb_reach=count("byline_blurb_reach", 3),
        byline_blurb_max_chars=count("byline_blurb_max_chars", 400, 1),
        title_case_min_letters=count("title_case_min_letters", 4, 1),
        title_case_share=share("title_case_share", 0.7),
        sentence_min_words=count("sentence_min_words", 8, 1),
        sentence_min_chars=count("sentence_min_chars", 40, 1),
        unfinished_min_words=count("unfinished_min_words", 3, 1),
    )
    # jusText's classes need low <= high
    if rules.length_low > rules.length_high:
        raise where.at("length_low").error(f"must not exceed length_high ({rules.length_high})")
    if rules.stopwords_low > rules.stopwords_high:
        raise where.at("stopwords_low").error(f"must not exceed stopwords_high ({rules.stopwords_high:g})")
    return rules  # its screens are built where a page first needs them (screens_of, cached): a site's
    # section is never used alone, only merged into the generic rules (with_site)


def _strings(items, where) -> tuple[str, ...]:
    if not isinstance(items, tuple) or not all(isinstance(s, str) for s in items):
        raise where.error("expected a list of strings")
    return items


@dataclass(frozen=True, slots=True)
class _Measures:
    """What a page's blocks are measured with (the same for all of them)."""

    stop: frozenset[str] | None  # the language's stopwords; None: every word counts as one (CJK)
    r: BoilerplateRules
    tr: TextRules
    lang: str | None
    function_words: frozenset[str]  # tr.function_words_of(lang)
    # derived from r once per page, not per block: the most words a block compared by key may have
    # (Features.key), and what a Han or kana character adds to a length (wide_char_weight - 1)
    key_max_words: int = field(init=False)
    wide_extra: float = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key_max_words", max(self.r.title_max_words, self.r.short_words))
        object.__setattr__(self, "wide_extra", self.r.wide_char_weight - 1)


class Features:
    """What the passes read of a block. The cheap measures are taken at once; the stopword share,
    the title shape and whether it names a references section are taken where a pass first asks
    (most blocks of a dump go as link lists before any pass does)."""

    __slots__ = ("words", "chars", "link_density", "sentence", "closed", "key", "_block", "_measures",
                 "_stop_density", "_title_like", "_refs_heading")

    def __init__(self, block: Block, m: _Measures) -> None:
        # every block of a page is measured: the cheap tests come first, each fact is asked once
        text = block.text
        facts = block.facts
        n = len(facts.words)
        self.words = n
        size = len(text)
        # a Han or kana character says as much as wide_char_weight Latin ones: lengths are weighted
        # (ASCII text has none: the facts are not asked)
        wide = 0 if text.isascii() else facts.wide
        self.chars = size + round(m.wide_extra * wide) if wide else size
        links = block.link_chars
        self.link_density = min(1.0, links / size) if links and size else 0.0
        closed = facts.ends_closed  # ends with . ! ? : ;
        self.closed = closed
        self.sentence = closed and facts.ends_sentence  # ends with sentence punctuation (a closing mark)
        # the text as compared (textrules.compare_key), only for lines as short as a menu entry or a
        # title (equal keys have equal word counts, so a longer block would match none of them): None
        self.key = compare_key(text, m.tr) if n <= m.key_max_words else None
        self._block, self._measures = block, m
        self._stop_density: float | None = None
        self._title_like: bool | None = None
        self._refs_heading: bool | None = None

    @property
    def stop_density(self) -> float:
        """The share of its words that are stopwords."""
        if self._stop_density is None:
            stop, n = self._measures.stop, self.words
            ws = self._block.facts.words
            # without a stopword list (CJK) every word counts as one: length and punctuation decide
            hits = sum(map(stop.__contains__, map(str.lower, ws))) if stop is not None else n
            self._stop_density = hits / n if n else 0.0
        return self._stop_density

    @property
    def title_like(self) -> bool:
        """Shaped like a title (textrules.title_shape): a heading or a menu entry."""
        if self._title_like is None:
            m = self._measures
            self._title_like = 0 < self.words <= m.r.title_max_words and block_title_shape(
                self._block, m.tr, m.lang, m.r.title_max_words, function_words=m.function_words)
        return self._title_like

    @property
    def refs_heading(self) -> bool:
        """Names a references section (textrules.is_references_heading)."""
        if self._refs_heading is None:
            m = self._measures
            self._refs_heading = self.words <= m.r.refs_heading_max_words and is_references_heading(
                self._block.text, m.tr, self.key)
        return self._refs_heading

    def _measured(self) -> tuple:
        return (self.words, self.chars, self.link_density, self.stop_density, self.sentence, self.closed,
                self.title_like, self.key, self.refs_heading)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Features) and self._measured() == other._measured()

    __hash__ = None  # type: ignore[assignment]  # compared by what it measured, which it may yet take

    def __repr__(self) -> str:
        names = ("words", "chars", "link_density", "stop_density", "sentence", "closed", "title_like", "key",
                 "refs_heading")
        return "Features(" + ", ".join(f"{k}={v!r}" for k, v in zip(names, self._measured())) + ")"


def features(block: Block, stop: frozenset[str] | None, r: BoilerplateRules, tr: TextRules,
             lang: str | None, function_words: frozenset[str] | None = None) -> Features:
    """What the passes read of a block. ``function_words``: ``tr.function_words_of(lang)``, where
    the caller has it."""
    if function_words is None:
        function_words = tr.function_words_of(lang)
    return Features(block, _Measures(stop, r, tr, lang, function_words))


def _page_features(blocks: list[Block], stop: frozenset[str] | None, r: BoilerplateRules, tr: TextRules,
                   lang: str | None) -> list[Features]:
    """Each block's features. Blocks of one text and link share are measured once (a page repeats
    its menu entries and buttons): they share one Features, which nothing changes."""
    return _measure_page(blocks, _Measures(stop, r, tr, lang, tr.function_words_of(lang)))


def _measure_page(blocks: list[Block], m: _Measures) -> list[Features]:
    measured: dict[tuple[str, int], Features] = {}
    out = []
    for b in blocks:
        key = (b.text, b.link_chars)
        f = measured.get(key)
        if f is None:
            f = measured[key] = Features(b, m)
        out.append(f)
    return out


def _full_sentences(block: Block, r: BoilerplateRules) -> int:
    """Sentences of at least sentence_min_words words and sentence_min_chars characters (a Han or
    kana one weighted) in the text."""
    text, wide = block.text, block.facts.wide > 0

    def length(a: int, b: int) -> float:
        return b - a + ((r.wide_char_weight - 1) * wide_count(text[a:b]) if wide else 0)
    return sum(1 for a, b in block.facts.sentences if token_count(text[a:b], wide) >= r.sentence_min_words
               and length(a, b) >= r.sentence_min_chars)


def with_site(generic: BoilerplateRules, site: BoilerplateRules | None) -> BoilerplateRules:
    """The generic rules with a site's lists added to them."""
    if site is None:
        return generic
    merged = replace(
        generic,
        patterns=generic.patterns + site.patterns,
        legal=generic.legal + tuple(t for t in site.legal if t not in generic.legal),
        promo_open=_either(generic.promo_open, site.promo_open),
        promo_close=_either(generic.promo_close, site.promo_close),
        byline=_either(generic.byline, site.byline),
        citation_strong=_either(generic.citation_strong, site.citation_strong),
        dangling_end_words=generic.dangling_end_words | site.dangling_end_words,
        cta=generic.cta | site.cta,
    )
    return merged


def _either(a, b):
    """One pattern that matches where either of two (generic and site) does; None for neither."""
    if a is None or b is None:
        return a or b
    return combine([a, b], regex.I)


class Verdicts(list):
    """Per block: the rule that drops it (None: kept); ``why`` holds, by block index, what the rule
    measured, where it measured something. Setting a rule alone clears an earlier reason."""

    def __init__(self, n: int) -> None:
        super().__init__([None] * n)
        self.why: dict[int, str] = {}

    def __setitem__(self, i, rule) -> None:
        if rule != self[i]:
            super().__setitem__(i, rule)
            self.why.pop(i, None)

    def drop(self, i: int, rule: str, why: str) -> None:
        super().__setitem__(i, rule)
        self.why[i] = why

    def drop_unless_dropped(self, i: int, rule: str, why: str) -> None:
        if not self[i]:
            self.drop(i, rule, why)


def _word_count(n: int) -> str:
    return f"{n} word" if n == 1 else f"{n} words"


def stage(doc: Document, rules) -> Document:
    r = with_site(rules.stage(NAME), rules.site_stage(doc.site, NAME))
    blocks = list(doc.kept)
    if not blocks:
        return doc.evolve(NAME)
    tr: TextRules = rules.text
    profile = page_profile(doc, tr)
    lang, stop = profile.language, profile.stopwords
    # a phrase that stops on a function word of the page's language (or a site's word) lost its end
    end_words = profile.function_words | r.dangling_end_words
    measures = _Measures(stop, r, tr, lang, tr.function_words_of(lang))
    feats = _measure_page(blocks, measures)
    verdict = Verdicts(len(blocks))

    screens = screens_of(r)  # built on a page's first need, then cached per set of patterns
    folded = _folded(blocks, feats, screens, _fold_max_words(r, screens))
    _patterns(blocks, feats, verdict, r, screens, folded)
    _legal(blocks, feats, verdict, r, screens, folded)
    _promos(blocks, feats, verdict, r, screens, folded)
    _cta_teasers(blocks, feats, verdict, r)
    # a block cut short drops its broken tail before it is judged, so the judgement sees what stays
    cuts: dict[int, list[Removal]] = {}
    for i, b in enumerate(blocks):
        if verdict[i] or feats[i].closed or b.kind in WHOLE_KINDS:  # a closed text has no broken tail (_dangling)
            continue
        new, cut = _dangling(b, r, False, end_words)
        if new is None:
            verdict.drop(i, cut[0].rule, cut[0].why or "")
        elif cut:
            blocks[i], cuts[i] = new, cut
            feats[i] = Features(new, measures)
    _link_blocks(blocks, feats, verdict, r)
    # HTML and markdown mark their links: there a menu's entries are links
    weak_menus = _menus(blocks, feats, verdict, r, links_marked=doc.format == "html" or MARKDOWN in profile.evidence)
    _image_captions(blocks, feats, verdict, r)
    shield = _content_shield(rules.compiled.get("structure"))
    thread = not r.comments_not_on.isdisjoint(profile.evidence)
    _body_region(blocks, feats, verdict, r, tr, weak_menus, shield, thread)
    _orphan_headings(blocks, feats, verdict)
    _listing_page(feats, verdict, r)
    _card_listing(blocks, feats, verdict, r)
    _sheltered_no_content(blocks, verdict, shield)

    why = verdict.why
    labelled = [dropped(block, NAME, rule, why.get(i), contents=rule == CONTENTS) if rule else block
                for i, (block, rule) in enumerate(zip(blocks, verdict))]
    removed = [cut for i in sorted(cuts) for cut in cuts[i]]  # in the blocks' order
    facts = {**_stated_dates(blocks, verdict, r), **_stated_author(blocks, verdict)}
    return doc.evolve(NAME, blocks=labelled, cuts=removed, language=lang, meta=facts)


def _fold_max_words(r: BoilerplateRules, screens: Screens) -> int:
    """The most words a block whose fold is read may have: each reader of the folds (_patterns,
    _promos, the byline test of _legal) takes only blocks up to its own word limit."""
    return max(screens.limits[-1] if screens.limits else 0, r.title_max_words, r.byline_max_words)


def _folded(blocks: list[Block], feats, screens: Screens, max_words: int) -> list[str]:
    """Each block's text as the screens compare it (patterns.TextFold), a repeated text folded once;
    "" for a block of more than ``max_words`` words, whose fold no pass reads (the paragraphs of
    the article: most of the page's characters)."""
    done: dict[str, str] = {}
    out = []
    for b, f in zip(blocks, feats):
        text = b.text
        if f.words > max_words:
            out.append("")
        elif text in done:
            out.append(done[text])
        else:
            out.append(done.setdefault(text, screens.fold(text)))
    return out


def _patterns(blocks, feats, verdict, r: BoilerplateRules, screens: Screens, folded: list[str]) -> None:
    if not r.patterns:
        return
    limits, tiers = screens.limits, screens.tiers
    longest = limits[-1]
    found: dict[str, Pattern | None] = {}  # a repeated text (a menu entry, a button) is tried once
    for i, b in enumerate(blocks):
        n = feats[i].words
        if n > longest:
            continue  # most text blocks: longer than any UI string
        text = b.text
        if text in found:
            p = found[text]
        else:
            p = found[text] = _first_pattern(tiers[bisect_left(limits, n)], folded[i], text)
        if p is not None:
            verdict.drop(i, p.id, f"a whole-block UI string ({_word_count(n)}, at most {p.max_words})")


def _first_pattern(tier: _Tier, folded: str, text: str) -> Pattern | None:
    """The first pattern, in the rules' order, of those that take a block this long, that matches."""
    for p in tier.by_first.get(folded[:1], tier.default).candidates(folded, text):
        if p.regex.search(text):
            return p
    return None


@dataclass(frozen=True, slots=True)
class _Member:
    order: int  # its place in the rules: the first pattern that matches names the block
    pattern: Pattern
    starts: tuple[str, ...] | None  # patterns.TextNeeds: a folded text that matches starts with one
    holds: tuple[str, ...] | None  # ...and holds one
    held: Callable[[str], object] | None = None  # true where a folded text holds one of ``holds``
    chars: frozenset[str] | None = None  # TextNeeds.chars: a text that matches holds one


@dataclass(frozen=True, slots=True)
class _Group:
    """Patterns screened together: those that need a start (the text's first folded character
    picked them: one ``startswith`` for all of them), those that need one of a few long strings
    anywhere (one search for all of them), those that need only short strings (":", "of": most
    texts hold one) or a character of a set (a digit), each tested alone, and those that need
    nothing sure."""

    starts: tuple[str, ...]
    by_start: tuple[_Member, ...]
    holds: Callable[[str], object] | None  # true where the text holds a string one of ``by_holds`` needs
    by_holds: tuple[_Member, ...]
    alone: tuple[_Member, ...]
    always: tuple[Pattern, ...]
    always_members: tuple[_Member, ...]
    # the characters of the members of ``alone`` that need one of a set (a digit): a text holding
    # none (most: one test in C) is tried only for ``alone_uncharted``, the members that need none
    alone_chars: frozenset[str]
    alone_uncharted: tuple[_Member, ...]

    def candidates(self, folded: str, text: str) -> tuple[Pattern, ...] | list[Pattern]:
        """The patterns, in the rules' order, that the text (and its fold) shows what they need for."""
        found: list[_Member] = []
        for m in self.alone if not self.alone_chars.isdisjoint(text) else self.alone_uncharted:
            if (m.chars is None or not m.chars.isdisjoint(text)) and (m.held is None or m.held(folded)):
                found.append(m)
        if self.starts and folded.startswith(self.starts):
            found += [m for m in self.by_start if folded.startswith(m.starts)]
        if self.holds is not None and self.holds(folded):
            found += [m for m in self.by_holds if m.held(folded)]
        if not found:
            return self.always
        found += self.always_members
        found.sort(key=_order)
        return [m.pattern for m in found]


def _order(member: _Member) -> int:
    return member.order


@dataclass(frozen=True)
class _Tier:
    """The patterns that take a block up to one word count, grouped by the first folded character
    a text needs for them (``default``: a character no pattern starts with)."""

    by_first: Mapping[str, _Group]
    default: _Group

    def candidates(self, folded: str, text: str) -> tuple[Pattern, ...] | list[Pattern]:
        return self.by_first.get(folded[:1], self.default).candidates(folded, text)


@dataclass(frozen=True)
class Screens:
    """What a block's text must show before the rules' patterns are tried on it (patterns.text_needs),
    derived from the rules once: most blocks start with and hold none of the strings a UI pattern
    needs, and tests in C on the folded text spare them the engine.

    ``tiers``: for each of ``limits`` (word counts, ascending), the patterns that take a block up
    to that long; promo_open, promo_close, byline: the starts of the stripped, folded text each needs."""

    fold: TextFold
    limits: tuple[int, ...]
    tiers: tuple[_Tier, ...]
    promo_open: tuple[str, ...] | None
    promo_close: tuple[str, ...] | None
    byline: tuple[str, ...] | None
    # (text, pos=0): where a case-folded text holds a legal term; whether it starts a word there is
    # tested apart (_screen_chunk): a lookbehind before the terms made the engine try every position
    legal: Callable[..., object]


def screens_of(r: BoilerplateRules) -> Screens:
    """The screens of the rules' patterns (``Screens``)."""
    singles = tuple((p.pattern, p.flags) if p is not None else None for p in (r.promo_open, r.promo_close, r.byline))
    return _screens(r.patterns, singles, r.legal)


@lru_cache(maxsize=64)
def _screens(patterns: tuple[Pattern, ...], singles: tuple, legal: tuple[str, ...]) -> Screens:
    needs = [text_needs(p.regex.pattern, p.regex.flags) for p in patterns]
    single_needs = [text_needs(*single) if single is not None else None for single in singles]
    codes = {c for need in needs + single_needs if need is not None for c in need.codes}
    # a pattern that needs a start is screened by it alone: its strings anywhere would say less
    members = [_Member(k, p, need.starts, None) if need.starts is not None
               else _Member(k, p, None, need.holds, literal_search(need.holds) if need.holds else None,
                            char_set(need.chars) if need.chars else None)
               for k, (p, need) in enumerate(zip(patterns, needs))]
    limits = tuple(sorted({p.max_words for p in patterns}))
    tiers = tuple(_tier([m for m in members if m.pattern.max_words >= limit]) for limit in limits)
    promo_open, promo_close, byline = (need.starts if need is not None else None for need in single_needs)
    return Screens(text_fold(codes), limits, tiers, promo_open, promo_close, byline, literal_search(legal))


_WEAK_HOLDS = 3  # a needed string shorter than this is in most texts


def _tier(members: list[_Member]) -> _Tier:
    needs_holds = [m for m in members if m.starts is None and m.holds is not None]
    by_holds = tuple(m for m in needs_holds if min(map(len, m.holds)) >= _WEAK_HOLDS)
    always = tuple(m for m in members if m.starts is None and m.holds is None and m.chars is None)
    alone = tuple(m for m in members if m.starts is None and m not in by_holds and m not in always)
    held = {h for m in by_holds for h in m.holds}
    # what the groups share, built once per tier
    holds = literal_search(held) if held else None
    always_patterns = tuple(m.pattern for m in always)
    alone_chars = frozenset().union(*(m.chars for m in alone if m.chars is not None))
    alone_uncharted = tuple(m for m in alone if m.chars is None)

    def group(first: str) -> _Group:
        by_start = tuple(replace(m, starts=tuple(s for s in m.starts if s[0] == first)) for m in members
                         if m.starts is not None and any(s[0] == first for s in m.starts))
        return _Group(tuple(s for m in by_start for s in m.starts), by_start, holds, by_holds, alone,
                      always_patterns, always, alone_chars, alone_uncharted)
    firsts = sorted({s[0] for m in members if m.starts is not None for s in m.starts})
    return _Tier({c: group(c) for c in firsts}, group(""))


def _run_starts(members: list[bool]) -> list[int]:
    """For each block, where the run of consecutive member blocks (``members``: whether each is
    one) holding it starts (itself if it is no member): computed once, so asking for a list's
    introduction stays linear."""
    starts: list[int] = []
    start = 0
    previous = False
    for i, member in enumerate(members):
        if not (member and previous):
            start = i
        starts.append(start)
        previous = member
    return starts


def _list_items(blocks) -> list[bool]:
    return [b.kind == "list_item" for b in blocks]


def _intro_before(blocks, verdict, i: int, starts: list[int]) -> bool:
    """Whether block i is in a list (or run of lines) that a kept line ending in ':' introduces.
    ``starts`` (from ``_run_starts``) says where i's list begins; a narrower notion of the list
    (links only: a contents list after a list of content is not introduced by that list's
    introduction) comes with narrower starts."""
    j = (starts[i] if blocks[i].kind == "list_item" else i) - 1
    return j >= 0 and not verdict[j] and blocks[j].text.rstrip().endswith(":")


def _link_blocks(blocks, feats, verdict, r: BoilerplateRules) -> None:
    link_starts = _run_starts([b.kind == "list_item" and f.link_density >= r.link_block_density
                               for b, f in zip(blocks, feats)])
    found: list[int] = []
    limit = f"{r.link_block_density:.2f}"
    shares: dict[float, str] = {}  # link share -> why (a page's link blocks share a few shares: most 1.00)
    for i, b in enumerate(blocks):
        if verdict[i]:
            continue
        f = feats[i]
        # every URL_ONLY form holds a '.' or a '/', and a blank only after a leading number ("1. "):
        # most texts (several words) are told without the search
        text = b.text.strip()
        url_only = ("." in text or "/" in text) and (" " not in text or text[:1].isdigit()) \
            and URL_ONLY.match(text) is not None
        if not url_only and f.link_density < r.link_block_density:
            continue
        if b.kind == "list_item" and not url_only and _intro_before(blocks, verdict, i, link_starts):
            continue  # "... treatment options can include:" followed by linked items: a content list
        # dropped at once (a list after it looks back for its introduction); a contents list once
        # the lines it may name are known
        verdict.drop(i, "link-list", "a bare URL" if url_only else shares.get(f.link_density)
                     or shares.setdefault(f.link_density, f"link share {f.link_density:.2f} >= {limit}"))
        found.append(i)
    later_lines = _named_lines(blocks, feats, r, {feats[i].key for i in found} - {None})
    for i in found:
        j = later_lines.get(feats[i].key, -1)
        if j > i:
            verdict.drop(i, CONTENTS, f"{verdict.why[i]}; names a line below (line {blocks[j].span.lines[0]})")


def _named_lines(blocks, feats, r: BoilerplateRules, keys: set[str]) -> dict[str, int]:
    """Key -> the last line of the page (removed or not) that a contents entry may name: a title
    line or a short question ("How is it given?"), not a list item. Only the ``keys`` of the link
    blocks are looked for: the title shape is measured for the lines that could be named."""
    lines: dict[str, int] = {}
    if not keys:
        return lines
    for i, b in enumerate(blocks):
        f = feats[i]
        if f.key in keys and b.kind != "list_item" and (
                f.title_like or 0 < f.words <= r.title_max_words and b.text.rstrip().endswith("?")):
            lines[f.key] = i
    return lines


def _stated_dates(blocks: list[Block], verdict, r: BoilerplateRules) -> dict[str, str]:
    """The page's dates from the date lines it drops (rules ``dateline_rules``): each date dated by
    the words before it (``dates.dates_in_line``: "updated" gives ``modified``, "reviewed"
    ``reviewed``, else ``published``). Page data, kept in ``source.meta`` where nothing before
    stated them (the first value of a key wins)."""
    found: dict[str, str] = {}
    for i, rule in enumerate(verdict):
        if rule in r.dateline_rules:
            for key, date in dates_in_line(blocks[i].text):  # what each date dates: dates.dates_in_line
                found.setdefault(key, date)
    return found


def _stated_author(blocks: list[Block], verdict) -> dict[str, str]:
    """The author the page's first byline names ("Written by Ann Lee, PhD on May 2, 2018" -> Ann Lee),
    page data for ``source.meta`` where nothing before stated one; a reviewer's or an editor's line
    names no author."""
    for i, rule in enumerate(verdict):
        if rule != "byline":
            continue
        m = BYLINE_NAME.match(blocks[i].text)
        if m is None:
            continue
        name = NAME_END.split(m.group("name"), 1)[0].strip()
        # a person's name: two to five words, capitalised, not shouted ("By Role", "BY COMPANY TYPE"
        # are a filter's labels)
        if 2 <= len(name.split()) <= MAX_BYLINE_NAME_WORDS and name[0].isupper() and not name.isupper():
            return {"author": name}
    return {}


def _listing_page(feats, verdict, r: BoilerplateRules) -> None:
    """A page that is a listing (search results, a category, a feed) keeps its entries: when the
    linked lines the link-list rule took (or, on a page without prose, the no-content rule: the
    ``listing_rules``; each a title or a caption, not a one-word menu entry nor a
    whole menu run together; titles, so several words on average) are many and outweigh what the
    page kept several times over, they are the page's content, not links around it. A page that
    kept an article's worth of prose has its links around it, however many."""
    items = [i for i, rule in enumerate(verdict) if rule in r.listing_rules
             and r.listing_item_min_words <= feats[i].words <= r.listing_item_max_words]
    if len(items) < r.listing_min_items:
        return
    kept = sum(f.words for f, rule in zip(feats, verdict) if not rule)
    listed = sum(feats[i].words for i in items)
    if kept < r.listing_max_kept_words and listed > r.listing_over_kept * kept \
            and listed >= r.listing_mean_words * len(items):
        for i in items:
            verdict[i] = None


def _card_listing(blocks: list[Block], feats, verdict, r: BoilerplateRules) -> None:
    """HTML: a page that is a grid or list of cards keeps them. A card is an element repeated at
    least ``listing_min_items`` times under one parent (same tag, same first class word); its parts
    (title, teaser, company, place, date) are often short lines that the link-list, menu,
    no-content or page-header rules take one by one. When the largest such group holds
    ``listing_mean_words`` words a card on average and outweighs what the page kept
    ``listing_over_kept`` times over, on a page that kept fewer than ``card_max_kept_words`` words,
    its lines dropped by ``card_rules`` stay."""
    if not r.card_rules:
        return
    kept = sum(f.words for f, rule in zip(feats, verdict) if not rule)
    if kept >= r.card_max_kept_words:
        return
    groups: dict[tuple[int, str, str], dict[int, list[int]]] = {}
    for i, b in enumerate(blocks):
        c = b.container
        depth = 0
        while c is not None and depth < r.card_max_depth:
            names = c.names.split(None, 1)  # class="  " has no first word
            first = names[0] if names else ""
            groups.setdefault((id(c.parent), c.tag, first), {}).setdefault(id(c), []).append(i)
            c, depth = c.parent, depth + 1
    best: list[int] = []
    best_words = 0
    for cards in groups.values():
        if len(cards) < r.listing_min_items:
            continue
        members = sorted({i for items in cards.values() for i in items})
        group_words = sum(feats[i].words for i in members)
        if group_words > best_words and group_words >= r.listing_mean_words * len(cards):
            best, best_words = members, group_words
    outside = kept - sum(feats[i].words for i in best if not verdict[i])
    if best and best_words > r.listing_over_kept * outside:
        for i in best:
            if verdict[i] in r.card_rules:
                verdict[i] = None


def _promos(blocks, feats, verdict, r: BoilerplateRules, screens: Screens, folded: list[str]) -> None:
    if r.promo_open is None:
        return
    n = len(blocks)
    # only the blocks whose text may start as an opener or a closer does are visited (most start
    # with none of the strings they need)
    openers = _may_start_at(folded, feats, r.title_max_words, screens.promo_open)
    closers = _may_start_at(folded, feats, r.title_max_words, screens.promo_close) if r.promo_close else set()
    resume = 0  # the first block after the promo last taken
    for i in sorted(openers | closers):
        if i < resume:
            continue
        b = blocks[i]
        if i in openers and r.promo_open.match(b.text.strip()):
            verdict.drop_unless_dropped(i, "promo", "opens a promo")
            end = min(n, i + 1 + r.promo_window)
            closer = next((j for j in range(i + 1, end) if r.promo_close and r.promo_close.match(blocks[j].text.strip())), None)
            # a promo box holds teasers, not the article: only short blocks between opener and closer
            if closer is not None and all(_boxed_teaser(blocks[j], feats[j], r) for j in range(i + 1, closer)):
                for j in range(i + 1, closer + 1):
                    verdict.drop_unless_dropped(j, "promo", f"in the promo box from line {b.span.lines[0]}")
                resume = closer + 1
                continue
            # no closer: take the short teaser lines that follow, up to a heading or real text
            j = i + 1
            while j < end and _teaser(blocks[j], feats[j], r) and (feats[j].words <= r.teaser_max_words or not feats[j].sentence):
                verdict.drop_unless_dropped(j, "promo", f"a teaser after the promo opener at line {b.span.lines[0]}")
                j += 1
            resume = j
            continue
        if i in closers and r.promo_close.match(b.text.strip()):
            verdict.drop_unless_dropped(i, "promo", "closes a promo")
            # a teaser cut off with an ellipsis right before "Read more" is part of the promo
            if i and blocks[i - 1].text.rstrip().endswith(("...", "…")):
                verdict.drop_unless_dropped(i - 1, "promo", "a teaser cut off right before a promo's closer")


def _cta_teasers(blocks, feats, verdict, r: BoilerplateRules) -> None:
    """A call to action ("Get Started", "Sign Up", "Read more") closes a teaser.

    Right before it, headlines and short blurbs advertise it. Where the blocks back to the
    previous call to action (or to the top of the page) are all teaser-sized, the whole stretch
    is one promo box, blurbs of full sentences included: text between two buttons is not the
    article. An article that merely ends in a "Subscribe" button keeps its paragraphs."""
    prev_cta = -1
    for i in range(len(blocks)):
        if verdict[i] not in r.cta:
            continue
        box = [k for k in range(prev_cta + 1, i) if not verdict[k]]
        limit = r.teaser_max_chars if prev_cta >= 0 else r.top_box_max_chars
        prev_cta = i
        if 0 < len(box) <= r.cta_lookback and all(
                blocks[k].kind != "heading" and feats[k].chars <= limit
                and len(blocks[k].facts.sentences) <= r.teaser_max_sentences
                for k in box) and _prose_blocks(box, feats, r) <= r.cta_box_max_prose:
            for k in box:
                verdict.drop(k, "promo", f"a short block in the box before the call to action at line {blocks[i].span.lines[0]}")
            continue
        k = i - 1
        while k >= 0 and i - k <= r.cta_lookback and verdict[k] not in r.cta and verdict[k] != "promo":
            if not verdict[k]:
                if not _boxed_teaser(blocks[k], feats[k], r) or len(blocks[k].facts.sentences) > r.teaser_max_sentences:
                    break
                verdict.drop(k, "promo", f"a teaser before the call to action at line {blocks[i].span.lines[0]}")
            k -= 1


def _prose_blocks(box: list[int], feats, r: BoilerplateRules) -> int:
    """How many of the blocks ``box`` indexes are prose (full sentences of more than
    ``cta_box_prose_words`` words): a news story's short paragraphs between two inline "Read more:
    ..." links are, a promo's one-line blurbs are not."""
    return sum(1 for k in box if feats[k].sentence and feats[k].words > r.cta_box_prose_words)


def _teaser(block: Block, f: Features, r: BoilerplateRules) -> bool:
    """A promo's teaser: a title line or a short blurb, or a text cut off with an ellipsis."""
    return block.kind != "heading" and (f.chars <= r.teaser_max_chars or block.text.rstrip().endswith(("...", "…")))


def _boxed_teaser(block: Block, f: Features, r: BoilerplateRules) -> bool:
    """What a promo box holds between its opener and its closer: headlines and blurbs of a few
    words, or a teaser cut off with an ellipsis; a full sentence of the article is none of these."""
    return _teaser(block, f, r) and (not f.sentence or f.words <= r.teaser_max_words
                                     or block.text.rstrip().endswith(("...", "…")))


def _may_start_at(folded: list[str], feats, max_words: int, starts: tuple[str, ...] | None) -> set[int]:
    """The blocks of at most ``max_words`` words whose stripped text, folded (``folded``), may start
    with one of ``starts`` (the starts a pattern needs; None: it needs none). One pass over the
    page with the test written out: it runs for every block, a function call per block cost more."""
    if starts is None:
        return {i for i, f in enumerate(feats) if f.words <= max_words}
    # a text seldom starts with a blank: the copy lstrip makes only where it does
    return {i for i, (f, t) in enumerate(zip(feats, folded)) if f.words <= max_words and (
            t.startswith(starts) or (t[:1].isspace() and t.lstrip().startswith(starts)))}


def _legal_hits(r: BoilerplateRules, text: str, words: int) -> int:
    """How many legal terms a block holds, or 0 unless they are dense enough to make it a legal
    notice: a news paragraph may mention insurance or a company's Inc. once; a footer says little
    else. Plain substring tests (fast in C) count the terms; only a found term is checked to start
    a word. Asked only of the blocks where the page's screen found a term (``_legal_screen``)."""
    low = text.casefold()
    hits = 0
    for term in r.legal:
        at = low.find(term)
        while at >= 0:
            if at == 0 or not low[at - 1].isalnum():
                hits += 1
            at = low.find(term, at + len(term))
    return hits if hits >= r.legal_min_hits and hits * r.legal_words_per_hit >= words else 0


LEGAL_SCREEN_CHUNK = 1 << 20  # characters of joined text searched at once: a huge page is not copied whole


def _legal_screen(blocks, verdict, r: BoilerplateRules, screens: Screens) -> set[int]:
    """The blocks, of those not yet removed and long enough, that hold a legal term at a word's
    start: one search (``screens.legal``) over the page's case-folded texts joined by a NUL (no
    term holds one, and it starts no word) per chunk of about LEGAL_SCREEN_CHUNK characters, not
    one per block; after a hit the search goes on from the next block (it is counted exactly by
    ``_legal_hits``)."""
    if not r.legal:
        return set()
    found: set[int] = set()
    index: list[int] = []
    lows: list[str] = []
    size = 0
    for i, b in enumerate(blocks):
        if not verdict[i] and len(b.text) >= r.legal_min_chars:
            low = b.text.casefold()
            index.append(i)
            lows.append(low)
            size += len(low) + 1
            if size >= LEGAL_SCREEN_CHUNK:
                _screen_chunk(index, lows, screens, found)
                index, lows, size = [], [], 0
    _screen_chunk(index, lows, screens, found)
    return found


def _screen_chunk(index: list[int], lows: list[str], screens: Screens, found: set[int]) -> None:
    """Add to ``found`` the blocks (``index``) whose case-folded texts (``lows``) hold a legal term."""
    if not lows:
        return
    starts: list[int] = []
    at = 0
    for low in lows:
        starts.append(at)
        at += len(low) + 1
    joined = "\0".join(lows)
    m = screens.legal(joined)
    while m is not None:
        at = m.start()
        if at and joined[at - 1].isalnum():  # inside a word: a term counts only at a word's start (_legal_hits)
            m = screens.legal(joined, at + 1)
            continue
        k = bisect_right(starts, at) - 1
        found.add(index[k])
        if k + 1 == len(starts):
            break
        m = screens.legal(joined, starts[k + 1])


def _legal(blocks, feats, verdict, r: BoilerplateRules, screens: Screens, folded: list[str]) -> None:
    byline_at = None
    counted: dict[str, int] = {}  # a repeated text is counted once
    screened = _legal_screen(blocks, verdict, r, screens)
    bylines = _may_start_at(folded, feats, r.byline_max_words, screens.byline) if r.byline is not None else set()
    for i, b in enumerate(blocks):
        if verdict[i]:
            continue
        if i in screened:
            hits = counted.get(b.text)
            if hits is None:
                hits = counted[b.text] = _legal_hits(r, b.text, feats[i].words)
            if hits:
                verdict.drop(i, "legal", f"{hits} legal terms in {feats[i].words} words")
                continue
        if i in bylines and r.byline.match(b.text.strip()):
            verdict.drop(i, "byline", f"a byline ({_word_count(feats[i].words)})")
            # a bare "Written by" line names its author in the blocks after it; "Posted by Jane
            # Doe" names them itself, and what follows is the article
            byline_at = i if b.text.rstrip(" :").lower().endswith(" by") else None
            continue
        # the blurb under a bare byline ("Written by" / "Our team is ...") up to the next heading
        if byline_at is not None and b.kind != "heading" and i - byline_at <= r.byline_blurb_reach \
                and feats[i].chars < r.byline_blurb_max_chars:
            verdict.drop(i, "byline", f"the blurb under the byline at line {blocks[byline_at].span.lines[0]}")
        else:
            byline_at = None


def _image_captions(blocks, feats, verdict, r: BoilerplateRules) -> None:
    """What is left of a block once its image is gone, if only a few words, was the image's caption
    or alt text ("Pancreas"): without the image it says nothing."""
    for i, b in enumerate(blocks):
        if not verdict[i] and IMAGE_DROPPED in b.flags and feats[i].words <= r.caption_max_words and not feats[i].sentence:
            verdict.drop(i, "image-caption", f"{_word_count(feats[i].words)} left of a block whose image was dropped")


def _menus(blocks, feats, verdict, r: BoilerplateRules, links_marked: bool = False) -> set[int]:
    """Runs of short, unpunctuated lines that are not an introduced list. Link-heavy or repeated
    runs, or runs not followed by text, are menus; the others (returned) are menus only if they
    end up outside the article body. Where the page marks its links (HTML, markdown), a run without
    any link text is no menu for want of text after it (a recipe's or a schedule's short lines
    before the next heading): the body region decides."""
    weak: set[int] = set()
    list_starts = _run_starts(_list_items(blocks))
    counts = Counter(map(_key_of, feats))  # counted in C
    counts.pop(None, None)  # a block without a key (a long one) repeats nothing
    n = len(blocks)
    i = 0
    while i < n:
        if verdict[i] or not _menu_item(blocks[i], feats[i], r):
            i += 1
            continue
        j = i
        while j < n and (verdict[j] or _menu_item(blocks[j], feats[j], r)):
            j += 1
        run = [k for k in range(i, j) if not verdict[k]]
        # a title line right before body text heads that text: it is not part of the menu
        followed_by_body = j < n and feats[j].words > r.body_min_words and (
            feats[j].sentence or feats[j].chars > r.length_high)
        while run and followed_by_body and blocks[run[-1]].kind != "list_item" and feats[run[-1]].link_density == 0 \
                and feats[run[-1]].title_like:
            run.pop()
        if len(run) >= r.menu_min_run and not _intro_before(blocks, verdict, i, list_starts):
            linky = sum(1 for k in run if feats[k].link_density > 0 or counts.get(feats[k].key, 0) > 1)
            # a run whose entries are all headings of the text that follows is not a menu
            unlinked = links_marked and not any(feats[k].link_density > 0 for k in run)
            if linky >= r.menu_link_share * len(run) or not (followed_by_body or unlinked):
                why = (f"a run of {len(run)} short lines, {linky} linked or repeated" if followed_by_body
                       else f"a run of {len(run)} short lines that no text follows")
                for k in run:
                    verdict.drop(k, "menu", why)
            else:  # short plain items in the body may be a list of content: the body region decides
                weak.update(run)
        i = max(j, i + 1)
    return weak


_key_of = attrgetter("key")


def _title_case(block: Block, r: BoilerplateRules) -> bool:
    """Most longer words capitalised: how menus and contents lists name things; a list of content
    ("Nausea and vomiting") is written as a sentence."""
    long = [w for w in block.facts.words if len(w) >= r.title_case_min_letters]
    return bool(long) and sum(1 for w in long if w[0].isupper()) >= r.title_case_share * len(long)


def _menu_item(block: Block, f: Features, r: BoilerplateRules) -> bool:
    """A menu entry: a few words, or a headline (a title line: lists of related stories)."""
    if block.kind not in ("paragraph", "list_item") or f.sentence or f.refs_heading:
        return False
    # the headline test (title case) only for a block too long to be an entry of a few words
    entry = f.words <= r.short_words or f.title_like and (block.kind == "paragraph" or _title_case(block, r))
    return entry and not block.text.rstrip().endswith(":")


def _classify(f: Features, block: Block, r: BoilerplateRules) -> str:
    """jusText's first pass: good / near-good / short / bad."""
    if block.kind == "heading":
        return "heading"
    if f.link_density > r.link_density_max:
        return "bad"
    if f.chars < r.length_low:
        return "short"
    if f.stop_density >= r.stopwords_high:
        return "good" if f.chars > r.length_high or (f.sentence and f.words >= r.sentence_min_words) else "near-good"
    if f.chars > r.length_high and f.stop_density >= r.stopwords_sentence and _full_sentences(block, r) >= 2:
        return "good"  # several sentences of term-dense prose (medicine, law): few stopwords, still text
    if f.stop_density >= r.stopwords_low:
        return "near-good"
    if f.words >= r.sentence_min_words and (f.sentence or f.chars >= r.length_high) \
            and f.stop_density >= r.stopwords_sentence:
        return "near-good"  # term-dense prose (medicine, law) has few stopwords but is still prose
    return "bad"


def _body_region(blocks, feats, verdict, r: BoilerplateRules, tr: TextRules,
                 weak_menus: set[int], shield: Callable[[Block], Container | None], thread: bool = False) -> None:
    cls = _body_classes(blocks, feats, verdict, r)
    cls = _references_context(blocks, feats, cls, verdict, r, tr)
    cls = _good_runs(cls)
    live = [i for i, c in enumerate(cls) if c != "removed"]
    goods = [i for i in live if cls[i] == "good"]
    if not goods:
        _no_content(blocks, feats, live, verdict, r)
        return
    end = len(blocks) if thread else _comments(blocks, feats, goods, verdict, r)  # a thread's replies are its content
    goods = [i for i in goods if i < end]
    live = [i for i in live if i < end]
    if not goods:
        return
    first, last = goods[0], goods[-1]
    keep_head = _head_titles(blocks, feats, cls, first, r) | _repeated_head_titles(feats, live, first)
    # HTML: what shares the article text's content element is judged by what it is, not where it is
    homes = {shield(blocks[i]) for i in goods} - {None}
    sheltered = {i for i in live if homes and shield(blocks[i]) in homes}
    _header_footer(blocks, [i for i in live if i not in sheltered], first, last, keep_head, weak_menus, verdict)
    _low_content(feats, cls, live, first, last, verdict, sheltered)


def _content_shield(structure_rules) -> Callable[[Block], Container | None]:
    """A block's innermost content element (structure's ``content``: <main>, <article>, role main),
    None outside one and on text pages. A block in the same content element as the page's article
    text is part of the article wherever it stands: the positional rules (before the first or after
    the last article text, bad blocks between) leave it to the rules that read what it is. Each
    container's answer is found once per page: a page may nest thousands of elements deep."""
    tags = getattr(structure_rules, "content_tags", frozenset())
    roles = getattr(structure_rules, "content_roles", frozenset())
    memo: dict[int, Container | None] = {}

    def content_of(block: Block) -> Container | None:
        c = block.container
        todo: list[Container] = []
        while c is not None and id(c) not in memo:
            if c.tag in tags or (c.role is not None and c.role in roles):
                break
            todo.append(c)
            c = c.parent
        found = None if c is None else memo[id(c)] if id(c) in memo else c
        for x in todo:
            memo[id(x)] = found
        return found

    return content_of


def _body_classes(blocks, feats, verdict, r: BoilerplateRules) -> list[str]:
    """Each block's jusText class ("removed" where a rule already took it); a bad list item that a
    kept line introduces ("... include:") is content, so it counts as short."""
    cls = [_classify(f, b, r) if not rule else "removed" for b, f, rule in zip(blocks, feats, verdict)]
    list_starts: list[int] | None = None  # found where a bad list item first asks (most pages: none)
    for i, c in enumerate(cls):
        if c == "bad" and blocks[i].kind == "list_item":
            if list_starts is None:
                list_starts = _run_starts(_list_items(blocks))
            if _intro_before(blocks, verdict, i, list_starts):
                cls[i] = "short"
    return cls


def _references_context(blocks, feats, cls: list[str], verdict, r: BoilerplateRules, tr: TextRules) -> list[str]:
    """The classes with citations under a references heading made good. Elsewhere a strongly
    citation-like block is a reference that lost its heading, and a few words with a number are a
    broken-off piece of one ("Wilkins; 2015.", "PMC7403797."): both are dropped (and "removed")."""
    cls = list(cls)
    in_refs = False
    refs_max_words = r.refs_heading_max_words
    for i, b in enumerate(blocks):
        # a heading or title line opens a section: a references section if it names one (that
        # short name is looked for first: most blocks are no title, and removed ones are many; its
        # word limit before that, without the call)
        f, heading = feats[i], b.kind == "heading"
        refs_heading = f.words <= refs_max_words and f.refs_heading and (
            heading or (cls[i] in ("short", "removed") and f.title_like))
        if heading or refs_heading or (cls[i] == "short" and f.title_like):
            in_refs = refs_heading
        elif cls[i] == "removed":
            continue
        elif b.kind != "list_item" and 0 < feats[i].words <= r.fragment_max_words and feats[i].closed \
                and any(c.isdigit() for c in b.text):
            verdict.drop(i, "fragment", f"a closed piece of {_word_count(feats[i].words)} with a number: part of a broken-off citation")
            cls[i] = "removed"
        elif in_refs and citation_hits(b.text, tr) >= tr.citation_min_hits:
            cls[i] = "good"
        elif not in_refs and r.citation_strong and feats[i].stop_density < r.stopwords_low \
                and r.citation_strong.search(b.text) and citation_hits(b.text, tr) >= r.orphan_citation_hits:
            verdict.drop(i, "orphan-citation", f"{citation_hits(b.text, tr)} citation signals outside a references section")
            cls[i] = "removed"
    return cls


def _good_runs(cls: list[str]) -> list[str]:
    """jusText's context rule: a run of near-good and good blocks (short ones skipped) that holds a
    good one is good throughout. Any other class ends a run: a removed block counts as bad
    context (a near-good line between two menus is not prose)."""
    cls = list(cls)
    run: list[int] = []
    for i in [i for i, c in enumerate(cls) if c != "short"] + [-1]:
        if i >= 0 and cls[i] in ("good", "near-good"):
            run.append(i)
            continue
        if run:
            if any(cls[k] == "good" for k in run):
                for k in run:
                    cls[k] = "good"
            run = []
    return cls


def _no_content(blocks, feats, live: list[int], verdict, r: BoilerplateRules) -> None:
    """Where no block looks like article text: keep headings and sentences, drop the rest as
    non-content."""
    for i in live:
        if not (feats[i].sentence and feats[i].words >= r.short_words) and blocks[i].kind != "heading":
            verdict.drop(i, "no-content", "no block of the page reads as article text")


def _sheltered_no_content(blocks, verdict, shield: Callable[[Block], Container | None]) -> None:
    """HTML: on a page without prose, what a content element (main, article) holds is the page's
    all the same (a results table, a schedule): the structure stage judged its furniture already.
    Run after the listing rules, which weigh the lines the no-content rule took."""
    for i, rule in enumerate(verdict):
        if rule == "no-content" and shield(blocks[i]) is not None:
            verdict[i] = None


def _comments(blocks, feats, goods: list[int], verdict, r: BoilerplateRules) -> int:
    """Drop the comment section: from a comments opener that comes after most of the article's
    text (a comment count before the article takes nothing) to the end of the page. Returns where
    the comments start (the opener's index; len(blocks) for none)."""
    n = len(blocks)
    good_chars = sum(feats[i].chars for i in goods)
    seen = 0
    pos_good = 0
    for i in range(n):
        while pos_good < len(goods) and goods[pos_good] < i:
            seen += feats[goods[pos_good]].chars
            pos_good += 1
        if verdict[i] == r.comments_opener and seen >= r.comments_after_share * good_chars:
            for k in range(i + 1, n):
                if not verdict[k]:
                    verdict.drop(k, "comments", f"after the comments opener at line {blocks[i].span.lines[0]}")
            return i
    return n


def _head_titles(blocks, feats, cls: list[str], first: int, r: BoilerplateRules) -> set[int]:
    """The heading/title lines (and short sentences) that lead straight into the first good block,
    at most title_lookback of them. UI removed between a heading and the text is skipped; UI
    before a heading ends the chain."""
    keep_head: set[int] = set()
    k = first - 1
    while k >= 0 and len(keep_head) < r.title_lookback:
        if cls[k] == "removed":
            if keep_head:
                break
            k -= 1
            continue
        f = feats[k]
        title = blocks[k].kind == "heading" or (blocks[k].kind != "list_item" and 0 < f.words <= r.head_title_max_words
                                                and not f.closed)
        if title or (cls[k] in ("near-good", "short") and f.sentence):
            keep_head.add(k)
            k -= 1
            continue
        break
    return keep_head


def _repeated_head_titles(feats, live: list[int], first: int) -> set[int]:
    """Title-like lines before the first good block that repeat an earlier one there (the site
    header and the h1): the page title, kept in its later place."""
    repeated: set[int] = set()
    seen_head: dict[str | None, int] = {}
    for i in live:
        if i < first and feats[i].title_like:
            key = feats[i].key
            if key in seen_head:
                repeated.add(i)
            seen_head[key] = i
    return repeated


def _header_footer(blocks, live: list[int], first: int, last: int, keep_head: set[int], weak_menus: set[int],
                   verdict) -> None:
    """Drop what lies before the first good block (but the kept head lines) as the page header and
    what lies after the last as the footer; a weak menu there is a menu after all."""
    for i in live:
        if i < first and i not in keep_head:
            verdict.drop(i, "menu" if i in weak_menus else "page-header",
                         f"before the first article text (line {blocks[first].span.lines[0]})")
        elif i > last:
            verdict.drop(i, "menu" if i in weak_menus else "page-footer",
                         f"after the last article text (line {blocks[last].span.lines[0]})")


def _low_content(feats, cls: list[str], live: list[int], first: int, last: int, verdict, sheltered: set[int]) -> None:
    """Drop the bad blocks inside the article that no content stands around (see _between_content)."""
    for pos, i in enumerate(live):
        if first < i < last and cls[i] == "bad" and i not in sheltered and not _between_content(pos, cls, live):
            f = feats[i]
            verdict.drop(i, "low-content", f"in the article but not text: link share {f.link_density:.2f}, stopword "
                                           f"share {f.stop_density:.2f}, {f.chars} characters")


def _between_content(pos: int, cls, live) -> bool:
    """A bad block in the body is kept when good text stands right before and after it (a table
    row, a formula, a short list item): jusText's context rule."""
    prev_c = cls[live[pos - 1]] if pos else None
    next_c = cls[live[pos + 1]] if pos + 1 < len(live) else None
    return prev_c in ("good", "heading", "short") and next_c in ("good", "short", "heading")


ORPHANING_RULES = ("link-list", CONTENTS, "legal")


def _orphan_headings(blocks, feats, verdict) -> None:
    """A title line whose whole content was removed as a link list or a legal notice ("Hyperlinks",
    "Disclaimer") goes with it: what it headed is gone, and the next kept block is another heading
    or the end."""
    n = len(blocks)
    for i in range(n - 1):
        removed_list = verdict[i + 1]  # the block right after it went as a list or notice: looked at first
        if removed_list not in ORPHANING_RULES or verdict[i] or blocks[i].kind == "list_item" \
                or not feats[i].title_like:
            continue
        j = i + 2
        while j < n and verdict[j]:
            j += 1
        if j == n or blocks[j].kind == "heading" or (blocks[j].kind != "list_item" and feats[j].title_like):
            verdict.drop(i, removed_list, f"what it headed went as {removed_list}")


POSSESSIVE = regex.compile(r"\w+['’]s")
WHOLE_KINDS = frozenset({"heading", "code", "table"})  # blocks that never lose a broken tail (_dangling)


def _unfinished_end(last: str) -> bool:
    """A last word that leaves a clause open: a lower-case word, or a possessive ("found on NCI's")."""
    return (last.isalpha() and last.islower()) or POSSESSIVE.fullmatch(last) is not None


def _dangling(block: Block, r: BoilerplateRules, closed: bool | None = None,
              end_words: frozenset[str] | None = None) -> tuple[Block | None, list[Removal]]:
    """Cut a trailing sentence that stops on a function word (the rest of it was lost). ``closed``:
    whether the text ends closed (textutil.ends_closed), where the caller knows; ``end_words``: the
    words a phrase cannot end on (r.dangling_end_words and the page language's function words)."""
    if block.kind in WHOLE_KINDS or closed:
        return block, []
    text = block.text.rstrip()
    if not text or (closed is None and ends_closed(text)) or text.endswith(","):
        return block, []
    last = block.facts.words if len(text) <= 40 else words(text[-40:])  # the same words, for a short text
    if not last:
        return block, []
    if last[-1].lower() in (r.dangling_end_words if end_words is None else end_words):
        rule, why = "dangling-fragment", f"stops on the function word {last[-1]!r}"
    elif block.kind == "paragraph" and _unfinished_end(text.rsplit(None, 1)[-1]):
        # prose whose last sentence breaks off mid-clause after complete ones
        rule, why = "unfinished-sentence", f"the last sentence stops on {text.rsplit(None, 1)[-1]!r} unclosed"
    else:
        return block, []
    if LIST_JOINER.search(text):  # "...; or": a list item's end, not a fragment
        return block, []
    spans = block.facts.sentences
    start = spans[-1][0] if spans else 0
    if rule == "unfinished-sentence" and (len(spans) < 2 or token_count(block.text[start:]) < r.unfinished_min_words):
        return block, []
    if start == 0:
        return None, [removal(NAME, rule, block, why=why)]
    cut = removal(NAME, rule, block, start, len(block.text), why=why)
    keep_to = spans[-2][1] if len(spans) > 1 else start  # the space before the fragment goes with it
    return edit_text(block, [(keep_to, len(block.text), "")]), [cut]
