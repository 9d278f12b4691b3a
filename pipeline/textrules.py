"""Text tests that more than one stage asks, defined once: the comparison keys, the invisible
characters, the function words a phrase cannot end on, what a title line looks like, what names a
references section and what a citation shows. Their settings are the ``text:`` section of rules.yaml
(``rules.text``); stages import this module, never each other.

Comparison keys all start from ``compare_key`` (NFC, invisible characters off, case-folded, spacing
collapsed, punctuation at the ends off); ``heading_key`` first drops markdown and a bullet,
``running_key`` also ignores numbers and inner punctuation (a running header's page number).
"""
from __future__ import annotations

import heapq
import unicodedata
from dataclasses import dataclass, replace
from typing import Any, Mapping, Sequence

import regex

from .document import Block
from .patterns import char_set, text_needs
from .textutil import guess_language, sentence_spans, words

NAME = "text"

# markdown that a heading or contents entry may still carry when the markup stage did not flatten it:
# [text](target). Where the ']' or the ')' is missing, (*SKIP) resumes the search after the text
# scanned, not at the next '[': a start inside it meets the same ']' and fails alike, and retrying
# from each '[' was quadratic ("[[[[...": minutes for 100 KB)
_MD_LINK = regex.compile(r"\[([^\]]*)(?:\]\([^)]*(?:\)|(*SKIP)(*FAIL))|(*SKIP)(*FAIL))")
_MD_ESCAPE = regex.compile(r"\\([\\`*_{}\[\]()#+\-.!|])")
_MD_EMPHASIS = regex.compile(r"[*_`]+")
# the lookbehind: a run inside the text is tried once, not from each of its characters (quadratic)
# a markdown link's target, or a bare URL (no nested parentheses: one pass, never quadratic)
_LINK_TARGET = regex.compile(r"\]\([^()\s]*\)|(?:https?:)?//\S+|www\.\S+")
_DIGITS = regex.compile(r"\d+")
_NOT_KEY = regex.compile(r"[^\p{L}\p{N}#]+")


@dataclass(frozen=True)
class TextRules:
    invisible: Any  # compiled: one invisible character
    blank_run: Any  # compiled: a run of whitespace and invisible characters
    untidy: Any  # compiled: what tidy text does not hold (whitespace other than one space, invisible)
    function_words: Mapping[str, frozenset[str]]  # per language: words a phrase or a title cannot end on
    title_max_words: int
    title_max_chars: int
    page_title_max_words: int
    page_title_max_chars: int
    title_closing: Any  # compiled: how a line ends that is a sentence or a lead-in, not a title
    title_start: Any  # compiled: how a title line starts
    title_max_link_share: float
    reference_headings: frozenset[str]  # heading keys
    citation_patterns: tuple[Any, ...]
    citation_min_hits: int
    language: Mapping[str, float]  # textutil.guess_language's settings (language.longest_texts aside)
    language_longest_texts: int
    glued_function_words: frozenset[str]  # languages whose function words are endings glued to words
    pdf_formats: frozenset[str]  # evidence: page formats that are PDF text
    pdf_marked: Any  # evidence: compiled, a page name or URL that says its text came from a PDF (None: none does)
    min_hyphen_breaks: int  # evidence: words hyphenated at line ends that show a PDF's fixed lines
    markdown_marks: tuple[str, ...]  # evidence: strings that mark markdown (a link's target, a heading)
    min_markdown: int  # evidence: that many marks make a markdown dump
    discussion_types: frozenset[str]  # evidence: schema.org types of a page that is a thread of posts
    # the rare characters every match of title_closing holds (patterns.TextNeeds.chars): a line
    # holding none of them is not searched; None where there is no such set
    title_closing_chars: frozenset[str] | None = None

    def function_words_of(self, language: str | None) -> frozenset[str]:
        """The function words of a page's language (English when it is not known); none for a
        language without a list."""
        return self.function_words.get((language or "en").split("-")[0].lower(), frozenset())


def _marks(section: Mapping, key: str, where) -> tuple[str, ...]:
    items = where.get(section, key, (list, tuple), ("](",))
    for i, m in enumerate(items):
        if not isinstance(m, str) or not m:
            raise where.at(key, i).error(f"expected a non-empty string, got {m!r}")
    return tuple(items)


def _words(section: Mapping, key: str, where) -> frozenset[str]:
    items = where.get(section, key, (list, tuple), ())
    for i, w in enumerate(items):
        if not isinstance(w, str):  # YAML reads a bare on/off/yes/no as a boolean
            raise where.at(key, i).error(f"expected a word, got {w!r} (quote it)")
    return frozenset(w.casefold() for w in items)


def compile(section: Mapping, where) -> TextRules:
    title = where.get(section, "title", Mapping, {})
    refs = where.get(section, "references", Mapping, {})
    lists = where.get(section, "function_words", Mapping, {})
    lang = where.get(section, "language", Mapping, {})
    wl = where.at("language")
    wt, wr, wf = where.at("title"), where.at("references"), where.at("function_words")
    ev, we = where.get(section, "evidence", Mapping, {}), where.at("evidence")
    marked = we.get(ev, "pdf_marked", str, None)
    invisible = where.get(section, "invisible", str, "[\u00ad\u200b\u2060\ufeff]")
    wi = where.at("invisible")
    names = where.get(refs, "headings", (list, tuple), ())
    for i, n in enumerate(names):
        if not isinstance(n, str):
            raise wr.at("headings", i).error("expected a string")
    patterns = where.get(refs, "citation_patterns", (list, tuple), ())
    cfg = TextRules(
        invisible=wi.regex(invisible),
        blank_run=wi.regex(rf"(?:\s|{invisible})+"),
        untidy=wi.regex(rf"[^\S ]|  |{invisible}"),
        function_words={str(lang): _words(lists, lang, wf) for lang in lists},
        title_max_words=wt.integer(title, "max_words", 12, lo=1),
        title_max_chars=wt.integer(title, "max_chars", 120, lo=1),
        page_title_max_words=wt.integer(title, "page_title_max_words", 24, lo=1),
        page_title_max_chars=wt.integer(title, "page_title_max_chars", 200, lo=1),
        title_closing=wt.at("closing").regex(wt.get(title, "closing", str, r"[.!?:;,][\"'”’)\]]*$")),
        title_start=wt.at("start").regex(wt.get(title, "start", str, r"^[\p{Lu}\p{N}]")),
        title_max_link_share=wt.number(title, "max_link_share", 0.5, lo=0, hi=1),
        reference_headings=frozenset(),
        citation_patterns=tuple(wr.at("citation_patterns", i).regex(p) for i, p in enumerate(patterns)),
        citation_min_hits=wr.integer(refs, "min_hits", 2, lo=1),
        language={"sample_words": wl.integer(lang, "sample_words", 800, lo=1),
                  "min_share": wl.number(lang, "min_share", 0.12, lo=0, hi=1),
                  "wide_share": wl.number(lang, "wide_share", 0.3, lo=0, hi=1),
                  "kana_share": wl.number(lang, "kana_share", 0.05, lo=0, hi=1)},
        language_longest_texts=wl.integer(lang, "longest_texts", 40, lo=1),
        glued_function_words=_words(lang, "glued_function_words", wl),
        pdf_formats=_words(ev, "pdf_formats", we) if "pdf_formats" in ev else frozenset({"pdf"}),
        pdf_marked=we.at("pdf_marked").regex(marked) if marked is not None else None,
        min_hyphen_breaks=we.integer(ev, "min_hyphen_breaks", 2, lo=1),
        markdown_marks=_marks(ev, "markdown_marks", we),
        min_markdown=we.integer(ev, "min_markdown", 3, lo=1),
        discussion_types=_words(ev, "discussion_types", we) if "discussion_types" in ev else frozenset(),
    )
    # the names are compared as headings are, by their key (which needs the invisible characters)
    closing = text_needs(cfg.title_closing.pattern, cfg.title_closing.flags).chars
    return replace(cfg, reference_headings=frozenset(heading_key(n, cfg) for n in names),
                   title_closing_chars=char_set(closing) if closing else None)


def page_language(texts: Sequence[str], cfg: TextRules) -> str | None:
    """The language of a page's prose, guessed from its longest texts (not the menus at its top),
    link targets and URLs left out (their letters are no language's, and they would dilute the
    share of Han and kana letters that tells Chinese and Japanese)."""
    sample = "\n".join(heapq.nlargest(cfg.language_longest_texts, texts, key=len))
    return guess_language(_LINK_TARGET.sub(" ", sample) if "/" in sample else sample, **cfg.language)


def compare_key(text: str, cfg: TextRules) -> str:
    """Text as compared: NFC, invisible characters off, case-folded, whitespace collapsed, ends stripped."""
    if not text.isascii():
        text = cfg.invisible.sub("", unicodedata.normalize("NFC", text))
    text = " ".join(text.split())
    if text and not (text[0].isalnum() and text[-1].isalnum()):
        text = strip_edge_punct(text)
    return text.casefold()


def _edge(c: str) -> bool:
    return c.isspace() or unicodedata.category(c)[0] in "PS"


# the ASCII characters ``_edge`` holds (whitespace, and categories P and S): stripped in C first
_ASCII_EDGES = "".join(c for c in map(chr, range(128)) if _edge(c))


def strip_edge_punct(text: str) -> str:
    """``text`` without the punctuation, symbols and spaces at its ends (Unicode categories P and S,
    and whitespace), found by looking at the ends only: a pattern anchored at the end is tried at
    every position of the text."""
    # ASCII edges go in C (str.strip); the loop then looks only at ends that are not ASCII ones
    text = text.strip(_ASCII_EDGES)
    if not text or (text[0].isascii() and text[-1].isascii()):
        return text
    i, n = 0, len(text)
    while i < n and _edge(text[i]):
        i += 1
    j = n
    while j > i and _edge(text[j - 1]):
        j -= 1
    return text[i:j]


def heading_key(text: str, cfg: TextRules, bullet: Any = None) -> str:
    """A heading or contents entry as compared: markdown and a ``bullet`` off, then ``compare_key``."""
    if "[" in text or "\\" in text:
        text = _MD_ESCAPE.sub(r"\1", _MD_LINK.sub(r"\1", text))
    if bullet is not None:
        text = bullet.sub("", text)
    if "*" in text or "_" in text or "`" in text:
        text = _MD_EMPHASIS.sub("", text)
    return compare_key(text, cfg)


def running_key(text: str, cfg: TextRules) -> str:
    """A running line's identity (a page header or footer): ``compare_key`` with every number as
    '#' and punctuation and spacing inside ignored."""
    return _NOT_KEY.sub(" ", _DIGITS.sub("#", compare_key(text, cfg))).strip()


def title_shape(text: str, cfg: TextRules, language: str | None = None, max_words: int | None = None,
                max_chars: int | None = None) -> bool:
    """Whether a line is shaped like a title: short, one sentence, starts with a capital (or a
    letter of a caseless script, or a digit), does not end like a sentence or a lead-in, nor in a
    function word ("see the", "visit our": a cut-off sentence). Link share is not looked at: a menu
    entry has this shape too."""
    return _title_shape(text, None, cfg, language, max_words, max_chars)


def block_title_shape(block: Block, cfg: TextRules, language: str | None = None, max_words: int | None = None,
                      max_chars: int | None = None, function_words: frozenset[str] | None = None) -> bool:
    """``title_shape`` of a block's text, with the words and sentences measured once (``Block.facts``).
    ``function_words``: ``cfg.function_words_of(language)``, where the caller has it (asked per block)."""
    return _title_shape(block.text, block, cfg, language, max_words, max_chars, function_words)


def _title_shape(text: str, block: Block | None, cfg: TextRules, language: str | None, max_words: int | None,
                 max_chars: int | None, function_words: frozenset[str] | None = None) -> bool:
    text = text.strip()
    max_words = cfg.title_max_words if max_words is None else max_words
    max_chars = cfg.title_max_chars if max_chars is None else max_chars
    if not text or len(text) > max_chars or _closes(text, cfg) or not cfg.title_start.search(text):
        return False
    # the cheap tests first: most lines fail them; the words and sentences only for the rest
    ws = block.facts.words if block is not None else words(text)
    if function_words is None:
        function_words = cfg.function_words_of(language)
    if not 0 < len(ws) <= max_words or ws[-1].casefold() in function_words:
        return False
    return (block.facts.sentence_count if block is not None else len(sentence_spans(text))) == 1


def _closes(text: str, cfg: TextRules) -> bool:
    """Whether the line ends as a sentence or a lead-in does (``title_closing``)."""
    if cfg.title_closing_chars is not None and cfg.title_closing_chars.isdisjoint(text):
        return False
    return cfg.title_closing.search(text) is not None


def title_like(block: Block, cfg: TextRules, language: str | None = None, max_words: int | None = None,
               max_chars: int | None = None) -> bool:
    """Whether a paragraph reads as a title line: ``title_shape`` and not mostly link text."""
    if block.kind != "paragraph" or block.link_chars > cfg.title_max_link_share * len(block.text.strip()):
        return False
    return block_title_shape(block, cfg, language, max_words, max_chars)


def is_references_heading(text: str, cfg: TextRules, key: str | None = None) -> bool:
    """Whether a line names a references section ("References", "Bibliography", ...). ``key``:
    the line's ``compare_key`` where the caller has it (its heading key, where it holds no markdown)."""
    if key is None or _has_markdown(text):
        key = heading_key(text, cfg)
    return key in cfg.reference_headings


def _has_markdown(text: str) -> bool:
    """Whether ``heading_key`` would take anything off before ``compare_key`` (without a bullet)."""
    return "[" in text or "\\" in text or "*" in text or "_" in text or "`" in text


def citation_hits(text: str, cfg: TextRules) -> int:
    """How many of the citation signals (a year, author initials, doi, "Accessed" ...) a text shows."""
    return sum(1 for p in cfg.citation_patterns if p.search(text))


def is_citation(text: str, cfg: TextRules) -> bool:
    return citation_hits(text, cfg) >= cfg.citation_min_hits
