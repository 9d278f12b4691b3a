"""The page JSON contract (schema ``scraped-text-clean/1``): what the pipeline writes validates, and
the schema is strict enough to reject a broken page."""
from __future__ import annotations

import copy
from functools import cache
from pathlib import Path

import jsonschema
import pytest

import pipeline
from pipeline.document import Block, Document, PageWarning, Removal, Span
from pipeline.output import SCHEMA_ID, load_schema, to_json
from tests.conftest import SEED_PAGES
from tests.page_checks import schema_problems as problems


@cache
def seed_page(name: str) -> dict:
    path = next(p for p in SEED_PAGES if p.name == name)
    return pipeline.clean(path.read_bytes(), name=f"raw/{name}")


def small_page() -> dict:
    """A page with a lead and a headed section, built by hand so that it does not depend on what
    the stages keep: the JSON form of a Document is what is checked."""
    text = "Lead text here.\n\n## Side effects\n\n* Pain after surgery\n"
    lead = Block("paragraph", "Lead text here.", Span((0, 15), (1, 1)))
    heading = Block("heading", "Side effects", Span((20, 32), (3, 3)), level=2)
    item = Block("list_item", "Pain after surgery", Span((34, 54), (5, 5)))
    doc = Document(name="small.txt", text=text, encoding="utf-8", stages=("decode", "read-text"),
                   blocks=(lead, heading, item),
                   cuts=(Removal("read-text", "rule-line", Span((16, 19), (2, 2)), "---"),),
                   warnings=(PageWarning("pdf", "join", None, "joined across a page break"),))
    return to_json(doc, text.encode(), version=pipeline.__version__, rules_sha256="0" * 64)


def test_schema_file_is_a_valid_draft_2020_12_schema_with_the_contract_id() -> None:
    schema = load_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == SCHEMA_ID
    jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("name", [p.name for p in SEED_PAGES])
def test_every_seed_page_validates_against_the_schema(name: str) -> None:
    assert problems(seed_page(name)) == []


@pytest.mark.parametrize("name", [p.name for p in SEED_PAGES])
def test_seed_page_counts_agree_with_their_lists(name: str) -> None:
    # what the schema cannot say: stats count what the lists hold, section ids are unique
    page = seed_page(name)
    stats = page["stats"]
    assert stats["sections"] == len(page["sections"])
    assert sum(stats["removed_by_rule"].values()) == len(page["removed"])
    assert len({s["id"] for s in page["sections"]}) == len(page["sections"])
    for s in page["sections"]:
        if s["heading"] is not None:
            assert s["path"][-1] == s["heading"]
            assert s["blocks"][0]["kind"] == "heading" and s["blocks"][0]["text"] == s["heading"]


def test_small_built_page_validates() -> None:
    assert problems(small_page()) == []


def test_html_page_with_xpath_spans_validates() -> None:
    page = pipeline.clean(b"<html><head><title>Tumors</title></head><body><nav><a href='/'>Home</a></nav>"
                          b"<main><h1>Tumors</h1><p>Surgery removes the tumor when it has not spread.</p>"
                          b"<h2>Side effects</h2><ul><li>Pain after the operation for a few weeks</li></ul>"
                          b"</main></body></html>", name="x.html")
    assert page["source"]["format"] == "html"
    assert problems(page) == []


def test_a_list_nested_deeper_than_six_levels_validates() -> None:
    page = copy.deepcopy(small_page())
    page["sections"][1]["blocks"][1]["level"] = 9  # a menu indented nine lists deep
    assert problems(page) == []


def test_empty_page_validates() -> None:
    page = pipeline.clean(b"", name="empty.txt")
    assert page["sections"] == []
    assert problems(page) == []


def _drop(page: dict, *path: str | int) -> None:
    target = page
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]


@pytest.mark.parametrize("breakage", [
    pytest.param(lambda p: _drop(p, "stats"), id="missing-top-level-key"),
    pytest.param(lambda p: _drop(p, "source", "meta", "copyright"), id="missing-meta-key"),
    pytest.param(lambda p: _drop(p, "sections", 0, "blocks", 0, "source"), id="block-without-source"),
    pytest.param(lambda p: p["sections"][0].update(role="sidebar"), id="unknown-role"),
    pytest.param(lambda p: p["sections"][0]["blocks"][0].update(kind="div"), id="unknown-block-kind"),
    pytest.param(lambda p: p.update(extra=1), id="unknown-top-level-key"),
    pytest.param(lambda p: p["source"].update(format="docx"), id="unknown-format"),
    pytest.param(lambda p: p["sections"][-1].update(heading=None), id="headless-section-after-the-first"),
    pytest.param(lambda p: p["sections"][0]["source"].update(chars=[1]), id="chars-not-a-pair"),
    pytest.param(lambda p: p.update(schema="scraped-text-clean/2"), id="wrong-schema-id"),
    pytest.param(lambda p: p["source"]["meta"].update(extra=["not", "a", "string"]), id="meta-extra-not-a-string"),
    pytest.param(lambda p: p["sections"][1]["blocks"][0].update(level=7), id="heading-level-7"),
])
def test_broken_page_fails_validation(breakage) -> None:
    page = copy.deepcopy(small_page())
    breakage(page)
    assert problems(page), "the schema accepted a broken page"


def test_schema_file_ships_inside_the_package() -> None:
    # pyproject's package-data ships schema/*.json: the schema must live there to be installed
    assert (Path(pipeline.__file__).parent / "schema" / "scraped-text-clean-1.schema.json").is_file()
