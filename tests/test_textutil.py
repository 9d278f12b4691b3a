"""textutil: the measures of a block's text (words, sentences) that stages share."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.document import Block, Span
import regex

from pipeline.textutil import (_ABBREV, _ABBREV_REACH, _BOUNDARY, _BOUNDARY_WIDE, _WIDE_STOP, CLOSED, FIRST_WIDE,
                              SENTENCE_END, WIDE, WORD, ends_closed, ends_sentence, sentence_spans, wide_count, words)


@pytest.mark.parametrize("text", ["A title line", "", "   ", "One. Two three.", "No stop but \u3002 wide",
                                  "Dr. Smith came", "Ends with a question?"])
def test_a_blocks_sentence_count_is_the_number_of_its_sentences(text: str) -> None:
    # counted without finding the sentences where no sentence-final punctuation can end one
    assert Block("paragraph", text, Span((0, len(text)), (1, 1))).facts.sentence_count == len(sentence_spans(text))


@pytest.mark.parametrize("text", ["don't stop rock'n'roll", "abc' 'x ABC''d", "a1b2 c_d e-f", ""])
def test_words_of_ascii_text_are_the_words_the_unicode_pattern_finds(text: str) -> None:
    assert words(text) == WORD.findall(text)


def test_no_han_or_kana_character_comes_before_the_first_wide_one() -> None:
    # the facts' wide count skips the search for a text whose highest character is below FIRST_WIDE
    first = next(c for c in range(0x110000) if WIDE.match(chr(c)))
    assert chr(first) == FIRST_WIDE


@pytest.mark.parametrize("text", ["plain ASCII words", "don’t “quote” me — café", "漢字とかな mixed", "Ⅻ ² ½ x",
                                  "", "\u2e7f\u2e80 end"])
def test_a_blocks_words_and_wide_count_are_the_helpers_own(text: str) -> None:
    facts = Block("paragraph", text, Span((0, len(text)), (1, 1))).facts
    assert facts.wide == wide_count(text)
    assert list(facts.words) == words(text)


def test_a_blocks_facts_are_measured_on_first_use_and_kept() -> None:
    block = Block("paragraph", "One short sentence. And a second one", Span((0, 36), (1, 1)))
    facts = block.facts
    assert facts.words is facts.words and facts.sentences is facts.sentences  # measured once
    assert facts.tokens == 7 and facts.wide == 0 and facts.sentence_count == 2


@settings(max_examples=500, deadline=None)
@given(st.text(".!?…。：;:a )\"'”’]」\\\n\t", max_size=20))
def test_the_end_tests_are_what_the_end_patterns_find_in_the_last_twelve_characters(text: str) -> None:
    tail = text.rstrip()[-12:]
    assert ends_sentence(text) == bool(SENTENCE_END.search(tail))
    assert ends_closed(text) == bool(CLOSED.search(tail))


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["Dr.", "approx.", "A.", "e.g.", "canvs.", "U.S.", "x", "Word", "word.", "Fig.", " ",
                                 "  ", "\n", "。", "”", "It", "1", "?", "!", "…", "Ph.D."]), max_size=14))
def test_sentences_are_split_as_the_abbreviation_pattern_on_the_whole_sentence_says(parts: list) -> None:
    text = " ".join(parts)
    assert sentence_spans(text) == _spans_by_whole_sentence(text)


def _spans_by_whole_sentence(text: str) -> list[tuple[int, int]]:
    """sentence_spans as first written: the abbreviation pattern searched in the whole sentence so far."""
    spans, start = [], 0
    boundary = _BOUNDARY if text.isascii() or not _WIDE_STOP.search(text) else _BOUNDARY_WIDE
    for m in boundary.finditer(text):
        if _ABBREV.search(text[start:m.start()]):
            continue
        if text[start:m.start()].strip():
            spans.append((start, m.start()))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return spans


def test_the_abbreviation_reach_covers_the_longest_abbreviation_and_the_character_before_it() -> None:
    longest = max(len(a) for a in regex.findall(r"[A-Za-z\\.]+", _ABBREV.pattern.split("(?:")[2]))
    assert _ABBREV_REACH > longest + 1


def test_no_han_or_kana_character_lies_below_the_first_wide_code_point() -> None:
    from pipeline.textutil import _FIRST_WIDE, _KANA, WIDE

    assert not any(WIDE.match(chr(c)) or _KANA.match(chr(c)) for c in range(ord(_FIRST_WIDE)))


def _plain_words_one_by_one(text: str, limit: int) -> list[str]:
    """plain_words as defined: each whitespace token, its edge punctuation off, kept lower-cased
    where it is letters (apostrophes and hyphens aside)."""
    from pipeline.textutil import _WORD_EDGES

    out = []
    for token in text.split():
        word = token.strip(_WORD_EDGES)
        if word and word.replace("'", "").replace("’", "").replace("-", "").isalpha():
            out.append(word.lower())
    return out[:limit]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="aZé ΣΟςİß'’-.,()\n\t5x", max_size=300), st.integers(1, 40))
def test_plain_words_are_the_letter_tokens_lower_cased_in_order(text: str, limit: int) -> None:
    from pipeline.textutil import plain_words

    assert plain_words(text, limit) == _plain_words_one_by_one(text, limit)
    long = (text + " ") * 40  # several chunks
    assert plain_words(long, 10_000) == _plain_words_one_by_one(long, 10_000)
