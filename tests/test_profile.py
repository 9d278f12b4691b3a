"""The page profile: what is measured once about a page after the reader, read by every stage."""
from __future__ import annotations

import dataclasses

import pytest

import pipeline
from pipeline.profile import (DISCUSSION, HYPHEN_BREAKS, MARKDOWN, PDF_FORMAT, PDF_NAME, hyphen_breaks, page_profile, profile_of,
                              shows_markdown)

PROSE = "The committee met on Tuesday and agreed on the new budget for the coming year.\n\n"


@pytest.fixture(scope="module")
def rules():
    return pipeline.load_rules()


def test_a_markdown_dump_is_noted_as_markdown_and_a_plain_dump_is_not(rules) -> None:
    md = PROSE + "## Budget\n\n* [Home](https://example.org/)\n* [News](/news)\n\nSee [the report](https://example.org/r).\n"
    assert MARKDOWN in pipeline.read(md, name="a.md", rules=rules).profile.evidence
    assert MARKDOWN not in pipeline.read(PROSE * 3, name="a.txt", rules=rules).profile.evidence


def test_words_hyphenated_at_line_ends_are_evidence_of_pdf_text(rules) -> None:
    broken = "It was a long and diffi-\ncult year for the whole of the medi-\ncal staff.\n\n"
    profile = pipeline.read(broken + PROSE, name="a.txt", rules=rules).profile
    assert HYPHEN_BREAKS in profile.evidence and profile.pdf_text
    assert not pipeline.read(PROSE, name="a.txt", rules=rules).profile.pdf_text


def test_hyphen_breaks_need_lower_case_letters_on_both_sides_and_the_count_from_rules() -> None:
    assert hyphen_breaks("diffi-\ncult and medi- \r\n cal", 2)
    assert not hyphen_breaks("diffi-\ncult", 2)
    assert not hyphen_breaks("A list:\n- one\n- two\nCOVID-\n19 and 2020-\n2021", 1)


def test_a_pdf_format_or_a_name_that_says_pdf_is_evidence(rules) -> None:
    text_page = pipeline.read(PROSE, name="a.txt", rules=rules)
    assert PDF_FORMAT in profile_of(dataclasses.replace(text_page, format="pdf"), rules.text).evidence
    assert PDF_FORMAT not in text_page.profile.evidence
    assert PDF_NAME in pipeline.read(PROSE, name="report.pdf.txt", rules=rules).profile.evidence
    assert PDF_NAME in pipeline.read(PROSE, name="a.txt", url="https://example.org/a.pdf", rules=rules).profile.evidence


def test_html_line_breaks_are_no_evidence_of_pdf_text(rules) -> None:
    html = "<p>It was a long and diffi-\ncult year for the whole of the medi-\ncal staff.</p>"
    assert not pipeline.read(html, name="a.html", rules=rules).profile.pdf_text


def test_a_page_whose_markup_calls_it_a_thread_of_posts_is_a_discussion(rules) -> None:
    thread = ('<html><head><script type="application/ld+json">{"@type": "QAPage"}</script></head>'
              '<body><p>How do I dry out a flooded cellar?</p></body></html>')
    article = thread.replace("QAPage", "NewsArticle")
    assert DISCUSSION in pipeline.read(thread, name="a.html", rules=rules).profile.evidence
    assert DISCUSSION not in pipeline.read(article, name="a.html", rules=rules).profile.evidence


def test_a_profile_is_measured_again_when_the_format_or_language_changed_since(rules) -> None:
    doc = pipeline.read(PROSE, name="a.txt", rules=rules)
    assert page_profile(doc, rules.text) is doc.profile
    as_pdf = dataclasses.replace(doc, format="pdf")
    assert page_profile(as_pdf, rules.text).pdf_text
    assert page_profile(dataclasses.replace(doc, language="de"), rules.text).language == "de"


def test_the_evidence_settings_are_range_checked_with_the_key_named(tmp_path) -> None:
    text = pipeline.rules.DEFAULT_RULES.read_text(encoding="utf-8").replace("min_hyphen_breaks: 2", "min_hyphen_breaks: 0")
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(pipeline.rules.RulesError, match="text.evidence.min_hyphen_breaks"):
        pipeline.load_rules(path)


def test_words_broken_at_line_ends_by_any_hyphen_character_count_together():
    assert hyphen_breaks("diffi\u2010\ncult and medi\u00ad\ncal", 2)
    assert hyphen_breaks("diffi-\ncult and medi\u00ad\ncal", 2)
    assert not hyphen_breaks("diffi\u2010\ncult and 2020\u00ad\n2021", 2)


@pytest.mark.parametrize("text", ["", "](http", "](http](http", "](/ and\n# Title\n## Sub", "####", "](#](#](#"])
@pytest.mark.parametrize("at_least", [1, 2, 3])
def test_markdown_shows_where_its_marks_count_up_to_the_minimum(text, at_least):
    marks = ("](http", "](/", "](#", "\n# ", "\n## ")
    assert shows_markdown(text, marks, at_least) == (sum(text.count(m) for m in marks) >= at_least)
