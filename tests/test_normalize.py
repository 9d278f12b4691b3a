"""normalize: whitespace, invisible characters and NFC in block texts, with source maps kept."""
from __future__ import annotations

import pytest

import pipeline
from pipeline.rules import RulesError, Where
from pipeline.stages import normalize

RULES = pipeline.load_rules()


def run(text: str, stages: list[str] | None = None) -> pipeline.Document:
    doc = pipeline.read(text, name="x.txt", rules=RULES)
    return pipeline.run(doc, RULES, stages=stages or ["sections", "normalize"])


def test_whitespace_runs_tabs_and_no_break_spaces_become_one_space():
    doc = run("Tumors\u00a0may  grow\tslowly \u2009 over\u202fyears.\n")
    assert doc.kept[0].text == "Tumors may grow slowly over years."


def test_zero_width_characters_and_soft_hyphens_are_removed_and_each_is_logged():
    text = "Pancre\u00adatic neuro\u200bendocrine \u200btumors\ufeff grow.\n"
    doc = run(text)
    assert doc.kept[0].text == "Pancreatic neuroendocrine tumors grow."
    log = [(r.rule, r.text, text[r.span.chars[0]:r.span.chars[1]]) for r in doc.removed]
    assert log == [("invisible", c, c) for c in ("\u00ad", "\u200b", "\u200b", "\ufeff")]


def test_whitespace_is_layout_and_not_logged():
    assert run("Tumors\u00a0may  grow\tslowly.\n").removed == ()


def test_word_broken_across_lines_at_a_soft_hyphen_is_joined():
    # a dump hard-wrapped at 60 columns: the reader joins the lines with a space
    text = ("Islet cells are found in one part of the body called the pancre\u00ad\n"
            "as, where they make hormones such as insulin and glucagon that\n"
            "control the sugar in the blood. Tumors of these cells can make\n"
            "too much of one hormone and cause symptoms.\n")
    doc = run(text, stages=["normalize"])
    assert doc.kept[0].text.startswith("Islet cells are found in one part of the body called the pancreas, where")


def test_text_is_put_in_nfc_and_each_rewritten_word_is_logged():
    text = "Espan\u0303ol and cafe\u0301 are words.\n"
    doc = run(text)
    assert doc.kept[0].text == "Espa\u00f1ol and caf\u00e9 are words."
    log = [(r.rule, r.text, r.why, text[r.span.chars[0]:r.span.chars[1]]) for r in doc.removed]
    assert log == [("unicode-form", "Espan\u0303ol", "NFC: replaced by 'Espa\u00f1ol'", "Espan\u0303ol"),
                   ("unicode-form", "cafe\u0301", "NFC: replaced by 'caf\u00e9'", "cafe\u0301")]


def test_joiners_that_spell_words_are_kept():
    doc = run("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 is a Persian word.\n")
    assert "\u200c" in doc.kept[0].text


def test_normalized_text_still_maps_to_its_source():
    text = "Intro:\u00a0\u00a0the  tumor\u200b   may\tgrow in the pancreas.\n"
    doc = run(text)
    block = doc.kept[0]
    assert block.text == "Intro: the tumor may grow in the pancreas."
    start = block.text.index("pancreas")
    span = block.subspan(start, start + len("pancreas"))
    assert text[span.chars[0]:span.chars[1]] == "pancreas"
    span = block.subspan(0, len(block.text))
    assert text[span.chars[0]:span.chars[1]] == text.rstrip("\n")


def test_blocks_already_normal_are_left_as_they_are():
    doc = pipeline.read("## Causes\n\nPlain ASCII text, single spaces.\n\nCaf\u00e9 au lait.\n", name="x.txt", rules=RULES)
    doc = pipeline.run(doc, RULES, stages=["sections"])
    out = normalize.stage(doc, RULES)
    assert all(a is b for a, b in zip(doc.kept, out.kept))
    assert out.sections == doc.sections
    assert out.removed == doc.removed


def test_sections_are_rebuilt_from_normalized_blocks():
    doc = run("## Side\u00a0effects\n\nNausea  and\u200b vomiting.\n\n- Hair\tloss\n- Mouth  sores\n")
    (section,) = doc.sections
    assert section.heading.text == "Side effects"
    assert section.path == ("Side effects",)
    assert section.text == "Nausea and vomiting.\n\nHair loss\nMouth sores"
    assert list(doc.kept) == [section.heading, *section.blocks]


def test_title_is_normalized():
    doc = run("# Pancreatic\u00a0 Tumors\n\nSome body text follows here.\n")
    assert doc.title == "Pancreatic Tumors"


def test_block_of_only_invisible_characters_is_removed_and_logged():
    doc = run("Some body text here.\n\n\u200b\u00ad\n\nMore body text here.\n", stages=["normalize"])
    assert [b.text for b in doc.kept] == ["Some body text here.", "More body text here."]
    (rem,) = [r for r in doc.removed if r.stage == "normalize"]
    assert rem.rule == "invisible-only" and rem.span.lines == (3, 3)


def test_form_is_validated_with_its_key():
    with pytest.raises(RulesError, match=r"normalize\.form"):
        normalize.compile({"form": "NFD"}, Where("rules.yaml", {}).at("normalize"))


def test_a_heading_of_nothing_visible_heads_nothing_and_its_text_joins_the_section_before():
    doc = run("## &#9;\n\nThe first paragraph of the page is here.\n\n## Later\n\nMore text.\n",
              stages=["mojibake", "sections", "normalize"])
    assert [(s.id, s.heading.text if s.heading else None, s.level, s.path) for s in doc.sections] == [
        ("s0", None, 0, ()), ("s1", "Later", 2, ("Later",))]
    assert [b.text for b in doc.sections[0].blocks] == ["The first paragraph of the page is here."]
