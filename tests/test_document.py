"""The data model: source maps stay exact through edits, slices and replacements."""
from __future__ import annotations

from pipeline.document import Block, Span, edit_text


def block_of(source: str) -> Block:
    return Block("paragraph", source, Span((0, len(source)), (1, 1)), origin=((0, 0, len(source)),))


def test_a_part_that_ends_in_replaced_text_reaches_the_end_of_what_it_replaced() -> None:
    source = "The cafÃ© is open"
    fixed = edit_text(block_of(source), [(7, 9, "é")])
    assert fixed.text == "The café is open"
    end = fixed.text.index("é") + 1
    a, b = fixed.subspan(4, end).chars
    assert source[a:b] == "cafÃ©"


def test_a_part_that_ends_in_replaced_text_at_the_end_of_the_block_reaches_its_end() -> None:
    source = "The cafÃ©"
    fixed = edit_text(block_of(source), [(7, 9, "é")])
    a, b = fixed.subspan(4, len(fixed.text)).chars
    assert source[a:b] == "cafÃ©"


def test_a_part_of_copied_text_maps_to_exactly_its_characters() -> None:
    source = "The cafÃ© is open"
    fixed = edit_text(block_of(source), [(7, 9, "é")])
    start = fixed.text.index("is open")
    a, b = fixed.subspan(start, start + len("is open")).chars
    assert source[a:b] == "is open"


def test_a_part_that_starts_in_replaced_text_starts_where_the_replaced_source_starts() -> None:
    source = "The ﬁnal word"
    fixed = edit_text(block_of(source), [(4, 5, "fi")])
    assert fixed.text == "The final word"
    a, b = fixed.subspan(4, len(fixed.text)).chars
    assert source[a:b] == "ﬁnal word"


def test_a_blocks_text_facts_are_measured_once_and_a_rewrite_measures_its_own() -> None:
    from pipeline.document import Block, Span, edit_text

    block = Block("paragraph", "One short sentence. And a second one", Span((0, 36), (1, 1)))
    facts = block.facts
    assert facts.words[:3] == ("One", "short", "sentence") and len(facts.sentences) == 2
    assert facts.ends_sentence is False and block.facts is facts  # kept, not measured again
    cut = edit_text(block, [(19, 36, "")])
    assert cut.facts.sentences == ((0, 19),) and cut.facts.ends_sentence
    assert cut == Block("paragraph", "One short sentence.", Span((0, 36), (1, 1)), origin=cut.origin)  # facts don't count in ==
