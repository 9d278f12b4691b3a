"""The five seed pages cleaned with generic signals only (--no-site-rules): what a careful reader
would keep stays, the navigation, menus, promos, footers, PDF garbage and mojibake that a generic
signal can recognise go. What only a site rule removes is listed in SITE_ONLY, with why no generic
signal can. The golden tests (site rules on) pin every detail; these say what matters and why.
"""
from __future__ import annotations

import re

import pytest

from tests.golden_update import clean_seed

SEED = {
    "medline": "000_78af2cd2042f8ae8.txt",
    "cancer_gov": "001_f9349a33ef4975a7.txt",
    "lost_lists": "002_b2b0d8703e76350b.txt",
    "pdf_garbage": "003_770a51a08c910fdb.txt",
    "promos": "004_726440742af8f7ac.txt",
}


# Boilerplate that no generic signal recognises, so only the page's site rules (rules.yaml, sites:)
# remove it. Each reads as plain prose of the page's own subject:
SITE_ONLY = {
    "lost_lists": [
        # the insurer's footer: insurance vocabulary is content on other pages (a story about
        # insurance), and the block is long prose after the article
        "All insurance policies and group benefit plans contain exclusions and limitations.",
        # the PDQ summary's disclaimer about insurance, a sentence like any other of the summary
        "The information in these summaries should not be used to make decisions about insurance reimbursement.",
    ],
}


@pytest.fixture(scope="module")
def pages() -> dict[str, dict]:
    return {key: clean_seed(name, site_rules=False) for key, name in SEED.items()}


@pytest.fixture(scope="module")
def pages_with_site_rules() -> dict[str, dict]:
    return {key: clean_seed(name) for key, name in SEED.items()}


@pytest.mark.parametrize("key", sorted(SEED))
def test_site_rules_remove_what_generic_signals_cannot_and_nothing_else_differs(pages, pages_with_site_rules,
                                                                                key: str) -> None:
    generic, site = pages[key], pages_with_site_rules[key]
    only = SITE_ONLY.get(key, [])
    assert_kept(generic, *only)  # the list is true: generic signals leave these
    assert_gone(site, *only)
    # everything site rules keep, generic signals keep too: site rules only add removals
    generic_text = " ".join(text_of(generic).split())
    missing = [p for p in paragraphs(site) if " ".join(p.split()) not in generic_text]
    assert not missing, missing


def text_of(page: dict) -> str:
    return "\n\n".join(filter(None, [s["heading"] or "" for s in page["sections"]] + [s["text"] for s in page["sections"]]))


def paragraphs(page: dict) -> list[str]:
    return [p for s in page["sections"] for p in re.split(r"\n+", s["text"]) if p.strip()]


def headings(page: dict) -> list[str]:
    return [s["heading"] for s in page["sections"] if s["heading"]]


def assert_gone(page: dict, *snippets: str) -> None:
    text = text_of(page)
    left = [s for s in snippets if s in text]
    assert not left, f"still in the output: {left}"


def assert_kept(page: dict, *snippets: str) -> None:
    text = " ".join(text_of(page).split())
    missing = [s for s in snippets if s not in text]
    assert not missing, f"missing from the output: {missing}"


def test_medlineplus_page_loses_its_navigation_promos_and_legal_footer(pages) -> None:
    page = pages["medline"]
    assert_gone(page, "Skip navigation", "Search MedlinePlus", "You Are Here", "URL of this page",
                "To use the sharing features", "Customer Support", "Subscribe to RSS", "Rockville Pike",
                "Page last updated", "accredited by URAC", "Read more", "Return to top", "Español",
                "Health Topics", "should not be used during any medical emergency", "Updated by:")
    assert_kept(page, "VIPoma is a very rare cancer that usually grows from cells in the pancreas called islet cells.",
                "Abdominal pain and cramping", "If you have watery diarrhea for more than 2 to 3 days, call your provider.")
    assert {"Causes", "Symptoms", "Exams and Tests", "Treatment", "Outlook (Prognosis)", "References"} <= set(headings(page))
    assert page["source"]["title"] == "VIPoma"
    assert page["source"]["url"] == "https://medlineplus.gov/ency/article/000228.htm"
    assert page["source"]["meta"]["reviewed"] == "2018-10-18"
    assert page["source"]["meta"]["modified"] == "2020-03-23"
    refs = [s for s in page["sections"] if s["heading"] == "References"]
    assert refs and refs[0]["role"] == "references"


def test_cancer_gov_page_loses_widgets_and_link_menus_and_keeps_the_treatment_text(pages) -> None:
    page = pages["cancer_gov"]
    assert_gone(page, "Print This Page", "Bookmark & Share", "Popular Resources", "NCI Highlights", "Back to Top",
                "Next Section", "LiveHelp", "Follow Us", "Turning Discovery Into Health", "Patient Version |",
                "](#)", "PDQÂ", "Report to Nation")
    assert_kept(page, "Treatment of gastrinoma may include supportive care and the following:",
                "Surgery to cut the nerve that causes stomach cells to make acid and treatment with a drug that decreases stomach acid.")
    assert {"Gastrinoma", "Insulinoma", "Glucagonoma"} <= set(headings(page))
    assert page["source"]["title"] == "Pancreatic Neuroendocrine Tumors (Islet Cell Tumors) Treatment (PDQ®)"


def test_page_with_lost_lists_loses_dangling_fragments_and_insurance_footer(pages) -> None:
    page = pages["lost_lists"]
    dangling = [p for p in paragraphs(page) if re.search(r"\b(the|our|on|from|include|NCI's)$", p.strip())]
    assert not dangling, dangling
    assert_gone(page, "Use our", "insured by Cigna", "trademarks of Ignite Healthwise")
    assert_kept(page, "Pancreatic NETs may be functional or nonfunctional:",
                "This summary discusses islet cell tumors of the endocrine pancreas.")
    assert {"Surgery", "Chemotherapy", "Hormone therapy", "Targeted therapy", "Supportive care"} <= set(headings(page))


def test_page_with_pdf_garbage_loses_the_garbage_and_rejoins_broken_sentences(pages) -> None:
    page = pages["pdf_garbage"]
    assert_gone(page, "/F1", " Tf ", "specialis9.48", "kn2", "Tfth", "stvo3ain", "~~", "Hyperlinks",
                "www.cancer.org/cancer/managing-cancer", "Our team is made up", "1.800.227.2345",
                "copyrighted material", "Last Revised")
    assert_kept(page,
                "Several medicines can help control symptoms and tumor growth in people with advanced pancreatic neuroendocrine tumors (NETs).",
                "The tip of the probe releases a high-frequency electric current which heats the tumor",
                "Many other specialists may be involved in your care as well")
    assert not [p for p in paragraphs(page) if p[:1].islower()], "a paragraph starts with a broken-off tail"
    assert "Weight loss" not in paragraphs(page)  # struck through on the page
    assert any(w["code"] == "possibly-truncated" for w in page["warnings"])
    assert {"Central pancreatectomy", "Stent placement", "Bypass surgery"} <= set(headings(page))


def test_page_with_promos_keeps_only_the_article(pages) -> None:
    page = pages["promos"]
    assert_gone(page, "Pill Identifier", "Get Started", "Sign Up", "Font Size", "Recommended Related to",
                "Read the Whipple Procedure article", "Today on WebMD", "Pets Improve Your Health", "Among common cancers")
    assert_kept(page, "Surgery plays a role even in the setting of metastatic disease.")
    assert {"Localized Disease", "Surgical Cytoreduction for Metastases"} <= set(headings(page))


@pytest.mark.parametrize("key", sorted(SEED))
def test_no_mojibake_or_markup_is_left(pages, key: str) -> None:
    text = text_of(pages[key])
    assert not re.search(r"Ã.|Â[®©±]|â€|â–", text), "mojibake left"
    assert not re.search(r"\]\(|\*\*|~~|!\[", text), "markdown left"
