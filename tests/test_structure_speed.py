"""structure's fast paths give what its plain paths give: the stdlib's regexes on ASCII class names
(the `regex` module's on the rest), the furniture index (a plain ordered scan)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pipeline
from pipeline.stages import structure


@pytest.fixture(scope="module")
def rules():
    return pipeline.load_rules()

MODIFIERS = frozenset({"has", "with", "no", "hide"})
# ASCII class and id values: words in either case, digits, separators, and the modifier words
ASCII_VALUES = st.lists(st.sampled_from(["site", "Nav", "main", "XML", "Http", "ad", "Kqa", "has", "No", "with", "x",
                                         "12", "b5343ad4", "-", "_", "__", " ", "  ", "\t", ":", "rail"]),
                        max_size=8).map("".join)


@settings(max_examples=500, deadline=None)
@given(ASCII_VALUES)
def test_ascii_names_give_the_words_the_unicode_path_gives(names):
    # a non-ASCII separator (no letter, no digit, no space) sends the value down the regex path
    for modifiers in (frozenset(), MODIFIERS):
        assert structure.name_words(names, modifiers) == structure.name_words(names + "\u2014", modifiers)
        assert structure.name_words(names + " \u2014x", modifiers) == structure.name_words(names + " x", modifiers)


def test_non_ascii_names_split_as_before():
    assert structure.name_words("pied-de-page été mainNav") == {"pied", "de", "page", "été", "main", "nav"}
    assert structure.name_words("Éditorial-bloc") == {"éditorial", "bloc"}
    assert structure.name_words("has-rail été", frozenset({"has"})) == {"été"}


def scanned(cfg, tag: str, role: str | None, names: str) -> list[tuple[str, str]]:
    """The furniture entries a container's tag, role or words name, by a plain scan of all of them
    in order (what the index stands for), as (rule, why)."""
    words = structure.name_words(names, cfg.modifier_words) if names and tag in cfg.named_tags else frozenset()
    label = structure._label_of(names)
    out = []
    for f in cfg.furniture:
        if tag in f.tags:
            out.append((f.id, f"in <{tag}>{label}"))
        elif role is not None and role in f.roles:
            out.append((f.id, f"in role={role}{label}"))
        elif words and not words.isdisjoint(f.names):
            out.append((f.id, f"in <{tag}> named {', '.join(sorted(words & f.names))}{label}"))
    return out


def indexed(cfg, tag: str, role: str | None, names: str) -> list[tuple[str, str]]:
    words = structure.name_words(names, cfg.modifier_words) if names and tag in cfg.named_tags else frozenset()
    return [(f.id, why) for f, why in cfg.index.named(tag, role, words, names)]


CONTAINERS = [("div", None, ""), ("nav", None, "main-nav"), ("header", "banner", "site-header masthead"),
              ("footer", "navigation", "footer-nav"), ("aside", "complementary", "sidebar related-posts"),
              ("div", "dialog", "cookie-consent modal"), ("div", None, "share-bar ad-slot comments"),
              ("section", "search", "related disclaimer"), ("ul", None, "has-sidebar nav"), ("p", None, "sidebar"),
              ("dialog", "navigation", "newsletter"), ("div", "menubar", ""), ("span", None, "ad")]


@pytest.mark.parametrize("tag, role, names", CONTAINERS)
def test_the_furniture_index_gives_the_entries_and_reasons_of_a_plain_scan(rules, tag, role, names):
    cfg = rules.stage("structure")
    assert indexed(cfg, tag, role, names) == scanned(cfg, tag, role, names)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["div", "nav", "header", "footer", "aside", "dialog", "section", "p", "ul"]),
       st.sampled_from([None, "navigation", "banner", "contentinfo", "complementary", "search", "dialog", "menubar"]),
       st.lists(st.sampled_from(["nav", "footer", "sidebar", "modal", "share", "ad", "comments", "related", "has",
                                 "x", "mainNav", "-", " "]), max_size=6).map("".join))
def test_any_container_gets_the_entries_a_plain_scan_gives(rules, tag, role, names):
    cfg = rules.stage("structure")
    assert indexed(cfg, tag, role, names) == scanned(cfg, tag, role, names)
