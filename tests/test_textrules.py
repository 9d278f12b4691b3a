"""The shared text tests (pipeline/textrules.py): one definition each, read by every stage."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
import regex
from hypothesis import given
from hypothesis import strategies as st

import pipeline
from pipeline.document import Block, Span
from pipeline.rules import RulesError, Where
from pipeline.textrules import (citation_hits, compare_key, heading_key, is_citation, is_references_heading,
                                running_key, title_like, title_shape)
from pipeline import textrules

STAGES_DIR = Path(pipeline.__file__).resolve().parent / "stages"


@pytest.fixture(scope="module")
def tr():
    return pipeline.load_rules().text


def para(text: str, link_chars: int = 0) -> Block:
    return Block("paragraph", text, Span((0, len(text)), (1, 1)), link_chars=link_chars)


def test_compare_key_ignores_case_spacing_edge_punctuation_and_invisible_characters(tr) -> None:
    assert compare_key("  Hello,\u200b   World! ", tr) == compare_key("hello, world", tr) == "hello, world"
    assert compare_key("e\u0301t\u00e9", tr) == compare_key("\u00e9t\u00e9", tr)  # NFC


def test_heading_key_drops_markdown_and_a_bullet_before_comparing(tr) -> None:
    bullet = pipeline.load_rules().stage("sections").toc_bullet
    assert heading_key("**[Side Effects](#side)**", tr) == "side effects"
    assert heading_key("2.1 Side effects", tr, bullet) == "side effects"


def test_running_key_ignores_numbers_so_page_headers_match(tr) -> None:
    assert running_key("Annual Report 2019 - Page 4", tr) == running_key("annual report 2019 · page 17", tr)
    assert running_key("Chapter One", tr) != running_key("Chapter Two", tr)


@pytest.mark.parametrize("text, expected", [
    ("Treatment options", True),
    ("2024 results", True),
    ("治疗方法", True),                      # a caseless script starts a title too
    ("Find out more about the", False),    # ends on a function word: cut off
    ("This is a sentence.", False),        # ends like a sentence
    ("Includes:", False),                  # a lead-in
    ("lower case start", False),
    ("One sentence. Another one", False),  # holds a sentence end
    ("Word " * 13, False),                 # too long
    ("“Blue Hour”: A Film About Light", True),   # a headline may open with a quote
    ("12 Rooms: «Das Haus am Meer»", True),      # and end with a closing guillemet
    ("All our offers »", False),                 # a "more »" link is no title
])
def test_title_shape(tr, text: str, expected: bool) -> None:
    assert title_shape(text, tr, "en") is expected


def test_function_words_are_the_pages_language_only(tr) -> None:
    # "the" ends no English title; a language without a list has no such test
    assert not title_shape("Visit the", tr, "en")
    assert title_shape("Visit the", tr, "xx")
    assert title_shape("Visit the", tr, None) is False  # unknown language: English


def test_title_like_is_a_title_shaped_paragraph_that_is_not_mostly_links(tr) -> None:
    assert title_like(para("Treatment options"), tr)
    assert not title_like(para("Treatment options", link_chars=17), tr)
    assert not title_like(Block("list_item", "Treatment options", Span((0, 17), (1, 1))), tr)


@pytest.mark.parametrize("text", ["References", "**References**", "[References](#refs)", "Referral services",
                                  "\\[References\\]", "_Bibliography_"])
def test_a_references_heading_given_its_compare_key_is_told_as_without_it(tr, text: str) -> None:
    # the caller's compare_key stands for the heading key only where there is no markdown to take off
    assert is_references_heading(text, tr, compare_key(text, tr)) == is_references_heading(text, tr)


@pytest.mark.parametrize("text", ["A Title", "A sentence.", "Lead-in:", "Next »", "Wait...", "Hmm…", "Tab\t»",
                                  "第一章。", "No stop here", "Go →", "x | y"])
def test_a_line_that_holds_none_of_the_closing_characters_is_told_without_the_search(tr, text: str) -> None:
    assert textrules._closes(text, tr) == (tr.title_closing.search(text) is not None)


def test_references_headings_and_citations(tr) -> None:
    assert is_references_heading("## References:", tr)
    assert not is_references_heading("Referral services", tr)
    cite = "Smith JA, Doe B. A study of things. J Things. 2019;12(3):45-67. doi:10.1000/xyz"
    assert citation_hits(cite, tr) >= 3 and is_citation(cite, tr)
    assert not is_citation("A plain sentence about the weather today.", tr)


def test_a_function_word_that_yaml_reads_as_a_boolean_is_refused_by_its_key() -> None:
    with pytest.raises(RulesError, match=r"text\.function_words\.en\[0\]: expected a word"):
        textrules.compile({"function_words": {"en": [True]}}, Where("rules.yaml", {}).at("text"))


def _imports(path: Path) -> set[str]:
    """The modules a file imports, relative ones resolved against pipeline.stages."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = {0: "", 1: "pipeline.stages", 2: "pipeline"}.get(node.level, "")
            module = ".".join(p for p in (base, node.module or "") if p)
            out.add(module)
            out.update(f"{module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return out


@pytest.mark.parametrize("path", sorted(p for p in STAGES_DIR.glob("*.py") if p.name != "__init__.py"),
                         ids=lambda p: p.stem)
def test_no_stage_imports_another_stage(path: Path) -> None:
    stages = {f"pipeline.stages.{p.stem}" for p in STAGES_DIR.glob("*.py") if p.name != "__init__.py"}
    assert not (_imports(path) & (stages - {f"pipeline.stages.{path.stem}"}))


EDGE_PUNCT = regex.compile(r"^[\s\p{P}\p{S}]+|(?<![\s\p{P}\p{S}])[\s\p{P}\p{S}]+$")


@given(st.text(alphabet="ab1 .,!?-–—“”()[]$€©™é\u00a0\u2003\t¿¡«»_'\"#%&*+/<=>@^`|~§¶•…\u0301ー。、", max_size=14))
def test_edge_punctuation_is_stripped_as_the_pattern_for_it_would(text: str) -> None:
    assert textrules.strip_edge_punct(text) == EDGE_PUNCT.sub("", text)
