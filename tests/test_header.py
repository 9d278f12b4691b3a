"""header stage: top-of-page fields, the page's site, and the dates and rights it states."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

import pytest

import pipeline
from pipeline.dates import parse_date
from pipeline.rules import RulesError, Site, _compile
from pipeline.stages.header import host_of

RAW = Path(__file__).resolve().parent.parent / "raw"


@pytest.fixture(scope="module")
def rules():
    return pipeline.load_rules()


def header(text: str, rules, url: str | None = None):
    doc = pipeline.read(text, name="page.txt", url=url)
    return doc, pipeline.run(doc, rules, stages=["header"])


def with_sites(rules, sites: dict[str, list[str]]):
    return replace(rules, sites=MappingProxyType({d: Site(d, tuple(s), MappingProxyType({})) for d, s in sites.items()}))


# --- fields at the top ----------------------------------------------------------------------------

def test_link_description_keywords_fields_become_url_and_meta_and_are_logged(rules):
    text = ("Link: https://www.example.org/a/b.htm    \n"
            "                Description: A short summary.    \n"
            "                Keywords: None    \n"
            "                          \n\nBody text here.\n")
    source, doc = header(text, rules)
    assert doc.url == "https://www.example.org/a/b.htm"
    assert doc.meta["description"] == "A short summary."
    assert doc.meta.get("keywords") is None
    assert [b.text for b in doc.kept] == ["Body text here."]
    assert [(r.rule, r.text) for r in doc.removed] == [
        ("header", "Link: https://www.example.org/a/b.htm"),
        ("header", "Description: A short summary."),
        ("header", "Keywords: None"),
    ]
    # each removal points at its own source line
    first = doc.removed[0].span.chars
    assert source.text[first[0]:first[1]].startswith("Link: https://www.example.org")
    assert doc.removed[2].span.lines == (3, 3)


def test_keywords_with_a_value_are_kept(rules):
    _, doc = header("Link: https://example.org/x\nKeywords: cancer, pancreas\n\nText.\n", rules)
    assert doc.meta["keywords"] == "cancer, pancreas"


def test_title_and_url_source_fields_of_other_dump_tools(rules):
    text = "Title: Pancreatic NETs\n\nURL Source: https://site.example.com/p\n\nMarkdown Content:\n\n# Heading\n\nText.\n"
    _, doc = header(text, rules)
    assert doc.title == "Pancreatic NETs"
    assert doc.url == "https://site.example.com/p"
    assert doc.site == "site.example.com"
    assert [b.text for b in doc.kept] == ["Heading", "Text."]
    assert len([r for r in doc.removed if r.rule == "header"]) == 3


def test_url_given_by_the_caller_wins_over_the_header(rules):
    _, doc = header("Link: https://other.example.net/x\n\nText.\n", rules, url="https://given.example.com/page")
    assert doc.url == "https://given.example.com/page"
    assert doc.site == "given.example.com"
    assert [r.rule for r in doc.removed] == ["header"]  # the field line still goes


def test_field_lines_are_read_only_on_text_pages(rules):
    doc = pipeline.read("Title: Annual report\n\nText.\n", name="report.txt")
    out = pipeline.run(replace(doc, format="pdf"), rules, stages=["header"])
    assert out.title is None
    assert [b.text for b in out.kept] == ["Title: Annual report", "Text."]


def test_field_lines_count_only_at_the_very_top_of_the_page(rules):
    text = "Some opening text.\n\nLink: https://example.org/x\n\nDescription: not a header here\n"
    _, doc = header(text, rules)
    assert doc.url is None
    assert doc.meta.get("description") is None
    assert [b.text for b in doc.kept] == ["Some opening text.", "Link: https://example.org/x",
                                            "Description: not a header here"]
    assert doc.removed == ()


def test_fields_joined_into_one_block_are_split_at_their_line_starts(rules):
    # past the reader's first lines, consecutive field lines may arrive as one block
    from pipeline.document import Block, Document, Span
    source = "Link: https://example.org/x\nDescription: Two fields"
    b = Block("paragraph", "Link: https://example.org/x Description: Two fields", Span((0, 51), (1, 2)),
              origin=((0, 0, 27), (28, 28, 23)))
    doc = Document(name="p.txt", text=source, blocks=(b,))
    out = pipeline.run(doc, rules, stages=["header"])
    assert out.url == "https://example.org/x"
    assert out.meta["description"] == "Two fields"
    assert [r.text for r in out.removed[:2]] == ["Link: https://example.org/x", "Description: Two fields"]


# --- the site -------------------------------------------------------------------------------------

@pytest.mark.parametrize("url, host", [
    ("https://www.HealthGuide.org/ency/a.htm", "healthguide.org"),
    ("//healthguide.org/ency/article/000123.htm", "healthguide.org"),
    ("www.example.org/health/topics.html", "example.org"),
    ("example.gov/topics/asthma", "example.gov"),
    ("http://user:pw@sub.example.com:8080/x?q=1", "sub.example.com"),
    ("not a url", None),
    ("None", None),
])
def test_site_is_the_url_host_without_www(url, host):
    assert host_of(url) == host


def test_site_from_a_signature_line_where_no_url_is_known(rules):
    r = with_sites(rules, {"example.org": ["Example   Health  Library"]})
    _, doc = header("Intro.\n\nExample Health Library\n\nText.\n", r)
    assert doc.site == "example.org"


def test_site_from_the_url_beats_signatures(rules):
    r = with_sites(rules, {"example.org": ["Example Health Library"]})
    _, doc = header("Example Health Library\n", r, url="https://www.other.net/x")
    assert doc.site == "other.net"


def test_signatures_are_not_used_when_site_rules_are_off(rules):
    r = with_sites(rules, {"example.org": ["Example Health Library"]}).without_sites()
    _, doc = header("Example Health Library\n", r)
    assert doc.site is None
    _, doc = header("Text.\n", r, url="https://www.other.net/x")
    assert doc.site == "other.net"  # the URL's host is always the site


def test_a_signature_is_found_in_a_block_that_starts_with_blanks(rules):
    from pipeline.document import Block, Span
    from pipeline.stages.header import _site_from_signatures
    r = with_sites(rules, {"example.org": ["Example Health Library"], "other.net": ["Other  Health"]})
    blocks = tuple(Block("paragraph", text, Span((0, 1), (1, 1)))
                   for text in ("Text.", "\u00a0 Example Health\tLibrary "))
    assert _site_from_signatures(blocks, r) == "example.org"
    assert _site_from_signatures(blocks[:1], r) is None


def test_a_signature_must_equal_a_whole_block(rules):
    r = with_sites(rules, {"example.org": ["Example Health Library"]})
    _, doc = header("Welcome to the Example Health Library today.\n", r)
    assert doc.site is None


# --- dates and rights -----------------------------------------------------------------------------

@pytest.mark.parametrize("line, key, value", [
    ("Page last updated: 14 June 2019", "modified", "2019-06-14"),
    ("Last Revised: October 3, 2023", "modified", "2023-10-03"),
    ("Last Modified: 04/09/2015", "modified", "2015-04-09"),
    ("Last Revised: 2021-11-05", "modified", "2021-11-05"),
    ("Review Date 07/21/2017", "reviewed", "2017-07-21"),
    ("Published: Jan. 5th, 2021", "published", "2021-01-05"),
    ("Posted on 2019-04-30T10:00:00Z by Jane", "published", "2019-04-30"),
    ("Last updated: March 2020", "modified", "March 2020"),  # no day: kept as stated
])
def test_dates_a_page_states_are_saved_into_meta(rules, line, key, value):
    _, doc = header(f"Some text.\n\n{line}\n", rules)
    assert doc.meta[key] == value
    assert [b.text for b in doc.kept] == ["Some text.", line]  # recorded, not removed
    assert doc.removed == ()


def test_the_first_date_found_wins(rules):
    _, doc = header("Last Revised: October 3, 2023\n\nLast Revised: May 1, 2020\n", rules)
    assert doc.meta["modified"] == "2023-10-03"


def test_a_citations_update_date_is_not_the_pages(rules):
    text = ("Example Health Institute website. www.example.gov/types/gout. Updated June 3, 2016. "
            "Accessed September 9, 2016.\n\nJournal. Published 2019 Mar 3.\n")
    _, doc = header(text, rules)
    assert doc.meta.get("modified") is None
    assert doc.meta.get("published") is None


@pytest.mark.parametrize("text, statement", [
    ("Links are for information only. Copyright 2001-2019, B.C.D.E., Inc. Reuse for commercial purposes "
     "must be approved.", "Copyright 2001-2019, B.C.D.E., Inc."),
    ("© 2024 Example Health", "© 2024 Example Health"),
    ("Copyright © 2023 Example Society, Inc. All rights reserved. Privacy policy.",
     "Copyright © 2023 Example Society, Inc. All rights reserved."),
    ("Example Heart Society health content is copyrighted material. For reuse requests, see our policy.",
     "Example Heart Society health content is copyrighted material."),
    ("About | © Example Org 2021 | Privacy", "© Example Org 2021"),
])
def test_a_copyright_statement_is_saved_trimmed_to_its_sentence(rules, text, statement):
    _, doc = header(text + "\n", rules)
    assert doc.meta["copyright"] == statement


def test_a_copyright_link_in_a_menu_is_not_a_statement(rules):
    _, doc = header("- Disclaimers\n- Copyright\n- Privacy\n", rules)
    assert doc.meta.get("copyright") is None


@pytest.mark.parametrize("text, iso", [
    ("23 March 2020", "2020-03-23"), ("August 22, 2024", "2024-08-22"), ("Sept. 3 2021", "2021-09-03"),
    ("02/06/2012", "2012-02-06"), ("10/7/22", "2022-10-07"), ("2022-10-07", "2022-10-07"),
    ("2022/10/07", "2022-10-07"), ("22.08.2024", "2024-08-22"), ("February 30, 2020", None),
    ("13/01/2020", None), ("March 2020", None), ("soon", None),
])
def test_parse_date_gives_iso_or_none(text, iso):
    assert parse_date(text) == iso


def test_an_unknown_field_target_is_a_rules_error_naming_the_key():
    data = b"header:\n  fields:\n    Link: somewhere\n"
    with pytest.raises(RulesError, match=r"x\.yaml:3: header\.fields\.Link: unknown target"):
        _compile("x.yaml", data)


def test_a_meta_pattern_without_a_value_group_is_a_rules_error():
    data = b"header:\n  meta:\n    - {id: a, key: modified, keyword: x, pattern: 'x'}\n"
    with pytest.raises(RulesError, match=r"header\.meta\[0\]\.pattern: .*value"):
        _compile("x.yaml", data)


# --- seed pages -----------------------------------------------------------------------------------

def test_seed_page_000_header_and_page_facts(rules):
    doc = pipeline.read((RAW / "000_78af2cd2042f8ae8.txt").read_bytes(), name="000_78af2cd2042f8ae8.txt")
    out = pipeline.run(doc, rules, stages=["header"])
    assert out.url == "https://medlineplus.gov/ency/article/000228.htm"
    assert out.site == "medlineplus.gov"
    assert out.meta["description"] == ("VIPoma is a very rare cancer that usually grows from cells in the pancreas "
                                       "called islet cells.")
    assert out.meta.get("keywords") is None
    assert out.meta["reviewed"] == "2018-10-18"
    assert out.meta["modified"] == "2020-03-23"
    assert out.meta["copyright"] == "Copyright 1997-2020, A.D.A.M., Inc."
    assert [r.span.lines for r in out.removed] == [(1, 1), (2, 2), (3, 3)]
    assert out.kept[0].text == "Skip navigation"


def test_seed_page_003_page_facts(rules):
    doc = pipeline.read((RAW / "003_770a51a08c910fdb.txt").read_bytes(), name="003_770a51a08c910fdb.txt")
    out = pipeline.run(doc, rules, stages=["header"])
    assert out.url is None
    assert out.meta["modified"] == "2024-08-22"
    assert out.meta["copyright"] == "American Cancer Society medical information is copyrighted material."
    assert out.kept == doc.kept  # nothing at its top is a field


def test_rules_without_a_header_section_keep_field_lines_but_still_name_the_site():
    bare = _compile("bare.yaml", b"version: 1\n")
    doc = pipeline.read("Link: https://www.example.org/x\n\nLast Revised: May 1, 2020\n", name="p.txt",
                        url="https://www.example.org/x")
    out = pipeline.run(doc, bare, stages=["header"])
    assert out.kept == doc.kept
    assert out.removed == ()
    assert dict(out.meta) == {}
    assert out.site == "example.org"
