"""sections: headings (markdown, plain title lines, contents entries), the page title, sections, roles."""
from __future__ import annotations

from dataclasses import replace

import pytest

import pipeline
from pipeline.document import dropped
from pipeline.rules import RulesError, Where
from pipeline.stages import sections

RULES = pipeline.load_rules()
BODY = "This paragraph is body text with a full sentence in it."


def read(text: str, **changes) -> pipeline.Document:
    doc = pipeline.read(text, name="x.txt", rules=RULES)
    return replace(doc, **changes) if changes else doc


def run(doc: pipeline.Document) -> pipeline.Document:
    return pipeline.run(doc, RULES, stages=["sections"])


def outline(doc: pipeline.Document) -> list[tuple[str | None, int, tuple[str, ...]]]:
    return [(s.heading.text if s.heading else None, s.level, s.path) for s in doc.sections]


def logged(doc: pipeline.Document, rule: str) -> list[str]:
    return [r.text for r in doc.removed if r.stage == "sections" and r.rule == rule]


def with_toc(doc: pipeline.Document, *entries: str) -> pipeline.Document:
    """The doc as the boilerplate stage leaves it: paragraphs whose text is an entry are dropped,
    labelled as the page's contents entries (``doc.contents``)."""
    names = set(entries)
    return doc.evolve("boilerplate", blocks=[
        dropped(b, "boilerplate", "any-rule-id", contents=True) if b.text in names and b.span.lines[0] < 100 else b
        for b in doc.kept])


def test_markdown_headings_open_sections_with_levels_and_paths():
    doc = run(read(f"Lead words here.\n\n## Causes\n\n{BODY}\n\n### Genes\n\n{BODY}\n\n## Symptoms\n\n{BODY}\n"))
    assert outline(doc) == [(None, 0, ()), ("Causes", 2, ("Causes",)), ("Genes", 3, ("Causes", "Genes")),
                            ("Symptoms", 2, ("Symptoms",))]
    assert [s.id for s in doc.sections] == ["s0", "s1", "s2", "s3"]
    assert doc.sections[0].role == "body" and doc.sections[0].blocks[0].text == "Lead words here."
    assert doc.sections[1].heading.kind == "heading" and doc.sections[1].blocks[0].text == BODY


def test_plain_title_line_followed_by_body_becomes_a_heading():
    doc = run(read(f"{BODY}\n\nHow Physiotherapy Works\n\n{BODY}\n\n- an item\n\nSide effects\n\n- Nausea\n"))
    assert outline(doc) == [(None, 0, ()), ("How Physiotherapy Works", 2, ("How Physiotherapy Works",)),
                            ("Side effects", 2, ("Side effects",))]
    assert doc.sections[1].heading.span.lines == (3, 3)


@pytest.mark.parametrize("line", [
    "Care may involve the following:",  # closing punctuation
    "Details about the study are posted on the",  # ends in a function word: cut off
    "care choices by age",  # lower-case start
    "Sunitinib stops a signal. It has effects",  # holds a sentence end
    "Read the Night Terrors article > >",  # a "more" link
])
def test_lines_that_are_not_titles_stay_paragraphs(line):
    doc = run(read(f"{BODY}\n\n{line}\n\n{BODY}\n"))
    assert outline(doc) == [(None, 0, ())]
    assert [b.text for b in doc.sections[0].blocks] == [BODY, line, BODY]


def test_of_two_title_lines_only_the_one_above_body_is_a_heading():
    doc = run(read(f"{BODY}\n\nGet Started\n\nMy Recipes\n\n{BODY}\n"))
    assert outline(doc) == [(None, 0, ()), ("My Recipes", 2, ("My Recipes",))]
    assert [b.text for b in doc.sections[0].blocks] == [BODY, "Get Started"]


def test_title_line_directly_above_a_deeper_heading_is_its_parent():
    doc = run(read(f"{BODY}\n\nTreatment Options\n\n### Gout\n\n{BODY}\n"))
    assert outline(doc) == [(None, 0, ()), ("Treatment Options", 2, ("Treatment Options",)),
                            ("Gout", 3, ("Treatment Options", "Gout"))]
    doc = run(read(f"{BODY}\n\nTreatment Options\n\n## Gout\n\n{BODY}\n"))
    assert outline(doc) == [(None, 0, ()), ("Gout", 2, ("Gout",))]


def test_run_of_title_lines_is_a_list_not_headings():
    doc = run(read(f"{BODY}\n\nGout\n\nLupus\n\nPsoriasis\n\n{BODY}\n"))
    assert outline(doc) == [(None, 0, ())]
    assert len(doc.sections[0].blocks) == 5


def test_a_page_with_markdown_headings_gets_no_plain_ones():
    doc = run(read(f"## One\n\n{BODY}\n\n## Two\n\n{BODY}\n\nNot A Heading Here\n\n{BODY}\n\n## Three\n\n{BODY}\n"))
    assert [h for h, _, _ in outline(doc)] == ["One", "Two", "Three"]


def test_first_level_one_heading_is_the_title_and_not_a_section():
    doc = run(read(f"# Shingles\n\n{BODY}\n\n## Causes\n\n{BODY}\n"))
    assert doc.title == "Shingles"
    assert logged(doc, "title") == ["Shingles"]
    assert outline(doc) == [(None, 0, ()), ("Causes", 2, ("Causes",))]


def test_first_title_line_before_body_is_the_title_and_its_copy_is_logged():
    title = "Kidney Stones (Renal Calculi and Urinary Stones) Treatment (ABC®)"
    doc = run(read(f"\n\n{title}\n\n\n\nPatient Version | Expert Version\n\n{title}\n\n{BODY}\n"))
    assert doc.title == title
    assert logged(doc, "title") == [title, title]
    assert [r.span.lines for r in doc.removed if r.rule == "title"] == [(3, 3), (9, 9)]
    assert all(s.heading is None or s.heading.text != title for s in doc.sections)


def test_a_page_title_line_may_be_longer_than_a_heading():
    title = "Kidney Stones (Renal Calculi and Urinary Stones) Treatment (ABC®): Treatment - Health Expert Information - Overview"
    doc = run(read(f"{title}\n\nSmall Stones\n\n{BODY}\n\n{title}\n"))
    assert doc.title == title and logged(doc, "title") == [title]
    assert outline(doc) == [("Small Stones", 2, ("Small Stones",))]
    assert doc.sections[0].blocks[-1].text == title  # a copy after body text is not the title's


def test_no_title_when_body_text_comes_first():
    doc = run(read(f"{BODY}\n\nSurgery\n\n{BODY}\n"))
    assert doc.title is None and not logged(doc, "title")


def test_a_known_title_is_kept_and_only_a_matching_heading_is_logged():
    doc = run(read(f"# Shingles\n\n{BODY}\n", title="Shingles - HealthGuide"))
    assert doc.title == "Shingles - HealthGuide" and logged(doc, "title") == ["Shingles"]
    doc = run(read(f"# Causes\n\n{BODY}\n", title="Shingles"))
    assert doc.title == "Shingles" and outline(doc) == [("Causes", 1, ("Causes",))]


def test_lines_named_in_the_page_contents_are_headings_with_contents_levels():
    text = ("▶ General Information\n\n▶ **Treatment Options**\n\n" + BODY + "\n\n"
            "Treatment Options\n\n[Gout](#)\n\n[Lupus](#)\n\n" + BODY + "\n\n"
            "Gout\n\nSurgery\n\n" + BODY + "\n\nLupus\n\nLupus\n\n" + BODY + "\n\n"
            "Unlisted Part\n\n" + BODY + "\n\nGeneral Information\n\n" + BODY + "\n")
    doc = read(text)
    doc = with_toc(doc, "▶ General Information", "▶ **Treatment Options**", "[Gout](#)", "[Lupus](#)")
    doc = run(doc)
    assert outline(doc)[1:] == [
        ("Treatment Options", 2, ("Treatment Options",)),  # first contents list: level 2
        ("Gout", 3, ("Treatment Options", "Gout")),  # later list: level 3, even with no body after
        ("Surgery", 4, ("Treatment Options", "Gout", "Surgery")),  # unlisted: below the last listed
        ("Lupus", 3, ("Treatment Options", "Lupus")),
        ("Unlisted Part", 4, ("Treatment Options", "Lupus", "Unlisted Part")),
        ("General Information", 2, ("General Information",)),
    ]
    assert logged(doc, "empty-section") == ["Lupus"]  # the first of two; the second has the body


def test_a_plain_heading_that_owns_a_contents_list_is_top_level():
    text = (f"{BODY}\n\nPart One\n\n{BODY}\n\n[Sub A](#)\n\n[Sub B](#)\n\nSub A\n\n{BODY}\n\nSub B\n\n{BODY}\n\n"
            f"Part Two\n\n{BODY}\n\n[Sub C](#)\n\nSub C\n\n{BODY}\n\nPart Three\n\n{BODY}\n")
    doc = run(with_toc(read(text), "[Sub A](#)", "[Sub B](#)", "[Sub C](#)"))
    assert outline(doc)[1:] == [
        ("Part One", 2, ("Part One",)), ("Sub A", 3, ("Part One", "Sub A")), ("Sub B", 3, ("Part One", "Sub B")),
        ("Part Two", 2, ("Part Two",)), ("Sub C", 3, ("Part Two", "Sub C")),
        ("Part Three", 4, ("Part Two", "Sub C", "Part Three")),  # unlisted: below the last listed heading
    ]


def test_a_contents_list_under_a_references_heading_lists_its_siblings_not_its_children():
    # a page made of several parts, one part's own heading lost: its contents list follows the
    # previous part's "References" heading. A references section holds citations, not parts.
    text = (f"{BODY}\n\nPart One\n\n{BODY}\n\n[Sub A](#)\n\nSub A\n\n{BODY}\n\nReferences\n\n{BODY}\n\n"
            f"[Sub B](#)\n\n[Sub C](#)\n\n{BODY}\n\nSub B\n\n{BODY}\n\nSub C\n\n{BODY}\n\nReferences\n\n{BODY}\n")
    doc = run(with_toc(read(text), "[Sub A](#)", "[Sub B](#)", "[Sub C](#)"))
    paths = [path for _, _, path in outline(doc)[1:]]
    assert ("Part One", "Sub B") in paths and ("Part One", "Sub C") in paths
    assert not any(p[:-1] and p[-2] == "References" for p in paths)  # nothing under a references heading


def test_heading_without_blocks_or_children_is_dropped_and_logged():
    doc = run(read(f"## Parent\n\n### Child\n\n{BODY}\n\n## Empty\n\n## Last\n\n{BODY}\n\n## Trailing\n"))
    assert [h for h, _, _ in outline(doc)] == ["Parent", "Child", "Last"]
    assert logged(doc, "empty-section") == ["Empty", "Trailing"]


def test_every_source_line_stays_accounted_for():
    text = f"# Title\n\n{BODY}\n\n## Empty\n\nPlain Heading\n\n{BODY}\n- item\n\n## Refs\n\nSmith J. 2019.\n"
    doc = run(read(text))
    covered = set()
    spans = [r.span for r in doc.removed]
    for s in doc.sections:
        spans += [b.span for b in ((s.heading,) if s.heading else ()) + s.blocks]
    for span in spans:
        covered.update(range(span.lines[0], span.lines[1] + 1))
    wanted = {i + 1 for i, line in enumerate(text.splitlines()) if line.strip()}
    assert wanted <= covered
    kept = [b for s in doc.sections for b in ((s.heading,) if s.heading else ()) + s.blocks]
    assert kept == list(doc.kept)


REFERENCES = ("Miller AB, Ortiz C, Nakamura K. Tumors of the adrenal gland. In: Hartley RJ, eds. "
              "Hartley's Textbook of Surgery. 3rd ed. Boston, MA: Example Press; 2016:chap 42.\n\n"
              "Example Health Institute. Kidney stones treatment. www.example.gov/types/stones. "
              "Accessed June 9, 2016.\n")


def test_references_section_holding_citations_has_role_references():
    doc = run(read(f"## Causes\n\n{BODY}\n\n## References\n\n{REFERENCES}"))
    assert [s.role for s in doc.sections] == ["body", "references"]


def test_references_section_holding_prose_is_body():
    doc = run(read(f"## Causes\n\n{BODY}\n\n## Notes\n\n{BODY}\n\nAsk your doctor about the results.\n"))
    assert [s.role for s in doc.sections] == ["body", "body"]


def test_links_sections_by_heading_or_by_link_text():
    text = (f"## To Learn More About Kidney Stones\n\n{BODY}\n\n## Hyperlinks\n\n"
            "1. www.example.org/health/managing-pain/side-effects.html\n"
            "2. https://www.example.org/treatment-types/physiotherapy.html\n\n## Causes\n\n{BODY}\n")
    doc = run(read(text))
    assert [s.role for s in doc.sections] == ["links", "links", "body"]


def test_link_chars_from_markup_make_a_links_section():
    doc = read(f"## Popular Tools\n\nABC Dictionary of Health Terms\n\nABC Drug Dictionary\n\n## Causes\n\n{BODY}\n")
    blocks = [replace(b, link_chars=len(b.text)) if b.text.startswith("ABC") else b for b in doc.kept]
    doc = run(replace(doc, blocks=tuple(blocks)))
    assert [s.role for s in doc.sections] == ["links", "body"]


def test_levels_are_validated_with_their_key():
    with pytest.raises(RulesError, match=r"sections\.default_level"):
        sections.compile({"default_level": 7, "max_level": 6}, Where("rules.yaml", {}).at("sections"))


# ------------------------------------------------------------------------ the passes, one at a time

SECTION_RULES = RULES.stage("sections")


def block(kind: str, text: str, level: int = 0, line: int = 1) -> pipeline.Block:
    return pipeline.Block(kind, text, pipeline.Span(None, (line, line)), level=level)


def test_title_copies_are_found_on_both_sides_up_to_body_text():
    blocks = [block("paragraph", "Pruning Roses"), block("paragraph", "Menu"), block("heading", "Pruning Roses", 1),
              block("paragraph", "Pruning roses"), block("paragraph", BODY), block("paragraph", "Pruning Roses")]
    like = [True, True, False, True, False, True]
    # the copy after the body text is the body's, not the title zone's
    assert sections._title_copies(blocks, like, 2, RULES.text) == [0, 3]


def test_plain_kinds_make_the_last_of_a_short_title_run_above_body_a_heading():
    like = [True, True, False]
    assert sections._plain_kinds([None, None, None], like, max_title_run=2) == [None, "plain", None]
    assert sections._plain_kinds([None, None, None], like, max_title_run=1) == [None, None, None]


def test_plain_kinds_mark_a_lone_title_line_above_a_heading_as_a_parent_candidate():
    assert sections._plain_kinds([None, "markup", None], [True, False, False], 2) == ["parent", "markup", None]
    # two title lines above a heading: a flattened menu, neither is a parent
    assert sections._plain_kinds([None, None, "markup"], [True, True, False], 2) == [None, None, "markup"]


def test_each_contents_list_is_owned_by_the_last_heading_before_it():
    kind = [None, "markup", None, None, "plain", None]
    assert sections._list_owners(kind, [0, 3, 6]) == [None, 1, 4]


def test_a_parent_candidate_is_a_heading_only_above_a_deeper_one():
    contents = sections.Contents(keys=[""] * 3, names={}, at=[])
    for child_level, expected in ((3, [2, 3, None]), (2, [None, 2, None])):
        blocks = [block("paragraph", "Growing Herbs"), block("heading", "Basil", child_level), block("paragraph", BODY)]
        kind = ["parent", "markup", None]
        assert sections._levels(blocks, kind, contents, [], [False] * 3, SECTION_RULES) == expected


def test_a_listed_heading_is_one_level_below_the_owner_of_its_list():
    blocks = [block("heading", "Guide", 2), block("paragraph", "Soil"), block("paragraph", BODY)]
    contents = sections.Contents(keys=["", "soil", ""], names={"soil": 0}, at=[1])
    kind = ["markup", "listed", None]
    assert sections._levels(blocks, kind, contents, [0], [False] * 3, SECTION_RULES) == [2, 3, None]


def test_grouping_turns_a_promoted_line_into_a_heading_and_keeps_the_lead():
    lead_block, line, body = block("paragraph", "Intro."), block("paragraph", "Watering"), block("paragraph", BODY)
    lead, entries = sections._group([lead_block, line, body], [None, 2, None])
    assert lead == [lead_block]
    assert [(h.kind, h.text, h.level, lv, b) for h, lv, b in entries] == [("heading", "Watering", 2, 2, [body])]


def test_a_heading_whose_only_children_are_empty_is_empty_too():
    h = block("heading", "H")
    entries = [(h, 2, []), (h, 3, []), (h, 2, [block("paragraph", BODY)]), (h, 2, [])]
    assert sections._non_empty(entries) == [False, False, True, False]
    # a child with blocks keeps its parent
    assert sections._non_empty([(h, 2, []), (h, 3, [block("paragraph", BODY)])]) == [True, True]

