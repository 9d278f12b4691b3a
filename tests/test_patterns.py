"""The work bound of patterns.py: our own patterns get one, catastrophic ones never do, and where a
bound is proven, a plain backtracking matcher (written here, independently of the analysis) never
takes more steps than it allows."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pytest
import regex
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from pipeline import patterns
from pipeline.rules import DEFAULT_RULES, _compile

# --- our own patterns get a bound ----------------------------------------------------------------

# (key, how the pattern starts) -> proven safe length for match, for search, at least; the key
# without its list index, so that a rule added before it moves nothing. Most blocks are shorter
# than 1000 characters; none of these had a bound this large before (most had none, or one of a
# few characters).
OWN_PATTERNS = {
    ("markup.emphasis.patterns", r"(?<![\p{L}\p{N}\\*])(?P<open>\*\*)"): (1_000_000, 1_500),
    ("markup.emphasis.patterns", r"(?<![\p{L}\p{N}\\_])(?P<open>__)"): (1_000_000, 1_500),
    ("markup.emphasis.patterns", r"(?<![\p{L}\p{N}\\_])(?P<open>_)"): (1_000_000, 1_500),
    ("markup.footnote.citation", ""): (3_000, 150),
    ("markup.footnote.link_text", ""): (1_000_000, 900),
    ("markup.footnote.superscript", ""): (2_000, 120),
    ("markup.link_definition.pattern", ""): (1_000_000, 900),
    ("markup.autolink.pattern", ""): (1_000_000, 1_500),
    ("pdf.garbled.glued", ""): (3_000, 150),
    ("pdf.operators.number", ""): (1_000_000, 1_500),
    ("pdf.running_header.keep", r"(?i)\b(?:jan|"): (1_000_000, 900),
    ("pdf.running_header.keep", r"(?i)\b\d{1,2}\s+(?:jan|"): (1_000_000, 800),
    ("header.meta", r"(?:^|(?<=[.!?|]\s*))(?i:(?:page|content|article)"): (200, 20),
    ("header.meta", r"(?:^|(?<=[.!?|]\s*))(?i:(?:medical"): (150, 15),
    ("header.meta", r"(?P<value>(?i:copyright)"): (100, 25),
    ("header.meta", r"(?P<value>©"): (1_000, 90),
    ("header.meta", r"(?:^|(?<=[.!?]\s))(?P<value>"): (2_000, 120),
    ("header.fields", ""): (3_000, 2_000),
    ("boilerplate.patterns", "^(page )?(last )?(updated|"): (500, 350),  # page-date
    ("boilerplate.patterns", "^(published|posted)( on)?"): (700, 500),
    ("boilerplate.patterns", "^((published|updated|posted|last (updated|modified))"): (2_000, 1_000),  # dateline
    ("boilerplate.patterns", "^((published|updated|posted)\\s+)?(about"): (100_000, 60_000),  # "... ago"
    ("boilerplate.patterns", "^(call|phone|tel"): (15_000, 7_500),  # contact-line
    ("boilerplate.patterns", "^\\d{1,2}:\\d{2}"): (700, 500),  # time of day
    ("boilerplate.patterns", "^(new,?\\s*)?"): (800_000, 400_000),  # comment count
    ("boilerplate.byline", "^(?:"): (2_500_000, 1_000_000),  # the lines joined, as the stage uses them
    ("sections.toc.bullet", ""): (2_500, 1_900),
    ("text.references.citation_patterns", r"\b\p{Lu}[\p{L}"): (1_000_000, 2_000),
    ("text.references.citation_patterns", r"\d+\s*\(\d+\)"): (1_000_000, 1_000),
    ("text.invisible", ""): (10_000_000, 2_500),  # all three of them
}


@pytest.fixture(scope="module")
def own_patterns(monkeypatch_module) -> dict[str, list[patterns.RulePattern]]:
    """Every pattern the default rules compile, by key."""
    found: dict[str, list[patterns.RulePattern]] = {}
    compile_rule = patterns.compile_rule

    def recording(pattern, flags, where, *args, **kwargs):
        compiled = compile_rule(pattern, flags, where, *args, **kwargs)
        found.setdefault(regex.sub(r"\[\d+\](\.pattern)?$", "", where.key()), []).append(compiled)
        return compiled

    monkeypatch_module.setattr(patterns, "compile_rule", recording)
    _compile.__wrapped__(str(DEFAULT_RULES), Path(DEFAULT_RULES).read_bytes())
    return found


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


@pytest.mark.parametrize("key, start", sorted(OWN_PATTERNS), ids=lambda v: v[:40])
def test_our_own_patterns_are_proven_fast_on_texts_of_a_useful_length(own_patterns, key: str, start: str) -> None:
    match_at_least, search_at_least = OWN_PATTERNS[key, start]
    chosen = [p for p in own_patterns.get(key, []) if p.pattern.startswith(start)]
    assert chosen, f"no pattern at {key} starting {start!r}"
    for compiled in chosen:
        assert compiled._match_safe >= match_at_least, (key, compiled.pattern, compiled._match_safe)
        assert compiled._search_safe >= search_at_least, (key, compiled.pattern, compiled._search_safe)


@pytest.mark.parametrize("pattern, match_at_least, search_at_least", [
    (r"(?:[^*]|\*(?!\*)){1,1000}?", 1_000_000, 2_000),  # alternatives that cannot start alike: one way per count
    (r"(?:\s|[\u00ad\u200b])+", 1_000_000, 2_500),
    (r"\[?\d{1,4}(?:[,–-]\d{1,4})*\]?", 1_000_000, 900),  # a repeat and what follows it cannot start alike
    (r"^\d+(?:\.\d+)*[.)]?\s+", 2_500, 1_900),  # anchored: a search costs a match
    (r"(?<=[.!?|]\s*)x", 1_000_000, 3_000),  # a lookbehind, read backwards
    (r"[^*]*\*", 1_000_000, 3_000),
])
def test_alternatives_and_repeats_that_cannot_start_alike_are_proven_fast(pattern: str, match_at_least: int,
                                                                          search_at_least: int) -> None:
    _, match_safe, search_safe, _ = patterns.analyse(pattern)
    assert match_safe >= match_at_least and search_safe >= search_at_least, (match_safe, search_safe)


@pytest.mark.parametrize("pattern", [
    r"(a+)+$", r"(a|a)+$", r"(a|ab)+$", r"(\w+\s?)+$", r"^(\w+\s?)*$", r"(.*a){20}", r"(a|aa|a)+$",
    r"(x+x+)+y", r"(a|b|ab)*c", r"(?:a*)*b", r"(a?){30}a{30}", r"(?:\d+)+x", r"(?:a|[ab])+$",
    r"(?<=(a|a)+)b",  # inside a lookbehind too
    r"(?r)(a|a)+",  # and matching backwards
    r"(?i)(?:a|A)+$",  # a character and its other case are alike
    r"(?i)(?:k|\u212a)+$",  # ... the Kelvin sign is a case of k
    r"(?fi)(?:ss|ß)+$",  # full case-folding: not analysed
    r"(?:\s|[\u00a0x])+$",  # a no-break space is a space
    r"(?:[\w.'-]|-)+$",
])
def test_catastrophic_patterns_are_never_proven_fast(pattern: str) -> None:
    assert patterns.analyse(pattern)[1:3] == (-1, -1)


def test_a_pattern_too_intricate_to_analyse_gets_no_bound_instead_of_taking_long(monkeypatch) -> None:
    tree = patterns.parse("(?:ab|cd)" * 40)[0]
    assert patterns._Bound(0).work(tree) is not None
    monkeypatch.setattr(patterns, "_MAX_COSTS", 50)  # items analysed: here some 200
    assert patterns._Bound(0).work(tree) is None


# --- what the bound rests on ---------------------------------------------------------------------

def test_every_character_with_another_case_is_cased() -> None:
    """Ignoring case, a class may match more characters only if it holds a cased one, and then only
    cased ones (``_one_character``): true where every case the engine knows has Cased."""
    cased = set()
    for start, end in patterns._cased():
        cased.update(range(start, end))
    for code in range(patterns.EVERY):
        cases = regex._regex.get_all_cases(regex.UNICODE | regex.IGNORECASE, code)
        if len(cases) > 1:
            assert cased.issuperset([code, *cases]), hex(code)


CLASSES = [
    "a", "[^a]", "[a-z]", r"\d", r"\s", r"\S", r"\w", r"\W", ".", r"[\w.'’-]", r"[^\s~]", r"\p{Lu}",
    r"\p{L}", r"[\p{L}\p{N}\\*]", r"[,–—-]", r"[-+−*/=×^]", "[ß]", "ß", "k", "K", "i", "ſ", "[^.!?|\n]",
    r"[^\S ]", "[ -~]",
]


@pytest.mark.parametrize("case", ["", "(?i)"])
@pytest.mark.parametrize("text", CLASSES)
def test_the_characters_of_a_class_hold_every_one_the_engine_matches(text: str, case: str) -> None:
    tree, flags = patterns.parse(case + text)
    node = tree.items[0] if isinstance(tree, regex._regex_core.Sequence) else tree
    runs = patterns._one_character(node, flags)
    engine = patterns._scanned(case + text)
    missing = [r for r in engine if not any(a <= r[0] and r[1] <= b for a, b in runs)]
    assert not missing, missing[:5]


# --- a proven bound holds for a plain backtracking matcher ---------------------------------------

class OutOfSteps(Exception):
    pass


@dataclass
class Matcher:
    """Plain backtracking over a pattern built by ``patterns_and_texts`` (its own tree, not the
    parser's), trying every way; it counts what the bound counts: character and assertion tests,
    alternatives tried, iterations tried, and each success of a lookaround, an atomic group or the
    whole pattern."""
    tree: tuple
    text: str
    ignore_case: bool
    limit: float
    steps: int = 0

    def tick(self) -> None:
        self.steps += 1
        if self.steps > self.limit:
            raise OutOfSteps

    def run(self, node: tuple, i: int, then, back: bool = False) -> bool:
        kind, text = node[0], self.text
        if kind in ("char", "class"):
            self.tick()
            at = i - 1 if back else i
            if 0 <= at < len(text) and char_matches(node[1], text[at], self.ignore_case):
                return then(at if back else i + 1)
            return False
        if kind == "assert":
            self.tick()
            return asserted(node[1], text, i) and then(i)
        if kind == "seq":
            items = node[1][::-1] if back else node[1]

            def step(k: int, j: int) -> bool:
                return then(j) if k == len(items) else self.run(items[k], j, lambda e: step(k + 1, e), back)
            return step(0, i)
        if kind == "alt":
            for branch in node[1]:
                self.tick()
                if self.run(branch, i, then, back):
                    return True
            return False
        if kind == "group":
            return self.run(node[1], i, then, back)
        if kind in ("atomic", "look"):
            inner_back = back if kind == "atomic" else node[3]
            ends: list[int] = []

            def found(j: int) -> bool:
                self.tick()
                ends.append(j)
                return True
            if kind == "look":
                self.tick()
            self.run(node[1], i, found, inner_back)
            if kind == "atomic":
                return bool(ends) and then(ends[0])
            return (bool(ends) == node[2]) and then(i)
        if kind == "rep":
            return self.repeat(node, 0, i, then, back)
        raise AssertionError(kind)

    def repeat(self, node: tuple, count: int, i: int, then, back: bool) -> bool:
        _, body, low, high, mode = node
        if mode == "possessive":
            return self.run(("atomic", ("rep", body, low, high, "greedy")), i, then, back)

        def more() -> bool:
            if high is not None and count >= high:
                return False
            self.tick()
            # past the minimum, an iteration that takes nothing is the last (as in the engine)
            return self.run(body, i, lambda j: self.repeat(node, count + 1, j, then, back)
                            if j != i or count < low else then(j), back)
        if mode == "lazy":
            return (count >= low and then(i)) or more()
        return more() or (count >= low and then(i))

    def match_end(self) -> int | None:
        ends: list[int] = []
        self.run(self.tree, 0, lambda j: ends.append(j) or True)
        return ends[0] if ends else None

    def all_ways(self) -> int:
        """Steps to try every way from the start of the text (a success is a step, and fails)."""
        def success(j: int) -> bool:
            self.tick()
            return False
        self.run(self.tree, 0, success)
        return self.steps


def char_matches(source: str, ch: str, ignore_case: bool) -> bool:
    return _class(source, ignore_case).fullmatch(ch) is not None


@lru_cache(maxsize=None)
def _class(source: str, ignore_case: bool) -> regex.Pattern:
    return regex.compile(("(?i)" if ignore_case else "") + source, regex.V0)


def asserted(kind: str, text: str, i: int) -> bool:
    if kind == "^":
        return i == 0
    if kind == "$":
        return i == len(text) or (i == len(text) - 1 and text[i] == "\n")
    if kind == "(?m:$)":
        return i == len(text) or text[i] == "\n"
    word = [j for j in (i - 1, i) if 0 <= j < len(text) and regex.match(r"\w", text[j])]
    return (i - 1 in word) != (i in word)  # \b


ALPHABET = "ab -1\n"
LEAVES = st.sampled_from(
    [("char", "a")] * 4 + [("char", c) for c in "b -1"]
    + [("class", c) for c in ["[ab]", ".", r"\s", "[^a]", r"\w", r"\d"]]
    + [("assert", a) for a in ["^", "$", r"\b"]])
REPEATS = [(0, None), (1, None), (0, 1), (2, 3), (0, 2), (1, 4)]


@st.composite
def trees(draw, depth: int = 3) -> tuple:
    """A pattern as a tree: mostly sequences, alternatives and repeats (they make the work)."""
    kind = draw(st.sampled_from(["leaf"] if depth == 0 else
                                ["leaf", "seq", "seq", "alt", "rep", "rep", "rep", "group", "atomic", "look"]))
    child = trees(depth - 1)
    if kind == "leaf":
        return draw(LEAVES)
    if kind in ("seq", "alt"):
        return (kind, draw(st.lists(child, min_size=2, max_size=4 if kind == "seq" else 3)))
    if kind == "rep":
        low, high = draw(st.sampled_from(REPEATS))
        return ("rep", draw(child), low, high, draw(st.sampled_from(["greedy", "greedy", "lazy", "possessive"])))
    if kind == "look":
        return ("look", draw(child), draw(st.booleans()), draw(st.booleans()))
    return (kind, draw(child))


TREES = trees()


def source(node: tuple) -> str:
    kind = node[0]
    if kind in ("char", "class"):
        return regex.escape(node[1]) if kind == "char" else node[1]
    if kind == "assert":
        return node[1]
    if kind == "seq":
        return "".join(f"(?:{source(item)})" for item in node[1])
    if kind == "alt":
        return "|".join(f"(?:{source(item)})" for item in node[1])
    if kind == "group":
        return f"({source(node[1])})"
    if kind == "atomic":
        return f"(?>{source(node[1])})"
    if kind == "look":
        return f"(?{'<' if node[3] else ''}{'=' if node[2] else '!'}{source(node[1])})"
    _, body, low, high, mode = node
    count = f"{{{low},{'' if high is None else high}}}"
    return f"(?:{source(body)}){count}" + {"greedy": "", "lazy": "?", "possessive": "+"}[mode]


TEXTS = st.one_of(
    st.text(ALPHABET, max_size=12),
    # repetitive texts make backtracking work hardest; long ones tell a wrong degree of the bound
    st.tuples(st.text(ALPHABET, max_size=2), st.sampled_from(["a", "ab", "a ", " "]), st.integers(1, 80),
              st.text(ALPHABET, max_size=2)).map(lambda t: t[0] + t[1] * t[2] + t[3]),
)


def star(node: tuple) -> tuple:
    return ("rep", node, 0, None, "greedy")


A, B, NL, ANY = ("char", "a"), ("char", "b"), ("char", "\n"), ("class", ".")
# Texts on which one rule of the bound, were it wrong, would be exceeded (each found so, by breaking it)
ADVERSARIAL = [
    (("alt", [A, A]), "a"),  # alternatives that start alike both go on
    (("seq", [star(A), star(A), B]), "a" * 60),  # a repeat that may end where what follows starts
    (("seq", [star(("alt", [A, B])), B]), "ab" * 30),
    (("seq", [("assert", "(?m:$)"), NL, star(A), star(A), B]), "\n" + "a" * 60),  # after $ comes a newline
    (("seq", [star(ANY), ("look", ("seq", [star(A), star(A), B]), True, False), ANY]), "a" * 40),  # a lookahead
    (("seq", [star(ANY), ("look", ("seq", [B, star(A), star(A)]), True, True), ANY]), "b" + "a" * 40),  # behind
    (("rep", ("seq", [A, star(B)]), 0, None, "lazy"), "ab" * 30),
    (("rep", ("seq", [star(A), B]), 1, None, "possessive"), "a" * 60),
]


@pytest.mark.parametrize("tree, text", ADVERSARIAL, ids=lambda v: source(v) if isinstance(v, tuple) else repr(v)[:12])
def test_a_proven_bound_holds_on_texts_made_to_make_backtracking_work_hard(tree: tuple, text: str) -> None:
    parsed, flags = patterns.parse(source(tree))
    bound = patterns._value(patterns._Bound(flags).work(parsed), len(text) + 1.0)
    try:
        steps = Matcher(tree, text, False, limit=bound).all_ways()
    except OutOfSteps:
        pytest.fail(f"{source(tree)!r} on {text!r}: more steps than the bound of {bound:g}")
    m = regex.match(source(tree), text)
    assert Matcher(tree, text, False, limit=float("inf")).match_end() == (m.end() if m else None)
    assert steps <= bound


MAX_CHECKED = 100_000  # texts on which the bound allows more steps are not checked (the matcher is slow)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(TREES, st.booleans(), st.lists(TEXTS, min_size=1, max_size=4))
# found so: a repeat whose body may match empty calls what follows twice at the end of its last
# count (after the empty iteration, and again for the count before it), one call more than counted
@example(("rep", star(("assert", "^")), 2, 3, "greedy"), False, [""])
@example(("rep", star(("rep", A, 0, None, "possessive")), 2, 3, "greedy"), False, [""])
@example(("seq", [("group", star(("assert", "^"))), ("seq", [("alt", [A, ("assert", "$")]), A])]), False, [""])  # not nested
def test_a_proven_bound_is_never_exceeded_by_plain_backtracking(tree: tuple, ignore_case: bool, texts: list) -> None:
    pattern = ("(?i)" if ignore_case else "") + source(tree)
    try:
        compiled = regex.compile(pattern, regex.V0)
    except regex.error:  # a lookbehind the engine cannot take, and the like
        assume(False)
    parsed, flags = patterns.parse(pattern)
    work = patterns._Bound(flags).work(parsed)
    assume(work is not None)
    for text in texts:
        bound = patterns._value(work, len(text) + 1.0)
        if bound > MAX_CHECKED:
            continue
        try:
            Matcher(tree, text, ignore_case, limit=bound).all_ways()
        except OutOfSteps:
            pytest.fail(f"{pattern!r} on {text!r}: more steps than the bound of {bound:g}")
        # the matcher backtracks as the engine does: it finds the same match
        m = compiled.match(text)
        assert Matcher(tree, text, ignore_case, limit=float("inf")).match_end() == (m.end() if m else None), \
            (pattern, text)


# --- characters every match needs ----------------------------------------------------------------

@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(TREES, st.booleans(), st.lists(st.text(ALPHABET + "AB", max_size=12), min_size=1, max_size=4))
def test_every_match_holds_a_character_of_each_required_set(tree: tuple, ignore_case: bool, texts: list) -> None:
    pattern = ("(?i)" if ignore_case else "") + source(tree)
    try:
        compiled = regex.compile(pattern, regex.V0)
    except regex.error:
        assume(False)
    required = patterns.required_chars(pattern)
    for text in texts:
        for m in compiled.finditer(text):
            for chars in required:
                assert not chars.isdisjoint(m.group()), (pattern, text, m, sorted(chars))


@pytest.mark.parametrize("pattern, required", [
    (r"`[^`\n]+`", [{"`"}]),
    (r"(?<![\p{L}\p{N}\\*])(?P<open>\*)(?=[^\s*])(?P<body>[^*]{1,1000}?)(?<=[^\s*])(?P<close>\*)", [{"*"}]),
    (r"(?<=\S)\[\d+\]", [{"["}, {"]"}]),  # a lookbehind takes no character of the match
    (r"(?:https?|ftp)://|www\.", [{"/", "."}]),  # one of the alternatives' sets
    (r"(?i)x", [{"x", "X"}]),
    (r"a?b*", []),  # may match empty
    (r"(?fi)ss", []),  # full case folding: "ss" matches "ß"
    (r"(?:ab){e<=1}", []),  # fuzzy: any character may be another
    (r"\w+", []),  # a set too large says nothing
])
def test_required_characters_of_typical_patterns(pattern: str, required: list) -> None:
    got = patterns.required_chars(pattern)
    assert [set(s) for s in got][:len(required)] == required and (required or not got)


# --- strings every match holds -------------------------------------------------------------------

@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(TREES, st.booleans(), st.lists(st.text(ALPHABET + "AB", max_size=12), min_size=1, max_size=4))
def test_a_text_a_pattern_matches_starts_with_and_holds_what_its_needs_say(tree: tuple, ignore_case: bool,
                                                                         texts: list) -> None:
    pattern = ("(?i)" if ignore_case else "") + source(tree)
    try:
        compiled = regex.compile(pattern, regex.V0)
    except regex.error:
        assume(False)
    needs = patterns.text_needs(pattern)
    fold = patterns.text_fold(needs.codes)
    for text in texts:
        if compiled.search(text):
            folded = fold(text)
            assert needs.holds is None or any(s in folded for s in needs.holds), (pattern, text, needs)
            assert needs.starts is None or folded.startswith(needs.starts), (pattern, text, needs)
            assert needs.chars is None or not patterns.char_set(needs.chars).isdisjoint(text), (pattern, text, needs)


@pytest.mark.parametrize("pattern, starts, holds", [
    (r"^skip (to )?(main )?content\b", ("skip content", "skip main content", "skip to content", "skip to main content"),
     ("skip content", "skip main content", "skip to content", "skip to main content")),
    (r"\b(we use cookies|accept (all )?cookies)\b", None, ("accept all cookies", "accept cookies", "we use cookies")),
    (r"^.{1,60}\b(says|said):?$", None, ("said", "says")),  # "said:" holds "said": one is enough
    (r"^(share|share this)$", ("share",), ("share",)),  # "share this" starts with "share"
    (r"^\d+ days? ago", None, (" day ago", " days ago")),  # the run of listed items after the digits
    (r"^(a|b)c", ("ac", "bc"), ("ac", "bc")),  # alternatives joined with what follows them
    (r"^\w+ logo$", None, (" logo",)),
    (r"(?fi)ss", None, None),  # full case folding: "ss" matches "ß"
    (r"(?:ab){e<=1}", None, None),  # fuzzy: any character may be another
    (r"a?b*", None, None),  # may match empty
])
def test_text_needs_of_typical_patterns(pattern: str, starts, holds) -> None:
    needs = patterns.text_needs(pattern, regex.I)
    assert (needs.starts, needs.holds) == (starts, holds)


@pytest.mark.parametrize("pattern, text", [
    ("^said", "SAİD"),  # the dotted capital I is one of i's cases: lower() makes it two characters
    ("sign in", "ſign in"),  # the long s is one of s's cases, and lower() leaves it
    ("^kelvin", "Kelvin"),  # the Kelvin sign
    ("^σοφία", "ΣΟΦΊΑ"),
    ("^ας", "ΑΣ"),  # a capital sigma at a word's end lower-cases to the final sigma
])
def test_the_fold_turns_every_case_the_engine_ignores_into_the_strings_key(pattern: str, text: str) -> None:
    assert regex.search(pattern, text, regex.I | regex.V0)
    needs = patterns.text_needs(pattern, regex.I)
    folded = patterns.text_fold(needs.codes)(text)
    assert needs.holds and any(s in folded for s in needs.holds)
    assert needs.starts is None or folded.startswith(needs.starts)


@pytest.mark.parametrize("pattern, chars", [
    (r"^\d{1,2}:\d{2}$", "0٣"),  # the digits (any script's), not the colon: a set a short string does not tell
    (r"^(\d{4}-\d{2}|\d{1,2}/\d{1,2})$", "7"),  # each form holds a digit
    (r"^(\d+|one) days? ago$", None),  # "one" holds none
    (r"^[a-z]+\s\w+$", None),  # letters and blanks are in most texts: no set worth a test
])
def test_the_character_set_a_match_needs_is_a_rare_one_every_alternative_holds(pattern: str, chars) -> None:
    # a compiled pattern's flags (UNICODE set) give what its own flags give
    needs = patterns.text_needs(pattern, regex.compile(pattern, regex.I | regex.V0).flags)
    assert needs == patterns.text_needs(pattern, regex.I)
    if chars is None:
        assert needs.chars is None
    else:
        got = patterns.char_set(needs.chars)
        assert set(chars) <= got and ":" not in got and "a" not in got


def test_literal_search_finds_any_of_its_strings_anywhere_and_takes_them_literally() -> None:
    search = patterns.literal_search(["a.c", "(x"])
    assert search("zz a.c") and search("(x") and not search("abc") and not search("x(")


@settings(max_examples=300, deadline=None)
@given(st.text("ab_1é© .", max_size=12), st.lists(st.text("ab©.", min_size=1, max_size=3), min_size=1, max_size=3))
def test_a_word_start_search_finds_a_string_where_no_alphanumeric_character_stands_before_it(text: str,
                                                                                          strings: list) -> None:
    found = any(text.startswith(s, at) and (at == 0 or not text[at - 1].isalnum())
                for s in strings for at in range(len(text)))
    assert bool(patterns.literal_search(strings, word_start=True)(text)) == found


@settings(max_examples=300, deadline=None)
@given(st.text("abc.( ", max_size=16), st.lists(st.text("abc.(", max_size=4), min_size=1, max_size=6),
       st.integers(0, 16))
def test_a_literal_search_written_as_a_trie_starts_where_the_plain_alternation_of_its_strings_does(
        text: str, strings: list, pos: int) -> None:
    import re

    plain = re.compile("|".join(re.escape(s) for s in sorted(set(strings)))).search(text, pos)
    found = patterns.literal_search(strings)(text, pos)
    assert (found and found.start()) == (plain and plain.start())
