r"""Regular expressions from the rules file, made safe to compile and to run.

A rules file is user input, and a regular expression can hurt in two ways:

* at compile time: the ``regex`` module expands counted repeats, so ``(?:a{1000}){1000}`` compiles
  to some 270 MB and deeper nesting to many GB. ``analyse`` bounds what a pattern expands to before
  it is compiled, and the caller refuses it by key;
* at run time: a pattern that backtracks catastrophically (``(a|a)+$``) hangs on a short line. No
  static test can tell in general, so every call may carry the ``regex`` module's ``timeout``; a
  ``TimeoutError`` becomes the rules' own error naming the file, line and key.

A timeout costs a CPU-clock read per call (a few microseconds: more than most matches take), so a
call goes without one when a bound on the backtracking work, computed once per pattern, proves
that it ends far within the limit for a text of that length. The bound (``_Bound``, where it is
proved) follows a plain backtracking matcher, which tries every way: a sequence multiplies the ways
of its items, and what keeps that small is the first characters. Two alternatives that cannot
start with the same character are never both tried past it (their ways add like a max, not a
sum), and a repeat whose iterations can end at most once where another may start is one chain of
iterations, not a way per split point (``(?:[^*]|\*(?!\*)){1,1000}?`` has one way per count,
not 2 ** 1000). What cannot be bounded by a polynomial (``(a+)+$``, ``(a|a)+$``) gets no bound
and is always timed. The engine does no more than the plain matcher (its optimisations only cut
work), so skipping the timeout never lets a call run long.

Both analyses read the parse tree of the ``regex`` module's own parser (``regex._regex_core``),
so they see exactly the pattern ``regex.compile`` sees (verbose mode, classes, escapes, inline
flags); that module is internal, which is one more reason the ``regex`` version is pinned.
"""
from __future__ import annotations

import array
import bisect
import time
from functools import lru_cache
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Optional

import regex
from regex import _regex
from regex import _regex_core as _core

# A call may take this long (CPU seconds) plus a second per million characters of its text: a
# linear scan of a long block stays far within it, catastrophic backtracking does not.
TIMEOUT = 2.0
TIMEOUT_PER_CHAR = 1e-6
# A pattern may expand to this many units (about 250 bytes each once compiled: 100,000 is some
# 25 MB), and all the patterns of one rules file to ten times that.
MAX_UNITS = 100_000
MAX_FILE_UNITS = 1_000_000
# A call whose proven worst case is below this many matcher steps needs no timeout: at some 10 ns
# a step that is about a second, within the time limit anyway (the bound is loose: measured calls
# take a hundredth of it or less).
SAFE_STEPS = 100_000_000

ITER_CHUNK = 256  # matches of a timed finditer between fresh starts of its clock (see _timed_iter)

# --- analysis of the parse tree ---------------------------------------------------------------------
# Work is bounded by a polynomial in n = (text length + 1), as its coefficients (c0, c1, ...), or
# None where no polynomial bounds it (exponential backtracking, recursion, fuzzy matching).
Poly = Optional[tuple]
ZERO, ONE, N = (0.0,), (1.0,), (0.0, 1.0)
_MAX_DEGREE, _MAX_COEFFICIENT = 12, 1e18
_SMALL_COUNT = 64  # a counted repeat up to this count is counted as such; a larger one as n
_MAX_COMPARED = 64  # alternatives compared pairwise for a shared first character (more: all counted)
_MAX_COSTS = 20_000  # items analysed (each with what may follow it) per pattern; beyond: no bound


def _checked(coefficients: list) -> Poly:
    while len(coefficients) > 1 and coefficients[-1] == 0.0:
        coefficients.pop()
    if len(coefficients) - 1 > _MAX_DEGREE or max(coefficients) > _MAX_COEFFICIENT:
        return None
    return tuple(coefficients)


def _add(*terms: Poly) -> Poly:
    if len(terms) == 2:  # the usual case: two constants
        a, b = terms
        if a is None or b is None:
            return None
        if len(a) == 1 and len(b) == 1:
            c = a[0] + b[0]
            return (c,) if c <= _MAX_COEFFICIENT else None
    elif None in terms:
        return None
    out = [0.0] * max(map(len, terms), default=1)
    for term in terms:
        for i, c in enumerate(term):
            out[i] += c
    return _checked(out)


def _mul(a: Poly, b: Poly) -> Poly:
    if a is None or b is None:
        return None
    if len(a) == 1:
        if a[0] == 1.0 or b == ZERO:
            return b
        if len(b) == 1:
            c = a[0] * b[0]
            return (c,) if c <= _MAX_COEFFICIENT else None
    elif b == ONE:
        return a
    product = [0.0] * (len(a) + len(b) - 1)
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            product[i + j] += x * y
    return _checked(product)


def _max(a: Poly, b: Poly) -> Poly:
    """A polynomial at least as large as both for every n >= 0 (coefficients are never negative)."""
    if a is None or b is None:
        return None
    longer, shorter = (a, b) if len(a) >= len(b) else (b, a)
    return tuple(max(c, shorter[i]) if i < len(shorter) else c for i, c in enumerate(longer))


def _const(c: float) -> Poly:
    return _checked([float(c)])


def _at_most_one(p: Poly) -> bool:
    return p is not None and len(p) == 1 and p[0] <= 1.0


def _value(p: tuple, n: float) -> float:
    out = 0.0
    for c in reversed(p):
        out = out * n + c
    return out


def parse(pattern: str, flags: int = 0) -> tuple[Any, int]:
    """The ``regex`` module's parse tree of ``pattern`` (version 0 syntax), as ``regex.compile``
    makes it (a global inline flag such as ``(?x)`` restarts the parse with that flag, as it does
    there), and the flags in force for the whole pattern."""
    global_flags = flags | regex.V0
    while True:
        source = _core.Source(pattern)
        info = _core.Info(global_flags, source.char_type, {})
        info.guess_encoding = _core.UNICODE
        source.ignore_space = bool(info.flags & _core.VERBOSE)
        try:
            tree = _core._parse_pattern(source, info)
        except _core._UnscopedFlagSet:
            global_flags = info.global_flags
            continue
        if not source.at_end():
            raise regex.error("unbalanced parenthesis", pattern, source.pos)
        return tree, info.flags


_REPEATS = (_core.GreedyRepeat,)  # LazyRepeat and PossessiveRepeat are subclasses


def _children(node: Any) -> list:
    out = []
    for name in ("subpattern", "yes_item", "no_item"):
        child = getattr(node, name, None)
        if isinstance(child, _core.RegexBase):
            out.append(child)
    for name in ("items", "branches"):
        value = getattr(node, name, None)
        if isinstance(value, (list, tuple)):
            out.extend(v for v in value if isinstance(v, _core.RegexBase))
    return out


def _units(node: Any, cap: int) -> int:
    """What the compiled pattern holds, in units of one matcher item; counted repeats are expanded
    up to their minimum count (measured: ``a{100000}`` costs as much as 100,000 ``a``, ``a{0,100000}``
    next to nothing). Stops counting above ``cap``."""
    if isinstance(node, _core.String):
        return len(node.characters)
    children = _children(node)
    size = 0
    for child in children:
        size += _units(child, cap)
        if size > cap:
            return size
    if not children:
        size = 1
    if isinstance(node, _REPEATS):
        size *= max(node.min_count, 1)
    return min(size, cap + 1)



# --- sets of characters -----------------------------------------------------------------------------
# What an item may match as its first character, to prove that two ways on cannot both start at one
# position. A set is a tuple of runs (start, end) of code points, sorted and apart; an item's set
# holds every character the engine may match with it (more is safe: "any" is always right).

_Runs = tuple
_IGNORECASE, _FULLIGNORECASE = int(_core.IGNORECASE), int(_core.FULLIGNORECASE)
EVERY = 0x110000
NO_CHAR: _Runs = ()
ANY_CHAR: _Runs = ((0, EVERY),)
NEWLINE: _Runs = ((0x0A, 0x0B),)


def _normal(runs: list) -> _Runs:
    out: list = []
    for start, end in sorted(runs):
        if start >= end:
            continue
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return tuple(out)


def _insert(runs: _Runs, start: int, end: int) -> _Runs:
    """``runs`` with the run (start, end) added: a search and two slices, for a large set."""
    low = bisect.bisect_left(runs, (start,)) - 1  # the runs that touch it are merged with it
    if low < 0 or runs[low][1] < start:
        low += 1
    high = low
    while high < len(runs) and runs[high][0] <= end:
        high += 1
    if high > low:
        start, end = min(start, runs[low][0]), max(end, runs[high - 1][1])
    return runs[:low] + ((start, end),) + runs[high:]


def _union(*sets: _Runs) -> _Runs:
    out: _Runs = NO_CHAR
    for runs in sets:
        if not runs or runs == out or out == ANY_CHAR:
            continue
        if not out or runs == ANY_CHAR:
            out = runs
        elif out[-1][1] < runs[0][0]:  # apart and in order: no merging
            out = out + runs
        elif runs[-1][1] < out[0][0]:
            out = runs + out
        elif min(len(out), len(runs)) <= 8:
            small, out = (runs, out) if len(runs) <= len(out) else (out, runs)
            for start, end in small:
                out = _insert(out, start, end)
        else:
            out = _merged(out, runs)
    return out


@lru_cache(maxsize=256)
def _merged(a: _Runs, b: _Runs) -> _Runs:
    return _normal([*a, *b])


def _complement(runs: _Runs) -> _Runs:
    out, at = [], 0
    for start, end in runs:
        out.append((at, start))
        at = end
    out.append((at, EVERY))
    return _normal(out)


def _meet(a: _Runs, b: _Runs) -> bool:
    """Whether two sets share a character."""
    i = j = 0
    while i < len(a) and j < len(b):
        if a[i][0] < b[j][1] and b[j][0] < a[i][1]:
            return True
        if a[i][1] <= b[j][1]:
            i += 1
        else:
            j += 1
    return False


def _of_codes(codes) -> _Runs:
    return _normal([(c, c + 1) for c in codes])


@lru_cache(maxsize=1)
def _every_character() -> str:
    return array.array("I", range(EVERY)).tobytes().decode("utf-32-le", "surrogatepass")


@lru_cache(maxsize=64)
def _scanned(text: str) -> _Runs:
    """The code points a one-character pattern matches: the engine tests every one."""
    return tuple(m.span() for m in regex.compile(f"(?:{text})+", regex.V0).finditer(_every_character()))


@lru_cache(maxsize=256)
def _property(value: int) -> Optional[_Runs]:
    """The code points with a property (case-sensitive, as the engine tests it), or None."""
    name, values = _core.PROPERTY_NAMES.get(value >> 16, (None, {}))
    if name is None or (value & 0xFFFF) not in values:
        return None
    text = f"\\p{{{name}={values[value & 0xFFFF]}}}"
    try:
        tree, _ = parse(text)
    except (regex.error, ValueError):
        return None
    node = tree.items[0] if isinstance(tree, _core.Sequence) and len(tree.items) == 1 else tree
    if not (isinstance(node, _core.Property) and node.value == value and node.positive
            and not node.case_flags and not node.encoding):
        return None  # the text names another property: never guess
    return _scanned(text)


def _cased() -> _Runs:
    # Every character with another case (the engine's all_cases, how it matches ignoring case)
    # has the Cased property: tests/test_patterns.py checks that for every code point.
    return _scanned(r"\p{Cased}")


@lru_cache(maxsize=4096)
def _cases(code: int) -> _Runs:
    """What a character matches ignoring case: the engine tests for it or one of its cases."""
    return _of_codes([code, *_regex.get_all_cases(regex.UNICODE | regex.IGNORECASE, code)])


def _case_sensitive_runs(node: Any) -> Optional[_Runs]:
    """What a character, range, property or set matches, as if case mattered (None: unknown)."""
    if isinstance(node, _core.Character):
        runs = ((node.value, node.value + 1),)
    elif isinstance(node, _core.Range):
        runs = ((node.lower, node.upper + 1),)
    elif isinstance(node, _core.Property):
        runs = _property(node.value) if not node.encoding else None
    elif type(node) is _core.SetUnion:
        parts = [_case_sensitive_runs(item) for item in node.items]
        runs = None if None in parts else _union(*parts)
    else:  # set operations of version 1, anything new
        return None
    if runs is None:
        return None
    return runs if node.positive else _complement(runs)


def _one_character(node: Any, flags: int) -> _Runs:
    """The characters a one-character item may match."""
    if flags & regex.LOCALE:
        return ANY_CHAR
    if isinstance(node, _core.AnyAll):
        return ANY_CHAR
    if isinstance(node, _core.AnyU):
        return _complement(_of_codes([0x0A, 0x0B, 0x0C, 0x0D, 0x85, 0x2028, 0x2029]))
    if isinstance(node, _core.Any):
        return _complement(NEWLINE)
    runs = _case_sensitive_runs(node)
    if runs is None:
        return ANY_CHAR
    if not int(node.case_flags) & _IGNORECASE:
        return runs
    if isinstance(node, _core.Character) and node.positive:
        return _cases(node.value)
    if not node.positive:
        return runs  # ignoring case, a negated item matches fewer characters, never more
    # ignoring case adds characters whose other case is in the set: only if a cased one is there
    return _union(runs, _cased()) if _meet(runs, _cased()) else runs


# --- the bound --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Cost:
    """Bounds for one entry into an item, as polynomials in n.

    ``steps``: the item's own work; ``may``: its calls to what follows at positions where what
    follows may take its first character; ``sure``: its other calls (there what follows fails at
    its first character: it costs its ``blocked_steps`` and makes its ``blocked_calls`` only).
    ``blocked_*``: the same for an entry at a position where the item cannot take a character.
    """
    steps: Poly
    may: Poly
    sure: Poly
    blocked_steps: Poly
    blocked_calls: Poly

    @property
    def bounded(self) -> bool:
        return None not in (self.steps, self.may, self.sure, self.blocked_steps, self.blocked_calls)


UNBOUNDED = _Cost(None, None, None, None, None)
_CHARACTER = _Cost(ONE, ONE, ZERO, ONE, ZERO)  # one test; one way on where it matches
_ZERO_WIDTH = (_core.ZeroWidthBase, _core.LookAround)
_ONE_CHARACTER = (_core.Character, _core.Property, _core.SetBase, _core.Range, _core.Any)


class _Bound:
    """The work bound of one parse tree (``work``): steps of a plain backtracking matcher that
    tries every way, as a polynomial in n = text length + 1.

    Model. An item entered at a position calls what follows it once per way it matches (at the
    position it ends at) and does its own steps: at least one per character or assertion tested,
    per alternative and per iteration tried, and per success of a lookaround, an atomic group or
    the pattern (what ``Matcher`` in tests/test_patterns.py counts). ``cost(item, follow)``
    bounds, for one entry, the steps and the calls, and splits the calls: ``may`` where the
    character at the position is in ``follow`` (what follows may take it), ``sure`` elsewhere or
    at the end.

    First characters. ``first(item, follow)`` holds every character that item-then-what-follows
    may take first (matching backwards, in a lookbehind: the character before). It is computed from
    the items (a zero-width item lets through only what it allows next: after ``$`` a newline) and
    only grows when ``follow`` does; so where the character is outside it (or at the end) the item
    cannot take one: it is *blocked*, costs its ``blocked_steps`` and makes its ``blocked_calls``
    there, at that position, where what follows is blocked too. Hence:

    * sequence: the ``may`` calls of an item are entries of the next, the ``sure`` ones blocked
      entries (cheap, and with blocked calls only);
    * alternatives: at a position only those whose first set holds its character are open, the
      others are blocked; any two open ones share that character, so the ``may`` calls are at most
      the largest sum over an alternative and those whose first sets meet its own;
    * repeat of a body that cannot match empty and makes no call where it is blocked: if an
      iteration makes at most one call where another iteration may start (its ``may`` calls
      against the body's own first set), the iterations that go on form one chain, each ending
      further on: at most min(max + 1, n) levels, each costing one iteration and one blocked try
      per other call; each level makes at most the body's ``may`` calls against ``follow``. If
      the body's ``may`` calls against both sets together are at most one and the two sets are
      apart, only the chain's last end may let what follows start (one ``may`` call: a level's
      one call where either may start goes on with the chain, or ends it). Otherwise a repeat
      with one way per count has at most n counts past its minimum (there an iteration that
      takes nothing is the last; it calls what follows, and so does the count before it: one
      call more where the body may match empty), and any other is bounded by the sum
      over its counts of the product of its ways (no bound without a maximum);
    * lookaround, atomic group, possessive repeat: tried to their first success (or end), then
      one way on.

    Each rule only counts ways the plain matcher may take, never fewer; character sets only
    hold more characters than the engine matches, never fewer. So the bound holds for the plain
    matcher, and so for the engine. tests/test_patterns.py checks it against ``Matcher``.
    Memoised per item, follower and direction; a budget of items keeps a hostile pattern cheap.
    """

    def __init__(self, flags: int):
        self.flags = flags
        self._first: dict = {}
        self._nullable: dict = {}
        self._cost: dict = {}
        self._meets: dict = {}
        self._alive: list = []  # every set a memo is keyed by (by id)
        self._budget = _MAX_COSTS

    def work(self, tree: Any) -> Poly:
        """Steps of one match attempt: the tree's own work and one step per success."""
        cost = self.cost(tree, NO_CHAR, bool(self.flags & regex.REVERSE))
        return _add(cost.steps, cost.may, cost.sure)

    def meet(self, a: _Runs, b: _Runs) -> bool:
        key = (id(a), id(b))
        if key not in self._meets:
            self._alive += (a, b)
            self._meets[key] = _meet(a, b)
        return self._meets[key]

    # what an item may take first, and whether it may take nothing
    def chars(self, node: Any) -> _Runs:
        key = ("chars", id(node))
        if key not in self._first:
            self._first[key] = _one_character(node, self.flags)
        return self._first[key]

    def nullable(self, node: Any) -> bool:
        key = id(node)
        if key not in self._nullable:
            self._nullable[key] = self._is_nullable(node)
        return self._nullable[key]

    def _is_nullable(self, node: Any) -> bool:
        if isinstance(node, _core.Sequence):
            return all(self.nullable(item) for item in node.items)
        if isinstance(node, _core.Branch):
            return any(self.nullable(b) for b in node.branches)
        if isinstance(node, _core.String):
            return not node.characters
        if isinstance(node, _ONE_CHARACTER):
            return bool(getattr(node, "zerowidth", False))
        if isinstance(node, _REPEATS):
            return node.min_count == 0 or node.max_count == 0 or self.nullable(node.subpattern)
        if isinstance(node, (_core.Group, _core.Atomic)):
            return self.nullable(node.subpattern)
        return True

    def first(self, node: Any, follow: _Runs, reverse: bool) -> _Runs:
        """The characters a match of ``node`` followed by something that takes its first
        character from ``follow`` may take first (the character before the position, in reverse)."""
        key = (id(node), id(follow), reverse)  # follow is kept alive: its id stays its own
        if key not in self._first:
            self._alive.append(follow)
            self._first[key] = self._first_of(node, follow, reverse)
        return self._first[key]

    def _first_of(self, node: Any, follow: _Runs, reverse: bool) -> _Runs:
        if isinstance(node, _core.Sequence):
            items = node.items[::-1] if reverse else node.items
            chars, stop = follow, len(items)
            for i, item in enumerate(items):  # what follows a character does not matter
                if isinstance(item, _ONE_CHARACTER) and not getattr(item, "zerowidth", False):
                    chars, stop = self.chars(item), i
                    break
            for item in reversed(items[:stop]):
                chars = self.first(item, chars, reverse)
            return chars
        if isinstance(node, _core.Branch):
            chars = NO_CHAR
            for branch in node.branches:
                chars = _union(chars, self.first(branch, follow, reverse))
            return chars
        if isinstance(node, _core.String):
            if not node.characters:
                return follow
            code = node.characters[-1 if reverse else 0]
            return _one_character(_core.Character(code, case_flags=node.case_flags), self.flags)
        if isinstance(node, _ONE_CHARACTER) and not getattr(node, "zerowidth", False):
            return self.chars(node)
        if isinstance(node, (_ZERO_WIDTH, _ONE_CHARACTER)):
            return _restrict(self.allowed(node, reverse), follow)
        if isinstance(node, _REPEATS):
            if node.max_count == 0:
                return follow
            body = node.subpattern
            chars = self.first(body, _union(self.first(body, NO_CHAR, reverse), follow), reverse)
            return _union(chars, follow) if node.min_count == 0 else chars
        if isinstance(node, (_core.Group, _core.Atomic)):
            return self.first(node.subpattern, follow, reverse)
        if isinstance(node, (_core.Conditional, _core.LookAroundConditional)):
            return _union(self.first(node.yes_item, follow, reverse), self.first(node.no_item, follow, reverse))
        return ANY_CHAR

    def allowed(self, node: Any, reverse: bool) -> _Runs:
        """The characters that may come next (in the direction of matching) where a zero-width
        item succeeds: after $ only a newline, after \\Z none."""
        kind = type(node)
        if kind is _core.Failure:
            return NO_CHAR
        if not reverse and kind is _core.EndOfString or reverse and kind is _core.StartOfString:
            return NO_CHAR
        if not reverse and kind in (_core.EndOfStringLine, _core.EndOfLine) or reverse and kind is _core.StartOfLine:
            return NEWLINE
        if kind is _core.LookAround and node.positive and node.behind == reverse \
                and not self.nullable(node.subpattern):
            return self.first(node.subpattern, NO_CHAR, reverse)
        return ANY_CHAR

    # the cost
    def cost(self, node: Any, follow: _Runs, reverse: bool) -> _Cost:
        """Bounds for ``node`` entered once, followed by something that takes its first character
        from ``follow``, matching forwards or (in a lookbehind) backwards."""
        key = (id(node), id(follow), reverse)
        if key not in self._cost:
            self._alive.append(follow)
            self._budget -= 1  # a pattern too intricate to analyse in reasonable time: no bound
            self._cost[key] = self._cost_of(node, follow, reverse) if self._budget > 0 else UNBOUNDED
        return self._cost[key]

    def _cost_of(self, node: Any, follow: _Runs, reverse: bool) -> _Cost:
        if isinstance(node, _core.Sequence):
            return self._sequence(node.items[::-1] if reverse else node.items, follow, reverse)
        if isinstance(node, _core.StringSet):  # a named list: not given by the rules
            return UNBOUNDED
        if isinstance(node, _core.Branch):
            return self._branch(node.branches, follow, reverse, compare=True)
        if int(getattr(node, "case_flags", 0)) & _FULLIGNORECASE == _FULLIGNORECASE:
            return UNBOUNDED  # full case-folding: one character may match several (not analysed)
        if isinstance(node, _core.String):
            return _Cost(_const(len(node.characters)), ONE, ZERO, ONE, ZERO)
        if isinstance(node, _ONE_CHARACTER) and not getattr(node, "zerowidth", False):
            return _CHARACTER
        if isinstance(node, _core.LookAround):  # tried to its end, then one way on
            inner = self.cost(node.subpattern, NO_CHAR, node.behind)
            steps = _add(ONE, inner.steps, inner.may, inner.sure)
            return _Cost(steps, ONE, ZERO, steps, ONE)
        if isinstance(node, (_core.ZeroWidthBase, _ONE_CHARACTER)):  # an assertion
            if not self.first(node, follow, reverse):  # what follows cannot start where it succeeds
                return _Cost(ONE, ZERO, ONE, ONE, ONE)
            return _Cost(ONE, ONE, ZERO, ONE, ONE)
        if isinstance(node, _core.PossessiveRepeat):  # never backtracked into: one way on, like (?>...)
            return _once(self._repeat(node, NO_CHAR, reverse))
        if isinstance(node, _REPEATS):
            return self._repeat(node, follow, reverse)
        if isinstance(node, _core.Group):
            return self.cost(node.subpattern, follow, reverse)
        if isinstance(node, _core.Atomic):
            return _once(self.cost(node.subpattern, NO_CHAR, reverse))
        if isinstance(node, _core.Conditional):
            return self._branch([node.yes_item, node.no_item], follow, reverse, compare=False)
        if isinstance(node, _core.LookAroundConditional):
            test = self.cost(node.subpattern, NO_CHAR, node.behind)
            either = self._branch([node.yes_item, node.no_item], follow, reverse, compare=False)
            extra = _add(test.steps, test.may, test.sure)
            return _Cost(_add(extra, either.steps), either.may, either.sure, _add(extra, either.blocked_steps),
                         either.blocked_calls)
        if isinstance(node, (_core.RefGroup, _core.Grapheme)):  # compares up to the whole text
            return _Cost(N, ONE, ZERO, N, ONE)
        return UNBOUNDED  # recursion, fuzzy matching, anything new: no bound

    def _sequence(self, items: Sequence, follow: _Runs, reverse: bool) -> _Cost:
        follows = []  # what may follow each item
        chars = follow
        for item in reversed(items):
            follows.append(chars)
            chars = self.first(item, chars, reverse)
        # entries of the next item where it may take its first character (may) and where it cannot
        # (sure), from an entry of the sequence where it may, and from one where it cannot (blocked)
        steps, may, sure = ZERO, ONE, ZERO
        blocked_steps, blocked_calls = ZERO, ONE
        for item, after in zip(items, reversed(follows)):
            c = self.cost(item, after, reverse)
            if c is _CHARACTER:  # the usual item, in short
                steps, sure = _add(steps, may, sure), ZERO
                blocked_steps, blocked_calls = _add(blocked_steps, blocked_calls), ZERO
                continue
            steps = _add(steps, _mul(may, c.steps), _mul(sure, c.blocked_steps))
            may, sure = _mul(may, c.may), _add(_mul(may, c.sure), _mul(sure, c.blocked_calls))
            blocked_steps = _add(blocked_steps, _mul(blocked_calls, c.blocked_steps))
            blocked_calls = _mul(blocked_calls, c.blocked_calls)
            if None in (steps, may, sure, blocked_steps, blocked_calls):
                return UNBOUNDED
        if None in (steps, blocked_steps):
            return UNBOUNDED
        return _Cost(steps, may, sure, blocked_steps, blocked_calls)

    def _branch(self, branches: Sequence, follow: _Runs, reverse: bool, compare: bool) -> _Cost:
        costs = [self.cost(b, follow, reverse) for b in branches]
        if not all(c.bounded for c in costs):
            return UNBOUNDED
        tries = _const(len(branches))
        steps = _add(tries, *[_max(c.steps, c.blocked_steps) for c in costs])
        sure = _add(*[_max(c.sure, c.blocked_calls) for c in costs])
        blocked = _Cost(None, None, None, _add(tries, *[c.blocked_steps for c in costs]),
                        _add(*[c.blocked_calls for c in costs]))
        if not compare or len(branches) > _MAX_COMPARED:
            may = _add(*[c.may for c in costs])
        else:
            # at one position only the alternatives that may take its character are open; any two
            # of them share that character, so they are all among those sharing some with one
            firsts = [self.first(b, follow, reverse) for b in branches]
            may = ZERO
            for i, chars in enumerate(firsts):
                if chars:
                    sharing = [c.may for j, c in enumerate(costs) if j == i or self.meet(chars, firsts[j])]
                    may = _max(may, _add(*sharing))
        return _Cost(steps, may, sure, blocked.blocked_steps, blocked.blocked_calls)

    def _repeat(self, node: Any, follow: _Runs, reverse: bool) -> _Cost:
        low, high, body = node.min_count, node.max_count, node.subpattern
        if high == 0:
            return _Cost(ONE, ONE, ZERO, ONE, ONE)
        body_first = self.first(body, NO_CHAR, reverse)
        c = self.cost(body, _union(body_first, follow), reverse)
        if not c.bounded:
            return UNBOUNDED
        calls = _add(c.may, c.sure)
        firm = not self.nullable(body) and c.blocked_calls == ZERO  # where it cannot start, it fails
        blocked_steps, blocked_calls = _add(ONE, c.blocked_steps), ONE if low == 0 else ZERO
        levels = N if high is None or high >= _SMALL_COUNT else _const(high + 1)
        if firm and _at_most_one(c.may):
            # One chain: an iteration ends at most once where another may start, so the iterations
            # that go on form one chain of at most min(high + 1, n) levels; the other ends of each
            # are where no iteration can start (one step each, to find that out).
            steps = _mul(levels, _add(ONE, c.steps, calls, _mul(c.sure, c.blocked_steps)))
            if not self.meet(body_first, follow):  # only the chain's last end may let what follows start
                may, sure = ONE, _add(_mul(levels, calls), ONE)
            else:
                may, sure = _add(_mul(levels, c.may), ONE), _mul(levels, c.sure)
            return _Cost(steps, may, sure, blocked_steps, blocked_calls)
        chain = self.cost(body, body_first, reverse)  # its calls where another iteration may start
        if firm and chain.bounded and chain.blocked_calls == ZERO and _at_most_one(chain.may):
            # one chain again, but an iteration may end more than once where what follows may start
            exits = self.cost(body, follow, reverse).may
            chain_calls = _add(chain.may, chain.sure)
            steps = _mul(levels, _add(ONE, chain.steps, chain_calls, _mul(chain.sure, chain.blocked_steps)))
            return _Cost(steps, _add(_mul(levels, exits), ONE), _add(_mul(levels, chain_calls), ONE),
                         blocked_steps, blocked_calls)
        ways = _max(calls, c.blocked_calls)
        if _at_most_one(ways):
            # one way per count; past its minimum a repeat stops where an iteration takes no
            # character, so it never tries more counts than n (one per position it may end at).
            # That last, empty, iteration calls what follows, and so does the count before it once
            # backtracked into, at the same position (the engine does too: ``(?:()){0,}(?(1)x|y)``
            # matches "y"): a body that may match empty makes one call more than there are counts.
            # With a small maximum no call more: an empty iteration past the minimum ends the
            # repeat before its maximum count, whose call it takes the place of.
            if high is None or high - low >= _SMALL_COUNT:
                counts, iterations = (_add(N, ONE) if self.nullable(body) else N), _add(_const(low), N)
            else:
                counts, iterations = _const(high - low + 1), _const(high)
            steps = _add(_mul(iterations, _add(_max(c.steps, c.blocked_steps), ONE, ways)), counts)
        elif high is None:
            return UNBOUNDED
        else:
            # entries of iteration k: where it may start (open) and where it cannot (closed)
            steps, open_, closed = ZERO, ONE, ZERO
            may, sure = ONE if low == 0 else ZERO, ZERO
            for k in range(1, high + 1):
                steps = _add(steps, _mul(open_, _add(ONE, c.steps, calls)),
                             _mul(closed, _add(ONE, c.blocked_steps, c.blocked_calls)))
                open_, closed = _mul(open_, c.may), _add(_mul(open_, c.sure), _mul(closed, c.blocked_calls))
                if k >= low:
                    may, sure = _add(may, open_), _add(sure, closed)
                if None in (steps, may, sure):
                    return UNBOUNDED
            return _Cost(steps, may, sure, blocked_steps if firm else steps,
                         blocked_calls if firm else _add(may, sure))
        return _Cost(steps, counts, ZERO, blocked_steps if firm else steps, blocked_calls if firm else counts)


def _once(inner: _Cost) -> _Cost:
    """An item tried to its end, then left one way (atomic group, possessive repeat)."""
    steps = _add(inner.steps, inner.may, inner.sure)
    return _Cost(steps, ONE, ZERO, steps, ONE)


def _restrict(allowed: _Runs, follow: _Runs) -> _Runs:
    """The characters in both."""
    out, i, j = [], 0, 0
    while i < len(allowed) and j < len(follow):
        start, end = max(allowed[i][0], follow[j][0]), min(allowed[i][1], follow[j][1])
        if start < end:
            out.append((start, end))
        if allowed[i][1] <= follow[j][1]:
            i += 1
        else:
            j += 1
    return tuple(out)


def _anchored(node: Any) -> bool:
    """Whether every match starts with \\A (or ^ without (?m)): a search fails at once elsewhere."""
    while True:
        if isinstance(node, _core.StartOfString):
            return True
        if isinstance(node, _core.Branch):
            return bool(node.branches) and all(_anchored(b) for b in node.branches)
        if isinstance(node, _core.Sequence) and node.items:
            node = node.items[0]
        elif isinstance(node, _core.Group):
            node = node.subpattern
        else:
            return False


def _safe_length(work: Poly, searching: bool, anchored: bool = False) -> int:
    """The longest text on which a call is proven to take fewer than SAFE_STEPS steps (-1: none).
    A search (findall, sub, ... too) tries each start at most twice (again after an empty match,
    for a longer one); an anchored pattern fails at once at every start but the first."""
    if work is None:
        return -1

    def steps(length: int) -> float:
        n = length + 1.0
        if not searching:
            return _value(work, n)
        return 2.0 * _value(work, n) + n if anchored else 2.0 * _value(work, n) * n

    if steps(0) > SAFE_STEPS:
        return -1
    if len(work) == 1 and not searching:
        return 1 << 62
    low, high = 0, 1 << 62  # steps(low) <= SAFE_STEPS < steps(high)
    if steps(high) <= SAFE_STEPS:
        return high
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if steps(middle) <= SAFE_STEPS else (low, middle)
    return low


@lru_cache(maxsize=2048)
def analyse(pattern: str, flags: int = 0) -> tuple[int, int, int, int]:
    """(units, safe length for match/fullmatch, safe length for search and the rest, flags the
    pattern sets inline for its whole self) of a pattern; raises ``regex.error`` where the parser does."""
    tree, in_force = parse(pattern, flags)
    units = _units(tree, MAX_FILE_UNITS)
    try:  # a pattern too large is refused (no need to bound it)
        work = _Bound(in_force).work(tree) if units <= MAX_UNITS else None
    except RecursionError:  # nested deeper than the analysis goes (the parser went): no bound
        work = None
    anchored = not in_force & regex.REVERSE and _anchored(tree)
    return units, _safe_length(work, False), _safe_length(work, True, anchored), in_force & ~(flags | regex.V0)


# --- characters every match needs -------------------------------------------------------------------
# A stage that runs many patterns over many short texts may skip a pattern on a text that lacks the
# characters every match of it takes (markup: "*" for emphasis, "[" for a citation): a set test
# instead of a call into the engine. Each set holds at least every character the engine may match
# there (as for the first characters above), so a skipped call never had a match.

_MAX_REQUIRED = 64  # a set of more code points says too little to be worth a test
_MAX_REQUIRED_SETS = 3  # per pattern: the most telling ones


def _required_size(runs: _Runs) -> int:
    return sum(end - start for start, end in runs)


def _required_key(runs: _Runs) -> tuple[bool, int]:
    # letters, digits and blanks are in most texts: a set of punctuation tells more
    common = any(chr(c).isalnum() or chr(c).isspace() for start, end in runs for c in range(start, end))
    return common, _required_size(runs)


class _Required:
    """Sets of code points (runs) of which each match of an item takes at least one character
    each, the most telling first; an empty list where nothing is sure (an item that may match
    empty, a backreference, a set too large, full case folding: "ss" may match "ß")."""

    def __init__(self, flags: int):
        self.flags = flags

    def of(self, node: Any) -> list[_Runs]:
        if int(getattr(node, "case_flags", 0)) & _FULLIGNORECASE == _FULLIGNORECASE:
            return []
        if isinstance(node, _core.Sequence):
            found = {runs for item in node.items for runs in self.of(item)}
            return sorted(found, key=_required_key)[:_MAX_REQUIRED_SETS]
        if isinstance(node, _core.Branch):
            return self._either([self.of(b) for b in node.branches])
        if isinstance(node, _core.String):
            if not node.characters:
                return []
            return self._small([_one_character(_core.Character(c, case_flags=node.case_flags), self.flags)
                                for c in node.characters])
        if isinstance(node, _ONE_CHARACTER):
            if getattr(node, "zerowidth", False):
                return []
            return self._small([_one_character(node, self.flags)])
        if isinstance(node, _REPEATS):
            return self.of(node.subpattern) if node.min_count >= 1 else []
        if isinstance(node, (_core.Group, _core.Atomic)):
            return self.of(node.subpattern)
        return []  # lookarounds, anchors, backreferences, anything new: nothing sure

    def _small(self, sets: list[_Runs]) -> list[_Runs]:
        small = {runs for runs in sets if _required_size(runs) <= _MAX_REQUIRED}
        return sorted(small, key=_required_key)[:_MAX_REQUIRED_SETS]

    def _either(self, alternatives: list[list[_Runs]]) -> list[_Runs]:
        # a match takes one alternative: it holds a character of the union of their best sets
        if not alternatives or not all(alternatives):
            return []
        runs = _union(*(sets[0] for sets in alternatives))
        return [runs] if _required_size(runs) <= _MAX_REQUIRED else []


def _fuzzy(node: Any) -> bool:
    return isinstance(node, _core.Fuzzy) or any(_fuzzy(child) for child in _children(node))


@lru_cache(maxsize=512)
def required_chars(pattern: str, flags: int = 0) -> tuple[frozenset[str], ...]:
    """Sets of characters such that every match of ``pattern`` holds a character of each: a text
    sharing no character with one of them has no match. Empty where nothing is sure."""
    tree, in_force = parse(pattern, flags)
    if in_force & regex.LOCALE or _fuzzy(tree):  # fuzzy matching may match other characters
        return ()
    return tuple(frozenset(chr(c) for start, end in runs for c in range(start, end))
                 for runs in _Required(in_force).of(tree))



# --- strings every match holds ----------------------------------------------------------------------
# A stage that tries many patterns on many short texts may skip a pattern on a text that holds none
# of the strings every match of it holds ("cookie" for a cookie notice) or, for a pattern anchored at
# the start, that starts with none of the strings every match starts with ("skip " for a skip link):
# one test in C on the text folded once (``TextFold``) instead of a call into the engine. Case is
# compared as the engine compares it: each character a match may take stands for its class of cases
# (``_fold_key``), and the fold turns every such character of a text into its class's key.

_MAX_STRINGS = 64  # an item that may match more strings than this is not listed
_MAX_CLASS_CHARS = 16  # a set of more characters than this is not listed character by character
_FINAL_SIGMA = "\u03a3"  # the one character str.lower() turns into one of two, by what follows it


@lru_cache(maxsize=4096)
def _fold_key(code: int) -> Optional[str]:
    """The character that stands for ``code``'s class of cases (as the engine ignores case) in
    folded text: its first member that lower-cases to itself; None where none does."""
    members = [chr(c) for start, end in _cases(code) for c in range(start, end)]
    keys = sorted(m for m in members if m.lower() == m)
    return keys[0] if keys else None


def _product(a: Optional[frozenset], b: Optional[frozenset]) -> Optional[frozenset]:
    if a is None or b is None or len(a) * len(b) > _MAX_STRINGS:
        return None
    return frozenset(x + y for x in a for y in b)


class _Strings:
    """The analysis of one parse tree: for an item, every string it may match (``exact``), strings
    one of which every match holds (``held``) or starts with (``starts``), all folded
    (``_fold_key``); ``codes`` collects the characters they stand for."""

    def __init__(self, flags: int):
        self.flags = flags
        self.codes: set[int] = set()

    def exact(self, node: Any) -> Optional[frozenset]:
        if int(getattr(node, "case_flags", 0)) & _FULLIGNORECASE == _FULLIGNORECASE:
            return None  # full case folding: "ss" may match "ß"
        if isinstance(node, _core.String):
            out: Optional[frozenset] = frozenset([""])
            for code in node.characters:
                out = _product(out, self.exact(_core.Character(code, case_flags=node.case_flags)))
            return out
        if isinstance(node, _ONE_CHARACTER) and not getattr(node, "zerowidth", False):
            return self._one(node)
        if isinstance(node, (_ZERO_WIDTH, _ONE_CHARACTER)):
            return frozenset([""])  # takes no character (a lookaround's text is no part of the match)
        if isinstance(node, _core.Sequence):
            out = frozenset([""])
            for item in node.items:
                out = _product(out, self.exact(item))
            return out
        if isinstance(node, _core.Branch):
            found: set = set()
            for branch in node.branches:
                strings = self.exact(branch)
                if strings is None:
                    return None
                found |= strings
            return frozenset(found) if len(found) <= _MAX_STRINGS else None
        if isinstance(node, _REPEATS):
            if node.max_count is None or node.max_count > 3:
                return None
            body, power, found = self.exact(node.subpattern), frozenset([""]), set()
            for count in range(node.max_count + 1):
                if power is None:
                    return None
                if count >= node.min_count:
                    found |= power
                power = _product(power, body)
            return frozenset(found) if len(found) <= _MAX_STRINGS else None
        if isinstance(node, (_core.Group, _core.Atomic)):
            return self.exact(node.subpattern)
        return None

    def _one(self, node: Any) -> Optional[frozenset]:
        runs = _one_character(node, self.flags)
        if _required_size(runs) > _MAX_CLASS_CHARS:
            return None
        codes = [c for start, end in runs for c in range(start, end)]
        keys = {_fold_key(c) for c in codes}
        if None in keys:
            return None
        self.codes.update(codes)
        return frozenset(keys)

    def held(self, node: Any) -> Optional[frozenset]:
        strings = self.exact(node)
        if strings is not None:
            return None if "" in strings else strings
        if isinstance(node, _core.Sequence):
            found = []
            run: Optional[frozenset] = frozenset([""])
            for item in [*node.items, None]:
                strings = self.exact(item) if item is not None else None
                joined = _product(run, strings)
                if joined is not None:
                    run = joined
                    continue
                if run is not None and "" not in run:  # a run of listed items ends here
                    found.append(run)
                run = strings if strings is not None else frozenset([""])
                if strings is None and item is not None:
                    found.append(self.held(item))
            return _most_telling(found)
        if isinstance(node, _core.Branch):
            found: set = set()
            for branch in node.branches:
                strings = self.held(branch)
                if strings is None:
                    return None
                found |= strings
            return frozenset(found) if len(found) <= _MAX_STRINGS else None
        if isinstance(node, _REPEATS):
            return self.held(node.subpattern) if node.min_count >= 1 else None
        if isinstance(node, (_core.Group, _core.Atomic)):
            return self.held(node.subpattern)
        return None

    def classes(self, node: Any) -> list[_Runs]:
        """Sets of characters (as the engine compares them, cases included) such that every match
        of the item holds a character of each; no size limit."""
        if int(getattr(node, "case_flags", 0)) & _FULLIGNORECASE == _FULLIGNORECASE:
            return []
        if isinstance(node, _core.String):
            return [_one_character(_core.Character(code, case_flags=node.case_flags), self.flags)
                    for code in node.characters]
        if isinstance(node, _ONE_CHARACTER) and not getattr(node, "zerowidth", False):
            return [_one_character(node, self.flags)]
        if isinstance(node, _core.Sequence):
            return [runs for item in node.items for runs in self.classes(item)]
        if isinstance(node, _core.Branch):
            # a set of the first alternative that each other one holds a part of (the digits of
            # each form of a date), else the union of a rare set of each
            alternatives = [self.classes(branch) for branch in node.branches]
            if not alternatives or not all(alternatives):
                return []
            common = [runs for runs in alternatives[0]
                      if all(any(_merged(runs, other) == runs for other in alt) for alt in alternatives[1:])]
            rare = [[runs for runs in alt if _rare(runs)] for alt in alternatives]
            if common or not all(rare):
                return common
            return [_union(*(max(sets, key=_required_size) for sets in rare))]
        if isinstance(node, _REPEATS):
            return self.classes(node.subpattern) if node.min_count >= 1 else []
        if isinstance(node, (_core.Group, _core.Atomic)):
            return self.classes(node.subpattern)
        return []

    def starts(self, node: Any) -> frozenset:
        strings = self.exact(node)
        if strings is not None:
            return strings
        if isinstance(node, _core.Sequence):
            out = frozenset([""])
            for item in node.items:
                strings = self.exact(item)
                joined = _product(out, strings if strings is not None else self.starts(item))
                if joined is None or strings is None:
                    return joined if joined is not None else out
                out = joined
            return out
        if isinstance(node, _core.Branch):
            found: set = set()
            for branch in node.branches:
                found |= self.starts(branch)
            return frozenset(found) if len(found) <= _MAX_STRINGS else frozenset([""])
        if isinstance(node, _REPEATS) and node.min_count >= 1 or isinstance(node, (_core.Group, _core.Atomic)):
            return self.starts(node.subpattern)
        return frozenset([""])


def _most_telling(found: list) -> Optional[frozenset]:
    """Of sets of strings, the one whose shortest string is longest (then the smallest)."""
    found = [strings for strings in found if strings]
    if not found:
        return None
    return max(found, key=lambda strings: (min(map(len, strings)), -len(strings), sorted(strings)))


@dataclass(frozen=True)
class TextNeeds:
    """What a text must show for a pattern to match in it (``text_needs``), as folded by a
    ``TextFold`` made for the pattern's ``codes``: the folded text starts with one of ``starts``
    (where the pattern is anchored at the start) and holds one of ``holds``; None where nothing
    is sure."""

    starts: Optional[tuple[str, ...]]
    holds: Optional[tuple[str, ...]]
    codes: frozenset[int]  # the characters of a text the strings stand for
    # a set of characters (runs of code points) of which every match holds one, tested on the text
    # as it is: the largest that holds no ASCII letter nor blank (the digits of a date or a phone
    # number), which tells what a short string (":") does not; None for none
    chars: Optional[_Runs] = None


@lru_cache(maxsize=512)
def text_needs(pattern: str, flags: int = 0) -> TextNeeds:
    """The strings every match of ``pattern`` (a search for it, or a match at the text's start)
    holds and, where it is anchored at the start, starts with. A compiled pattern's flags may be
    passed as they are: the UNICODE flag, which a str pattern has anyway, is left out (the
    analysis of character sets reads it as an encoding it does not know)."""
    tree, in_force = parse(pattern, flags & ~regex.UNICODE)
    if in_force & (regex.LOCALE | regex.REVERSE) or _fuzzy(tree):
        return TextNeeds(None, None, frozenset())
    strings = _Strings(in_force)
    held = strings.held(tree)
    starts = strings.starts(tree) if _anchored(tree) else frozenset([""])
    telling = [runs for runs in strings.classes(tree) if _rare(runs)]
    return TextNeeds(_fewest(starts, str.startswith) if "" not in starts else None,
                     _fewest(held, str.__contains__) if held else None, frozenset(strings.codes),
                     max(telling, key=lambda runs: (_required_size(runs), runs)) if telling else None)


_COMMON = _of_codes([c for c in range(128) if chr(c).isalpha() or chr(c).isspace()])
_MAX_CHARS_TESTED = 4096


def _rare(runs: _Runs) -> bool:
    """A set worth a test of its own: no ASCII letter or blank (most texts hold those), not too large."""
    return bool(runs) and not _meet(runs, _COMMON) and _required_size(runs) <= _MAX_CHARS_TESTED


def _fewest(strings: frozenset, implies: Callable[[str, str], bool]) -> tuple[str, ...]:
    """The strings, less each one that ``implies`` (startswith, contains) another: a text that
    shows it shows the other too."""
    return tuple(sorted(s for s in strings if not any(t != s and implies(s, t) for t in strings)))


@dataclass(frozen=True)
class TextFold:
    """Text folded as ``TextNeeds`` strings are: lower-cased, and the characters whose lower case
    is not their class's key (the dotted capital I, the long s ...) turned into it first."""

    table: Mapping[int, str]
    special: Any  # compiled: one of the table's characters; None for an empty table
    ascii_plain: bool  # no ASCII character is in the table: an ASCII text is only lower-cased

    def __call__(self, text: str) -> str:
        if (self.ascii_plain and text.isascii()) or self.special is None or self.special.search(text) is None:
            return text.lower()
        return text.translate(self.table).lower()


def text_fold(codes: Iterable[int]) -> TextFold:
    """The fold for needs whose strings stand for these characters (``TextNeeds.codes``)."""
    table = {}
    for code in sorted(set(codes)):
        key = _fold_key(code)
        if key is not None and (chr(code).lower() != key or chr(code) == _FINAL_SIGMA):
            table[code] = key
    special = regex.compile("[" + "".join(regex.escape(chr(c)) for c in table) + "]") if table else None
    return TextFold(table, special, all(c >= 128 for c in table))



def char_set(runs: _Runs) -> frozenset[str]:
    """The characters of runs of code points: ``not chars.isdisjoint(text)`` tests a text for one
    (one pass in C, as fast as a search for a digit; a character class of many ranges is slower)."""
    return frozenset(chr(c) for start, end in runs for c in range(start, end))


def literal_search(strings: Iterable[str], word_start: bool = False) -> Callable[..., Any]:
    """A search (``(text, pos=0)``) that finds where a text holds one of the strings first
    (``word_start``: at the text's start or after a character that is not alphanumeric, as
    str.isalnum tells). They are literal (escaped): an alternation of them does at most one pass per
    string over the text, with no backtracking to bound, so it runs on the standard library's engine
    (faster at this) and untimed. The alternation is written as a trie (``_trie``): at each place
    the engine tries the one branch for the character there, not every string."""
    return _literal_search(tuple(sorted(set(strings))), word_start)


@lru_cache(maxsize=256)
def _literal_search(strings: tuple[str, ...], word_start: bool) -> Callable[..., Any]:
    """``literal_search`` of sorted, distinct strings: built once per set (the screens of several
    word-count tiers share theirs)."""
    import re

    alternation = _trie(list(strings))
    # the standard engine's \w is str.isalnum() or "_": [^\W_] is an alphanumeric character
    return re.compile(f"(?<![^\\W_])(?:{alternation})" if word_start else alternation).search


def _trie(strings: list[str]) -> str:
    """An alternation of the (sorted, distinct) literal strings, as a trie: strings that start
    with one character share one branch. It matches where one of them does, and starts where the
    plain alternation would (its end may be a longer string's)."""
    import re

    if not strings:
        return ""
    if strings[0] == "":  # a string ends here; the longer ones may go on
        rest = strings[1:]
        return f"(?:{_trie(rest)})?" if rest else ""
    branches: dict[str, list[str]] = {}
    for s in strings:
        branches.setdefault(s[0], []).append(s[1:])
    alternatives = [re.escape(c) + _trie(rest) for c, rest in branches.items()]
    return alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"


# --- compiled patterns that carry their place in the rules -----------------------------------------

class RulePattern:
    """A compiled pattern from the rules: the methods of ``regex.Pattern`` that stages use, each
    run under a time limit unless the pattern is proven fast for a text that long. A call that
    runs out of time raises the error ``where.timed_out`` makes (the rules file, line and key).

    ``members``: for an alternation of several rule patterns, the patterns it joins; when it runs
    out of time, each is tried alone to name the one at fault.
    """

    __slots__ = ("_re", "where", "pattern", "flags", "groups", "groupindex", "inline_flags", "_match_safe",
                 "_search_safe", "_members", "_template")

    def __init__(self, compiled: regex.Pattern, where: Any, match_safe: int, search_safe: int,
                 members: Sequence[RulePattern] = (), template: str = "{}", inline_flags: int = 0):
        self._re = compiled
        self.inline_flags = inline_flags  # set by a global inline flag (?x): in a join it would apply to all
        self.where = where
        self.pattern, self.flags = compiled.pattern, compiled.flags
        self.groups, self.groupindex = compiled.groups, compiled.groupindex
        self._match_safe, self._search_safe = match_safe, search_safe
        self._members, self._template = tuple(members), template

    def __repr__(self) -> str:
        return f"RulePattern({self.pattern!r}, at {self.where.key()})"

    # The fast path is one length test; everything else is in _timed.
    def search(self, string: str, *args: Any) -> Any:
        if len(string) <= self._search_safe:
            return self._re.search(string, *args)
        return self._timed("search", string, args)

    def match(self, string: str, *args: Any) -> Any:
        if len(string) <= self._match_safe:
            return self._re.match(string, *args)
        return self._timed("match", string, args)

    def fullmatch(self, string: str, *args: Any) -> Any:
        if len(string) <= self._match_safe:
            return self._re.fullmatch(string, *args)
        return self._timed("fullmatch", string, args)

    def findall(self, string: str, *args: Any) -> list:
        if len(string) <= self._search_safe:
            return self._re.findall(string, *args)
        return self._timed("findall", string, args)

    def split(self, string: str, *args: Any) -> list:
        if len(string) <= self._search_safe:
            return self._re.split(string, *args)
        return self._timed("split", string, args)

    def sub(self, repl: Any, string: str, *args: Any) -> str:
        if len(string) <= self._search_safe:
            return self._re.sub(repl, string, *args)
        return self._timed("sub", string, args, repl)

    def subn(self, repl: Any, string: str, *args: Any) -> tuple[str, int]:
        if len(string) <= self._search_safe:
            return self._re.subn(repl, string, *args)
        return self._timed("subn", string, args, repl)

    def finditer(self, string: str, pos: int | None = None, endpos: int | None = None) -> Iterator:
        if len(string) <= self._search_safe:
            return self._re.finditer(string, pos, endpos)
        return self._timed_iter(string, pos, endpos)

    def _timed(self, method: str, string: str, args: tuple, *repl: Any) -> Any:
        limit = TIMEOUT + len(string) * TIMEOUT_PER_CHAR
        try:
            return getattr(self._re, method)(*repl, string, *args, timeout=limit)
        except TimeoutError:
            raise self._timed_out(method, string, args, repl, limit) from None

    def _timed_iter(self, string: str, pos: int | None, endpos: int | None) -> Iterator:
        # regex's clock for an iterator runs from its creation, through the caller's work between
        # matches too; so every ITER_CHUNK matches the search goes on in a new iterator from where
        # the last (non-empty) match ended, which finds what the old one would have
        limit = TIMEOUT + len(string) * TIMEOUT_PER_CHAR
        args = (pos, endpos)
        try:
            while True:
                found = 0
                for m in self._re.finditer(string, pos, endpos, timeout=limit):
                    yield m
                    found += 1
                    if found >= ITER_CHUNK and m.end() > m.start():
                        pos = m.end()
                        break
                else:
                    return
        except TimeoutError:
            raise self._timed_out("finditer", string, args, (), limit) from None

    def _timed_out(self, method: str, string: str, args: tuple, repl: tuple, limit: float) -> Exception:
        """The error for a call that ran out of time: naming the member at fault, where this
        pattern joins several (the first to run out of time alone, else the slowest)."""
        culprit, slowest = None, 0.0
        budget = limit
        for member in self._members:
            alone = regex.compile(self._template.format(f"(?:{member.pattern})"), self.flags)
            started = time.process_time()
            try:
                result = getattr(alone, method)(*repl, string, *args, timeout=max(budget, 0.01))
                if method == "finditer":
                    for _ in result:
                        pass
            except TimeoutError:
                culprit = member
                break
            spent = time.process_time() - started
            if culprit is None or spent > slowest:
                culprit, slowest = member, spent
            budget -= spent
            if budget <= 0:
                break
        return (culprit.where if culprit is not None else self.where).timed_out(limit)


def compile_rule(pattern: str, flags: int, where: Any, spend: Callable[[int], None] | None = None,
                 members: Sequence[RulePattern] = (), template: str = "{}") -> RulePattern:
    """Analyse, bound and compile one pattern (version 0 syntax). Raises ``regex.error``,
    ``ValueError`` or ``RecursionError`` for an invalid pattern and ``where.error`` for one too
    large; ``spend(units)`` charges the pattern to the file's budget."""
    units, match_safe, search_safe, inline_flags = analyse(pattern, flags)
    if spend is not None:
        spend(units)
    return RulePattern(regex.compile(pattern, flags | regex.V0), where, match_safe, search_safe,
                       members, template, inline_flags)


def combine(members: Sequence[RulePattern], flags: int = 0, template: str = "{}", where: Any = None) -> RulePattern:
    """One pattern that matches where any of ``members`` does: ``template`` holds the alternation
    (``"^(?:{})$"`` anchors it). Its errors name the member at fault (or ``where``, else the first)."""
    where = where if where is not None else members[0].where
    body = template.format("|".join(f"(?:{m.pattern})" for m in members))
    try:
        return compile_rule(body, flags, where, None, members, template)
    except (regex.error, ValueError, OverflowError, RecursionError) as exc:  # valid alone, not together
        raise where.error(f"these patterns cannot be joined into one: {exc}") from None
