"""Small text helpers shared by stages: words, a word list, sentence spans.

The word list is wordfreq's (immutable data, loaded once per process on first use).
"""
from __future__ import annotations

from functools import lru_cache

import regex

WORD = regex.compile(r"\p{L}[\p{L}\p{M}]*(?:['’]\p{L}+)*")
TOKEN = regex.compile(r"\S+")
# sentence-final punctuation, optionally followed by closing quotes/brackets
SENTENCE_END = regex.compile(r"[.!?…][\"'”’)\]]*$")
CLOSED = regex.compile(r"[.!?…:;][\"'”’)\]]*$")
# a sentence ends at . ! ? (and closing quotes/brackets) followed by space and a capital, digit or quote
_BOUNDARY = regex.compile(r"(?<=[.!?…][\"'”’)\]]*)\s+(?=[\"'“‘(\[]?[\p{Lu}\p{N}])")
# abbreviations after which a period does not end a sentence
_ABBREV = regex.compile(
    r"(?:\b(?:e\.g|i\.e|etc|vs|al|Dr|Mr|Mrs|Ms|Prof|St|No|Fig|Figs|Vol|pp|ed|eds|approx|Inc|Ltd|Co|Jr|Sr|Dept|Univ|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|U\.S|U\.K|Ph\.D|M\.D)\.|\b\p{Lu}\.)$"
)


@lru_cache(maxsize=4)
def _frequencies(lang: str) -> dict[str, float]:
    from wordfreq import get_frequency_dict

    return get_frequency_dict(lang, wordlist="best")


def word_frequency(word: str, lang: str = "en") -> float:
    """wordfreq's frequency of a word (0.0 if unknown), looked up lower-cased."""
    return _frequencies(lang).get(word.lower().replace("’", "'"), 0.0)


def is_word(word: str, lang: str = "en", min_frequency: float = 1e-8) -> bool:
    """Whether ``word`` is in the language's word list (at least ``min_frequency``)."""
    return word_frequency(word, lang) >= min_frequency


def words(text: str) -> list[str]:
    return WORD.findall(text)


def ends_sentence(text: str) -> bool:
    """Whether text ends with sentence-final punctuation (. ! ? …), quotes/brackets allowed after."""
    return bool(SENTENCE_END.search(text.rstrip()[-12:]))  # the end is all that matters: look only there


def ends_closed(text: str) -> bool:
    """Whether text ends with punctuation that closes a line: sentence-final, or a colon/semicolon."""
    return bool(CLOSED.search(text.rstrip()[-12:]))


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in ``text``; whitespace between sentences belongs to none."""
    spans = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        if _ABBREV.search(text[start:m.start()]):
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


_CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}]")


def guess_language(text: str, sample_words: int = 800, min_share: float = 0.12) -> str | None:
    """The language whose most frequent words cover most of the text's words, or None if unsure.

    Han/kana text (no spaces between words) is told by its script: ``ja`` if kana occur, else ``zh``.
    """
    sample = text[:50_000]
    cjk = len(_CJK.findall(sample[:20_000]))
    if cjk > 200:
        return "ja" if regex.search(r"[\p{Hiragana}\p{Katakana}]", sample[:20_000]) else "zh"
    ws = [w.lower() for w in WORD.findall(sample)[:sample_words]]
    if len(ws) < 20:
        return None
    counts: dict[str, int] = {}
    index = _stopword_index()
    for w in ws:
        for lang in index.get(w, ()):
            counts[lang] = counts.get(lang, 0) + 1
    if not counts:
        return None
    best = max(sorted(counts), key=counts.__getitem__)  # sorted: ties go the same way every run
    return best if counts[best] / len(ws) >= min_share else None


@lru_cache(maxsize=1)
def _stopword_index() -> dict[str, tuple[str, ...]]:
    """word -> the languages whose stopword list holds it."""
    index: dict[str, list[str]] = {}
    for lang, words in sorted(stopword_lists().items()):
        for w in words:
            index.setdefault(w, []).append(lang)
    return {w: tuple(langs) for w, langs in index.items()}
