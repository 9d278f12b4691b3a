"""What is measured once about a page, right after the reader, for every stage to read.

``core.read`` puts it on the Document (``doc.profile``); stages read it through ``page_profile``,
which computes it for a Document built some other way (a notebook, a test) or whose language was
set since. Per-block measures live on the blocks (``Block.facts``).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .document import Document
from .textrules import TextRules, page_language
from .textutil import stopword_lists


@dataclass(frozen=True)
class Profile:
    language: str | None  # the page's language (its primary subtag), None when the guess is unsure
    word_language: str  # the language whose word lists apply: the page's where one exists, else English
    stopwords: frozenset[str] | None  # its most frequent words; None for a language without a list (Chinese, Japanese)
    function_words: frozenset[str]  # words a phrase or a title cannot end on (text.function_words)


def page_profile(doc: Document, text_rules: TextRules) -> Profile:
    """``doc.profile`` where it is the profile of the page as it stands, else computed."""
    if doc.profile is not None and doc.profile.language == doc.language:
        return doc.profile
    return profile_of(doc, text_rules)


def profile_of(doc: Document, text_rules: TextRules) -> Profile:
    """The page's profile: its language (the reader's, else guessed from its longest blocks) and
    what follows from it."""
    language = doc.language or page_language([b.text for b in doc.kept], text_rules)
    primary = (language or "en").split("-")[0].lower()
    return Profile(
        language=language,
        word_language=primary if primary in _word_list_languages() else "en",
        stopwords=stopword_lists().get(primary),
        function_words=text_rules.function_words_of(language),
    )


@lru_cache(maxsize=1)
def _word_list_languages() -> frozenset[str]:
    """The languages wordfreq has a word list for (immutable data, read once per process)."""
    import wordfreq

    return frozenset(wordfreq.available_languages(wordlist="best"))
