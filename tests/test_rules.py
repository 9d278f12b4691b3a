"""A rules file is user input: hostile or mistaken files are refused by file, line and key (or
bounded), patterns are bounded in size and time, and a pattern that runs away on one page costs
that page only."""
from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
import regex
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pipeline
from pipeline import corpus, patterns
from pipeline.rules import (
    DEFAULT_RULES,
    RulesError,
    RulesTimeout,
    Where,
    _compile,
    load_rules,
)
from tests.conftest import run_cli

BASE = Path(DEFAULT_RULES).read_text(encoding="utf-8")
BODY = ("Surgery removes the tumor when it has not spread beyond the pancreas, and most people go "
        "home within a week of the operation.")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def refused(tmp_path: Path, text: str) -> str:
    """The message load_rules gives for a rules file holding ``text``."""
    file = write(tmp_path / "bad-rules.yaml", text)
    with pytest.raises(RulesError) as err:
        load_rules(file)
    message = str(err.value)
    assert message.startswith(f"{file}:"), message
    assert "\n" not in message
    return message


def line_of(text: str, needle: str) -> int:
    return text[:text.index(needle)].count("\n") + 1


def with_boilerplate_pattern(entry: str) -> str:
    """The default rules with one more generic boilerplate pattern, first in the list."""
    anchor = "  patterns:\n"
    at = BASE.index(anchor, BASE.index("\nboilerplate:")) + len(anchor)
    return BASE[:at] + f"    - {entry}\n" + BASE[at:]


@pytest.fixture
def short_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Time limits of a tenth of a second, so that a runaway pattern costs a test little time."""
    monkeypatch.setattr(patterns, "TIMEOUT", 0.1)


# --- the default rules --------------------------------------------------------------------------

def test_the_default_rules_load_with_every_stage_compiled() -> None:
    rules = load_rules()
    assert set(rules.compiled) >= set(rules.stages)
    assert all(site.stages for site in rules.sites.values())  # each site's own rules compiled too


# --- hostile YAML -------------------------------------------------------------------------------

def billion_laughs() -> str:
    lines = ["version: 1", 'lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"lol{i}: &lol{i} [" + ", ".join([f"*lol{i - 1}"] * 10) + "]" for i in range(1, 10)]
    lines += ["boilerplate:", "  legal: *lol9"]
    return "\n".join(lines) + "\n"


def test_a_billion_laughs_file_is_refused_naming_where_the_aliases_expand(tmp_path: Path) -> None:
    message = refused(tmp_path, billion_laughs())
    assert re.search(r":\d+: lol\d(\[\d\])+: aliases expand to more than 100000 values", message), message


def test_aliases_that_expand_modestly_are_fine(tmp_path: Path) -> None:
    text = "boilerplate:\n  cta: &calls [sign-up, read-more]\nsites:\n  example.org:\n    signature: [x]\n"
    rules = load_rules(write(tmp_path / "rules.yaml", text))
    assert rules.stage("boilerplate").cta == {"sign-up", "read-more"}


def test_a_recursive_alias_is_refused_by_key(tmp_path: Path) -> None:
    message = refused(tmp_path, "version: 1\nboilerplate:\n  legal: &again [words, *again]\n")
    assert ":3: boilerplate.legal[1]: a recursive alias" in message


@pytest.mark.parametrize("nested", [
    pytest.param("[" * 100_000 + "]" * 100_000, id="flow"),
    pytest.param("\n" + "".join("  " * (i + 2) + "-\n" for i in range(2_000)), id="block"),
    pytest.param("{a: " * 100_000 + "1" + "}" * 100_000, id="mapping"),
])
def test_nesting_100000_levels_deep_is_refused_with_its_line_and_key(tmp_path: Path, nested: str) -> None:
    message = refused(tmp_path, f"version: 1\nboilerplate:\n  legal: {nested}\n")
    assert re.search(r":\d+: boilerplate\.legal\S*: nested more than 50 levels deep", message), message


def test_a_100000_digit_number_is_refused_by_key(tmp_path: Path) -> None:
    message = refused(tmp_path, "version: 1\nboilerplate:\n  length_low: " + "7" * 100_000 + "\n")
    assert ":3: boilerplate.length_low: a number of 100000 characters is too long to read" in message


@pytest.mark.parametrize("text, line, key", [
    ("boilerplate:\n  length_low: !!python/name:os.system\n", 3, "boilerplate.length_low"),
    ("boilerplate: !!python/object/apply:os.system [echo hi]\n", 2, "boilerplate"),
    ("boilerplate: !!set {a, b}\n", 2, "boilerplate"),
    ("boilerplate:\n  comments_opener: !custom x\n", 3, "boilerplate.comments_opener"),
    ("boilerplate:\n  comments_opener: 2020-13-45\n", 3, "boilerplate.comments_opener"),
])
def test_values_yaml_cannot_read_safely_are_refused_by_key(tmp_path: Path, text: str, line: int, key: str) -> None:
    message = refused(tmp_path, "version: 1\n" + text)
    assert f":{line}: {key}: " in message, message


def test_a_merge_key_is_refused_with_its_line(tmp_path: Path) -> None:
    message = refused(tmp_path, "version: 1\nshared: &s {length_low: 10}\nboilerplate:\n  <<: *s\n")
    assert ":4: merge keys (<<) are not supported" in message


def test_a_stage_list_holding_a_mapping_is_refused_by_key(tmp_path: Path) -> None:
    message = refused(tmp_path, "version: 1\nstages: [header, {markup: 1}]\n")
    assert ":2: stages[1]: unknown stage" in message


@pytest.mark.parametrize("text", [
    pytest.param(billion_laughs(), id="billion-laughs"),
    pytest.param("boilerplate:\n  legal: " + "[" * 100_000 + "]" * 100_000 + "\n", id="deep-nesting"),
    pytest.param("boilerplate:\n  length_low: " + "7" * 100_000 + "\n", id="long-number"),
    pytest.param("boilerplate:\n  length_low: !!python/name:os.system\n", id="python-tag"),
    pytest.param("markup:\n  trigger: '(?:(?:a{1000}){1000}){1000}'\n", id="pattern-of-gigabytes"),
])
def test_a_hostile_rules_file_exits_2_with_one_line_and_no_traceback(tmp_path: Path, text: str) -> None:
    write(tmp_path / "src" / "page.txt", f"{BODY}\n")
    rules = write(tmp_path / "hostile.yaml", text)
    proc = run_cli("clean", tmp_path / "src", "-o", tmp_path / "out", "--rules", rules, timeout=120)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: bad rules: {rules}:"), proc.stderr
    assert re.match(rf"error: bad rules: {re.escape(str(rules))}:\d+: [\w.\[\]]+: ", lines[0]), lines[0]
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").rglob("*.json"))


# --- keys -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, line, key", [
    ("markup:\n  link:\n    id: link-target\n    max_txt: 3\n", 5, "markup.link.max_txt"),
    ("boilerplate:\n  patterns:\n    - {id: a, pattern: 'x', max_word: 3}\n", 4, "boilerplate.patterns[0].max_word"),
    (("header:\n  meta:\n    - id: a\n      key: modified\n      keyword: x\n      pattern: '(?P<value>x)'\n"
      "      patern: 'y'\n"), 8, "header.meta[0].patern"),
    ("text:\n  title:\n    max_wrds: 3\n", 4, "text.title.max_wrds"),
    ("pdf:\n  running_header:\n    min_repeat: 3\n", 4, "pdf.running_header.min_repeat"),
    ("dedupe:\n  sentence:\n    min_word: 3\n", 4, "dedupe.sentence.min_word"),
])
def test_a_misspelled_key_inside_a_section_is_refused_by_its_full_path(tmp_path: Path, text: str, line: int,
                                                                        key: str) -> None:
    message = refused(tmp_path, "version: 1\n" + text)
    assert f":{line}: {key}: unknown key (this section knows: " in message, message


def test_a_note_beside_a_pattern_is_a_comment_not_an_unknown_key(tmp_path: Path) -> None:
    text = "boilerplate:\n  patterns:\n    - {id: a, pattern: '^x$', note: 'why this is UI'}\n"
    assert load_rules(write(tmp_path / "rules.yaml", text)).stage("boilerplate").patterns[0].id == "a"


def site_rules(section: str) -> str:
    """The default rules with one more site, example.org, holding ``section``."""
    assert "\nsites:\n" in BASE
    return BASE.replace("\nsites:\n", "\nsites:\n  example.org:\n    signature: [Example Health]\n" + section, 1)


def test_site_rules_for_a_stage_that_reads_none_are_refused_by_key(tmp_path: Path) -> None:
    text = site_rules("    markup:\n      trigger: 'x'\n")
    message = refused(tmp_path, text)
    assert f":{line_of(text, '    markup:')}: sites.example.org.markup: the markup stage reads no site rules" in message


def test_a_site_boilerplate_key_the_stage_does_not_read_per_site_is_refused(tmp_path: Path) -> None:
    text = site_rules("    boilerplate:\n      link_density_max: 0.3\n")
    message = refused(tmp_path, text)
    assert f":{line_of(text, '      link_density_max')}: sites.example.org.boilerplate.link_density_max: " \
           "the boilerplate stage does not read this from site rules (it reads: patterns, legal," in message


def test_a_misspelled_key_in_a_site_pattern_is_refused_by_its_full_path(tmp_path: Path) -> None:
    text = site_rules("    boilerplate:\n      patterns:\n        - {id: a, pattern: '^x$', max_wrds: 3}\n")
    message = refused(tmp_path, text)
    assert "sites.example.org.boilerplate.patterns[0].max_wrds: unknown key" in message


# --- values ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, key, expected", [
    ("boilerplate:\n  link_density_max: 5\n", "boilerplate.link_density_max", "a number from 0 to 1, got 5"),
    ("boilerplate:\n  stopwords_sentence: -0.1\n", "boilerplate.stopwords_sentence", "from 0 to 1, got -0.1"),
    ("boilerplate:\n  menu_min_run: 0\n", "boilerplate.menu_min_run", "an integer >= 1, got 0"),
    ("boilerplate:\n  patterns:\n    - {id: a, pattern: x, max_words: 0}\n", "boilerplate.patterns[0].max_words",
     "an integer >= 1, got 0"),
    ("boilerplate:\n  length_low: 300\n  length_high: 200\n", "boilerplate.length_low", "must not exceed length_high"),
    ("decode:\n  max_chaos: 1.5\n", "decode.max_chaos", "from 0 to 1, got 1.5"),
    ("header:\n  max_fields: -1\n", "header.max_fields", "an integer >= 0, got -1"),
    ("mojibake:\n  plan_min_share: 0\n", "mojibake.plan_min_share", "a number > 0 and <= 1, got 0"),
    ("markup:\n  link:\n    max_text: 0\n", "markup.link.max_text", "an integer >= 1, got 0"),
    ("pdf:\n  running_header:\n    min_spread: 2\n", "pdf.running_header.min_spread", "from 0 to 1, got 2"),
    ("pdf:\n  garbled:\n    word_min_frequency: .inf\n", "pdf.garbled.word_min_frequency", "a finite number"),
    ("dedupe:\n  block:\n    min_words: 0\n", "dedupe.block.min_words", "an integer >= 1, got 0"),
    ("sections:\n  max_level: 7\n", "sections.max_level", "an integer from 1 to 6, got 7"),
    ("sections:\n  references:\n    min_share: .nan\n", "sections.references.min_share", "a finite number"),
])
def test_an_out_of_range_value_is_refused_by_key_with_the_allowed_range(tmp_path: Path, text: str, key: str,
                                                                         expected: str) -> None:
    message = refused(tmp_path, "version: 1\n" + text)
    assert f": {key}: " in message and expected in message, message


# --- patterns: size -------------------------------------------------------------------------------

@pytest.mark.parametrize("pattern", [
    "(?:(?:a{1000}){1000}){1000}",  # gigabytes
    "(?:a{1000}){1000}",  # some 270 MB
    "(?x)(?:a{1000}#)\n){1000}",  # verbose mode: the ")" after "#" is a comment
    "(?:x{500,}){500}",  # the minimum count is what expands
])
def test_a_pattern_that_compiles_to_hundreds_of_megabytes_is_refused_before_compiling(tmp_path: Path,
                                                                                       pattern: str) -> None:
    text = f"version: 1\nmarkup:\n  trigger: {json.dumps(pattern)}\n"
    message = refused(tmp_path, text)
    assert ":3: markup.trigger: the pattern compiles to more than 100000 units" in message


@pytest.mark.parametrize("pattern", [
    r"\p{L}{2,3}", r"\N{EM DASH}{2}", r"[{}]{1,3}", r"a{0,100000}", r"\{1000\}", r"x{,5}", r"[a{1000}]",
])
def test_braces_that_are_no_large_repeat_are_fine(pattern: str) -> None:
    compiled = Where("r.yaml", {}).at("p").regex(pattern)
    assert compiled.pattern == pattern


def test_many_large_patterns_together_are_refused_by_the_file_budget(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(patterns, "MAX_FILE_UNITS", 100_000)  # a tenth, to keep the test small
    items = "".join(f"    - {{id: big{i}, pattern: '^(?:ab){{15000}}{i}$'}}\n" for i in range(5))
    message = refused(tmp_path, "version: 1\nboilerplate:\n  patterns:\n" + items)
    assert re.search(r"boilerplate\.patterns\[\d+\]\.pattern: the patterns of this file compile to more than", message)


def test_an_invalid_pattern_never_ends_in_a_traceback(tmp_path: Path) -> None:
    for pattern in ["(?V1)x", "(" * 5000 + ")" * 5000, "[z-a]", "x{5,2}"]:
        message = refused(tmp_path, f"version: 1\nmarkup:\n  trigger: {json.dumps(pattern)}\n")
        assert ":3: markup.trigger: invalid regular expression" in message, message


@pytest.mark.parametrize("section", [
    "boilerplate:\n  patterns:\n    - {id: a, pattern: '(?x)^ sign \\s up $'}\n",
    "boilerplate:\n  promo_open: ['(?s)related.*']\n",
    "pdf:\n  page_number:\n    patterns: ['\\d+', '(?m)^page']\n",
])
def test_a_global_inline_flag_in_a_pattern_joined_with_others_is_refused(tmp_path: Path, section: str) -> None:
    message = refused(tmp_path, "version: 1\n" + section)
    assert re.search(r": \S+: \(\?[smx]\) sets a flag for the whole pattern, and this one is joined with others", message), \
        message


def test_a_scoped_or_case_flag_in_a_joined_pattern_is_fine(tmp_path: Path) -> None:
    text = "boilerplate:\n  patterns:\n    - {id: a, pattern: '(?i)^sign(?x: \\s up)$'}\n"
    assert load_rules(write(tmp_path / "rules.yaml", text)).stage("boilerplate").patterns[0].regex.match("Sign up")


# --- patterns: time -------------------------------------------------------------------------------

def test_a_catastrophic_pattern_raises_a_rules_error_naming_file_line_and_key(short_time_limit: None) -> None:
    where = Where("my-rules.yaml", {("boilerplate", "patterns", 3, "pattern"): 41}, ("boilerplate", "patterns", 3, "pattern"))
    evil = where.regex(r"(a|a)+$")
    assert evil.search("a" * 10)  # short texts are fine
    with pytest.raises(RulesTimeout, match=r"^my-rules\.yaml:41: boilerplate\.patterns\[3\]\.pattern: the pattern "
                                           r"took longer than 0\.1\d* s on this page"):
        evil.search("a" * 40 + "!")


def test_a_combined_alternation_that_runs_away_names_its_member(short_time_limit: None) -> None:
    where = Where("r.yaml", {("promo_open",): 5, ("promo_open", 0): 6, ("promo_open", 1): 7})
    joined = where.at("promo_open").regex_any(["recommended", r"(a|aa|a)+$"], regex.I, "^(?:{})$")
    assert joined.match("Recommended")
    with pytest.raises(RulesTimeout, match=r"^r\.yaml:7: promo_open\[1\]: the pattern took longer"):
        joined.match("a" * 60 + "!")


def test_patterns_proven_fast_run_without_a_time_limit_and_runaway_ones_always_have_one() -> None:
    _, match_safe, search_safe, _ = patterns.analyse(r"[\u00ad\u200b]")
    assert search_safe > 1_000_000 and match_safe > 1_000_000
    for runaway in [r"(a|a)+$", r"(a+)+$", r"(a|ab)+$", r"^(\w+\s?)*$", r"(\w+\s?)+$", r"(.*a){20}"]:
        assert patterns.analyse(runaway)[1:3] == (-1, -1), runaway
    # alternatives that cannot start with the same character: one way per count, not 2 ** 1000
    assert patterns.analyse(r"(?:[^*]|\*(?!\*)){1,1000}?")[1] > 1_000_000
    polynomial = patterns.analyse(r"\s*\s*\s*x")[2]  # cubic at worst: proven fast on short texts only
    assert 10 < polynomial < 10_000


TEXTS = ["", "x", "Read more >", "aaa bbb, ccc; Ddd Eee.", "**bold** and *it* [1](#) x_y_z", "é" * 50 + " ß ss"]
PATTERNS = [r"\b\w+\b", r"^(?:read|see) more\W*$", r"(?P<open>\*\*?)(?P<body>[^*]+)(?P=open)", r"[,;]\s*", r"(?i)SS"]


@pytest.mark.parametrize("timed", [False, True], ids=["proven-fast", "timed"])
def test_a_rule_pattern_answers_as_the_regex_pattern_does(timed: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(patterns, "ITER_CHUNK", 1)  # a timed finditer restarts after every match
    for source in PATTERNS:
        raw = regex.compile(source, regex.V0)
        rule = Where("r.yaml", {}).regex(source)
        if timed:  # as if nothing were proven: every call takes the timed path
            rule = patterns.RulePattern(raw, rule.where, -1, -1)
        assert (rule.pattern, rule.groups, rule.groupindex, rule.flags) == (raw.pattern, raw.groups, raw.groupindex,
                                                                            raw.flags)
        for text in TEXTS:
            for method in ("search", "match", "fullmatch", "findall", "split"):
                assert repr(getattr(rule, method)(text)) == repr(getattr(raw, method)(text)), (source, method, text)
            assert repr(rule.search(text, 2, 9)) == repr(raw.search(text, 2, 9))
            assert [m.span() for m in rule.finditer(text)] == [m.span() for m in raw.finditer(text)]
            assert rule.sub("<\\g<0>>", text) == raw.sub("<\\g<0>>", text)
            assert rule.sub(lambda m: m.group().upper(), text, 1) == raw.sub(lambda m: m.group().upper(), text, 1)
            assert rule.subn("", text) == raw.subn("", text)


def test_a_timed_finditer_does_not_charge_the_callers_work_between_matches_to_the_pattern(
        short_time_limit: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(patterns, "ITER_CHUNK", 2)
    words = patterns.RulePattern(regex.compile(r"\w+"), Where("r.yaml", {}), -1, -1)  # always timed
    found = []
    for m in words.finditer("one two three four five six seven eight"):
        found.append(m.group())
        started = time.process_time()
        while time.process_time() - started < 0.03:  # the caller's own work: 0.24 s in all
            pass
    assert len(found) == 8


def test_a_runaway_pattern_costs_its_page_only_and_the_row_names_the_key(tmp_path: Path,
                                                                         short_time_limit: None) -> None:
    text = with_boilerplate_pattern("{id: runaway, pattern: '(a|a)+$', max_words: 100}")
    rules_file = write(tmp_path / "rules.yaml", text)
    src, out = tmp_path / "src", tmp_path / "out"
    write(src / "bad.txt", f"# Title\n\n{BODY}\n\n{'a' * 40}!\n")
    write(src / "good.txt", f"# Title\n\n{BODY}\n")
    lines: list[str] = []
    status = corpus.run_corpus([str(src)], out, rules_path=str(rules_file), rules=load_rules(rules_file),
                               progress=lines.append)
    assert status == 1
    rows = {Path(r["path"]).name: r for r in json.loads((out / "manifest.json").read_text())["pages"]}
    key_line = line_of(text, "{id: runaway")
    assert rows["bad.txt"]["status"] == "error"
    assert f"bad.txt: bad rules: {rules_file}:{key_line}: boilerplate.patterns[0].pattern: the pattern took longer" \
        in rows["bad.txt"]["error"]
    assert rows["good.txt"]["status"] == "ok" and (out / "good.json").exists()
    assert not (out / "bad.json").exists()


def test_a_runaway_site_pattern_costs_only_that_sites_pages(tmp_path: Path, short_time_limit: None) -> None:
    text = site_rules("    boilerplate:\n      patterns:\n        - {id: runaway, pattern: '(a|a)+$', max_words: 100}\n")
    rules_file = write(tmp_path / "rules.yaml", text)
    src, out = tmp_path / "src", tmp_path / "out"
    write(src / "site.txt", f"Link: https://www.example.org/a\n\n# Title\n\n{BODY}\n\n{'a' * 40}!\n")
    write(src / "other.txt", f"Link: https://other.net/a\n\n# Title\n\n{BODY}\n\n{'a' * 40}!\n")
    status = corpus.run_corpus([str(src)], out, rules_path=str(rules_file), rules=load_rules(rules_file),
                               progress=lambda line: None)
    assert status == 1
    rows = {Path(r["path"]).name: r for r in json.loads((out / "manifest.json").read_text())["pages"]}
    assert f":{line_of(text, '{id: runaway')}: sites.example.org.boilerplate.patterns[0].pattern: the pattern took " \
           "longer" in rows["site.txt"]["error"]
    assert rows["other.txt"]["status"] == "ok" and (out / "other.json").exists()


def test_clean_raises_the_time_out_as_a_rules_error(tmp_path: Path, short_time_limit: None) -> None:
    rules = load_rules(write(tmp_path / "rules.yaml", with_boilerplate_pattern("{id: r, pattern: '(a+)+$', max_words: 99}")))
    with pytest.raises(RulesError, match=r"boilerplate\.patterns\[0\]\.pattern: the pattern took longer"):
        pipeline.clean(f"{BODY}\n\n{'a' * 5000}!\n", name="p.txt", rules=rules)


# --- any value at any key -------------------------------------------------------------------------

DEFAULT = yaml.safe_load(BASE)


def paths(value, path=()):
    yield path
    if isinstance(value, dict):
        for k, v in value.items():
            yield from paths(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from paths(v, path + (i,))


PATHS = [p for p in paths(DEFAULT) if p]
ODD_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10**6, max_value=10**30), st.floats(allow_nan=True),
    st.text(max_size=12), st.sampled_from(["(", "[z-a]", "(a|a)+$", "x{99999999999}", "\\", "{month}"]),
    st.lists(st.one_of(st.integers(-3, 3), st.text(max_size=4), st.none()), max_size=3),
    st.dictionaries(st.text(max_size=6), st.one_of(st.integers(-3, 3), st.text(max_size=4)), max_size=2),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PATHS), ODD_VALUES)
def test_any_value_at_any_key_loads_or_is_a_rules_error(path: tuple, value) -> None:
    # only the section changed: the others compile from their defaults, which keeps each example quick
    data = {path[0]: json.loads(json.dumps(DEFAULT[path[0]]))}
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    text = yaml.safe_dump(data, allow_unicode=True)
    try:
        _compile("odd.yaml", text.encode("utf-8"))
    except RulesError as exc:
        assert str(exc).startswith("odd.yaml:") and "\n" not in str(exc)


@pytest.mark.parametrize("order, index, why", [
    ("[header, mojibake, markup, pdf, sections, boilerplate, dedupe, normalize]", 4,
     "boilerplate must run before sections"),
    ("[header, markup, mojibake, pdf, boilerplate, dedupe, sections, normalize]", 2,
     "mojibake must run before markup"),
    ("[header, mojibake, markup, pdf, boilerplate, sections, dedupe, normalize]", 6,
     "dedupe must run before sections: it would make stale what sections provides"),
    ("[header, mojibake, markup, pdf, boilerplate, dedupe, sections, dedupe, normalize]", 7,
     "dedupe is listed twice"),
])
def test_a_stage_order_that_the_stages_declarations_forbid_is_refused_by_its_key(tmp_path: Path, order: str,
                                                                                  index: int, why: str) -> None:
    message = refused(tmp_path, f"version: 1\nstages: {order}\n")
    assert f":2: stages[{index}]: {why}" in message, message


def test_a_shorter_consistent_stage_order_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("version: 1\nstages: [sections, normalize]\n", encoding="utf-8")
    assert pipeline.load_rules(path).stages == ("sections", "normalize")


def test_the_readers_wrap_widths_are_checked_against_each_other(tmp_path: Path) -> None:
    message = refused(tmp_path, "version: 1\nread:\n  wrap_min_width: 200\n")
    assert ":3: read.wrap_min_width: must not exceed wrap_max_width (132)" in message, message
