"""markup stage: inline markup out of block texts, every cut logged at its exact source characters."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pipeline
from pipeline.rules import RulesError, _compile
from pipeline.stages import markup as markup_stage

RAW = Path(__file__).resolve().parent.parent / "raw"


@pytest.fixture(scope="module")
def rules():
    return pipeline.load_rules()


def markup(text: str, rules):
    """(source document, document after markup) for a page built in the test."""
    doc = pipeline.read(text, name="page.md")
    out = pipeline.run(doc, rules, stages=["markup"])
    # every cut points at exactly the source characters it names; a cut that empties a whole block
    # is logged with the block's span, list marker included
    for r in out.removed:
        a, b = r.span.chars
        src = doc.text[a:b]
        assert src == r.text or (src.endswith(r.text) and not src[:-len(r.text)].strip(" -*+")), r
    return doc, out


def cuts(out) -> list[tuple[str, str]]:
    return [(r.rule, r.text) for r in out.removed]


def texts(out) -> list[str]:
    return [b.text for b in out.kept]


# --- links ----------------------------------------------------------------------------------------

def test_link_targets_are_removed_and_logged(rules):
    _, out = markup("See [the guide](https://example.org/a_b_c) for more.\n", rules)
    assert texts(out) == ["See the guide for more."]
    assert cuts(out) == [("link-target", "["), ("link-target", "](https://example.org/a_b_c)")]
    assert out.kept[0].link_chars == len("the guide")


def test_link_with_a_title_and_parentheses_in_its_target(rules):
    _, out = markup('[Cancer](https://en.example.org/wiki/Cancer_(disease) "Cancer (disease)") spreads.\n', rules)
    assert texts(out) == ["Cancer spreads."]
    assert cuts(out)[1] == ("link-target", '](https://en.example.org/wiki/Cancer_(disease) "Cancer (disease)")')


def test_escaped_parentheses_in_link_text_are_unescaped(rules):
    _, out = markup("[Kidney Stones \\(Urinary Tract Stones\\)](#)\n", rules)
    assert texts(out) == ["Kidney Stones (Urinary Tract Stones)"]
    assert cuts(out) == [("link-target", "["), ("escape", "\\"), ("escape", "\\"), ("link-target", "](#)")]
    assert out.kept[0].link_chars == len("Kidney Stones (Urinary Tract Stones)")


def test_link_chars_accumulate_across_links_in_a_block(rules):
    _, out = markup("Visit [ABC](#) or [XYZ](#) today.\n", rules)
    assert texts(out) == ["Visit ABC or XYZ today."]
    assert out.kept[0].link_chars == 6


def test_reference_style_links_keep_their_text_and_definitions_go(rules):
    _, out = markup("Read [the summary][1] and [more][].\n\n[1]: https://example.org/s \"Summary\"\n", rules)
    assert texts(out) == ["Read the summary and more."]
    assert cuts(out) == [("link-target", "["), ("link-target", "][1]"), ("link-target", "["),
                         ("link-target", "][]"), ("link-definition", '[1]: https://example.org/s "Summary"')]
    assert out.kept[0].link_chars == len("the summary") + len("more")


def test_autolinks_keep_the_url_and_lose_the_angle_brackets(rules):
    _, out = markup("Accessed at <https://www.example.gov/types/gout_faq> on May 9, 2023.\n", rules)
    assert texts(out) == ["Accessed at https://www.example.gov/types/gout_faq on May 9, 2023."]
    assert cuts(out) == [("autolink", "<"), ("autolink", ">")]
    assert out.kept[0].link_chars == len("https://www.example.gov/types/gout_faq")


def test_a_target_left_without_its_text_is_removed(rules):
    _, out = markup("Side Effects(#) are listed below, as are Risks(#)³ here.\n", rules)
    assert texts(out) == ["Side Effects are listed below, as are Risks here."]
    assert cuts(out) == [("link-target", "(#)"), ("link-target", "(#)"), ("footnote-mark", "³")]


def test_brackets_that_are_not_links_stay(rules):
    _, out = markup("The dose [in mg] was (as noted) low.\n", rules)
    assert texts(out) == ["The dose [in mg] was (as noted) low."]
    assert out.removed == ()


# --- images ---------------------------------------------------------------------------------------

def test_images_are_dropped_with_their_alt_text_and_the_block_is_flagged(rules):
    _, out = markup("![Kidney](//example.org/img/1234t.jpg)Kidney diagram\n", rules)
    assert texts(out) == ["Kidney diagram"]
    assert cuts(out) == [("image", "![Kidney](//example.org/img/1234t.jpg)")]
    assert "image" in out.kept[0].flags
    assert out.kept[0].link_chars == 0


def test_a_block_of_images_only_is_dropped(rules):
    _, out = markup("Text.\n\n![Twitter](https://x.org/t.png) ![Facebook](https://x.org/f.png)\n", rules)
    assert texts(out) == ["Text."]
    assert [r for r, _ in cuts(out)] == ["image", "image"]


def test_an_image_between_words_leaves_one_blank(rules):
    _, out = markup("Follow us ![Twitter](https://x.org/t.png) ![Facebook](https://x.org/f.png) today\n", rules)
    assert texts(out) == ["Follow us today"]
    assert cuts(out) == [("image", " ![Twitter](https://x.org/t.png)"), ("image", " ![Facebook](https://x.org/f.png)")]


def test_a_linked_image_drops_the_image_and_keeps_no_link_text(rules):
    _, out = markup("Home [![Logo](https://x.org/l.png)](https://x.org/) page\n", rules)
    assert texts(out) == ["Home page"]
    assert ("image", "![Logo](https://x.org/l.png)") in cuts(out)
    assert out.kept[0].link_chars == 0


def test_an_image_wrapped_over_lines_is_cut_whole(rules):
    doc = pipeline.read("![Reliable Facts About Your\nHealth](https://x.org/m_logo.png)\n\nText.\n", name="p.md")
    out = pipeline.run(doc, rules, stages=["markup"])
    assert texts(out) == ["Text."]
    assert out.removed[0].rule == "image"
    assert out.removed[0].span.lines == (1, 2)


# --- emphasis and escapes -------------------------------------------------------------------------

def test_emphasis_markers_are_removed_one_removal_per_marker(rules):
    _, out = markup("A **surgeon** and __nurse__ use *care* and _skill_.\n", rules)
    assert texts(out) == ["A surgeon and nurse use care and skill."]
    assert cuts(out) == [("emphasis", "**")] * 2 + [("emphasis", "__")] * 2 + [("emphasis", "*")] * 2 \
        + [("emphasis", "_")] * 2


def test_emphasis_inside_words_urls_and_arithmetic_is_not_markup(rules):
    text = "Use snake_case_names, see https://x.org/a_b_c_d and 2*3*4 or a * b * c.\n"
    _, out = markup(text, rules)
    assert texts(out) == [text.strip()]
    assert out.removed == ()


def test_triple_markers_are_all_removed(rules):
    _, out = markup("This is ***very*** important.\n", rules)
    assert texts(out) == ["This is very important."]
    assert len(out.removed) == 4 and {r.rule for r in out.removed} == {"emphasis"}


def test_backslash_escapes_are_removed(rules):
    _, out = markup("Not emphasis: \\*stars\\* and 5 \\* 3.\n", rules)
    assert texts(out) == ["Not emphasis: *stars* and 5 * 3."]
    assert cuts(out) == [("escape", "\\")] * 3


def test_emphasis_around_a_link_keeps_the_link_text(rules):
    _, out = markup("**[Treatment Options](#)** for NETs\n", rules)
    assert texts(out) == ["Treatment Options for NETs"]
    assert out.kept[0].link_chars == len("Treatment Options")


def test_inline_code_is_left_as_written(rules):
    _, out = markup("Call `my_func(*args)` now.\n", rules)
    assert texts(out) == ["Call `my_func(*args)` now."]
    assert out.removed == ()


# --- footnote marks -------------------------------------------------------------------------------

@pytest.mark.parametrize("text, kept, mark", [
    ("See Stones⁴ for more.", "See Stones for more.", "⁴"),
    ("See Home Remedies² now.", "See Home Remedies now.", "²"),
    ("As shown.¹²", "As shown.", "¹²"),
    ("In (VHL)¹ disease.", "In (VHL) disease.", "¹"),
    ("Studies⁽³⁾ agree.", "Studies agree.", "⁽³⁾"),
    ("Many trials,¹⁻³ agree.", "Many trials, agree.", "¹⁻³"),
])
def test_superscript_footnote_marks_are_removed(rules, text, kept, mark):
    _, out = markup(text + "\n", rules)
    assert texts(out) == [kept]
    assert cuts(out) == [("footnote-mark", mark)]


def test_superscript_marks_on_links_are_removed(rules):
    _, out = markup("See [Physiotherapy¹](#) and [Diet Advice](#)⁴ and [Photo Gallery](#) ²\n", rules)
    assert texts(out) == ["See Physiotherapy and Diet Advice and Photo Gallery"]
    assert ("footnote-mark", "¹") in cuts(out)
    assert ("footnote-mark", "⁴") in cuts(out)
    assert ("footnote-mark", " ²") in cuts(out)
    assert out.kept[0].link_chars == len("Physiotherapy") + len("Diet Advice") + len("Photo Gallery")


def test_superscripts_that_are_content_stay(rules):
    text = "An area of 5 m² or 3 cm³, growth of 10⁶ cells, x² + y², (x+1)², and Ca²⁺ ions.\n"
    _, out = markup(text, rules)
    assert texts(out) == [text.strip()]
    assert out.removed == ()


def test_a_superscript_after_a_url_is_a_footnote_mark(rules):
    _, out = markup("Available at www.example.gov/Drugs/ucm123456.htm³. Accessed 2023.\n", rules)
    assert texts(out) == ["Available at www.example.gov/Drugs/ucm123456.htm. Accessed 2023."]
    assert cuts(out) == [("footnote-mark", "³")]


def test_numeric_bracket_citations_after_words_are_removed(rules):
    text = "Trials were small.[1] Centers reported.[2,3,4][Quality of proof: 2iiB] Some [5-7] agree.\n"
    _, out = markup(text, rules)
    assert texts(out) == ["Trials were small. Centers reported.[Quality of proof: 2iiB] Some agree."]
    assert cuts(out) == [("footnote-mark", "[1]"), ("footnote-mark", "[2,3,4]"), ("footnote-mark", " [5-7]")]


def test_a_citation_opening_a_reference_entry_stays(rules):
    _, out = markup("[1] Smith J. Tumors. 2020.\n", rules)
    assert texts(out) == ["[1] Smith J. Tumors. 2020."]
    assert out.removed == ()


def test_a_link_that_is_only_a_footnote_number_goes_whole(rules):
    _, out = markup("Shown in studies[[3]](#cite-3) and trials[4](#cite-4).\n", rules)
    assert texts(out) == ["Shown in studies and trials."]
    assert cuts(out) == [("footnote-mark", "[[3]](#cite-3)"), ("footnote-mark", "[4](#cite-4)")]
    assert out.kept[0].link_chars == 0


@pytest.mark.parametrize("text, kept", [
    ("Rates fell ([1](https://example.org/a)) last year.\n", "Rates fell (1) last year."),
    ("Rates fell ([1](https://example.org/a), [2](https://example.org/b)).\n", "Rates fell (1, 2)."),
    ("Rates fell [[3](#cite-3)] last year.\n", "Rates fell [3] last year."),
])
def test_a_citation_link_in_brackets_of_its_own_keeps_its_number(rules, text, kept):
    _, out = markup(text, rules)
    assert texts(out) == [kept]
    assert {rule for rule, _ in cuts(out)} == {"link-target"}


# --- strikethrough --------------------------------------------------------------------------------

def test_struck_through_text_is_removed_with_its_content(rules):
    _, out = markup("Take ~~two~~ one tablet.\n", rules)
    assert texts(out) == ["Take one tablet."]
    assert cuts(out) == [("strikethrough", " ~~two~~")]


def test_a_block_struck_through_entirely_is_dropped(rules):
    _, out = markup("- Fatigue\n- ~~Dry mouth~~\n- Nausea\n", rules)
    assert texts(out) == ["Fatigue", "Nausea"]
    assert [r for r, _ in cuts(out)] == ["strikethrough"]


def test_links_inside_struck_text_go_with_it(rules):
    _, out = markup("Old: ~~see [page](#x)~~ kept\n", rules)
    assert texts(out) == ["Old: kept"]
    assert cuts(out) == [("strikethrough", " ~~see [page](#x)~~")]
    assert out.kept[0].link_chars == 0


# --- bullets --------------------------------------------------------------------------------------

@pytest.mark.parametrize("bullet", ["▶", "►", "▪", "◦", "·", "‣", "○", "■", "□", "➢"])
def test_paragraphs_opening_with_a_unicode_bullet_become_list_items(rules, bullet):
    _, out = markup(f"{bullet} General Information\n", rules)
    assert [(b.kind, b.text, b.level) for b in out.kept] == [("list_item", "General Information", 0)]
    assert cuts(out) == [("bullet", f"{bullet} ")]


def test_a_bullet_with_emphasis_after_it(rules):
    _, out = markup("▶ **Treatment Options**\n", rules)
    assert [(b.kind, b.text) for b in out.kept] == [("list_item", "Treatment Options")]
    assert [r for r, _ in cuts(out)] == ["bullet", "emphasis", "emphasis"]


# --- nothing disappears unlogged ----------------------------------------------------------------

MARKUP_TEXT = st.text(alphabet="ab xy.,()[]!#*_~\\<>:/`²³⁽⁾•▶", max_size=80)


@settings(max_examples=300, deadline=None)
@given(MARKUP_TEXT)
def test_every_visible_character_is_kept_or_logged(text):
    rules = pipeline.load_rules()
    source = "x " + text.replace("\n", " ") + "\n"  # one paragraph line
    doc = pipeline.read(source, name="p.md")
    out = pipeline.run(doc, rules, stages=["markup"])

    def visible(s: str) -> int:
        return sum(1 for ch in s if not ch.isspace())

    assert visible(source) == sum(visible(b.text) for b in out.kept) + sum(visible(r.text) for r in out.removed)
    for r in out.removed:
        if r.stage == "markup" and r.text != doc.kept[0].text:
            a, b = r.span.chars
            assert source[a:b] == r.text
    for b in out.kept:
        assert 0 <= b.link_chars <= len(b.text)


# --- untouched ------------------------------------------------------------------------------------

def test_blocks_without_markup_pass_through_as_the_same_objects(rules):
    doc, out = markup("# Causes\n\nPlain text (with parentheses), numbers 1, 2 and 3.\n\n- an item\n", rules)
    assert all(a is b for a, b in zip(doc.kept, out.kept))
    assert out.kept == doc.kept
    assert out.removed == ()


def test_code_blocks_are_not_touched(rules):
    doc, out = markup("```\n**not** [markup](#)\n```\n", rules)
    assert out.kept == doc.kept


def test_an_emphasis_pattern_without_open_and_close_groups_is_a_rules_error():
    data = b"markup:\n  emphasis:\n    patterns: ['\\\\*(.+?)\\\\*']\n"
    with pytest.raises(RulesError, match=r"markup\.emphasis\.patterns\[0\]: .*open"):
        _compile("x.yaml", data)


# --- seed pages -----------------------------------------------------------------------------------

LEFTOVER = re.compile(r"\]\(#|\*\*|~~|!\[|[A-Za-z.)\]][¹²³⁴⁵⁶⁷⁸⁹⁰]")


@pytest.mark.parametrize("name", ["001_f9349a33ef4975a7.txt", "003_770a51a08c910fdb.txt"])
def test_seed_pages_have_no_markup_left(rules, name):
    doc = pipeline.read((RAW / name).read_bytes(), name=name)
    out = pipeline.run(doc, rules, stages=["markup"])
    for b in out.kept:
        if b.kind != "code":
            assert not LEFTOVER.search(b.text), b.text
    by_rule = {r.rule for r in out.removed}
    assert {"link-target", "emphasis", "escape"} <= by_rule
    for r in out.removed:  # every cut names its source characters (blanks of a joined line aside)
        a, b = r.span.chars
        assert " ".join(doc.text[a:b].split()).endswith(" ".join(r.text.split()))


def test_seed_page_003_footnotes_strikethrough_and_link_density(rules):
    name = "003_770a51a08c910fdb.txt"
    doc = pipeline.read((RAW / name).read_bytes(), name=name)
    out = pipeline.run(doc, rules, stages=["markup"])
    text = "\n".join(b.text for b in out.kept)
    assert "Weight loss" not in text
    assert "see Radiation Therapy." in text
    assert "see Chemotherapy." in text
    nav = next(b for b in out.kept if b.text == "Surgery for Pancreatic Neuroendocrine Tumor")
    assert nav.link_chars == len(nav.text)


def test_seed_page_001_bullets_become_list_items(rules):
    name = "001_f9349a33ef4975a7.txt"
    doc = pipeline.read((RAW / name).read_bytes(), name=name)
    out = pipeline.run(doc, rules, stages=["markup"])
    items = [b for b in out.kept if b.text == "Treatment Options for Pancreatic Neuroendocrine Tumors"]
    assert items and items[0].kind == "list_item"
    assert sum(1 for r in out.removed if r.rule == "bullet") == 9


def test_rules_without_a_markup_section_leave_blocks_as_they_are():
    bare = _compile("bare.yaml", b"version: 1\n")
    doc = pipeline.read("[a](b) **c** Tumor\u00b9\n\n\u25b6 item\n", name="p.md")
    out = pipeline.run(doc, bare, stages=["markup"])
    assert out.kept == doc.kept
    assert out.removed == ()


def test_markup_leaves_html_pages_alone_their_reader_has_read_the_markup():
    import pipeline

    doc = pipeline.read("<html><body><p>Use 2 * 3 and snake_case [1] here.</p></body></html>", name="x.html")
    out = pipeline.run(doc, stages=["markup"])
    assert [b.text for b in out.kept] == [b.text for b in doc.kept]
    assert not out.removed


# --- the passes, one at a time, on invented block texts -------------------------------------------

def spans_of(text: str, spans) -> list[str]:
    return [text[span[0]:span[1]] for span in spans]


def test_inline_code_is_claimed_whole(rules):
    text = "Call `get_item_list()` or *not*"
    assert spans_of(text, markup_stage._code_spans(text, rules.stage("markup"))) == ["`get_item_list()`"]


def test_a_link_claims_its_brackets_and_target_and_an_image_all_of_itself(rules):
    r = rules.stage("markup")
    text = "Plant [tomatoes](/veg/tomato) by ![a trowel](trowel.png)."
    links = markup_stage._links(text, r)
    assert [(ln.image, text[ln.text_start:ln.text_end]) for ln in links] == [(False, "tomatoes"), (True, "a trowel")]
    assert spans_of(text, markup_stage._link_markup(links)) == ["[", "](/veg/tomato)", "![a trowel](trowel.png)"]


def test_a_number_link_glued_to_a_word_is_a_mark_and_one_in_brackets_of_its_own_an_anchor(rules):
    r = rules.stage("markup")
    text = "Basil wilts[2](#n2) in sun ([3](#n3)), see [the guide](/g) and ![leaf](l.png)"
    anchors, marks, images = markup_stage._sort_links(text, markup_stage._links(text, r), r)
    whole = [(ln.start, ln.end) for ln in marks + anchors + images]
    assert spans_of(text, whole) == ["[2](#n2)", "[3](#n3)", "[the guide](/g)", "![leaf](l.png)"]
    assert (len(marks), len(anchors), len(images)) == (1, 2, 1)


def test_an_autolink_cuts_its_angle_brackets_and_claims_its_url(rules):
    text = "Seeds at <https://seeds.example.net/rye> today"
    brackets, urls = markup_stage._autolinks(text, rules.stage("markup"))
    assert [(text[s:e], rule) for s, e, rule in brackets] == [("<", "autolink"), (">", "autolink")]
    assert spans_of(text, urls) == ["https://seeds.example.net/rye"]


def test_an_escape_cuts_the_backslash_and_claims_the_character_it_escapes(rules):
    text = "Mix 2 \\* 3 cups"
    backslashes, escaped = markup_stage._escapes(text, rules.stage("markup"))
    assert [(text[s:e], rule) for s, e, rule in backslashes] == [("\\", "escape")]
    assert spans_of(text, escaped) == ["*"]


def test_an_emphasis_pass_finds_no_markers_inside_a_url_an_earlier_pass_claimed(rules):
    r = rules.stage("markup")
    text = "Visit www.example.net/_drafts_/ for _fresh_ herbs"
    underscore = next(p for p in r.emphasis if "(?P<open>_)" in p.pattern)
    assert len(markup_stage._emphasis_markers(text, underscore, r.emphasis_id)) == 4  # unmasked: the URL's too
    masked = markup_stage._mask(text, markup_stage._urls(text, r))
    cuts = markup_stage._emphasis_markers(masked, underscore, r.emphasis_id)
    assert [s for s, _, _ in cuts] == [text.index("_fresh"), text.index("_ herbs")]


def test_a_superscript_is_a_mark_after_a_word_or_a_link_end_and_content_after_a_unit(rules):
    text = "Thyme² grows in 4 m² beds, see Gallery ³"
    link_ends = {text.index(" ³")}  # "Gallery" was a link's text
    cuts = markup_stage._superscript_marks(text, rules.stage("markup"), link_ends)
    assert spans_of(text, cuts) == ["²", " ³"]
    assert cuts[0][0] == text.index("²")


def test_struck_text_goes_whole_taking_the_cuts_made_inside_it_before(rules):
    r = rules.stage("markup")
    text = "Keep ~~old \\* bulbs~~ here"
    taken = markup_stage._Taken(text)
    backslashes, escaped = markup_stage._escapes(taken.masked(), r)
    taken.cut(backslashes)
    taken.claim(escaped)
    struck = markup_stage._Spans(markup_stage._struck_through(taken.masked(), r))
    taken.cut_whole(struck, r.strike_id)
    assert [(text[s:e], rule) for s, e, rule in taken.cuts] == [("~~old \\* bulbs~~", "strikethrough")]
    assert taken.masked() == "Keep " + markup_stage.MASK * len("~~old \\* bulbs~~") + " here"


def test_a_link_inside_struck_text_is_no_anchor_and_no_image_is_dropped_with_it(rules):
    r = rules.stage("markup")
    block = pipeline.read("Sow ~~[rye](/rye) and ![oats](o.png)~~ now, then [wheat](/w).\n", name="p.md").blocks[0]
    cuts, link_chars, had_image = markup_stage._block_cuts(block, r)
    assert [(block.text[s:e], rule) for s, e, rule in cuts] == [
        ("~~[rye](/rye) and ![oats](o.png)~~", "strikethrough"), ("[", "link-target"), ("](/w)", "link-target")]
    assert link_chars == len("wheat")
    assert had_image is False


def test_a_bullet_is_cut_unless_markup_at_the_block_start_took_it_first(rules):
    r = rules.stage("markup")
    bullet = r.bullet.match("▪ Water weekly")
    assert markup_stage._bullet_cut(bullet, [(8, 14, "emphasis")], r) == (0, 2, "bullet")
    assert markup_stage._bullet_cut(bullet, [(0, 4, "image")], r) is None


# --- the one walk that logs and applies a block's cuts --------------------------------------------

@st.composite
def mapped_block_and_cuts(draw):
    """A block whose origin maps runs of its text (in text order, with unmapped text between and
    around them, as a rewrite leaves), and sorted non-overlapping cuts over its text."""
    text = draw(st.text(alphabet="ab ", min_size=1, max_size=30))
    bounds = sorted(set(draw(st.lists(st.integers(0, len(text)), max_size=8))))
    segs, source = [], 100
    for a, b in zip(bounds[::2], bounds[1::2]):
        if b > a:
            source += draw(st.integers(0, 3))
            segs.append((a, source, b - a))
            source += b - a
    points = sorted(set(draw(st.lists(st.integers(0, len(text)), max_size=8))))
    cuts = [(a, b, "r") for a, b in zip(points[::2], points[1::2]) if b > a]
    span = pipeline.document.Span((90, source + 5), (1, 2))
    return pipeline.document.Block("paragraph", text, span, 0, tuple(segs)), cuts


@settings(max_examples=300, deadline=None)
@given(mapped_block_and_cuts())
def test_logging_and_cutting_in_one_walk_agrees_with_removal_and_edit_text(case):
    block, cuts = case
    logged: list = []
    text, origin = markup_stage._log_and_cut(block, cuts, logged)
    assert logged == [pipeline.document.removal(markup_stage.NAME, rule, block, s, e) for s, e, rule in cuts]
    edited = pipeline.document.edit_text(block, [(s, e, "") for s, e, _ in cuts])
    assert (text, origin) == (edited.text, edited.origin)


def test_a_cut_of_a_whole_block_is_logged_with_the_block_span(rules):
    block = pipeline.read("Some text here\n", name="p.md").blocks[0]
    logged: list = []
    text, origin = markup_stage._log_and_cut(block, [(0, len(block.text), "image")], logged)
    assert (text, origin) == ("", ())
    assert logged[0].span == block.span and logged[0].text == block.text


def test_a_gate_opens_only_on_a_text_holding_a_character_of_each_set_it_needs():
    gate = markup_stage._gate((frozenset("[("), frozenset("]")))
    assert markup_stage._may_hold("a [b] c", gate)
    assert not markup_stage._may_hold("a [b c", gate)  # no "]"
    assert not markup_stage._may_hold("a b] c", gate)  # neither "[" nor "("
    # the masked text may always hold MASK: a set holding it is always met
    assert markup_stage._gate((frozenset({markup_stage.MASK, "x"}),)) == ()
    # the empty set is never met (a pattern that never matches)
    assert not markup_stage._may_hold("anything", markup_stage._gate((frozenset(),)))


def test_the_unmasked_text_holds_the_characters_the_masked_text_holds_but_mask():
    taken = markup_stage._Taken("ab[cd](ef) gh")
    taken.claim([(2, 3), (5, 10), (7, 9)])
    assert taken.unmasked() == "abcd gh"
    assert set(taken.masked()) - {markup_stage.MASK} == set("abcd gh")
    taken.claim([(0, 1)])  # spans masked before stay MASK in it
    assert taken.unmasked() == "b" + markup_stage.MASK + "cd" + markup_stage.MASK * 5 + " gh"


LINK_TEXT = st.lists(st.sampled_from(["[a b](/x)", "[1](#c)", "![i](s.png)", "[t][1]", " ", "x", "*", ".",
                                      "`", "[", "]", "(", ")", "\\", "²", "~", "<", ">"]), max_size=12).map("".join)


@settings(max_examples=300, deadline=None)
@given(LINK_TEXT)
def test_a_block_of_links_alone_is_cut_as_all_the_passes_would_cut_it(text):
    r = pipeline.load_rules().stage("markup")
    block = pipeline.document.Block("paragraph", text, pipeline.document.Span((0, len(text)), (1, 1)), 0,
                                    ((0, 0, len(text)),))
    if "[" not in text or markup_stage._may_hold(text, r.gates["code_span"]):
        return  # links alone are looked for in blocks without code spans only
    links = markup_stage._links(text, r)
    alone = markup_stage._links_alone(text, links, r) if links else None
    if alone is not None:
        assert markup_stage._block_cuts(block, r, links) == alone
        assert markup_stage._block_cuts(block, r) == alone


def test_links_alone_are_told_from_links_with_other_markup(rules):
    r = rules.stage("markup")
    text = "[Home](/) | [News](/news)"
    cuts, link_chars, had_image = markup_stage._links_alone(text, markup_stage._links(text, r), r)
    assert [text[s:e] for s, e, _ in cuts] == ["[", "](/)", "[", "](/news)"]
    assert link_chars == len("Home") + len("News") and not had_image
    for other in ("[Home](/) and *more*", "![logo](l.png) *Home*", "Studies[1](#c1)", "[See](/a.)²"):
        assert markup_stage._links_alone(other, markup_stage._links(other, r), r) is None


def test_links_alone_may_hold_images_even_inside_a_link_text(rules):
    r = rules.stage("markup")
    text = "[![logo](l.png) Home](/) ![ad](a.gif)"
    cuts, link_chars, had_image = markup_stage._links_alone(text, markup_stage._links(text, r), r)
    assert [text[s:e] for s, e, _ in cuts] == ["[", "![logo](l.png)", "](/)", "![ad](a.gif)"]
    assert link_chars == len(" Home") and had_image


def test_blocks_of_one_text_on_a_page_are_each_cut_and_logged_at_their_own_place(rules):
    # the cuts of a text are found once per page; each block's cuts still name its own source
    page = "[Share](/s) [Tweet](/t)\n\nSome words.\n\n[Share](/s) [Tweet](/t)\n\n- [Share](/s) [Tweet](/t)\n"
    doc, out = markup(page, rules)  # markup() checks each cut against the source characters it names
    assert texts(out) == ["Share Tweet", "Some words.", "Share Tweet", "Share Tweet"]
    starts = [r.span.chars[0] for r in out.removed if r.text == "[" and r.rule == "link-target"]
    assert len(set(starts)) == 6 and all(doc.text[a] == "[" for a in starts)
