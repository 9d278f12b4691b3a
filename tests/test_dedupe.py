"""dedupe: a paragraph or long sentence repeated in a page is kept once; the copies are logged."""
from __future__ import annotations

import pytest

import pipeline
from pipeline.rules import RulesError, Where
from pipeline.stages import dedupe

RULES = pipeline.load_rules()
SENTENCE = ("To narrow down the listing, filter the results by using the other options, such as the "
            "city of the clinic, the kind of care, or the name of the doctor.")


def run(text: str) -> pipeline.Document:
    return pipeline.run(pipeline.read(text, name="x.txt", rules=RULES), RULES, stages=["dedupe"])


def logged(doc: pipeline.Document, rule: str) -> list[pipeline.Removal]:
    return [r for r in doc.removed if r.stage == "dedupe" and r.rule == rule]


def test_repeated_paragraph_is_kept_once_and_the_copy_logged():
    para = "The spleen is an organ about the size of a fist that lies under the left ribs."
    variant = "the  SPLEEN is an organ about the size of a fist that lies under the left ribs"
    doc = run(f"{para}\n\nSomething else entirely is said here.\n\n{variant}\n")
    assert [b.text for b in doc.kept] == [para, "Something else entirely is said here."]
    (rem,) = logged(doc, "duplicate-block")
    assert rem.text == variant
    assert rem.span.lines == (5, 5)
    assert doc.text[rem.span.chars[0]:rem.span.chars[1]] == variant


def test_repeated_long_sentence_is_cut_from_later_blocks_only():
    first = f"Check for trials with gastrinoma. {SENTENCE} General information is available."
    second = f"Check for trials with insulinoma. {SENTENCE} Ask your doctor."
    doc = run(f"{first}\n\n{second}\n")
    assert doc.kept[0].text == first
    assert doc.kept[1].text == "Check for trials with insulinoma. Ask your doctor."
    (rem,) = logged(doc, "duplicate-sentence")
    assert rem.text == SENTENCE
    assert doc.text[rem.span.chars[0]:rem.span.chars[1]] == SENTENCE


def test_a_cut_keeps_the_block_source_map_for_later_stages():
    second = f"Check for trials with insulinoma. {SENTENCE} Ask your doctor today."
    doc = run(f"{SENTENCE}\n\n{second}\n")
    block = doc.kept[1]
    start = block.text.index("Ask your doctor")
    span = block.subspan(start, len(block.text))
    assert doc.text[span.chars[0]:span.chars[1]] == "Ask your doctor today."


def test_repeated_last_sentence_takes_the_space_before_it():
    doc = run(f"{SENTENCE}\n\nCheck for trials with insulinoma. {SENTENCE}\n")
    assert doc.kept[1].text == "Check for trials with insulinoma."


def test_block_made_only_of_repeated_sentences_goes_whole():
    other = "Basic facts about each study are posted on the ABC web page."
    doc = run(f"{SENTENCE} {other}\n\nIntro text here.\n\n{other} {SENTENCE}\n")
    assert [b.text for b in doc.kept] == [f"{SENTENCE} {other}", "Intro text here."]
    (rem,) = logged(doc, "duplicate-sentence")
    assert rem.text == f"{other} {SENTENCE}"


def test_headings_and_title_lines_are_never_deduped():
    body = "Care depends on how large the stone is and whether it blocks the kidney."
    text = (f"## Choices of care for people with this kind of stone\n\n{body}\n\n"
            f"## Choices of care for people with this kind of stone\n\nA different paragraph follows here.\n\n"
            "Surgery for large kidney stones in adults and children\n\nOne.\n\n"
            "Surgery for large kidney stones in adults and children\n\nTwo.\n")
    doc = run(text)
    assert not [r for r in doc.removed if r.stage == "dedupe"]
    assert len(doc.kept) == 8


def test_list_items_recurring_under_different_headings_are_all_kept():
    # the same treatment legitimately appears in the list of each tumor type: deduping it would
    # leave the later lists incomplete
    long_item = "Surgery to break up the stone and wash out the small pieces."
    text = (f"Gastrinoma treatment may include:\n\n- Surgery.\n- Chemotherapy.\n- {long_item}\n\n"
            f"Insulinoma treatment may include:\n\n- Surgery.\n- Chemotherapy.\n- {long_item}\n")
    doc = run(text)
    items = [b.text for b in doc.kept if b.kind == "list_item"]
    assert items == ["Surgery.", "Chemotherapy.", long_item] * 2
    assert not logged(doc, "duplicate-block")


def test_a_repeated_paragraph_is_kept_once():
    para = "Drinking plenty of water every day is the usual first advice for small stones."
    doc = run(f"{para}\n\nSomething else entirely is said here for a change.\n\n{para}\n")
    assert [b.text for b in doc.kept].count(para) == 1
    assert [r.text for r in logged(doc, "duplicate-block")] == [para]


def test_short_sentences_are_not_cut():
    doc = run("See your doctor. The tumor may grow slowly over many years.\n\n"
              "Some other words come first here. See your doctor.\n")
    assert doc.kept[1].text == "Some other words come first here. See your doctor."
    assert not [r for r in doc.removed if r.stage == "dedupe"]


def test_min_words_is_validated_with_its_key():
    with pytest.raises(RulesError, match=r"dedupe\.sentence\.min_words"):
        dedupe.compile({"sentence": {"min_words": 0}}, Where("rules.yaml", {}).at("dedupe"))
    with pytest.raises(RulesError, match=r"dedupe\.block\.kinds\[0\]"):
        dedupe.compile({"block": {"kinds": ["heading"]}}, Where("rules.yaml", {}).at("dedupe"))


def test_a_repeated_list_introduction_is_kept_for_each_list():
    intro = "The checks below may be done at the clinic:"
    doc = run(f"{intro}\n\n- Blood tests.\n\n{intro}\n\n- Biopsy.\n")
    assert [b.text for b in doc.kept].count(intro) == 2
