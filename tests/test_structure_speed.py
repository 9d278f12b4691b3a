"""structure's fast paths give what its plain paths give: the stdlib's regexes on ASCII class names
(the `regex` module's on the rest), the furniture index (a plain ordered scan)."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.stages import structure

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
