"""The pdf stage: PDF-extraction artifacts repaired, and everything it takes out logged."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import pipeline
from pipeline.rules import RulesError, Where
from pipeline.stages import pdf

RAW = Path(__file__).resolve().parent.parent / "raw"
SEED_003 = RAW / "003_770a51a08c910fdb.txt"


@pytest.fixture(scope="module")
def rules():
    return pipeline.load_rules()


def clean(text: str, rules, name: str = "x.pdf.txt") -> tuple[pipeline.Document, pipeline.Document]:
    """(the page read, the page after the pdf stage); by default named as text extracted from a PDF."""
    before = pipeline.read(text, name=name)
    return before, pdf.stage(before, rules)


def texts(doc) -> list[str]:
    return [b.text for b in doc.kept]


def rules_of(doc, before=None) -> list[str]:
    return [r.rule for r in doc.removed[len(before.removed) if before else 0:]]


def assert_removals_point_at_source(before, after) -> None:
    """Each removal of the stage names the source characters it took (or the block it took)."""
    for r in after.removed[len(before.removed):]:
        a, b = r.span.chars
        assert " ".join(before.text[a:b].split()) == " ".join(r.text.split())


def assert_origin_maps_text(doc) -> None:
    for b in doc.kept:
        for t, s, n in b.origin:
            assert b.text[t:t + n] == doc.text[s:s + n]


# --------------------------------------------------------------------------------- operators

def test_operator_run_is_cut_out_of_a_sentence_and_logged(rules):
    before, after = clean("The results /F1 12 Tf were good. Another sentence follows here.\n", rules)
    assert texts(after) == ["The results were good. Another sentence follows here."]
    assert [(r.rule, r.text) for r in after.removed] == [("pdf-operators", "/F1 12 Tf")]
    assert_removals_point_at_source(before, after)
    assert_origin_maps_text(after)


def test_block_of_operators_only_is_removed(rules):
    before, after = clean("Intro text is here.\n\nBT /F1 12 Tf 72 700 Td (Hello) Tj ET\n\nMore text.\n", rules)
    assert texts(after) == ["Intro text is here.", "More text."]
    assert [(r.rule, r.text) for r in after.removed] == [("pdf-operators", "BT /F1 12 Tf 72 700 Td (Hello) Tj ET")]


def test_operator_run_mid_line_between_intact_words(rules):
    text = "Colour is set with 0 0 0 rg 1 0 0 1 72 700 cm BT /F2 9 Tf and the text follows.\n"
    before, after = clean(text, rules)
    assert texts(after) == ["Colour is set with and the text follows."]
    assert rules_of(after) == ["pdf-operators"]
    assert_removals_point_at_source(before, after)


def test_ordinary_words_that_spell_operators_are_kept(rules):
    text = ("Tumors larger than 3 cm were removed. Do you know why? The re-treatment was done at 5 PM ET "
            "on day 2. The Tm of 60 degrees was measured. Q and A sessions ran at 9 am.\n")
    before, after = clean(text, rules)
    assert texts(after) == texts(before)
    assert after.removed == before.removed


# --------------------------------------------------------------------------- garbled text

def test_normal_tokens_with_digits_and_single_letters_are_not_garbage(rules):
    text = ("Vitamin B12 and COVID-19 and 5-FU and PD-1 and Lu-177 dotatate and yttrium-90 (V.3.2023). "
            "PMID: 31234567. doi: 10.1234/abc.v12.i34.5678. See https://x.org/a1b2c3 for the 2nd dose "
            "of 10mg [Quality of proof: 2iiB] with vitamin D, (b) labels, diabetes2 patients and "
            "a p53 assay.\n")
    before, after = clean(text, rules)
    assert texts(after) == texts(before)
    assert after.removed == before.removed


def test_damaged_sentence_is_removed_and_clean_neighbours_stay(rules):
    text = "Sunitinib is a pill. Sunitinib stops a signal qv2 Tjme. It is swallowed every morning.\n"
    before, after = clean(text, rules)
    assert texts(after) == ["Sunitinib is a pill. It is swallowed every morning."]
    assert [(r.rule, r.text) for r in after.removed] == [("damaged", "Sunitinib stops a signal qv2 Tjme.")]
    assert_removals_point_at_source(before, after)
    assert_origin_maps_text(after)


def test_sentence_with_stray_letters_and_glued_fragment_is_removed(rules):
    text = ("Known problems are listed here. Frequent problems include headache, dizziness, "
            "chest (k t brqo5uin, cramps, and rashes.\n")
    _, after = clean(text, rules)
    assert texts(after) == ["Known problems are listed here."]
    assert rules_of(after) == ["damaged"]


def test_operator_garbage_that_ends_an_unfinished_sentence_removes_it(rules):
    text = "Several therapists may be present. Several other therapis7.25 r 0 g /F1 12 Tf 0 0 0 thrq4 Tm /F2 1\n"
    _, after = clean(text, rules)
    assert texts(after) == ["Several therapists may be present."]
    assert rules_of(after) == ["damaged"]


def test_cut_through_a_word_damages_the_sentence(rules):
    _, after = clean("It was clean. The treat /F1 12 Tf ment was given daily.\n", rules)
    assert texts(after) == ["It was clean."]
    assert rules_of(after) == ["damaged"]


def test_single_letter_words_of_the_page_language_are_not_stray_letters(rules):
    doc = pipeline.read("O médico e o paciente falaram sobre o tratamento.\n", name="x.pdf.txt")
    in_portuguese = pdf.stage(dataclasses.replace(doc, language="pt"), rules)
    assert texts(in_portuguese) == texts(doc)
    in_english = pdf.stage(doc, rules)  # "e o" are no words in English: stray letters
    assert rules_of(in_english, doc) == ["damaged"]


def test_single_letters_that_recur_on_the_page_are_language_not_garbage(rules):
    text = "".join(f"Paragraph {w} says that x y holds here.\n\n" for w in ("one", "two", "three"))
    before, after = clean(text, rules)
    assert texts(after) == texts(before)


def test_lone_ambiguous_token_in_a_clean_sentence_is_kept(rules):
    before, after = clean("Mice that lack foxp3 develop autoimmune disease early in life.\n", rules)
    assert texts(after) == texts(before)


def test_unterminated_stub_after_a_damaged_sentence_goes_with_it(rules):
    _, after = clean("Sunitinib (Brandex) is used. Sunitinib stops a signal qv2 Tjme. It has\n", rules)
    assert texts(after) == ["Sunitinib (Brandex) is used."]
    assert [r.text for r in after.removed] == ["Sunitinib stops a signal qv2 Tjme. It has"]


def test_block_with_only_damaged_text_is_dropped_whole(rules):
    before, after = clean("A clean paragraph.\n\nchest (k t brqo5uin, cramps\n", rules)
    assert texts(after) == ["A clean paragraph."]
    assert [(r.rule, r.span) for r in after.removed] == [("damaged", before.kept[1].span)]


# ------------------------------------------------------------------------- broken sentences

def test_sentence_broken_by_a_blank_line_is_joined(rules):
    text = "The end of the wand sends out a low-voltage electric\n\npulse which warms the muscle.\n"
    before, after = clean(text, rules)
    assert texts(after) == ["The end of the wand sends out a low-voltage electric pulse which warms the muscle."]
    assert after.kept[0].span.lines == (1, 3)
    assert after.warnings == ()
    assert_origin_maps_text(after)


def test_list_item_whose_end_went_to_a_new_paragraph_is_joined(rules):
    text = "- Rest for the injured knee and treatment with a cream\n\nthat reduces the swelling.\n- Another item.\n"
    _, after = clean(text, rules)
    assert [(b.kind, b.text) for b in after.kept] == [
        ("list_item", "Rest for the injured knee and treatment with a cream that reduces the swelling."),
        ("list_item", "Another item."),
    ]


@pytest.mark.parametrize("text", [
    "Frequent problems with this cream include:\n\nredness and itching after each use.\n",  # list intro
    "# Problems with the cream in young children\n\nredness and itching after each use\n",  # heading
    "Latest from Example\n\nhuman kidney\n",  # a short label, not a sentence
    "- Itching\n\nmost of these fade after a few days\n",  # a short list item
])
def test_no_join_after_a_colon_a_heading_or_a_label(rules, text):
    before, after = clean(text, rules)
    assert len(after.kept) == len(before.kept) == 2


def test_join_across_evidently_missing_text_warns_possibly_truncated(rules):
    text = ("For kidney stones, the choices of care might include surgery,\n\n"
            "of nurses on your care team. The nurses might include:\n")
    _, after = clean(text, rules)
    assert len(after.kept) == 1
    assert [(w.code, w.span.lines) for w in after.warnings] == [("possibly-truncated", (1, 3))]
    assert "surgery, of" in after.warnings[0].text


def test_join_after_a_word_fragment_warns_possibly_truncated(rules):
    _, after = clean("Your doctor may suggest a plan different from the general treatment optio\n\n"
                     "and the team will explain it.\n", rules)
    assert len(after.kept) == 1
    assert [w.code for w in after.warnings] == ["possibly-truncated"]


def test_word_split_across_a_break_without_hyphen_is_joined(rules):
    _, after = clean("Your doctor may suggest a plan different from the general treatment optio\n\n"
                     "ns that are listed here.\n", rules)
    assert texts(after) == ["Your doctor may suggest a plan different from the general treatment options that "
                            "are listed here."]
    assert after.warnings == ()


def test_join_where_garbage_was_cut_warns_possibly_truncated(rules):
    text = "The patient received the drug at a dose of 10 mg and was /F1 12 Tf\n\ngiven daily for two weeks.\n"
    _, after = clean(text, rules)
    assert texts(after) == ["The patient received the drug at a dose of 10 mg and was given daily for two weeks."]
    assert [w.code for w in after.warnings] == ["possibly-truncated"]


def test_headless_fragment_is_cut_and_the_rest_kept(rules):
    text = ("To know if the stone can be broken up, it is scanned first.\n\n"
            "must be checked again. Bedside ultrasound is used during the operation.\n")
    before, after = clean(text, rules)
    assert texts(after) == ["To know if the stone can be broken up, it is scanned first.",
                            "Bedside ultrasound is used during the operation."]
    assert [(r.rule, r.text) for r in after.removed] == [("headless-fragment", "must be checked again.")]
    assert_removals_point_at_source(before, after)
    assert after.kept[1].span.chars[0] == text.index("Bedside")


def test_headless_fragment_alone_drops_its_block(rules):
    _, after = clean("A sentence that ends here.\n\nyour nurse at once if the pain comes back.\n", rules)
    assert texts(after) == ["A sentence that ends here."]
    assert rules_of(after) == ["headless-fragment"]


@pytest.mark.parametrize("start", ["mRNA vaccines are used widely.", "cancer.org has more.", "e.g. this one."])
def test_lower_case_starts_that_are_not_tails_are_kept(rules, start):
    before, after = clean(f"A finished sentence.\n\n{start}\n", rules)
    assert texts(after) == texts(before)


# ------------------------------------------------------------------------ hyphens, ligatures

WRAPPED = (
    "This is a long line of wrapped text that goes on and on until the treat-\n"
    "ment of the patient was something that everyone in the room was well-\n"
    "known for, since all of the doctors in the clinic who were there at the\n"
    "time of the visit had seen the fluid that was found in the abdomen then.\n"
)


def test_line_end_hyphens_are_rejoined_where_the_joined_word_is_a_word(rules):
    before, after = clean(WRAPPED, rules)
    assert len(before.kept) == 1  # the reader joined the wrapped lines with spaces
    text = after.kept[0].text
    assert "treatment of" in text and "well-known" in text
    assert_origin_maps_text(after)


def test_hyphen_across_a_blank_line_is_rejoined(rules):
    _, after = clean("The patient was given the best possible treat-\n\nment after the surgery.\n", rules)
    assert texts(after) == ["The patient was given the best possible treatment after the surgery."]


def test_suspended_hyphen_keeps_its_space(rules):
    _, after = clean("Patients had a long stay in hospital for their pre-\n\nand post-operative care.\n", rules)
    assert texts(after) == ["Patients had a long stay in hospital for their pre- and post-operative care."]


def test_ligatures_are_expanded_and_soft_hyphens_removed_and_each_is_logged(rules):
    before, after = clean("A signi\ufb01cant \ufb02ow was seen in the e\ufb00ect of co\u00adoperation.\n", rules)
    assert texts(after) == ["A significant flow was seen in the effect of cooperation."]
    assert [(r.rule, r.text, r.why) for r in after.removed] == [
        ("ligature", "\ufb01", "replaced by 'fi'"), ("ligature", "\ufb02", "replaced by 'fl'"),
        ("ligature", "\ufb00", "replaced by 'ff'"), ("ligature", "\u00ad", "deleted")]
    assert_removals_point_at_source(before, after)
    assert_origin_maps_text(after)


def test_a_hyphen_removed_to_rejoin_a_word_is_logged(rules):
    before, after = clean("The patient was given the best possible treat-\n\nment after the surgery.\n", rules)
    [entry] = after.removed
    assert (entry.rule, entry.text) == ("hyphenation", "-")
    assert before.text[entry.span.chars[0]:entry.span.chars[1]] == "-"


# ------------------------------------------------------------------ pages without PDF damage

@pytest.mark.parametrize("tail", ["vitamin D helps the body absorb calcium. It is made in the skin.",
                                  "ipilimumab is a drug that helps the immune system fight cancer."])
def test_a_web_page_keeps_paragraphs_that_start_in_lower_case(rules, tail):
    text = f"Calcium keeps bones strong.\n\n{tail}\n"
    before, after = clean(text, rules, name="x.txt")
    assert texts(after) == texts(before)
    assert after.removed == before.removed


def test_an_html_page_keeps_paragraphs_that_start_in_lower_case(rules):
    page = pipeline.clean("<html><body><h1>Calcium</h1><p>Calcium keeps bones strong and teeth hard.</p>"
                          "<p>vitamin D helps the body absorb calcium. It is made in the skin in sunlight.</p>"
                          "</body></html>", name="x.html")
    assert "vitamin D helps the body absorb calcium." in " ".join(s["text"] for s in page["sections"])
    assert not [r for r in page["removed"] if r["stage"] == "pdf"]


def test_a_web_page_keeps_its_short_repeated_lines_and_numbers(rules):
    page = "\n\n".join(f"Reply\n\n{k}\n\nComment number {k} says the article was useful and clear." for k in range(1, 6))
    before, after = clean(page, rules, name="x.txt")
    assert texts(after) == texts(before)


def test_a_web_page_still_joins_a_sentence_broken_across_blocks(rules):
    text = "- Rest for the injured knee and treatment with a cream\n\nthat reduces the swelling.\n"
    _, after = clean(text, rules, name="x.txt")
    assert texts(after) == ["Rest for the injured knee and treatment with a cream that reduces the swelling."]


HEADLESS = "A sentence that ends here.\n\nyour nurse at once if the pain comes back.\n"


@pytest.mark.parametrize("evidence, name", [
    ("The results /F1 12 Tf were good. Another sentence follows.\n\n", "x.txt"),  # operator garbage
    ("It was a long and diffi-\ncult time for the whole of the medi-\ncal team there.\n\n", "x.txt"),  # hyphens at line ends
    ("", "report.pdf.txt"),  # a name that says so
    ("", "x.pdf"),  # PDF text
])
def test_pdf_repairs_need_evidence_of_a_pdf(rules, evidence, name):
    fmt = "text" if name.endswith(".txt") else "pdf"
    before = pipeline.read(evidence + HEADLESS, name=name, format="text")
    after = pdf.stage(dataclasses.replace(before, format=fmt), rules)
    assert "headless-fragment" in rules_of(after, before)
    plain = pipeline.read(HEADLESS, name="x.txt")
    assert pdf.stage(plain, rules).blocks == plain.kept


# ------------------------------------------------------------------------- page furniture

def test_page_number_blocks_are_dropped(rules):
    text = "Intro.\n\n12\n\nOne.\n\n- 4 -\n\nTwo.\n\nPage 3 of 10\n\nThree.\n\nxiv\n\nFour.\n\n2024\n\ncivil\n"
    _, after = clean(text, rules)
    assert texts(after) == ["Intro.", "One.", "Two.", "Three.", "Four.", "2024", "civil"]
    assert rules_of(after) == ["page-number"] * 4


def test_numbers_in_a_column_or_a_list_are_not_page_numbers(rules):
    before, after = clean("Ages of the patients were:\n\n45\n\n67\n\n89\n\nDoses in mg:\n\n- 5\n- 10\n", rules)
    assert texts(after) == texts(before)


def _pages(header: str, n: int) -> str:
    words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta"]
    return "\n\n".join(
        f"{header.format(k + 10)}\n\nResults about {words[k]} were collected at each visit by the nurses and the\n\n"
        f"principal investigator number {k} in each of the centres.\n\n"
        f"A second paragraph about {words[k]} ends this page.\n\n{k + 1}"
        for k in range(n)
    )


def test_running_header_with_a_page_number_is_dropped_and_broken_sentences_rejoin(rules):
    _, after = clean(_pages("Journal of Clinical Oncology {}", 4), rules)
    assert "running-header" in rules_of(after) and "page-number" in rules_of(after)
    assert not any("Journal" in t for t in texts(after))
    assert all(t.startswith(("Results", "A second")) for t in texts(after))


def test_running_header_without_a_number_is_dropped_where_it_interrupts_sentences(rules):
    pages = "\n\n".join(
        f"Results about item {w} were collected at each visit by the nurses and the\n\nJ Clin Oncol\n\n"
        f"principal investigator in each of the centres took part.\n\nA second paragraph about {w} ends here."
        for w in ["alpha", "beta", "gamma", "delta"]
    )
    _, after = clean(pages, rules)
    assert rules_of(after) == ["running-header"] * 4
    assert len(after.kept) == 8


def test_repeated_web_lines_are_not_running_headers(rules):
    page = "\n\n".join(
        f"Section {k}\n\nSome text about topic {w} that ends properly.\n\nReferences\n\n"
        f"Smith J. A paper about {w}. 2020.\n\nLast Revised: October 3, 2023"
        for k, w in enumerate(["alpha", "beta", "gamma", "delta", "epsilon"])
    )
    before, after = clean(page, rules)
    assert texts(after) == texts(before)


# ------------------------------------------------------------------------------- seed page

@pytest.fixture(scope="module")
def seed_003(rules):
    before = pipeline.read(SEED_003.read_bytes(), name=SEED_003.name)
    return before, pdf.stage(before, rules)


def test_seed_damaged_sentences_are_removed_and_clean_neighbours_stay(seed_003):
    before, after = seed_003
    damaged = {r.span.lines: r.text for r in after.removed if r.rule == "damaged"}
    assert set(damaged) == {(34, 34), (350, 350), (415, 415), (417, 419)}
    kept = "\n".join(texts(after))
    for garbage in ("specialis9.48", "Tf", "kn2", "stvo3ain", " t g "):
        assert garbage not in kept
    assert "and other health professionals." in kept  # the clean sentence before the garbage
    assert "wheezing, and trouble breathing." in kept  # the clean sentences of block 417
    assert_removals_point_at_source(before, after)


def test_seed_broken_sentences_are_joined_and_headless_tails_cut(seed_003):
    _, after = seed_003
    spans = {b.span.lines: b.text for b in after.kept}
    assert "electric current which heats" in spans[(180, 182)]
    assert "painless. Each treatment lasts" in spans[(223, 225)]
    assert "in people with advanced pancreatic" in spans[(392, 394)]
    assert [(w.code, w.span.lines) for w in after.warnings] == [("possibly-truncated", (24, 26))]
    headless = sorted((r.span.lines[0], r.text) for r in after.removed if r.rule == "headless-fragment")
    assert headless == [(92, "will need to be done."), (98, "aggressive."), (380, "neuroendocrine tumors.")]


def test_seed_every_source_line_stays_accounted_for(seed_003):
    before, after = seed_003

    def covered(doc) -> set[int]:
        spans = [b.span for b in doc.kept] + [r.span for r in doc.removed]
        return {n for s in spans for n in range(s.lines[0], s.lines[1] + 1)}

    assert covered(before) <= covered(after)
    assert_origin_maps_text(after)


# ---------------------------------------------------------------------------------- rules

def test_bad_pdf_rules_name_file_line_and_key():
    where = Where("rules.yaml", {("pdf",): 2, ("pdf", "operators"): 3, ("pdf", "operators", "number"): 4}, ("pdf",))
    with pytest.raises(RulesError, match=r"rules\.yaml:4: pdf\.operators\.number"):
        pdf.compile({"operators": {"number": "(["}}, where)
    with pytest.raises(RulesError, match=r"pdf\.running_header\.min_repeats"):
        pdf.compile({"running_header": {"min_repeats": "three"}}, where)


# ------------------------------------------------------------------- page furniture, pass by pass

PROSE_LINE = "The committee met again to review the budget and"


def test_page_numbers_are_lone_numbers_not_numbers_beside_numbers(rules):
    cfg = rules.stage("pdf")
    doc = pipeline.read(f"{PROSE_LINE}\n\n7\n\nagreed on the plan.\n\n12\n\n13\n", name="x.pdf.txt")
    assert texts(doc) == [PROSE_LINE, "7", "agreed on the plan.", "12", "13"]
    assert pdf._page_numbers(doc.kept, doc, cfg) == [1]  # "12" and "13" are a column of numbers


def test_header_candidates_group_short_lines_by_their_numbers_masked_key(rules):
    cfg = rules.stage("pdf")
    doc = pipeline.read("Field Notes - page 1\n\nThis line ends a sentence of some words.\n\n"
                        "Field Notes - page 2\n\n42\n", name="x.pdf.txt")
    groups = pdf._header_candidates(doc.kept, {3}, cfg, rules.text)
    assert list(groups.values()) == [[0, 2]]


def test_repeated_lines_leave_out_dates_and_need_enough_copies(rules):
    cfg = rules.stage("pdf")
    lines = ["Orchard Log", "Updated Orchard Log", "Orchard Log", "Orchard Log", "Hedge Log", "Hedge Log"]
    blocks = [pipeline.Block("paragraph", t, pipeline.Span(None, (i + 1, i + 1))) for i, t in enumerate(lines)]
    groups = {"orchard log": [0, 1, 2, 3], "hedge log": [4, 5]}
    assert cfg.header_min_repeats == 3
    assert pdf._repeated(groups, blocks, cfg) == [[0, 2, 3]]


def test_gap_variation_is_zero_for_even_gaps():
    assert pdf._gap_variation([0, 10, 20, 30]) == 0
    assert pdf._gap_variation([0, 10, 30]) == pytest.approx(5 / 15)
    assert pdf._gap_variation([5, 5, 5]) == float("inf")


@pytest.mark.parametrize("numbered, label, interrupts, cv, running", [
    (True, False, False, 0.1, True),  # "Field Notes 3", "Field Notes 4" ...: page numbers, evenly spaced
    (True, False, False, 0.9, False),  # ... but spaced at random
    (True, True, False, 0.1, False),  # "Step 3", "Step 4": a numbered label needs a broken sentence too
    (True, True, True, 0.1, True),
    (False, False, False, 0.0, False),  # a line without a number: regular spacing is not enough
    (False, False, True, 0.1, True),
    (False, False, True, 0.45, False),  # ... and its spacing must be more regular than a numbered line's
])
def test_a_repeated_line_is_running_on_numbers_or_on_broken_sentences(rules, numbered, label, interrupts, cv, running):
    r = pdf.Repeats(count=3, gap_variation=cv, numbered=numbered, label=label, interrupts=interrupts)
    assert pdf._is_running(r, rules.stage("pdf")) is running


def test_a_page_number_shows_a_page_break_only_inside_a_broken_sentence(rules):
    cfg = rules.stage("pdf")
    inside = pipeline.read(f"{PROSE_LINE}\n\n7\n\nagreed on the plan.\n", name="x.pdf.txt")
    between = pipeline.read(f"{PROSE_LINE} a plan.\n\n7\n\nThey agreed on the plan.\n", name="x.pdf.txt")
    assert pdf._shows_page_breaks(inside.kept, {1: cfg.page_number_id}, cfg)
    assert not pdf._shows_page_breaks(between.kept, {1: cfg.page_number_id}, cfg)
    assert pdf._shows_page_breaks(between.kept, {1: cfg.header_id}, cfg)  # a running header always does


def test_copies_bunched_in_one_part_of_the_page_are_not_measured_as_running(rules):
    cfg = rules.stage("pdf")

    def page(at: list[int]) -> list[pipeline.Block]:
        lines = [f"Body line {k}." for k in range(9)]
        for n, i in enumerate(at, 1):
            lines[i] = f"Field Notes {n}"
        return [pipeline.Block("paragraph", t, pipeline.Span(None, (i + 1, i + 1))) for i, t in enumerate(lines)]

    pos = list(range(9))
    assert pdf._measure_repeats([0, 1, 2], page([0, 1, 2]), pos, 9, set(), cfg) is None
    spread = pdf._measure_repeats([0, 4, 8], page([0, 4, 8]), pos, 9, set(), cfg)
    assert spread == pdf.Repeats(count=3, gap_variation=0.0, numbered=True, label=False, interrupts=False)


def test_an_html_page_gets_no_pdf_repairs_even_with_numbers_between_sentences(rules):
    html = ("<html><body><p>The first answer says the cable was loose and</p><p>3</p><p>the second one agrees with it.</p>"
            "<p>Another post follows here.</p><p>4</p><p>A last post ends the thread.</p></body></html>")
    doc = pipeline.read(html, name="x.html")
    after = pdf.stage(doc, rules)
    assert not [b for b in after.blocks if b.drop]  # no page numbers, no headless fragments on HTML


# ------------------------------------------------------------- the screen before the full passes

SCREEN_LINES = ["Journal of Clinical Oncology {n}", "J Clin Oncol", "{n}", "Page {n} of 40", "- {n} -", "Reply",
                "Results were collected at each visit by the nurses and the doctors of the",
                "principal investigator took part.",
                "the centres took part in it {n} times.", "A paragraph that ends here.", "The results /F1 {n} Tf were good.",
                "Text (Hello) Tj shown", "BT {n} ET", "move 12 {n} Td here", "Section {n}", "* a list item {n}"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(SCREEN_LINES), st.integers(1, 40)), min_size=1, max_size=40))
@example([(SCREEN_LINES[6], 1), (SCREEN_LINES[1], 1), (SCREEN_LINES[7], 1)] * 4)  # a running line inside sentences
@example([line for n in range(1, 5) for line in ((SCREEN_LINES[0], n), (SCREEN_LINES[9], 1))])  # a numbered running line
@example([(SCREEN_LINES[6], 1), (SCREEN_LINES[2], 7), (SCREEN_LINES[8], 1)])  # a page number inside a sentence
@example([(SCREEN_LINES[10], 12)])  # operators
def test_the_screen_passes_every_text_page_the_full_passes_find_pdf_damage_on(rules, lines):
    cfg = rules.stage("pdf")
    doc = pipeline.read("\n\n".join(line.format(n=n) for line, n in lines), name="x.txt")
    blocks = list(doc.kept)
    rest, _, page_breaks = pdf._drop_furniture(blocks, doc, cfg, rules.text)
    if page_breaks:
        assert pdf._may_break_pages(blocks, doc, cfg, rules.text)
    if pdf._operator_garbage(rest, cfg):
        assert pdf._may_hold_operators(blocks, cfg)


def test_a_text_page_without_pdf_evidence_gets_the_repairs_where_its_furniture_marks_page_breaks(rules):
    before, after = clean(_pages("Journal of Clinical Oncology {}", 4), rules, name="x.txt")
    assert not pipeline.profile.page_profile(before, rules.text).pdf_text
    assert "running-header" in rules_of(after) and "page-number" in rules_of(after)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(["Page {n}", "PAGE {n}!", "page  {n}", "Café Notes {n}", "CAFÉ notes", "Cafe\u0301 Notes",
                                 "Straße {n}", "STRASSE {n}", "ﬁnal word", "final word", "{n}", "— {n} —", "Reply",
                                 "A sentence that ends here.", "Ünïcödé {n} x"]),
                min_size=1, max_size=30), st.integers(0, 3))
def test_recurring_candidates_are_the_header_candidate_groups_with_enough_copies(rules, lines, skip):
    cfg = rules.stage("pdf")
    blocks = [pipeline.Block("paragraph", line.format(n=k), pipeline.Span(None, (k + 1, k + 1)))
              for k, line in enumerate(lines)]
    skipped = set(range(0, len(blocks), 4)) if skip else set()
    every = pdf._header_candidates(blocks, skipped, cfg, rules.text)
    assert pdf._recurring_candidates(blocks, skipped, cfg, rules.text) == \
        {key: idx for key, idx in every.items() if len(idx) >= cfg.header_min_repeats}


@settings(max_examples=100, deadline=None)
@given(st.sets(st.text(alphabet="ab*.T", min_size=1, max_size=4), min_size=1, max_size=8),
       st.text(alphabet="ab*.T", max_size=5))
def test_a_prefix_tree_of_operators_matches_exactly_the_operators(words, probe):
    import re

    tree = re.compile("(?:" + pdf._prefix_tree(words) + r")\Z")
    for w in words:
        assert tree.match(w)
    assert (tree.match(probe) is not None) == (probe in words)
