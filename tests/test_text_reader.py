"""The text reader: structure from markdown-ish dumps, each block mapped back to its source."""
from __future__ import annotations

import pipeline


def read(text: str):
    return pipeline.read(text, name="page.md")


def test_each_table_row_is_a_block_whose_source_is_the_row() -> None:
    text = "| Drug | Dose |\n|------|------|\n| A    | 10mg |\n"
    doc = read(text)
    rows = [b for b in doc.blocks if b.kind == "table"]
    assert [b.text for b in rows] == ["Drug | Dose", "A    | 10mg"]
    for b in rows:
        a, e = b.span.chars
        assert b.text in text[a:e]
    assert [r.rule for r in doc.removed] == ["rule-line"]


def test_hard_wrapped_paragraph_lines_are_joined_and_short_lines_are_not() -> None:
    wrapped = ("Shingles causes a painful rash on one side of the body that shows up as a\n"
               "band of small blisters called a zoster eruption (ZE). The rash itself heals\n"
               "within a few weeks. It can still leave a burning pain in the nerves of the\n"
               "affected skin area.\n\nhuman spine\nDo you know where it is?\n")
    doc = read(wrapped)
    assert doc.blocks[0].text.startswith("Shingles causes") and doc.blocks[0].text.endswith("affected skin area.")
    assert doc.blocks[0].span.lines == (1, 4)
    assert [b.text for b in doc.blocks[1:]] == ["human spine", "Do you know where it is?"]


def test_markdown_structure_gives_kinds_and_levels() -> None:
    doc = read("Title\n=====\n\n## Causes\n\n* one\n  * nested\n\n1. first\n\n> quoted\n")
    assert [(b.kind, b.level, b.text) for b in doc.blocks] == [
        ("heading", 1, "Title"), ("heading", 2, "Causes"), ("list_item", 0, "one"),
        ("list_item", 1, "nested"), ("list_item", 0, "first"), ("quote", 0, "quoted")]


def test_crlf_line_ends_count_as_two_characters_in_offsets() -> None:
    text = "First line here.\r\n\r\nSecond line here.\r\n"
    doc = read(text)
    second = doc.blocks[1]
    assert text[second.span.chars[0]:second.span.chars[1]] == "Second line here."
    assert second.span.lines == (3, 3)


def test_blank_lines_of_any_kind_keep_line_numbers_and_offsets_exact() -> None:
    text = "\n\n  \r\n\t\rFirst paragraph\r\n\r\n\n\rSecond\rline\n" + "\n" * 100_000 + "   Last words  \n\n"
    doc = read(text)
    assert [(b.text, b.span.lines) for b in doc.blocks] == [
        ("First paragraph", (5, 5)), ("Second", (9, 9)), ("line", (10, 10)), ("Last words", (100_011, 100_011))]
    for b in doc.blocks:
        a, e = b.span.chars
        assert text[a:e].strip() == b.text


def test_a_page_of_blank_lines_has_no_blocks() -> None:
    doc = read("\n" * 200_000 + " \t \r\n" * 1000)
    assert doc.blocks == () and doc.removed == ()


def test_an_unclosed_code_fence_runs_to_the_last_line_of_the_page() -> None:
    text = "Intro\n\n```\ncode line\n\n\n"
    [intro, code] = read(text).blocks
    assert code.kind == "code" and code.text == "code line" and code.span.lines == (3, 6)


def test_a_setext_underline_is_taken_with_the_line_above_only_when_adjacent() -> None:
    doc = read("Title\n=====\n\nNot a title\n\n-----\nText\n")
    assert [(b.kind, b.text) for b in doc.blocks] == [("heading", "Title"), ("paragraph", "Not a title"), ("paragraph", "Text")]
    assert [r.rule for r in doc.removed] == ["rule-line"]
