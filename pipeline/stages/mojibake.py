"""mojibake: encoding repair with ftfy, paid only where a cheap pre-check finds something to fix.

``fix_text(s)`` is exactly ``ftfy.fix_text(s, uncurl_quotes=False)``. ftfy is run only where the
pre-check (``needs_fix``) finds a character or sequence one of ftfy's fixers could act on; the
pre-check is a superset of ftfy's own gates, built from ftfy's tables, so skipping never changes the
result (tests pin this). Curly quotes and dashes alone are clean typography and never trigger it.

The stage fixes each flagged block and turns the change into minimal edits (a linear diff that
falls back to difflib) so the block's source map stays exact. It is bolder where the whole page gives context: ftfy refuses
short or ambiguous strings (``â–¶``, ``Ã…``), but when enough blocks of the same page were fixed by
one encode/decode plan, the page was evidently mis-decoded that way, and the same plan is tried on
the flagged blocks ftfy left alone.
"""
from __future__ import annotations

import html
import re
from bisect import bisect_left
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from types import MappingProxyType
from difflib import SequenceMatcher
from typing import Mapping

import ftfy
import ftfy.bad_codecs  # noqa: F401  (registers the sloppy-* and utf-8-variants codecs)
import regex
from ftfy import chardata
from ftfy.badness import BADNESS_RE, badness

from ..document import Block, Document, PageWarning, Removal, edit_text, removal, rewritten_words

NAME = "mojibake"
# a repair changes a block's length (link counts taken before it would be off) and its text
FORMATS = ("text", "html", "pdf")  # page formats it acts on (others pass through)
REQUIRES = ()  # facts it reads: a listed stage that provides one runs before it
PROVIDES = ("repaired-text",)
INVALIDATES = ("link-counts", "sections")  # facts it would make stale: no stage that provides one runs before it

# The configuration fix_text promises: ftfy's defaults with curly quotes kept.
CONFIG = ftfy.TextFixerConfig(uncurl_quotes=False, explain=False)
# In Han, kana and Hangul text the full-width forms (，；（）：) are the script's own punctuation,
# not a width to fix: blocks holding such text keep them.
CONFIG_KEEP_WIDTH = CONFIG._replace(fix_character_width=False)
EAST_ASIAN = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\p{Bopomofo}]")


def block_config(text: str) -> ftfy.TextFixerConfig:
    """The ftfy configuration for one block: fix_text's, without the width fix in East Asian text."""
    return CONFIG if text.isascii() or not EAST_ASIAN.search(text) else CONFIG_KEEP_WIDTH


# ---------------------------------------------------------------- the pre-check

def _decoded(byte_values, encodings=chardata.CHARMAP_ENCODINGS) -> set[str]:
    """The characters these bytes decode to in any of the single-byte encodings ftfy tries."""
    chars = set()
    for enc in encodings:
        for b in byte_values:
            try:
                chars.add(bytes([b]).decode(enc))
            except UnicodeDecodeError:
                pass
    return chars


def _char_class(chars) -> str:
    """A regex character class of these characters, consecutive code points as ranges."""
    points = sorted(set(map(ord, chars)))
    parts = []
    i = 0
    while i < len(points):
        j = i
        while j + 1 < len(points) and points[j + 1] == points[j] + 1:
            j += 1
        lo, hi = chr(points[i]), chr(points[j])
        parts.append(re.escape(lo) if i == j else f"{re.escape(lo)}-{re.escape(hi)}")
        i = j + 1
    return "[" + "".join(parts) + "]"


def _clue_chars(name: str) -> set[str]:
    """The characters of one of ftfy's UTF8_CLUES classes (which may hold ranges like \\x80-¿)."""
    out: set[str] = set()
    for m in re.finditer(r"(.)-(.)|(.)", chardata.UTF8_CLUES[name], re.S):
        if m.group(3) is not None:
            out.add(m.group(3))
        else:
            out.update(chr(i) for i in range(ord(m.group(1)), ord(m.group(2)) + 1))
    return out


def _build_hint() -> re.Pattern[str]:
    """UTF-8 read as a single-byte encoding leaves a lead character (UTF-8 bytes C0, C2-F4) right
    before a continuation character (bytes 80-BF): ftfy's re-decoding can change text only where
    such a pair exists. A continuation may also be a space that stood for A0 (only after the lead
    bytes ftfy's restore_byte_a0 accepts, never in MacRoman), or, in the sloppy codecs, the '?' or
    '�' that replaced a lost byte (ftfy's LOSSY_UTF8_RE)."""
    encodings = chardata.CHARMAP_ENCODINGS
    leads = _decoded([0xC0, *range(0xC2, 0xF5)]) | _clue_chars("utf8_first_of_2") \
        | _clue_chars("utf8_first_of_3") | _clue_chars("utf8_first_of_4")
    conts = (_decoded(range(0x80, 0xC0)) | _clue_chars("utf8_continuation") | {"\ufffd"}) - {" "}
    space_leads = _decoded([0xC2, 0xC3, 0xC5, 0xCE, 0xD0, 0xD9, 0xE2, 0xE3, 0xF0],
                           [e for e in encodings if e != "macroman"])
    sloppy = [e for e in encodings if e.startswith("sloppy")]
    lossy2 = _decoded([0xC2, 0xC3], sloppy)  # [\xc2-\xc3][?]
    lossy34 = _decoded(range(0xE0, 0xF5), sloppy)  # [\xe0-\xf4][?][continuation]
    assert space_leads | lossy2 | lossy34 <= leads  # so one leading class can start every branch
    assert not any(c.isascii() for c in leads | conts)  # the ASCII fast path relies on it
    cont = _char_class(conts)
    # one leading character class, alternatives in lookbehinds: re scans for the class quickly
    return re.compile(f"{_char_class(leads)}(?:{cont}|(?<={_char_class(space_leads)}) "
                      f"|(?<={_char_class(lossy2)})\\?|(?<={_char_class(lossy34)})\\?{cont})")


def _build_trigger() -> re.Pattern[str]:
    """Single characters that some fixer other than re-decoding acts on."""
    chars = set(chardata.LIGATURES) | set(chardata.WIDTH_MAP) | set(chardata.CONTROL_CHARS)
    chars |= {0x0D, 0x1B, 0x2028, 0x2029}  # fix_line_breaks, remove_terminal_escapes
    chars |= set(range(0x80, 0xA0))  # C1 controls: fix_c1_controls, fix_line_breaks (U+85)
    chars |= set(range(0xD800, 0xE000))  # fix_surrogates
    return re.compile(_char_class(map(chr, chars)))


HINT = _build_hint()
# Characters that, followed by a space, may be a no-break space mis-decoded ("Â " for U+00A0):
# ftfy's restore_byte_a0 reads them so (never in MacRoman)
SPACE_LEADS = frozenset(_decoded([0xC2, 0xC3, 0xC5, 0xCE, 0xD0, 0xD9, 0xE2, 0xE3, 0xF0],
                                 [e for e in chardata.CHARMAP_ENCODINGS if e != "macroman"]))
TRIGGER = _build_trigger()
ENTITY = chardata.HTML_ENTITY_RE  # unescape_html acts only on these
# In ASCII text only entities, control characters and \r are anything ftfy acts on.
ASCII_TRIGGER = re.compile(r"[\x00-\x08\x0b\x0d-\x1f\x7f]")
# ftfy re-decodes a segment only if is_bad() says so; fix_text's segments are lines, so ^ is per line.
BAD_LINE = re.compile(BADNESS_RE.pattern, re.VERBOSE | re.MULTILINE)


def needs_fix(text: str) -> bool:
    """Whether ftfy.fix_text(text, uncurl_quotes=False) could change ``text`` (False means it won't)."""
    return _hint_unless_fix(text) is None


def _hint_unless_fix(text: str) -> bool | None:
    """None where ftfy could change ``text`` (``needs_fix``), else whether it holds a mojibake hint
    (ASCII text holds none): the stage asks both, and the hint is looked for once."""
    if "&" in text and ENTITY.search(text) is not None:
        return None
    if text.isascii():
        return None if ASCII_TRIGGER.search(text) is not None else False
    if TRIGGER.search(text) is not None or not unicodedata.is_normalized("NFC", text):
        return None
    hint = _mojibake_hint(text)
    if hint and (len(text) > CONFIG.max_decode_length or BAD_LINE.search(text) is not None):
        return None
    return hint


def _mojibake_hint(text: str) -> bool:
    return HINT.search(text) is not None


def fix_text(text: str) -> str:
    """Mojibake and encoding repair of one string: exactly ftfy.fix_text(text, uncurl_quotes=False)."""
    if not needs_fix(text):
        return text
    return ftfy.fix_text(text, CONFIG)


def _fix_and_plans(text: str, config: ftfy.TextFixerConfig) -> tuple[str, list[tuple[tuple[str, str], ...]]]:
    """ftfy.fix_text's result and the encode/decode plans it used, one per segment that had one.

    Mirrors ftfy.fix_text's segment loop (lines, at most max_decode_length, and HTML unescaping
    turned off from the first segment holding '<' on), with explanations switched on.
    """
    config = config._replace(explain=True)
    out: list[str] = []
    plans = []
    pos = 0
    while pos < len(text):
        brk = text.find("\n", pos) + 1 or len(text)
        brk = min(brk, pos + config.max_decode_length)
        segment = text[pos:brk]
        if config.unescape_html == "auto" and "<" in segment:
            config = config._replace(unescape_html=False)
        fixed, steps = ftfy.fix_and_explain(segment, config)
        out.append(fixed)
        plan = _plan_key(steps or [])
        if plan:
            plans.append(plan)
        pos = brk
    return "".join(out), plans


def _plan_key(steps) -> tuple[tuple[str, str], ...]:
    """The encode/decode steps of an ftfy explanation, as one comparable plan.

    Latin-1 counts as sloppy Windows-1252: ftfy tries Latin-1 first, and any text it fixes that
    way encodes to the same bytes in Windows-1252, so both name one mis-decoding. Byte-level
    transcodes (restore_byte_a0, lossy sequences) are heuristics of ftfy's, not part of the plan.
    """
    key = []
    for action, param in steps:
        if action == "encode":
            key.append(("encode", "sloppy-windows-1252" if param == "latin-1" else param))
        elif action == "decode":
            if param not in ("utf-8", "utf-8-variants"):
                return ()  # e.g. Latin-1 -> Windows-1252 for C1 controls: not a UTF-8 mis-decoding
            key.append(("decode", "utf-8"))
    return tuple(key)


# ---------------------------------------------------------------- rules

REWRITE_KINDS = ("entity", "width", "ligature", "line_break", "encoding")


@dataclass(frozen=True)
class MojibakeRules:
    plan_min_blocks: int = 3  # blocks ftfy fixed by one plan before the page is trusted to share it
    plan_min_share: float = 0.75  # that plan's share of all blocks ftfy re-decoded on the page
    delete_rule: str = "ftfy-deleted"  # the Removal rule id for text a fix deleted outright
    max_diff_chars: int = 20000  # a longer stretch that falls out of step gets difflib's junk heuristic
    # rule ids of rewrites, by kind of fix (REWRITE_KINDS)
    rewrite_rules: Mapping[str, str] = field(default_factory=lambda: {
        "entity": "html-entity", "width": "character-width", "ligature": "ligature",
        "line_break": "line-break", "encoding": "mojibake"})


def compile(section: Mapping, where) -> MojibakeRules:
    min_blocks = where.integer(section, "plan_min_blocks", 3, lo=1)
    share = where.number(section, "plan_min_share", 0.75, above=0, hi=1)
    rule = where.get(section, "delete_rule", str, "ftfy-deleted")
    if not rule.strip():
        raise where.at("delete_rule").error("must be a non-empty rule id")
    max_diff = where.integer(section, "max_diff_chars", 20000, lo=1)
    ids = where.get(section, "rewrite_rules", Mapping, {})
    rewrite_rules = dict(MojibakeRules().rewrite_rules)
    for kind, rid in ids.items():
        if kind not in REWRITE_KINDS:
            raise where.at("rewrite_rules", kind).error(f"unknown kind of rewrite (known: {', '.join(REWRITE_KINDS)})")
        if not isinstance(rid, str) or not rid.strip():
            raise where.at("rewrite_rules", kind).error("expected a non-empty rule id")
        rewrite_rules[kind] = rid
    return MojibakeRules(min_blocks, share, rule, max_diff, MappingProxyType(rewrite_rules))


# ---------------------------------------------------------------- the stage

DIFF_WINDOW = 32  # a fix replaces at most this many characters at one place (entities, escapes, mojibake)
DIFF_ANCHOR = 3  # characters that must agree again after a change before the texts count as in step


def diff_edits(old: str, new: str, max_chars: int = 20000) -> list[tuple[int, int, str]]:
    """Minimal edits ``(start, end, replacement)`` on ``old`` that give ``new``.

    A fix changes text in short local runs, so a linear walk that resynchronises within a small
    window after each difference finds them (difflib is quadratic and far slower on mojibake);
    where the texts do not fall back into step, difflib diffs the rest.
    """
    edits: list[tuple[int, int, str]] = []
    i = j = 0
    n, m = len(old), len(new)
    while i < n and j < m:
        # skip the text both share, a chunk at a time
        while i + 64 <= n and j + 64 <= m and old[i:i + 64] == new[j:j + 64]:
            i += 64
            j += 64
        if i == n or j == m:
            break  # a shared chunk ran to the end of one text: the rest is one edit
        if old[i] == new[j]:
            i += 1
            j += 1
            continue
        step = _resync(old, new, i, j)
        if step is None:
            edits.extend(_difflib_edits(old[i:], new[j:], i, max_chars))
            return edits
        di, dj = step
        edits.append((i, i + di, new[j:j + dj]))
        i, j = i + di, j + dj
    if i < n or j < m:
        edits.append((i, n, new[j:]))
    return edits


def _resync(old: str, new: str, i: int, j: int) -> tuple[int, int] | None:
    """The smallest (di, dj) after which old[i+di:] and new[j+dj:] agree again, within the window:
    the next DIFF_ANCHOR characters agree, or the rest of both texts (when shorter) does."""
    n, m = len(old), len(new)
    best: tuple[int, int] | None = None
    window_end = min(n, i + DIFF_WINDOW + DIFF_ANCHOR)
    for dj in range(DIFF_WINDOW + 1):
        b = j + dj
        if b > m or (best is not None and dj >= best[0] + best[1]):
            break
        if m - b >= DIFF_ANCHOR:
            a = old.find(new[b:b + DIFF_ANCHOR], i, window_end)  # str.find: the scan runs in C
        else:
            a = n - (m - b)
            if not (i <= a <= i + DIFF_WINDOW and old[a:] == new[b:]):
                a = -1
        if a >= 0 and (best is None or a - i + dj < best[0] + best[1]):
            best = (a - i, dj)
    return best


def _difflib_edits(old: str, new: str, offset: int, max_chars: int) -> list[tuple[int, int, str]]:
    # difflib is quadratic on long inputs without its junk heuristic: long ones get the heuristic,
    # which still gives valid, if less minimal, edits
    matcher = SequenceMatcher(None, old, new, autojunk=len(old) + len(new) > max_chars)
    return [(offset + i1, offset + i2, new[j1:j2]) for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal"]


def _apply(block: Block, new: str, rules: MojibakeRules) -> tuple[Block, list[Removal]]:
    edits = diff_edits(block.text, new, rules.max_diff_chars)
    fixed = edit_text(block, edits)
    if fixed.link_chars > len(fixed.text):
        fixed = fixed.with_text(fixed.text, link_chars=len(fixed.text))
    return fixed, _log(block, new, edits, rules)


LINE_BREAKS = frozenset("\r\u2028\u2029\x85")


def _log(block: Block, new: str, edits: list[tuple[int, int, str]], rules: MojibakeRules) -> list[Removal]:
    """One log entry per rewritten word (what it was, what it became, the kind of fix), and one
    per piece of text a fix deleted outright (control characters, terminal escapes)."""
    text = block.text
    deleted = [not repl and not fix_text(text[s:e]) for s, e, repl in edits]
    out = [removal(NAME, rules.delete_rule, block, s, e, why="deleted: control characters, an invisible one or a terminal escape")
           for (s, e, _), gone in zip(edits, deleted) if gone]
    starts = [s for s, _, _ in edits]
    for a, b, fixed in rewritten_words(text, edits, new, [not gone for gone in deleted]):
        changed = "".join(text[s:e] for s, e, _ in edits[bisect_left(starts, a):bisect_left(starts, b)])
        rule = rules.rewrite_rules[_rewrite_kind(text[a:b], changed, fixed)]
        out.append(removal(NAME, rule, block, a, b, why=f"replaced by {fixed!r}"))
    return sorted(out, key=lambda r: (r.span.chars or (0, 0), r.rule))


def _rewrite_kind(word: str, changed: str, fixed: str) -> str:
    """Which kind of fix rewrote ``word`` (its characters ``changed``) into ``fixed`` (REWRITE_KINDS)."""
    if any(ord(c) in chardata.LIGATURES for c in changed):
        return "ligature"
    if any(ord(c) in chardata.WIDTH_MAP for c in changed):
        return "width"
    if any(c in LINE_BREAKS for c in changed):
        return "line_break"
    if "&" in word and html.unescape(word) == fixed:
        return "entity"
    return "encoding"


def _try_plan(text: str, plan: tuple[tuple[str, str], ...]) -> str | None:
    """``text`` re-decoded by ``plan``, strictly; None where any step fails."""
    obj: str | bytes = text
    try:
        for action, codec in plan:
            obj = obj.encode(codec) if action == "encode" else obj.decode(codec)  # type: ignore[union-attr]
    except UnicodeError:
        return None
    return obj if isinstance(obj, str) else None


COMMON_SCRIPTS = regex.compile(r"[\p{Script=Common}\p{Script=Inherited}\p{Script=Latin}]")
UNWANTED = {"Cc", "Cf", "Cn", "Co", "Cs"}


def _plausible(new: str, old: str, seen_blocks: frozenset[int]) -> bool:
    """The characters a re-decoding produced are ones text uses: no controls, unassigned or private
    code points, and letters only of Latin or of a Unicode block already seen in the page's fixes
    (a clean 'daß…' would otherwise decode to an NKo digit)."""
    for c in set(new) - set(old):
        if unicodedata.category(c) in UNWANTED:
            return False
        if not COMMON_SCRIPTS.match(c) and ord(c) >> 7 not in seen_blocks:
            return False
    return True


def stage(doc: Document, rules) -> Document:
    r: MojibakeRules = rules.stage(NAME)
    blocks = list(doc.kept)
    removed: list[Removal] = []
    plan_counts: Counter = Counter()
    refused: list[int] = []  # blocks with a mojibake hint that ftfy did not re-decode
    seen: set[int] = set()
    for i, block in enumerate(blocks):
        text = _with_space_after(block, doc.text)
        hint = _hint_unless_fix(text)
        if hint is not None:  # nothing ftfy would change
            if hint:
                refused.append(i)
            continue
        fixed, plans = _fix_and_plans(text, block_config(text))
        if text is not block.text:  # the space put back was only there for ftfy to see the pair
            fixed, text = fixed.rstrip(), block.text
        if plans:
            plan_counts[plans[0]] += 1
            seen.update(ord(c) >> 7 for c in fixed if ord(c) > 127)
        elif _mojibake_hint(fixed):
            refused.append(i)
        if fixed != text:
            blocks[i], cut = _apply(block, fixed, r)
            removed.extend(cut)
    warnings = []
    plan = _page_plan(plan_counts, r)
    if plan and refused:
        steps = " -> ".join(f"{a} {c}" for a, c in plan)
        seen_blocks = frozenset(seen)
        for i in refused:
            old = blocks[i]
            decoded = _try_plan(old.text, plan)
            if decoded is None or decoded == old.text:
                continue
            new = ftfy.fix_text(decoded, block_config(decoded)) if needs_fix(decoded) else decoded
            if badness(new) > badness(old.text) or not _plausible(new, old.text, seen_blocks):
                continue
            blocks[i], cut = _apply(old, new, r)
            removed.extend(cut)
            # ftfy alone refused this one: say so, so a reader can check it
            warnings.append(PageWarning(NAME, "page-plan", old.span,
                                        f"{_short(old.text)!r} -> {_short(new)!r} by the page's plan ({steps}), "
                                        f"which ftfy used on {plan_counts[plan]} other block(s)"))
    return doc.evolve(NAME, blocks=blocks, cuts=removed, warnings=warnings)


def _with_space_after(block: Block, source: str) -> str:
    """The block's text, and the space that follows it in the source where the text ends in the
    first half of a mis-decoded no-break space ("online.Â" + " "): the reader strips line ends, and
    ftfy can repair the pair only whole."""
    text = block.text
    if not text or text[-1] not in SPACE_LEADS or block.span.chars is None:
        return text
    end = block.source_offset(len(text), end=True)
    return text + " " if end is not None and source[end:end + 1] == " " else text


def _short(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[:n] + "…"


def _page_plan(counts: Counter, r: MojibakeRules) -> tuple[tuple[str, str], ...] | None:
    """The one plan the page shows clear evidence of, or None."""
    if not counts:
        return None
    # most_common breaks ties by first occurrence; a tie is no clear evidence anyway
    (plan, n), *rest = counts.most_common()
    if n < r.plan_min_blocks or n < r.plan_min_share * sum(counts.values()):
        return None
    if rest and rest[0][1] == n:
        return None
    return plan
