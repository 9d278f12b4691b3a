"""The data model: source maps stay exact through edits, slices and replacements."""
from __future__ import annotations

from dataclasses import fields, replace

from pipeline.document import (Block, Container, Document, Drop, Span, dropped, edit_text, merge_blocks, relabelled,
                               removal)


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


def blocks_of(*texts: str) -> tuple[Block, ...]:
    """Paragraphs one per line, numbered in order as a reader numbers them."""
    out, at = [], 0
    for i, text in enumerate(texts):
        out.append(Block("paragraph", text, Span((at, at + len(text)), (i + 1, i + 1)), seq=i))
        at += len(text) + 1
    return tuple(out)


def test_a_dropped_block_keeps_its_place_in_the_one_list_of_blocks() -> None:
    doc = Document(name="x", blocks=blocks_of("Menu", "Some body text.", "Footer"))
    first = doc.evolve("one", blocks=[dropped(doc.kept[0], "one", "nav", "a menu word"), *doc.kept[1:]])
    # the next stage sees only what is kept, and returns only that: the dropped block stays in place
    second = first.evolve("two", blocks=[first.kept[0], dropped(first.kept[1], "two", "footer")])
    assert [b.text for b in second.blocks] == ["Menu", "Some body text.", "Footer"]
    assert [b.text for b in second.kept] == ["Some body text."]
    assert [(b.drop.stage, b.drop.rule) for b in second.blocks if b.drop] == [("one", "nav"), ("two", "footer")]


def test_a_merged_block_goes_back_in_order_among_blocks_dropped_before() -> None:
    doc = Document(name="x", blocks=blocks_of("A sentence broken", "12", "across a page."))
    furniture = doc.evolve("pdf", blocks=[doc.kept[0], dropped(doc.kept[1], "pdf", "page-number"), doc.kept[2]])
    joined = furniture.evolve("join", blocks=[merge_blocks(furniture.kept, " ")])
    assert [b.text for b in joined.blocks] == ["A sentence broken across a page.", "12"]
    assert joined.kept[0].seq == 0


def test_removed_lists_cuts_and_drops_stage_by_stage_in_the_readers_order() -> None:
    a, b, c = blocks_of("Alpha text here.", "Beta [x] text.", "Gamma")
    doc = Document(name="x", blocks=(a, b, c))
    cut = removal("markup", "link", b, 5, 8)
    one = doc.evolve("markup", blocks=[a, edit_text(b, [(5, 8, "")]), c], cuts=[cut])
    two = one.evolve("boilerplate", blocks=[one.kept[0], one.kept[1], dropped(one.kept[2], "boilerplate", "nav", "why")])
    three = two.evolve("dedupe", blocks=[dropped(two.kept[0], "dedupe", "duplicate"), two.kept[1]])
    assert [(r.stage, r.rule, r.text) for r in three.removed] == [
        ("markup", "link", "[x]"), ("boilerplate", "nav", "Gamma"), ("dedupe", "duplicate", "Alpha text here.")]
    assert three.removed[1].why == "why" and three.removed[1].span == c.span


def test_a_block_whose_cuts_took_all_its_text_is_logged_by_its_cuts_only() -> None:
    (a,) = blocks_of("[x]")
    cut = removal("markup", "link", a, 0, 3)
    doc = Document(name="x", blocks=(a,)).evolve(
        "markup", blocks=[dropped(edit_text(a, [(0, 3, "")]), "markup", "link", by_cuts=True)], cuts=[cut])
    assert doc.kept == () and len(doc.blocks) == 1
    assert [(r.rule, r.text) for r in doc.removed] == [("link", "[x]")]


def test_contents_are_the_dropped_blocks_labelled_as_contents_entries() -> None:
    a, b, c = blocks_of("Causes", "Treatment", "Body text.")
    doc = Document(name="x", blocks=(a, b, c)).evolve("boilerplate", blocks=[
        dropped(a, "boilerplate", "toc", contents=True), dropped(b, "boilerplate", "nav"), c])
    assert [x.text for x in doc.contents] == ["Causes"]


def test_a_part_that_starts_in_replaced_text_at_the_start_of_the_block_starts_where_the_block_does() -> None:
    # found by the property test: "ﬁ" -> "fi" at a block's start, then the part from its first character
    source = "ﬁnal words"
    fixed = edit_text(block_of(source), [(0, 1, "fi")])
    a, b = fixed.subspan(0, len("final")).chars
    assert source[a:b] == "ﬁnal"
    assert fixed.subspan(0, 2).chars == (0, 1)  # the replacement alone stands for what it replaced


def test_relabelled_is_replace_with_every_field_set():
    """relabelled builds blocks directly (not through dataclasses.replace, which is slow):
    the two stay equal, a field added to Block included (the check below then fails)."""
    names = [f.name for f in fields(Block) if f.init]
    assert names == ["kind", "text", "span", "level", "origin", "link_chars", "flags", "role", "drop", "seq",
                     "container"], "a new Block field: document.relabelled must carry it"
    container = Container(None, "nav", "menu", None, False)
    b = Block("paragraph", "Some text", Span((3, 12), (2, 2), 1, "/p"), 2, ((0, 3, 9),), 4, frozenset({"image"}),
              "links", Drop("x", "y", "why"), 7, container)
    new = relabelled(b, "heading", 3, "body")
    assert new == replace(b, kind="heading", level=3, role="body")
    assert new.container is container and new.drop == b.drop
