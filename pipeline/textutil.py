"""Small text helpers shared by stages: words, a word list, sentence spans.

The word list is wordfreq's (immutable data, loaded once per process on first use).
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

import regex

# Han and kana are written without spaces between words: each character is a token of its own
# and counts as a word (a segmenter would give about one word per two characters; the measures
# that use word counts are coarse enough for that). Hangul is written with spaces.
WIDE_SCRIPTS = r"\p{Han}\p{Hiragana}\p{Katakana}"
WIDE = regex.compile(rf"[{WIDE_SCRIPTS}]")
FIRST_WIDE = "\u2e80"  # no Han or kana character comes before it (CJK radicals start there)
WORD = regex.compile(r"\p{L}[\p{L}\p{M}]*(?:['’]\p{L}+)*")
_NARROW_LETTER = rf"[^\P{{L}}{WIDE_SCRIPTS}]"
# the same words, and every Han or kana character a word of its own: used on non-ASCII text only,
# since the character classes cost half again as much time as WORD's
WORD_OR_WIDE = regex.compile(rf"[{WIDE_SCRIPTS}]|{_NARROW_LETTER}(?:{_NARROW_LETTER}|\p{{M}})*(?:['’]{_NARROW_LETTER}+)*")
# WORD on ASCII text: the standard library's engine finds the same words there in under half the time
_ASCII_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)*")
TOKEN = regex.compile(r"\S+")
CLOSERS = "\"'”’)\\]」』）】〕》"  # closing quotes and brackets that may follow a sentence's end
_CLOSER_CHARS = "\"'”’)]」』）】〕》"  # the same, as characters (CLOSERS is escaped for a character class)
_SENTENCE_STOPS = frozenset(".!?…。！？｡．")  # what SENTENCE_END takes before the closers
_CLOSING_STOPS = _SENTENCE_STOPS | frozenset(":;：；")  # ...and CLOSED
# sentence-final punctuation (the ideographic and full-width stops too), then closing quotes/brackets
SENTENCE_END = regex.compile(rf"[.!?…。！？｡．][{CLOSERS}]*$")
CLOSED = regex.compile(rf"[.!?…:;。！？｡．：；][{CLOSERS}]*$")
# a sentence ends at . ! ? (and closing quotes/brackets) followed by space and a capital, a letter of
# a script without case (Hangul, Arabic ...), a digit or a quote; or at an ideographic or full-width
# stop, with or without space after it (CJK text has none)
_BOUNDARY = regex.compile(rf"(?<=[.!?…][{CLOSERS}]*)\s+(?=[\"'“‘(\[]?[\p{{Lu}}\p{{Lt}}\p{{Lo}}\p{{N}}])")
_WIDE_STOP = regex.compile("[。！？｡．]")
_STOP = regex.compile("[.!?…。！？｡．]")  # every sentence boundary follows one
# the same, and the ideographic stops: only for text that holds one (the zero-width alternative
# is tried at every position, five times the cost of the first alone)
_BOUNDARY_WIDE = regex.compile(rf"{_BOUNDARY.pattern}|(?<=[。！？｡．][{CLOSERS}]*)\s*(?=[^\s{CLOSERS}])")
# abbreviations after which a period does not end a sentence; a match is at most _ABBREV_REACH
# characters long with the character before it (the longest: " approx.")
_ABBREV_REACH = 16
_ABBREV = regex.compile(
    r"(?:\b(?:e\.g|i\.e|etc|vs|al|Dr|Mr|Mrs|Ms|Prof|St|No|Fig|Figs|Vol|pp|ed|eds|approx|Inc|Ltd|Co|Jr|Sr|Dept|Univ|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|U\.S|U\.K|Ph\.D|M\.D)\.|\b\p{Lu}\.)$"
)


@lru_cache(maxsize=4)
def _frequencies(lang: str) -> dict[str, float]:
    import wordfreq

    path = wordfreq.available_languages("best").get(lang)
    if path is None:  # a code wordfreq matches only approximately: its own lookup
        return wordfreq.get_frequency_dict(lang, wordlist="best")
    # the file read here, not by get_frequency_dict: that one also keeps wordfreq's lists of words
    # cached, which the garbage collector walks word by word at every full collection of the process
    freqs: dict[str, float] = {}
    for index, bucket in enumerate(wordfreq.read_cBpack(path)):
        freqs.update(dict.fromkeys(bucket, wordfreq.cB_to_freq(-index)))
    return freqs


def word_frequency(word: str, lang: str = "en") -> float:
    """wordfreq's frequency of a word (0.0 if unknown), looked up lower-cased."""
    return _frequencies(lang).get(word.lower().replace("’", "'"), 0.0)


def is_word(word: str, lang: str = "en", min_frequency: float = 1e-8) -> bool:
    """Whether ``word`` is in the language's word list (at least ``min_frequency``)."""
    return word_frequency(word, lang) >= min_frequency


def has_wide(text: str) -> bool:
    """Whether the text holds Han or kana (False at once for ASCII)."""
    return not text.isascii() and WIDE.search(text) is not None


def words(text: str, wide: bool | None = None) -> list[str]:
    """The words of a text; each Han or kana character is a word of its own. ``wide`` says whether
    the text (or the block it is part of) holds Han or kana, where the caller knows."""
    if text.isascii():
        return _ASCII_WORD.findall(text)
    if wide is False or (wide is None and not has_wide(text)):
        return WORD.findall(text)
    return WORD_OR_WIDE.findall(text)


def word_count(text: str) -> int:
    return len(words(text))


def token_count(text: str, wide: bool | None = None) -> int:
    """A cheap word count: whitespace-separated tokens, and each Han or kana character one more.
    ``wide`` as for ``words``."""
    n = len(text.split())
    return n if text.isascii() or wide is False else n + wide_count(text)


def wide_count(text: str) -> int:
    """Han and kana characters in the text (0 at once for ASCII)."""
    return 0 if text.isascii() else len(WIDE.findall(text))


def ends_sentence(text: str) -> bool:
    """Whether text ends with sentence-final punctuation (. ! ? …), quotes/brackets allowed after
    (what SENTENCE_END finds in the last 12 characters)."""
    return _last_but_closers(text) in _SENTENCE_STOPS


def ends_closed(text: str) -> bool:
    """Whether text ends with punctuation that closes a line: sentence-final, or a colon/semicolon
    (what CLOSED finds in the last 12 characters)."""
    return _last_but_closers(text) in _CLOSING_STOPS


def _last_but_closers(text: str) -> str:
    """The last character of the text's last 12 (trailing whitespace off) that is no closing quote
    or bracket; "" for none. String methods, not a search: every block asks."""
    end = text.rstrip() if text[-1:].isspace() else text
    tail = end[-12:].rstrip(_CLOSER_CHARS)
    return tail[-1] if tail else ""


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in ``text``; whitespace between sentences belongs to none."""
    if not _may_end_sentences(text):  # no boundary: the text is one sentence, or none
        return [(0, len(text.rstrip()))] if text.strip() else []
    spans = []
    start = 0
    boundary = _BOUNDARY if text.isascii() or not _WIDE_STOP.search(text) else _BOUNDARY_WIDE
    for m in boundary.finditer(text):
        # an abbreviation ends the sentence so far: only its last characters are looked at
        if _ABBREV.search(text, max(start, m.start() - _ABBREV_REACH), m.start()):
            continue
        if text[start:m.start()].strip():
            spans.append((start, m.start()))
        start = m.end()
    if text[start:].strip():
        end = len(text.rstrip())
        spans.append((start, end))
    return spans


@lru_cache(maxsize=1)
def stopword_lists() -> dict[str, frozenset[str]]:
    """Each language's 200 most frequent words (pipeline/data/stopwords.json, from wordfreq)."""
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parent / "data" / "stopwords.json"
    return {lang: frozenset(words) for lang, words in json.loads(path.read_text(encoding="utf-8")).items()}


_KANA = regex.compile(r"[\p{Hiragana}\p{Katakana}]")
_WORD_EDGES = "\"'“‘”’()[]*_.,;:!?"


PLAIN_WORDS_CHUNK = 4096  # characters split at a time: the words asked for are usually in the first few


def plain_words(text: str, limit: int) -> list[str]:
    """The first ``limit`` words that stand alone between spaces (punctuation at their ends
    allowed), lower-cased: the letters inside a URL, a link target or a hex string ("fac5898f") are
    no words of any language. Split in C, a chunk at a time (cut at a blank, so tokens are those of
    one split of the whole text) until enough words are found."""
    out: list[str] = []
    start, size = 0, len(text)
    while start < size:
        end = min(size, start + PLAIN_WORDS_CHUNK)
        if end < size:
            while end < size and not text[end].isspace():  # a token is never cut in two
                end += 1
        chunk = text[start:end]
        # lower-cased once for the chunk where that changes no token's letters (ASCII: only A-Z
        # change, to letters); elsewhere word by word, after the letter test, as a word's own
        lowered = chunk.isascii()
        for token in (chunk.lower() if lowered else chunk).split():
            word = token.strip(_WORD_EDGES)
            # most words are letters only; the others may hold apostrophes and hyphens
            if word.isalpha() or (word and word.replace("'", "").replace("’", "").replace("-", "").isalpha()):
                out.append(word if lowered else word.lower())
                if len(out) == limit:
                    return out
        start = end
    return out


# Han and kana all lie at or above this code point (a test checks it): text with no character there
# has none, found by one scan in C rather than a count of the script classes
_FIRST_WIDE = "\u2e80"
_MAYBE_WIDE = re.compile(f"[{_FIRST_WIDE}-\U0010ffff]")
_LETTER = regex.compile(r"\p{L}")


def guess_language(text: str, sample_words: int, min_share: float, wide_share: float,
                   kana_share: float) -> str | None:
    """The language whose most frequent words cover most of the text's words, or None if unsure.

    Han/kana text (no spaces between words) is told by its script: when at least ``wide_share`` of
    the letters are Han or kana, ``ja`` if at least ``kana_share`` of those are kana, else ``zh``.
    """
    sample = text[:50_000]
    head = sample[:20_000]
    wide = wide_count(head) if _MAYBE_WIDE.search(head) else 0
    if wide >= 20 and wide >= wide_share * len(_LETTER.findall(head)):
        return "ja" if len(_KANA.findall(head)) >= kana_share * wide else "zh"
    ws = plain_words(sample, sample_words)
    if len(ws) < 20:
        return None
    counts = _language_counts(ws)
    if not counts:
        return None
    best = max(sorted(counts), key=counts.__getitem__)  # sorted: ties go the same way every run
    return best if counts[best] / len(ws) >= min_share else None


def _language_counts(ws: list[str]) -> dict[str, int]:
    """For each language, how many of the words are among its most frequent: each distinct word
    looked up once."""
    counts: dict[str, int] = {}
    index = _stopword_index()
    for w, n in Counter(ws).items():
        for lang in index.get(w, ()):
            counts[lang] = counts.get(lang, 0) + n
    return counts


@lru_cache(maxsize=1)
def _stopword_index() -> dict[str, tuple[str, ...]]:
    """word -> the languages whose stopword list holds it."""
    index: dict[str, list[str]] = {}
    for lang, words in sorted(stopword_lists().items()):
        for w in words:
            index.setdefault(w, []).append(lang)
    return {w: tuple(langs) for w, langs in index.items()}


class TextFacts:
    """What every stage measures of a block's text (``Block.facts``), each measure taken on first
    use and kept: a block that a stage drops at once never has its sentences found."""

    __slots__ = ("text", "_words", "_wide", "_sentences", "_last_mark")

    def __init__(self, text: str) -> None:
        self.text = text
        self._words: tuple[str, ...] | None = None
        self._wide: int | None = None
        self._sentences: tuple[tuple[int, int], ...] | None = None
        self._last_mark: str | None = None

    @property
    def words(self) -> tuple[str, ...]:
        """As ``words`` gives them: each Han or kana character one."""
        if self._words is None:
            text = self.text  # ``words``' choice of pattern, made here: every block asks
            if text.isascii():
                self._words = tuple(_ASCII_WORD.findall(text))
            else:
                self._words = tuple((WORD_OR_WIDE if self.wide else WORD).findall(text))
        return self._words

    @property
    def wide(self) -> int:
        """Han and kana characters."""
        if self._wide is None:
            text = self.text
            # most non-ASCII text (curly quotes, accents) has no character as high as the first
            # Han or kana one: one pass in C tells it without the search
            self._wide = 0 if text.isascii() or max(text) < FIRST_WIDE else wide_count(text)
        return self._wide

    @property
    def tokens(self) -> int:
        """As ``token_count``: whitespace-separated tokens, each Han or kana character one more."""
        return len(self.text.split()) + self.wide

    @property
    def sentences(self) -> tuple[tuple[int, int], ...]:
        """``sentence_spans``."""
        if self._sentences is None:
            self._sentences = tuple(sentence_spans(self.text))
        return self._sentences

    @property
    def sentence_count(self) -> int:
        """``len(sentences)``; a text without sentence-final punctuation is one sentence (or none,
        if blank) without finding the sentences."""
        if self._sentences is None and not _may_end_sentences(self.text):
            return 1 if self.text.strip() else 0
        return len(self.sentences)

    @property
    def ends_sentence(self) -> bool:
        return self._last() in _SENTENCE_STOPS

    @property
    def ends_closed(self) -> bool:
        return self._last() in _CLOSING_STOPS

    def _last(self) -> str:
        if self._last_mark is None:
            self._last_mark = _last_but_closers(self.text)
        return self._last_mark


def _may_end_sentences(text: str) -> bool:
    """Whether the text holds a character a sentence boundary follows (_STOP); string tests for ASCII."""
    if "." in text or "?" in text or "!" in text:
        return True
    return not text.isascii() and _STOP.search(text) is not None


def text_facts(text: str) -> TextFacts:
    return TextFacts(text)
