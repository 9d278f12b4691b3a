"""The text reader: structure from markdown-ish dumps, each block mapped back to its source."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import pipeline
from pipeline.sources.text import (Line, _going_on_lengths, _in_context, _ReadState, list_marker, nest, quote_marker,
                                   setext_level, text_lines)


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


# The reader's pieces, each on a few invented lines.


def lines_of(*texts_and_numbers: tuple[int, str]) -> list[Line]:
    return [Line(number, 0, text) for number, text in texts_and_numbers]


def test_list_marker_finds_bullets_and_numbers_with_their_indent_and_text_column() -> None:
    bullet = list_marker("  - ripe pears", "-")
    assert bullet is not None and bullet.group(1) == "  " and bullet.end() == 4
    numbered = list_marker("12) then stir", "1")
    assert numbered is not None and numbered.group(1) == "" and numbered.end() == 4
    assert list_marker("-nothing after a space", "-") is None
    assert list_marker("1999. was a year", "1") is None  # more than three digits is no item number
    assert list_marker("- ", "-") is None  # a marker with no text after it


def test_quote_marker_gives_the_column_after_the_marker_and_one_blank() -> None:
    assert quote_marker("> kept words") == 2
    assert quote_marker("  >>nested") == 3
    assert quote_marker("no quote > here") is None


def test_setext_level_needs_an_underline_and_a_line_that_is_no_bullet_or_rule() -> None:
    [under_eq, under_dash, plain] = lines_of((2, "====="), (2, "  ---"), (2, "Words below"))
    assert setext_level("Garden notes", under_eq) == 1
    assert setext_level("Garden notes", under_dash) == 2
    assert setext_level("Garden notes", plain) is None
    assert setext_level("- a bullet", under_dash) is None
    assert setext_level("***", under_dash) is None


def test_nest_opens_a_level_for_a_deeper_indent_and_closes_deeper_ones_for_a_shallower() -> None:
    indents: list[int] = []
    assert [nest(indents, i) for i in (0, 2, 4, 2, 0)] == [0, 1, 2, 1, 0]
    assert indents == [0]
    indents = [0, 4]
    assert nest(indents, 2) == 1 and indents == [0, 2]  # between two levels: it takes the deeper one's place


def test_in_context_gives_the_adjacent_lines_and_marks_a_gap_as_a_blank_before() -> None:
    first, second, third = lines_of((1, "one"), (2, "two"), (5, "five"))
    assert list(_in_context(iter([first, second, third]))) == [
        (first, None, second, False), (second, first, None, False), (third, None, None, True)]
    [late] = lines_of((3, "after blank lines at the top"))
    assert list(_in_context(iter([late]))) == [(late, None, None, True)]


def test_a_line_continues_an_open_paragraph_only_right_under_it_and_when_wrapped() -> None:
    state = _ReadState(width=20, header_lines=0)
    top, wrapped, apart = lines_of((1, "A line cut at twenty"), (2, "columns"), (4, "columns"))
    state.block.open("paragraph", top, 0)
    assert state.continues(wrapped, top, None, "c")
    assert not state.continues(apart, None, None, "c")
    bullet = Line(2, 0, "- columns")
    assert not state.continues(bullet, top, list_marker(bullet.text, "-"), "-")
    assert not _ReadState(width=None, header_lines=0).continues(wrapped, top, None, "c")


def test_a_line_at_the_margin_ends_the_list_unless_it_comes_right_under_an_item() -> None:
    state = _ReadState(width=None, header_lines=0)
    item, under, later = lines_of((1, "- apples"), (2, "more on apples"), (4, "New paragraph"))
    state.list_item(item, list_marker(item.text, "-"))
    state.paragraph(under, item)
    assert state.list_indents == [0]
    state.paragraph(later, None)
    assert state.list_indents == []


def lengths_going_on(text: str, max_width: int) -> list[int]:
    """The histogram ``_going_on_lengths`` gives, counted over the lines ``text_lines`` gives."""
    expected = [0] * (max_width + 1)
    lines = list(text_lines(text))
    for line, after in zip(lines, lines[1:]):
        if line.number + 1 == after.number and len(line.text.rstrip()) <= max_width:
            expected[len(line.text.rstrip())] += 1
    return expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab \t\n\r\xa0", max_size=60), st.integers(1, 12))
def test_going_on_lengths_count_each_line_that_the_next_line_follows_by_its_trimmed_length(text, max_width) -> None:
    assert _going_on_lengths(text, max_width) == lengths_going_on(text, max_width)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab \t\n\xa0\u2028\x0c", max_size=60), st.integers(1, 12))
def test_going_on_lengths_of_a_page_with_line_feeds_only_agree_with_its_lines(text, max_width) -> None:
    assert _going_on_lengths(text, max_width) == lengths_going_on(text, max_width)
