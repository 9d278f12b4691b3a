"""mojibake stage: fix_text is exactly ftfy's, paid only where a pre-check finds work; the stage
keeps source maps exact and applies a page's evident mis-decoding to what ftfy alone refused."""
from __future__ import annotations

import json
import unicodedata
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

import ftfy
import pytest
from ftfy.chardata import CHARMAP_ENCODINGS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pipeline
from pipeline.rules import RulesError, Where
from pipeline.stages import mojibake
from pipeline.stages.mojibake import MojibakeRules, diff_edits, fix_text, needs_fix

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT.parent / "shared" / "bench" / "sets" / "mojibake" / "gold.json"


def ftfy_fix(text: str) -> str:
    return ftfy.fix_text(text, uncurl_quotes=False)


def broken(text: str, codec: str = "sloppy-windows-1252") -> str:
    """``text`` as it looks after its UTF-8 bytes were read as ``codec``."""
    return text.encode("utf-8").decode(codec)


@pytest.fixture(scope="module")
def rules():
    return pipeline.load_rules()


@pytest.fixture
def no_ftfy(monkeypatch):
    """Fail the test if ftfy is run at all."""
    def boom(*args, **kwargs):
        raise AssertionError("ftfy was called")
    monkeypatch.setattr(ftfy, "fix_text", boom)
    monkeypatch.setattr(ftfy, "fix_and_explain", boom)


def run(text: str, rules) -> tuple[pipeline.Document, pipeline.Document]:
    doc = pipeline.read(text, name="page.txt")
    return doc, mojibake.stage(doc, rules)


# --- fix_text and its pre-check --------------------------------------------------------------------

@pytest.mark.parametrize("clean", ["Español", "ABC®", "• Community", "a – b", "it’s", "Größe",
                                   "São Paulo", "37°C", "© 2020"])
def test_fix_text_repairs_utf8_read_as_windows_1252(clean):
    assert fix_text(broken(clean)) == clean


@pytest.mark.parametrize("text", [
    "plain ASCII text, with (punctuation) & an ampersand",
    "“Curly quotes” – en dash — em dash … ellipsis ‘single’ • bullet",
    "café crème, Straße, naïve, Ærø, São Paulo",
    "В Москве её ещё нет",
    "日本語のテキストと中文",
    "Trademark™ and ® and ▶ arrows → ✓",
])
def test_clean_text_never_reaches_ftfy(text, no_ftfy):
    assert not needs_fix(text)
    assert fix_text(text) == text


@pytest.mark.parametrize("text", [
    "AT&amp;T", "caf&eacute;", "bell\x07", "\x1b[31mred\x1b[0m", "line\rbreak", "sep\u2028line",
    "c1 \x85 control", "ﬁne ﬂow", "ＦＵＬＬ width", "\ufeffbom", "e\u0301 combining", "lone \ud83d surrogate",
    "EspaÃ±ol", "â€œquotedâ€\x9d",
])
def test_every_kind_of_ftfy_fix_is_flagged(text):
    assert ftfy_fix(text) != text  # each case is one ftfy changes...
    assert needs_fix(text)  # ...so the pre-check must let it through
    assert fix_text(text) == ftfy_fix(text)


def test_precheck_flags_mojibake_of_every_character_ftfy_would_fix():
    # every character of the ranges where mojibake lives, broken through every single-byte encoding
    # ftfy tries, alone and between words: wherever ftfy changes it, the pre-check flagged it
    missed = []
    for cp in [*range(0xA0, 0x600), *range(0x2000, 0x2200), *range(0x2500, 0x2700)]:
        char = chr(cp)
        if unicodedata.category(char) == "Cs":
            continue
        for codec in CHARMAP_ENCODINGS:
            try:
                bad = broken(char, codec)
            except UnicodeDecodeError:
                continue
            for text in (bad, f"x {bad} y"):
                if not needs_fix(text) and ftfy_fix(text) != text:
                    missed.append(text)
    assert missed == []


ALPHABET = (
    [chr(c) for c in range(0x20, 0x7F)] * 3  # ASCII, weighted up
    + [chr(c) for c in range(0xA0, 0x100)]  # Latin-1
    + list("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ")  # Windows-1252 specials
    + [chr(c) for c in range(0x2500, 0x2580, 3)]  # box drawing
    + [chr(c) for c in range(0x400, 0x460)]  # Cyrillic
    + list("日本語中文한국어テキスト")  # CJK
    + list("ﬀﬁﬂﬃĳǆ")  # ligatures
    + list("ＡＺａ１！\u3000ｶﾞ")  # full- and half-width forms
    + [chr(c) for c in range(0x00, 0x20)] + [chr(c) for c in range(0x80, 0xA0)] + ["\x7f", "\u2028", "\ufeff"]
    + ["\u0301", "\u0308", "\u0327"]  # combining marks
    + ["√", "±", "π", "≈", "Ã", "Â", "â", "\ufffd", "?", "\n"]
)
ENTITIES = ["&amp;", "&eacute;", "&#x2019;", "&NTILDE;"]
CODECS = ["sloppy-windows-1252", "latin-1", "sloppy-windows-1251", "sloppy-windows-1250", "macroman", "cp437",
          "iso-8859-2"]


# built once: hypothesis rebuilds a text strategy's alphabet each time one is made
BASE = st.text(alphabet=ALPHABET, max_size=12)
# what gets mis-decoded: Latin letters and the symbols web pages use
PIECE = st.text(alphabet=[chr(c) for c in range(0xA0, 0x250)] + list("€…–—‘’“”•™▶✓→ a"), min_size=1, max_size=3)
CODEC = st.sampled_from(CODECS)
ENTITY = st.sampled_from(ENTITIES)


@st.composite
def messy_text(draw) -> str:
    """Text from the alphabets above, maybe with an HTML entity and real mojibake spliced in."""
    text = draw(BASE)
    extras = []
    if draw(st.booleans()):
        piece = draw(PIECE)
        try:
            piece = broken(piece, draw(CODEC))
        except UnicodeDecodeError:
            pass
        extras.append(piece)
    if draw(st.integers(0, 4)) == 0:
        extras.append(draw(ENTITY))
    for extra in extras:
        at = draw(st.integers(0, len(text)))
        text = text[:at] + extra + text[at:]
    return text


@settings(max_examples=350, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messy_text())
def test_fix_text_equals_ftfy_and_skips_only_what_ftfy_leaves_alone(text):
    expected = ftfy_fix(text)
    assert fix_text(text) == expected
    assert needs_fix(text) or expected == text


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messy_text())
def test_the_hint_is_given_where_no_fix_is_needed_and_holds_only_in_non_ascii_text(text):
    hint = mojibake._hint_unless_fix(text)
    if hint is not None:  # no fix needed: ftfy leaves the text alone
        assert ftfy_fix(text) == text
        assert hint == (not text.isascii() and mojibake._mojibake_hint(text))


@settings(max_examples=100, deadline=None)
@given(messy_text())
def test_the_stage_fixes_a_block_exactly_as_fix_text(text):
    fixed, _plans = mojibake._fix_and_plans(text, mojibake.CONFIG)
    assert fixed == ftfy_fix(text)


@pytest.mark.parametrize("text", ["今天，我们（大家）去公园：好！", "駅前の図書館（新館）が開きました。",
                                  "서울（한국）에서 만나요！"])
def test_full_width_punctuation_of_east_asian_text_is_kept(rules, text):
    doc, out = run(text + "\n", rules)
    assert out.kept[0].text == text
    assert not out.removed


def test_full_width_letters_in_latin_text_are_narrowed_and_logged(rules):
    doc, out = run("Ｗｉｄｅ letters here.\n", rules)
    assert out.kept[0].text == "Wide letters here."
    [entry] = out.removed
    assert (entry.rule, entry.text, entry.why) == ("character-width", "Ｗｉｄｅ", "replaced by 'Wide'")
    assert doc.text[entry.span.chars[0]:entry.span.chars[1]] == "Ｗｉｄｅ"


def test_gold_mojibake_cases_match_their_fixes():
    if not GOLD.exists():
        pytest.skip(f"benchmark set not present at {GOLD}")
    cases = json.loads(GOLD.read_text(encoding="utf-8"))
    assert cases
    for case in cases:
        assert fix_text(case["original"]) == case["fixed"], case["original"]
        assert needs_fix(case["original"]) or ftfy_fix(case["original"]) == case["original"]


# --- edits ------------------------------------------------------------------------------------------

def test_diff_edits_touch_only_the_changed_characters():
    assert diff_edits("ABCÂ® info", "ABC® info") == [(3, 4, "")]
    assert diff_edits("cafÃ© and thÃ©", "café and thé") == [(3, 5, "é"), (12, 14, "é")]
    assert diff_edits("AT&amp;T", "AT&T") == [(3, 7, "")]
    assert diff_edits("same", "same") == []


@pytest.mark.parametrize("shared", [64, 128])
def test_diff_edits_handle_a_shared_prefix_that_ends_one_text_on_a_chunk_boundary(shared):
    # the shared text is skipped 64 characters at a time; ending exactly on a chunk edge once
    # indexed past the end ("&#9;" before a 64-character link target, as in a news page's dump)
    old = "x" * shared + "&#9;"
    assert diff_edits("x" * shared, old) == [(shared, shared, "&#9;")]
    assert diff_edits(old, "x" * shared) == [(shared, shared + 4, "")]


def test_an_entity_for_a_tab_before_a_link_target_is_cleaned():
    line = ("&#9;s interview](//cdn.cnn.com/cnnnext/dam/assets/210307231410-daily-mail-daily-express-covers-"
            "split-large-169.jpg)](/2021/03/08/media/uk-media-reaction-meghan-harry-interview-intl-hnk/index.html)")
    page = pipeline.clean(line, name="news.md")
    # a broken-off link target alone on its line is no content; it is logged whole, not lost
    assert any(r["source"]["chars"] == [0, len(line)] for r in page["removed"])


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="abcÃ©Â® ", max_size=80), st.text(alphabet="abcé® ", max_size=80), st.integers(1, 30))
def test_diff_edits_rebuild_the_new_text(old, new, max_chars):
    # unrelated texts fall out of step and go to difflib, small max_chars to its junk heuristic:
    # the edits must be valid every way
    out, pos = [], 0
    for start, end, repl in diff_edits(old, new, max_chars):
        assert start >= pos
        out += [old[pos:start], repl]
        pos = end
    assert "".join(out) + old[pos:] == new


# --- the stage --------------------------------------------------------------------------------------

def test_fixed_block_keeps_its_source_map(rules):
    page = "Intro line.\n\nThe " + broken("café") + " is open " + broken("–") + " daily.\n"
    doc, out = run(page, rules)
    block = out.kept[1]
    assert block.text == "The café is open – daily."
    for word in ("The", "caf", "is open", "daily."):
        start = block.text.index(word)
        a, b = block.subspan(start, start + len(word)).chars
        assert doc.text[a:b] == word
    # only the mojibake itself was rewritten: nothing else moved, nothing was deleted
    assert [seg[2] for seg in block.origin] == [len("The caf"), len(" is open "), len(" daily.")]
    # each rewritten word is logged: what the source held there, and what it became
    log = [(r.rule, r.text, r.why, doc.text[r.span.chars[0]:r.span.chars[1]]) for r in out.removed]
    assert log == [("mojibake", broken("café"), "replaced by 'café'", broken("café")),
                   ("mojibake", broken("–"), "replaced by '–'", broken("–"))]


def test_an_entity_rewrite_is_logged_with_its_word(rules):
    doc, out = run("Shares of AT&amp;T fell.\n", rules)
    assert out.kept[0].text == "Shares of AT&T fell."
    assert [(r.rule, r.text, r.why) for r in out.removed] == [("html-entity", "AT&amp;T", "replaced by 'AT&T'")]


def test_blocks_needing_no_fix_pass_through_as_the_same_object(rules, no_ftfy):
    doc, out = run("Plain text.\n\n“Quoted” – café.\n\nВ Москве.\n", rules)
    assert all(a is b for a, b in zip(doc.kept, out.kept))
    assert out.stages[-1] == "mojibake"


def test_text_ftfy_deletes_is_logged_as_a_removal(rules):
    page = "Warning: \x1b[31mred\x1b[0m text.\n"
    doc, out = run(page, rules)
    assert out.kept[0].text == "Warning: red text."
    cut = out.removed[len(doc.removed):]
    assert [r.text for r in cut] == ["\x1b[31m", "\x1b[0m"]
    assert {r.rule for r in cut} == {rules.stage("mojibake").delete_rule}
    for r in cut:
        assert doc.text[r.span.chars[0]:r.span.chars[1]] == r.text


EVIDENCE = ["It" + broken("’") + "s a good day.", "The " + broken("café") + " is open.",
            "Prices " + broken("–") + " low.", broken("Größe") + " matters."]
REFUSED = broken("▶") + " About us"


def test_ftfy_alone_refuses_the_short_mojibake_used_below():
    assert ftfy_fix(REFUSED) == REFUSED
    assert fix_text(REFUSED) == REFUSED


def test_page_evidence_of_one_misdecoding_fixes_short_mojibake_ftfy_refuses(rules):
    doc, out = run("\n\n".join(EVIDENCE + [REFUSED]) + "\n", rules)
    texts = [b.text for b in out.kept]
    assert texts[-1] == "▶ About us"
    assert texts[:-1] == [ftfy_fix(t) for t in EVIDENCE]
    warned = [w for w in out.warnings if w.code == "page-plan"]
    assert len(warned) == 1 and warned[0].span == doc.kept[-1].span
    # the re-decoded block still maps to its source
    start = texts[-1].index("About")
    a, b = out.kept[-1].subspan(start, start + 5).chars
    assert doc.text[a:b] == "About"


def test_page_without_enough_evidence_leaves_refused_mojibake_alone(rules):
    doc, out = run("\n\n".join(EVIDENCE[:1] + ["Plain text."] + [REFUSED]) + "\n", rules)
    assert out.kept[-1] is doc.kept[-1]
    assert not [w for w in out.warnings if w.code == "page-plan"]


def test_evidence_split_between_two_misdecodings_is_no_plan(rules):
    cyrillic = [broken(t, "sloppy-windows-1251") for t in ("Привет мир", "Добрый день", "Спасибо большое", "Всего хорошего")]
    assert all(ftfy_fix(t) != t for t in cyrillic)
    doc, out = run("\n\n".join(EVIDENCE + cyrillic + [REFUSED]) + "\n", rules)
    assert out.kept[-1] is doc.kept[-1]


def test_evidence_threshold_comes_from_rules(rules):
    strict = replace(rules, compiled=MappingProxyType({**rules.compiled, "mojibake": MojibakeRules(plan_min_blocks=5)}))
    doc = pipeline.read("\n\n".join(EVIDENCE + [REFUSED]) + "\n", name="page.txt")
    assert mojibake.stage(doc, strict).blocks[-1].text == REFUSED


def test_page_plan_keeps_clean_text_that_would_decode_to_unlikely_characters(rules):
    clean = "Er sagte daß… nichts."  # 'ß…' is valid UTF-8 once encoded: an NKo digit, not a fix
    doc, out = run("\n\n".join(EVIDENCE + [clean]) + "\n", rules)
    assert out.kept[-1].text == clean


def test_rules_errors_name_the_key():
    where = Where("rules.yaml", {("mojibake", "plan_min_blocks"): 7}, ("mojibake",))
    with pytest.raises(RulesError, match=r"rules.yaml:7: mojibake.plan_min_blocks"):
        mojibake.compile({"plan_min_blocks": 0}, where)
    with pytest.raises(RulesError, match="plan_min_share"):
        mojibake.compile({"plan_min_share": 1.5}, where)


def test_seed_pages_come_out_without_mojibake(rules):
    pages = sorted((ROOT / "raw").glob("*.txt"))
    if not pages:
        pytest.skip("no seed pages in raw/")
    for path in pages:
        doc = pipeline.read(path.read_bytes(), name=path.name)
        out = mojibake.stage(doc, rules)
        for before, after in zip(doc.kept, out.kept):
            assert not mojibake._mojibake_hint(after.text), (path.name, after.text)
            # typography that was right stays right
            for char in "®▶•–“”¹²³":
                assert after.text.count(char) >= before.text.count(char), (path.name, after.text)
        if "Espa" + broken("ñ") + "ol" in doc.text:
            assert any("Español" in b.text for b in out.kept)


def test_a_mis_decoded_no_break_space_at_a_line_end_is_repaired(rules):
    # "Â" + " " is a no-break space read as Windows-1252; the reader strips the space at the line end
    page = "Book appointments online.Â \n\nCall us.\n"
    doc, out = run(page, rules)
    assert out.kept[0].text == "Book appointments online."
    [entry] = out.removed
    assert (entry.rule, entry.text, entry.why) == ("mojibake", "online.Â", "replaced by 'online.'")
    assert doc.text[entry.span.chars[0]:entry.span.chars[1]] == "online.Â"
