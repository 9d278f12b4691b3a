"""Regular expressions from the rules file, made safe to compile and to run.

A rules file is user input, and a regular expression can hurt in two ways:

* at compile time: the ``regex`` module expands counted repeats, so ``(?:a{1000}){1000}`` compiles
  to some 270 MB and deeper nesting to many GB. ``analyse`` bounds what a pattern expands to before
  it is compiled, and the caller refuses it by key;
* at run time: a pattern that backtracks catastrophically (``(a|a)+$``) hangs on a short line. No
  static test can tell in general, so every call may carry the ``regex`` module's ``timeout``; a
  ``TimeoutError`` becomes the rules' own error naming the file, line and key.

A timeout costs a CPU-clock read per call (a few microseconds: more than most matches take), so a
call goes without one when a bound on the backtracking work, computed once per pattern, proves
that it ends far within the limit for a text of that length. The bound counts the paths a
backtracking matcher can take: a sequence multiplies its items' paths, an alternation adds them,
a repeat of a one-path body has one path per count, a repeat of a many-path body multiplies them
(unbounded: no bound, always timed). It is an upper bound of what the engine does (its
optimisations only cut work), so skipping the timeout never lets a call run long.

Both analyses read the parse tree of the ``regex`` module's own parser (``regex._regex_core``),
so they see exactly the pattern ``regex.compile`` sees (verbose mode, classes, escapes, inline
flags); that module is internal, which is one more reason the ``regex`` version is pinned.
"""
from __future__ import annotations

import time
from functools import lru_cache
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import regex
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
# Work is bounded by a polynomial in n = (text length + 1): (coefficient, degree), or None where no
# polynomial bounds it (exponential backtracking, recursion, fuzzy matching).
ONE, ZERO, N = (1.0, 0), (0.0, 0), (1.0, 1)
_MAX_DEGREE, _MAX_COEFFICIENT = 12, 1e18


def _mul(a, b):
    if a is None or b is None:
        return None
    c, d = a[0] * b[0], a[1] + b[1]
    return None if c > _MAX_COEFFICIENT or d > _MAX_DEGREE else (c, d)


def _add(a, b):
    if a is None or b is None:
        return None
    c = a[0] + b[0]
    return None if c > _MAX_COEFFICIENT else (c, max(a[1], b[1]))


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
_ONE_CHARACTER = (_core.Character, _core.Property, _core.SetBase, _core.Range, _core.Any,
                  _core.ZeroWidthBase)


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


def _work(node: Any):
    """(paths, steps): how many ways a backtracking matcher can get through ``node`` from one
    position, and how many steps it takes trying all of them, as polynomials in n."""
    if isinstance(node, _core.Sequence):
        paths, steps = ONE, ZERO
        for item in node.items:
            p, s = _work(item)
            steps = _add(steps, _mul(paths, s))
            paths = _mul(paths, p)
        return paths, steps
    if isinstance(node, _core.StringSet):  # a named list: not given by the rules
        return None, None
    if isinstance(node, _core.Branch):
        paths = steps = ZERO
        for branch in node.branches:
            p, s = _work(branch)
            paths, steps = _add(paths, p), _add(steps, s)
        return paths, steps
    if isinstance(node, _core.String):
        return ONE, (float(len(node.characters)), 0)
    if isinstance(node, _ONE_CHARACTER):
        return ONE, ONE
    if isinstance(node, _core.PossessiveRepeat):  # never backtracked into: one way on, like (?>...)
        p, s = _repeat_work(node)
        return ONE, _add(s, p)
    if isinstance(node, _REPEATS):
        return _repeat_work(node)
    if isinstance(node, _core.Group):
        return _work(node.subpattern)
    if isinstance(node, (_core.Atomic, _core.LookAround)):  # tried to the end, then one way on
        p, s = _work(node.subpattern)
        return ONE, _add(s, p)
    if isinstance(node, _core.Conditional):
        (py, sy), (pn, sn) = _work(node.yes_item), _work(node.no_item)
        return _add(py, pn), _add(sy, sn)
    if isinstance(node, _core.LookAroundConditional):
        (pc, sc), (py, sy), (pn, sn) = _work(node.subpattern), _work(node.yes_item), _work(node.no_item)
        return _add(py, pn), _add(_add(sc, pc), _add(sy, sn))
    if isinstance(node, (_core.RefGroup, _core.Grapheme)):  # compares up to the whole text
        return ONE, N
    return None, None  # recursion, fuzzy matching, anything new: no bound


def _repeat_work(node: Any):
    p, s = _work(node.subpattern)
    if p is None or s is None:
        return None, None
    low, high = node.min_count, node.max_count
    if p[1] == 0 and p[0] <= 1:  # one way through the body: one path per count tried
        if high is None or high - low >= 64:
            # past its minimum a repeat stops where an iteration takes no character, so it never
            # tries more counts than the text has characters
            counts, iterations = N, _add((float(low), 0), N)
        else:
            counts, iterations = (float(high - low + 1), 0), (float(high), 0)
        return counts, _add(_mul(iterations, s), counts)
    if high is None:
        return None, None
    paths, steps, power = ZERO, ZERO, ONE  # power = p ** (k - 1) before iteration k
    for k in range(1, high + 1):
        steps = _add(steps, _mul(power, s))
        power = _mul(power, p)
        if k >= low:
            paths = _add(paths, power)
        if steps is None or paths is None:
            return None, None
    if low == 0:
        paths = _add(paths, ONE)
    return paths, steps


def _safe_length(work, searching: bool) -> int:
    """The longest text on which a call is proven to take fewer than SAFE_STEPS steps (-1: none)."""
    if work is None:
        return -1
    c, d = work
    if searching:
        d += 1  # every start position
    if c > SAFE_STEPS:
        return -1
    if d == 0:
        return 1 << 62
    return int((SAFE_STEPS / c) ** (1.0 / d)) - 2


@lru_cache(maxsize=2048)
def analyse(pattern: str, flags: int = 0) -> tuple[int, int, int, int]:
    """(units, safe length for match/fullmatch, safe length for search and the rest, flags the
    pattern sets inline for its whole self) of a pattern; raises ``regex.error`` where the parser does."""
    tree, in_force = parse(pattern, flags)
    units = _units(tree, MAX_FILE_UNITS)
    paths, steps = _work(tree)
    work = _add(paths, steps)
    return units, _safe_length(work, False), _safe_length(work, True), in_force & ~(flags | regex.V0)


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
