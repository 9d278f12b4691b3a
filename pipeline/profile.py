"""What is measured once about a page, right after the reader, for every stage to read.

``core.read`` puts it on the Document (``doc.profile``); stages read it through ``page_profile``,
which computes it for a Document built some other way (a notebook, a test) or whose format or
language was set since. Per-block measures live on the blocks (``Block.facts``).

The profile says where the text came from (its format and the evidence for it, as names) and what
language it is in, with the word lists that follow from that.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import regex

from .document import Document
from .textrules import TextRules, page_language
from .textutil import stopword_lists

# evidence names: what the page shows about where its text came from
PDF_FORMAT = "pdf-format"  # its format is PDF text (text.evidence.pdf_formats)
PDF_NAME = "pdf-name"  # its name or URL says PDF (text.evidence.pdf_marked)
HYPHEN_BREAKS = "hyphen-breaks"  # words hyphenated at line ends, as a PDF's fixed lines leave them
MARKDOWN = "markdown"  # links and headings marked in markdown (an html2text-style dump)
DISCUSSION = "discussion"  # its markup calls it a thread of posts (text.evidence.discussion_types)
PDF_EVIDENCE = frozenset({PDF_FORMAT, PDF_NAME, HYPHEN_BREAKS})


@dataclass(frozen=True)
class Profile:
    format: str  # the reader's format (text, html, pdf)
    evidence: frozenset[str]  # what shows where the text came from (the names above)
    language: str | None  # the page's language (its primary subtag), None when the guess is unsure
    word_language: str  # the language whose word lists apply: the page's where one exists, else English
    stopwords: frozenset[str] | None  # its most frequent words; None for a language without a usable list (Chinese, Korean)
    function_words: frozenset[str]  # words a phrase or a title cannot end on (text.function_words)

    @property
    def pdf_text(self) -> bool:
        """Whether the page shows, before any stage looks at its blocks, that its text came from a PDF."""
        return not self.evidence.isdisjoint(PDF_EVIDENCE)


def page_profile(doc: Document, text_rules: TextRules) -> Profile:
    """``doc.profile`` where it is the profile of the page as it stands, else computed."""
    p = doc.profile
    if p is not None and p.language == doc.language and p.format == doc.format:
        return p
    return profile_of(doc, text_rules)


def profile_of(doc: Document, text_rules: TextRules) -> Profile:
    """The page's profile: the evidence of where its text came from, its language (the reader's,
    else guessed from its longest blocks) and what follows from it."""
    language = doc.language or page_language([b.text for b in doc.kept], text_rules)
    primary = (language or "en").split("-")[0].lower()
    return Profile(
        format=doc.format,
        evidence=format_evidence(doc, text_rules),
        language=language,
        word_language=primary if primary in _word_list_languages() else "en",
        # a word list of endings (Korean particles) matches few space-split words: none, as for Chinese
        stopwords=None if primary in text_rules.glued_function_words else stopword_lists().get(primary),
        function_words=text_rules.function_words_of(language),
    )


def format_evidence(doc: Document, tr: TextRules) -> frozenset[str]:
    """The names of what ``doc`` shows about where its text came from."""
    found = set()
    if doc.format in tr.pdf_formats:
        found.add(PDF_FORMAT)
    if tr.pdf_marked is not None and any(tr.pdf_marked.search(s) for s in (doc.name, doc.url) if s):
        found.add(PDF_NAME)
    if tr.discussion_types and any(t.casefold() in tr.discussion_types for t in doc.stated_types):
        found.add(DISCUSSION)
    if doc.format != "html":  # the line breaks of HTML source are not the page's lines
        if hyphen_breaks(doc.text, tr.min_hyphen_breaks):
            found.add(HYPHEN_BREAKS)
        if shows_markdown(doc.text, tr.markdown_marks, tr.min_markdown):
            found.add(MARKDOWN)
    return frozenset(found)


# a hyphen at a line end, one pattern per hyphen character (a pattern that opens with one
# character is searched for in C several times faster than one that opens with a class); the full
# test (lower-case letters on both sides) runs only where one is
LINE_END_HYPHENS = tuple((h, re.compile(re.escape(h) + r"[ \t]*[\r\n]")) for h in "-\u2010\u00ad")
HYPHEN_BREAK = regex.compile(r"\p{Ll}[-\u2010\u00ad][ \t]*(?:\r\n|\r|\n)[ \t]*\p{Ll}")


def hyphen_breaks(text: str, at_least: int) -> bool:
    """Whether ``text`` holds ``at_least`` words hyphenated at a line end ("diffi-\\ncult")."""
    n = 0
    for hyphen, line_end in LINE_END_HYPHENS:
        if hyphen not in text:
            continue
        for m in line_end.finditer(text):
            if HYPHEN_BREAK.match(text, max(0, m.start() - 1)):
                n += 1
                if n >= at_least:
                    return True
    return False


def shows_markdown(text: str, marks: tuple[str, ...], at_least: int) -> bool:
    """Whether ``text`` holds ``at_least`` marks of markdown (as ``str.count`` counts them: plain
    string searches in C, stopped once there are enough)."""
    n = 0
    for mark in marks:
        at = text.find(mark)
        while at >= 0:
            n += 1
            if n >= at_least:
                return True
            at = text.find(mark, at + len(mark))
    return False


@lru_cache(maxsize=1)
def _word_list_languages() -> frozenset[str]:
    """The languages wordfreq has a word list for (immutable data, read once per process)."""
    import wordfreq

    return frozenset(wordfreq.available_languages(wordlist="best"))
