"""pdf: repairs of PDF-extraction artifacts, on pages that show PDF damage.

A page shows it when it is PDF text (its format, or a name or URL that says so), holds leaked
content-stream operators, has page furniture that marks page breaks (a running header, a page
number inside a broken sentence) or words hyphenated at line ends; an HTML page never does. Other
pages pass untouched: a web page's lower-case paragraph start is prose, not a sentence tail cut by a
page break. On such pages only sentences broken across blocks are joined (step 2 without its cuts):
dumps break them too.

In order:

1. Page furniture. Blocks that are only a page number (``12``, ``Page 3 of 10``, ``- 4 -``) and
   short lines that recur through the page like running headers and footers are dropped first, so
   that a sentence broken across a page boundary becomes adjacent again.
2. Broken sentences. A block that ends mid-sentence followed by a paragraph that starts in lower case
   are merged (spans join). Where text is evidently missing at the join (a comma followed by a word
   that cannot open a phrase, a word fragment, garbage cut at the join) the join still happens and a
   ``possibly-truncated`` warning says where. A lower-case paragraph start after a finished sentence
   is the tail of a sentence whose head is missing: it is cut (``headless-fragment``).
3. Per block: line-end hyphens rejoined where the joined word is a word (and a word split at a join
   without a hyphen, "optio" + "ns"), ligatures expanded and soft hyphens dropped (edits that keep
   the origin map); runs of leaked content-stream operators cut out
   of sentences (``pdf-operators``); a sentence that held garbage and is not a clean sentence without
   it is removed whole (``damaged``), never kept half-garbled. Clean sentences beside it stay.

Every threshold and word list is in rules (section ``pdf``).
"""
from __future__ import annotations

import re
import statistics
from types import MappingProxyType
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence

import regex

from ..document import (Block, Document, PageWarning, Removal, Span, dropped, edit_text, merge_blocks, removal,
                        rewrite, slice_block)
from ..profile import page_profile
from ..textrules import TextRules, running_key
from ..textutil import WORD, ends_closed, ends_sentence, is_word, sentence_spans, token_count, word_frequency

NAME = "pdf"
# markdown out first: a link target is not operator garbage
FORMATS = ("text", "html", "pdf")  # page formats it acts on (others pass through)
REQUIRES = ("plain-text",)  # facts it reads: a listed stage that provides one runs before it
PROVIDES = ("joined-lines",)
INVALIDATES = ("sections",)  # facts it would make stale: no stage that provides one runs before it

# kinds whose sentences are repaired; tables and code keep their tokens as they are
PROSE = ("paragraph", "list_item", "quote", "heading")
# a lower-case start: a run of lower-case letters that is a token of its own (not "mRNA", "pH",
# "cancer.org", "e.g.")
LOWER_START = regex.compile(r"^[\"'“‘(]?(\p{Ll}+(?:['’]\p{Ll}+)?)(?=$|\s|[,;:!?)\]\"'”’]|\.(?!\w))")
# end of a sentence tail: final punctuation, closing quotes/brackets/emphasis, then space or the end
TAIL_END = regex.compile(r"[.!?…][\"'”’)\]*_]*(?=\s|$)")
LEAD_PUNCT = regex.compile(r"^[(\[\"'“‘*_]+")
TRAIL_PUNCT = regex.compile(r"[)\]\"'”’*_.,;:!?]+$")
HYPHENS = "-\u2010\u00ad"
SOFT_HYPHEN = "\u00ad"
DEFAULT_GLUED = r"(?P<head>[A-Z]?[a-z]{2,})(?P<digits>\d+(?:[.,]\d+)*)(?P<tail>[a-z]*)"


@dataclass(frozen=True)
class PdfRules:
    """Compiled ``pdf`` section of the rules."""

    char_map: Mapping[str, str]
    char_re: regex.Pattern | None
    ops: Mapping[str, tuple[int, ...]]  # operator -> operand counts it takes
    distinctive: frozenset[str]
    number: regex.Pattern
    name: regex.Pattern
    resource_name: regex.Pattern
    min_run_tokens: int
    min_name_run_tokens: int
    ops_id: str
    token: regex.Pattern  # a text-showing operator with its string or array operand, or any token
    shown: regex.Pattern  # the first alternative of ``token``
    glued: regex.Pattern
    glued_operator: regex.Pattern
    operator_prefixes: frozenset[str]  # first two letters of the operators glued_operator finds
    word_min_frequency: float
    strong_weight: int
    medium_weight: int
    glued_operator_weight: int
    stray_letter: regex.Pattern  # a single lower-case letter, maybe with "(" before or punctuation after
    stray_exclude: frozenset[str]
    stray_max_frequency: float
    stray_recurring: int
    min_stray_letters: int
    stray_letters_weight: int
    suspect: re.Pattern
    suspect_lines: re.Pattern  # the same, multi-line: once over the page's blocks joined by line feeds
    # what every operator run holds, looked for in one pass over a page (``_may_hold_operators``):
    operator_token: re.Pattern  # a distinctive operator as a token of its own, after a blank
    name_token: regex.Pattern  # a /Name at a token's start (the rules' ``name``, bounded as it is)
    string_operators: tuple[str, ...]  # the operators that show a string ("(Hello) Tj")
    damaged_id: str
    damage_weight: int
    tail_stub_max_words: int
    first_part_min_words: int
    phrase_words: Mapping[str, PhraseWords]  # per language
    headless_id: str
    headless_max_words: int
    page_number_id: str
    page_number_max_chars: int  # "Page 123 of 456" and the like
    page_number: regex.Pattern  # the patterns as one alternation
    page_number_exclude: regex.Pattern | None
    header_id: str
    header_max_chars: int
    header_max_words: int
    header_min_repeats: int
    header_min_spread: float
    header_max_gap_cv: float
    header_page_number_max_gap_cv: float
    header_numbered_min_words: int
    header_sentence_min_words: int
    header_keep: tuple[regex.Pattern, ...]
    char_map_id: str  # rule id of a character the char map rewrote (a ligature expanded, a soft hyphen dropped)
    hyphen_id: str  # rule id of a hyphen removed where a word broken at a line end was rejoined


@dataclass(frozen=True)
class PhraseWords:
    """A language's words that tell a join across missing text (all empty for a language without them)."""

    after_comma_breaks: frozenset[str] = frozenset()  # cannot open a phrase after a comma or semicolon
    needs_continuation: frozenset[str] = frozenset()  # a part that ends in one needs a phrase after it ...
    cannot_start_phrase: frozenset[str] = frozenset()  # ... which cannot start with one of these
    hyphen_keep_space_before: frozenset[str] = frozenset()  # a line-end hyphen before one is suspended


NO_PHRASE_WORDS = PhraseWords()


def _phrase_words(where, section: Mapping) -> Mapping[str, PhraseWords]:
    out = {}
    for lang in section:
        body = where.get(section, lang, Mapping, {})
        w = where.at(lang)
        out[str(lang)] = PhraseWords(*(_words_list(w, body, key, []) for key in (
            "after_comma_breaks", "needs_continuation", "cannot_start_phrase", "hyphen_keep_space_before")))
    return MappingProxyType(out)


def _words_list(where, section: Mapping, key: str, default: Sequence[str]) -> frozenset[str]:
    values = where.get(section, key, (list, tuple), list(default))
    for i, v in enumerate(values):
        if not isinstance(v, str) or not v:
            raise where.at(key, i).error("expected a non-empty string")
    return frozenset(v.lower() for v in values)


def _int(where, section: Mapping, key: str, default: int, minimum: int = 0) -> int:
    return where.integer(section, key, default, lo=minimum)


def _float(where, section: Mapping, key: str, default: float, maximum: float | None = None) -> float:
    return where.number(section, key, default, lo=0, hi=maximum)


def _rule_id(where, section: Mapping, default: str) -> str:
    value = where.get(section, "id", str, default)
    if not value.strip():
        raise where.at("id").error("a rule id must not be empty")
    return value


def _operators(where, section: Mapping) -> dict[str, tuple[int, ...]]:
    out: dict[str, tuple[int, ...]] = {}
    for op, arities in section.items():
        w = where.at(op)
        if not isinstance(arities, (list, tuple)) or not arities or \
                not all(isinstance(a, int) and not isinstance(a, bool) and a >= 0 for a in arities):
            raise w.error("expected a list of operand counts (integers >= 0)")
        out[str(op)] = tuple(sorted(set(arities)))
    return out


def compile(section: Mapping, where) -> PdfRules:
    """Validate and compile the ``pdf`` section."""
    def sub(key: str) -> tuple[Mapping, object]:
        value = section.get(key) or {}
        if not isinstance(value, Mapping):
            raise where.at(key).error("expected a mapping")
        return value, where.at(key)

    chars = where.get(section, "char_map", Mapping, {})
    char_map: dict[str, str] = {}
    for k, v in chars.items():
        if not isinstance(k, str) or len(k) != 1 or not isinstance(v, str):
            raise where.at("char_map", k).error("expected one character mapped to a string")
        char_map[k] = v
    char_re = regex.compile("[" + "".join(regex.escape(c) for c in sorted(char_map)) + "]") if char_map else None

    ops_s, ops_w = sub("operators")
    dist_s = ops_s.get("distinctive") or {}
    gen_s = ops_s.get("generic") or {}
    if not isinstance(dist_s, Mapping) or not isinstance(gen_s, Mapping):
        raise ops_w.error("distinctive and generic must map operators to operand counts")
    distinctive = _operators(ops_w.at("distinctive"), dist_s)
    generic = _operators(ops_w.at("generic"), gen_s)
    ops = {**generic, **distinctive}
    number = ops_w.at("number").regex(ops_w.get(ops_s, "number", str, r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)"))
    name_source = ops_w.get(ops_s, "name", str, r"/[A-Z][A-Za-z0-9_.+#-]*")
    name = ops_w.at("name").regex(name_source)
    show = ops_w.get(ops_s, "string_operators", (list, tuple), ["Tj", "TJ"])
    if not show or not all(isinstance(o, str) and o for o in show):
        raise ops_w.at("string_operators").error("expected a list of operators")
    show_alt = "|".join(regex.escape(o) for o in sorted(show, key=lambda o: (-len(o), o)))
    # "(Hello) Tj" and "[(Hel) -20 (lo)] TJ" are one token each: a string operand holds spaces
    shown = regex.compile(r"(?:\((?:[^()\\\n]|\\.){0,200}\)|\[[^\[\]\n]{0,400}\])\s*(?:" + show_alt + r")(?!\S)")
    token = regex.compile(shown.pattern + r"|\S+")
    resource_name = ops_w.at("resource_name").regex(ops_w.get(ops_s, "resource_name", str, r"/[A-Z][A-Za-z]{0,2}\d+"))

    gar_s, gar_w = sub("garbled")
    glued = gar_w.at("glued").regex(gar_w.get(gar_s, "glued", str, DEFAULT_GLUED))
    if not {"head", "digits", "tail"} <= set(glued.groupindex):
        raise gar_w.at("glued").error("the pattern needs the named groups head, digits and tail")
    exclude = _words_list(gar_w, gar_s, "stray_letters_exclude", ["a"])
    stray_letter = regex.compile(r"\(?(\p{Ll})[.,;:]?")
    upper_ops = sorted((op for op in distinctive if op[:1].isupper() and op.isalpha()), key=lambda o: (-len(o), o))
    glued_operator = regex.compile("(?:" + "|".join(map(regex.escape, upper_ops)) + r")\p{Ll}{1,3}") \
        if upper_ops else regex.compile(r"(?!)")
    # cheap test whether a block may hold garbage at all (the stdlib engine scans these faster):
    # letters glued to a digit, a /Name, a number before a distinctive operator that takes operands,
    # a string shown by an operator, or two stray letters in a row
    takes = sorted((op for op, ar in distinctive.items() if max(ar) > 0), key=lambda o: (-len(o), o))
    parts = [r"[a-z]\d", r"/[A-Z]", r"[)\]] ?(?:" + show_alt + r")(?!\S)"]
    if takes:
        parts.append(r"\d (?:" + "|".join(map(re.escape, takes)) + r")(?!\S)")
    parts.append(r"(?:^|[ (])[a-z] [a-z]\b")
    suspect = re.compile("|".join(parts))

    dam_s, dam_w = sub("damaged")
    join_s, join_w = sub("joins")
    head_s, head_w = sub("headless")
    pn_s, pn_w = sub("page_number")
    rh_s, rh_w = sub("running_header")

    patterns = pn_w.get(pn_s, "patterns", (list, tuple), [r"\d{1,4}"])
    # each one checked on its own too, so an error (or one that runs too long) names its entry
    page_number = pn_w.at("patterns").regex_any(patterns) if patterns else regex.compile(r"(?!)")
    pn_exclude = pn_s.get("exclude")
    keep = rh_w.get(rh_s, "keep", (list, tuple), [])
    return PdfRules(
        char_map=char_map,
        char_re=char_re,
        ops=ops,
        distinctive=frozenset(distinctive),
        number=number,
        name=name,
        resource_name=resource_name,
        min_run_tokens=_int(ops_w, ops_s, "min_run_tokens", 3, 1),
        min_name_run_tokens=_int(ops_w, ops_s, "min_name_run_tokens", 2, 1),
        ops_id=_rule_id(ops_w, ops_s, "pdf-operators"),
        token=token,
        shown=shown,
        glued=glued,
        glued_operator=glued_operator,
        operator_prefixes=frozenset(op[:2] for op in upper_ops),
        word_min_frequency=_float(gar_w, gar_s, "word_min_frequency", 2e-6, 1),
        strong_weight=_int(gar_w, gar_s, "strong_weight", 2),
        medium_weight=_int(gar_w, gar_s, "medium_weight", 1),
        glued_operator_weight=_int(gar_w, gar_s, "glued_operator_weight", 1),
        stray_letter=stray_letter,
        stray_exclude=exclude,
        stray_max_frequency=_float(gar_w, gar_s, "stray_letter_max_frequency", 1e-3, 1),
        stray_recurring=_int(gar_w, gar_s, "stray_letters_recurring", 3, 2),
        min_stray_letters=_int(gar_w, gar_s, "min_stray_letters", 2, 2),
        stray_letters_weight=_int(gar_w, gar_s, "stray_letters_weight", 2),
        suspect=suspect,
        suspect_lines=re.compile(suspect.pattern, re.MULTILINE),
        # the stdlib engine's \s takes every blank regex's \S stops a token at (and a few more)
        operator_token=re.compile(r"\s(?:" + _prefix_tree(distinctive) + r")(?!\S)"),
        name_token=ops_w.at("name").regex(r"(?<!\S)(?:" + name_source + ")"),
        string_operators=tuple(show),
        damaged_id=_rule_id(dam_w, dam_s, "damaged"),
        damage_weight=_int(dam_w, dam_s, "weight", 2, 1),
        tail_stub_max_words=_int(dam_w, dam_s, "tail_stub_max_words", 4),
        first_part_min_words=_int(join_w, join_s, "first_part_min_words", 6),
        phrase_words=_phrase_words(join_w.at("words"), join_w.get(join_s, "words", Mapping, {})),
        headless_id=_rule_id(head_w, head_s, "headless-fragment"),
        headless_max_words=_int(head_w, head_s, "max_words", 30, 1),
        page_number_id=_rule_id(pn_w, pn_s, "page-number"),
        page_number_max_chars=_int(pn_w, pn_s, "max_chars", 20, 1),
        page_number=page_number,
        page_number_exclude=pn_w.at("exclude").regex(pn_exclude) if pn_exclude is not None else None,
        header_id=_rule_id(rh_w, rh_s, "running-header"),
        header_max_chars=_int(rh_w, rh_s, "max_chars", 80, 1),
        header_max_words=_int(rh_w, rh_s, "max_words", 12, 1),
        header_min_repeats=_int(rh_w, rh_s, "min_repeats", 3, 2),
        header_min_spread=_float(rh_w, rh_s, "min_spread", 0.5, 1),
        header_max_gap_cv=_float(rh_w, rh_s, "max_gap_cv", 0.35),
        header_page_number_max_gap_cv=_float(rh_w, rh_s, "page_number_max_gap_cv", 0.5),
        header_numbered_min_words=_int(rh_w, rh_s, "numbered_min_words", 2, 0),
        header_sentence_min_words=_int(rh_w, rh_s, "sentence_min_words", 4, 1),
        header_keep=tuple(rh_w.at("keep", i).regex(p) for i, p in enumerate(keep)),
        char_map_id=where.get(section, "char_map_id", str, "ligature"),
        hyphen_id=_rule_id(join_w, join_s, "hyphenation"),
    )


def _prefix_tree(words: Collection[str]) -> str:
    """An alternation matching exactly ``words`` (non-empty), as a tree of their shared prefixes
    ("B(?:DC|MC|T)|E(?:MC|T)|..."): the engine tries one branch per first character, not every word."""
    by_first: dict[str, list[str]] = {}
    for w in sorted(set(words)):
        by_first.setdefault(w[0], []).append(w[1:])
    branches = []
    for first, rests in by_first.items():
        longer = [r for r in rests if r]
        if not longer:
            branches.append(re.escape(first))
            continue
        rest = "(?:" + _prefix_tree(longer) + ")" + ("?" if "" in rests else "")
        branches.append(re.escape(first) + rest)
    return "|".join(branches)


# ------------------------------------------------------------------------------------------ helpers

def _strip(token: str) -> str:
    """A token without the punctuation and emphasis marks around it."""
    return TRAIL_PUNCT.sub("", LEAD_PUNCT.sub("", token))


def _lower_start(text: str) -> str | None:
    """The first word of ``text`` when the text starts with a lower-case word of its own, else None."""
    m = LOWER_START.match(text)
    return m.group(1) if m else None


def _tail(text: str) -> str:
    """The text without trailing blanks and emphasis marks, for end-of-sentence tests."""
    return text.rstrip().rstrip("*_").rstrip()


def _mid_sentence(text: str) -> bool:
    """Whether a block ends mid-sentence: no sentence-final punctuation, no list-introducing colon."""
    tail = _tail(text)
    return bool(tail) and not ends_sentence(tail) and not tail.endswith(":")


def _normal(word: str, cfg: PdfRules) -> str:
    """A word as the word list spells it: ligatures expanded, lower case."""
    if cfg.char_re is not None:
        word = cfg.char_re.sub(lambda m: cfg.char_map[m.group()], word)
    return word.lower()


# ----------------------------------------------------------------------------------- page furniture



NUMERIC = regex.compile(r"[\d\s.,%/+-]+")


def _numeric(blocks: Sequence[Block], i: int, cfg: PdfRules) -> bool:
    """Whether block ``i`` is a bare number: beside another one, a number is a table cell."""
    return 0 <= i < len(blocks) and len(blocks[i].text) <= cfg.page_number_max_chars and \
        NUMERIC.fullmatch(blocks[i].text.strip()) is not None


def _is_page_number(text: str | None, cfg: PdfRules) -> bool:
    if text is None or len(text) > cfg.page_number_max_chars:
        return False
    if cfg.page_number_exclude is not None and cfg.page_number_exclude.fullmatch(text):
        return False
    return cfg.page_number.fullmatch(text) is not None


DIGITS = regex.compile(r"\d+")
def _page_numbered(texts: Sequence[str]) -> bool:
    """Whether the lines differ only in numbers that go up from one to the next (page numbers)."""
    numbers = [[int(n) for n in DIGITS.findall(t)] for t in texts]
    if not numbers[0] or any(len(n) != len(numbers[0]) for n in numbers):
        return False
    varying = [k for k in range(len(numbers[0])) if len({n[k] for n in numbers}) > 1]
    return bool(varying) and all(all(a[k] < b[k] for a, b in zip(numbers, numbers[1:])) for k in varying)


def _continues(a: Block, b: Block) -> bool:
    """Whether ``b`` carries on the sentence that ``a`` leaves open (a paragraph in lower case)."""
    return b.kind == "paragraph" and a.kind in ("paragraph", "list_item") and b.text[:1].islower() \
        and _lower_start(b.text) is not None and _mid_sentence(a.text)


def _interrupts(blocks: Sequence[Block], i: int, furniture: set[int]) -> bool:
    """Whether block ``i`` stands inside a broken sentence (as headers at page breaks do)."""
    before = next((blocks[j] for j in range(i - 1, max(-1, i - 4), -1) if j not in furniture), None)
    after = next((blocks[j] for j in range(i + 1, min(len(blocks), i + 4)) if j not in furniture), None)
    return before is not None and after is not None and _continues(before, after)


def _source_line(b: Block, doc: Document) -> str | None:
    """The source line of a one-line block, as written (None when the block has no such line)."""
    if b.span.chars is None or b.span.lines[0] != b.span.lines[1] or not doc.text:
        return None
    return doc.text[b.span.chars[0]:b.span.chars[1]].strip()


def _page_numbers(blocks: Sequence[Block], doc: Document, cfg: PdfRules) -> list[int]:
    """Indices of the blocks that are only a page number (a bare number beside another is a table cell)."""
    return [i for i in range(len(blocks)) if _is_page_number_block(blocks, i, doc, cfg)]


def _is_page_number_block(blocks: Sequence[Block], i: int, doc: Document, cfg: PdfRules) -> bool:
    b = blocks[i]
    if b.kind not in ("paragraph", "list_item") or len(b.text) > cfg.header_max_chars:
        return False
    text = b.text.strip()
    if len(text) > cfg.page_number_max_chars:
        return False
    # a list item is judged by its source line: the reader reads "- 4 -" as an item "4 -",
    # and an item "- 12" is a number in a list
    return _is_page_number(_source_line(b, doc) if b.kind == "list_item" else text, cfg) \
        and not _numeric(blocks, i - 1, cfg) and not _numeric(blocks, i + 1, cfg)


def _header_candidates(blocks: Sequence[Block], skip: Collection[int], cfg: PdfRules,
                       tr: TextRules) -> dict[str, list[int]]:
    """Short paragraphs that could be running headers or footers, grouped by their running key (the
    line with its numbers masked): {key: block indices in page order}. Blocks in ``skip`` are out."""
    groups: dict[str, list[int]] = {}
    for i, text in _candidates(blocks, skip, cfg):
        key = running_key(text, tr)
        if any(c.isalpha() for c in key):
            groups.setdefault(key, []).append(i)
    return groups


def _candidates(blocks: Sequence[Block], skip: Collection[int], cfg: PdfRules) -> Iterator[tuple[int, str]]:
    """(index, stripped text) of the short paragraphs not in ``skip`` that are no sentence."""
    for i, b in enumerate(blocks):
        if b.kind != "paragraph" or len(b.text) > cfg.header_max_chars or i in skip:
            continue
        text = b.text.strip()
        n_words = token_count(text)
        if n_words > cfg.header_max_words or (n_words >= cfg.header_sentence_min_words and ends_sentence(_tail(text))):
            continue  # long, or a sentence: text, not a header
        yield i, text


def _recurring_candidates(blocks: Sequence[Block], skip: Collection[int], cfg: PdfRules,
                          tr: TextRules) -> dict[str, list[int]]:
    """The groups of ``_header_candidates`` with ``header_min_repeats`` blocks or more (the only
    ones ``_repeated`` keeps). Blocks are first grouped by the letters of their key, which ASCII
    text gives without the key; only groups large enough are then keyed."""
    by_letters: dict[str, list[int]] = {}
    for i, text in _candidates(blocks, skip, cfg):
        letters = _key_letters(text, tr)
        if letters:  # a key without letters is no header's
            by_letters.setdefault(letters, []).append(i)
    groups: dict[str, list[int]] = {}
    for members in by_letters.values():
        if len(members) >= cfg.header_min_repeats:
            for i in members:
                groups.setdefault(running_key(blocks[i].text.strip(), tr), []).append(i)
    return {key: idx for key, idx in groups.items() if len(idx) >= cfg.header_min_repeats}


_ASCII_NON_LETTERS = str.maketrans("", "", "".join(c for c in map(chr, range(128)) if not c.isalpha()))


def _key_letters(text: str, tr: TextRules) -> str:
    """The letters of ``running_key(text)``, in order (blocks with one key have the same letters).
    For ASCII text they are its letters lower-cased: the key masks digits and folds the rest away."""
    if text.isascii():
        return text.lower().translate(_ASCII_NON_LETTERS)
    return "".join(filter(str.isalpha, running_key(text, tr)))


def _repeated(groups: Mapping[str, list[int]], blocks: Sequence[Block], cfg: PdfRules) -> list[list[int]]:
    """The candidate groups that repeat often enough, without the lines to keep: dates, revision
    lines and rights are meta that the boilerplate stage saves, never headers."""
    repeated = []
    for idx in groups.values():
        if len(idx) >= cfg.header_min_repeats:
            idx = [i for i in idx if not any(p.search(blocks[i].text) for p in cfg.header_keep)]
            if len(idx) >= cfg.header_min_repeats:
                repeated.append(idx)
    return repeated


def _positions(blocks: Sequence[Block], doc: Document) -> tuple[list[int], int]:
    """Where each block stands on the page and the page's length: in characters when every block
    has them, else in blocks."""
    if all(b.span.chars is not None for b in blocks):
        return [b.span.chars[0] for b in blocks], len(doc.text) if doc.text else len(blocks)
    return list(range(len(blocks))), len(blocks)


def _gap_variation(pos: Sequence[int]) -> float:
    """Coefficient of variation of the gaps between positions (0: evenly spaced, inf: no gap)."""
    gaps = [b - a for a, b in zip(pos, pos[1:])]
    mean = sum(gaps) / len(gaps)
    return statistics.pstdev(gaps) / mean if mean > 0 else float("inf")


@dataclass(frozen=True)
class Repeats:
    """What tells a short line that recurs through the page for a running header or footer."""

    count: int  # its copies
    gap_variation: float  # of the gaps between the copies (0: perfectly regular)
    numbered: bool  # the copies differ only in numbers that go up (page numbers)
    label: bool  # few words: a numbered label ("Section 3") as often as a running line
    interrupts: bool  # some copy stands inside a broken sentence


def _measure_repeats(idx: Sequence[int], blocks: Sequence[Block], pos: Sequence[int], total: int,
                     furniture: set[int], cfg: PdfRules) -> Repeats | None:
    """The evidence on the copies ``idx`` of a line; None when they do not spread across the page."""
    at = [pos[i] for i in idx]
    if total <= 0 or (at[-1] - at[0]) / total < cfg.header_min_spread:
        return None
    return Repeats(count=len(idx), gap_variation=_gap_variation(at),
                   numbered=_page_numbered([blocks[i].text for i in idx]),
                   label=len(WORD.findall(blocks[idx[0]].text)) < cfg.header_numbered_min_words,
                   interrupts=any(_interrupts(blocks, i, furniture) for i in idx))


def _is_running(r: Repeats, cfg: PdfRules) -> bool:
    """Whether a repeated line is a running header or footer. A line with a page number in it needs
    regular spacing; a numbered label or a line without a number needs a sentence it interrupts too
    (a long web page repeats its section headings at fairly regular intervals)."""
    cv = r.gap_variation
    if r.numbered and not r.label and cv <= cfg.header_page_number_max_gap_cv:
        return True
    return r.interrupts and cv <= (cfg.header_page_number_max_gap_cv if r.numbered else cfg.header_max_gap_cv)


def _running_why(r: Repeats) -> str:
    return (f"the same line {r.count} times at regular gaps (variation {r.gap_variation:.2f})"
            + (", page numbers going up" if r.numbered else ", inside broken sentences"))


def _running_lines(blocks: Sequence[Block], doc: Document, page_numbers: Sequence[int], cfg: PdfRules,
                   tr: TextRules) -> dict[int, str]:
    """Running headers and footers: {block index: why}."""
    repeated = _repeated(_recurring_candidates(blocks, set(page_numbers), cfg, tr), blocks, cfg)
    if not repeated:
        return {}
    furniture = set(page_numbers).union(*repeated)
    pos, total = _positions(blocks, doc)
    found: dict[int, str] = {}
    for idx in repeated:
        r = _measure_repeats(idx, blocks, pos, total, furniture, cfg)
        if r is not None and _is_running(r, cfg):
            found.update((i, _running_why(r)) for i in idx)
    return found


def _shows_page_breaks(blocks: Sequence[Block], drop: Mapping[int, str], cfg: PdfRules) -> bool:
    """Whether the dropped furniture marks page breaks: a running header, or a page number standing
    inside a broken sentence."""
    return any(rule == cfg.header_id or _interrupts(blocks, i, set(drop)) for i, rule in drop.items())


def _drop_furniture(blocks: list[Block], doc: Document, cfg: PdfRules,
                    tr: TextRules) -> tuple[list[Block], list[Block], bool]:
    """The blocks without page numbers and running headers/footers, in order; those, dropped; and
    whether the furniture shows page breaks (a running header, or a page number standing inside a
    broken sentence)."""
    page_numbers = _page_numbers(blocks, doc, cfg)
    running = _running_lines(blocks, doc, page_numbers, cfg, tr)
    drop = {i: cfg.page_number_id for i in page_numbers}
    drop.update((i, cfg.header_id) for i in running)
    if not drop:
        return blocks, [], False
    why = {i: "a page number alone on its line" for i in page_numbers} | running
    gone = [dropped(blocks[i], NAME, drop[i], why=why[i]) for i in sorted(drop)]
    return [b for i, b in enumerate(blocks) if i not in drop], gone, _shows_page_breaks(blocks, drop, cfg)


# ---------------------------------------------------------------------------------- broken sentences

@dataclass(frozen=True)
class Join:
    """Where two blocks were joined: the separator's position in the merged text, and why text may
    be missing there (None when nothing says so)."""

    pos: int
    note: str | None
    span: Span
    context: str
    split_word: bool = False  # "optio" + "ns": one word broken without a hyphen, joined without a space


def _can_merge(a: Block, b: Block, cfg: PdfRules) -> bool:
    # a short first part is a label or a heading ("Today on WebMD"), not a sentence cut short
    return _continues(a, b) and len(WORD.findall(a.text)) >= cfg.first_part_min_words


def _join(a_text: str, b_text: str, merged: Block, cfg: PdfRules, lang: str) -> Join:
    pos = len(a_text)
    a_tail = a_text.rstrip()
    a_tok = a_tail.split()[-1]
    b_tok = b_text.split()[0]
    start = len(a_tail) - len(a_tok)
    end = pos + 1 + (len(b_text) - len(b_text.lstrip())) + len(b_tok)
    last, first = _strip(a_tok), _strip(b_tok).lower()
    words = cfg.phrase_words.get(lang, NO_PHRASE_WORDS)
    note = None
    if last.isalpha() and last.islower() and a_tok == last and b_tok.isalpha() and b_tok.islower():
        lw, joined = _normal(last, cfg), _normal(last + b_tok, cfg)
        f = word_frequency(joined, lang)
        if word_frequency(lw, lang) < cfg.word_min_frequency and f >= cfg.word_min_frequency and \
                f > word_frequency(b_tok, lang):
            return Join(pos, None, merged.subspan(start, end), merged.text[start:end], split_word=True)
    if a_tail[-1] in HYPHENS:
        pass  # a word hyphenated across the break: the hyphen repair joins it
    elif a_tail[-1] in ",;" and first in words.after_comma_breaks:
        note = f"'{first}' cannot continue after '{a_tail[-1]}'"
    elif last.lower() in words.needs_continuation and first in words.cannot_start_phrase:
        note = f"'{last}' needs a phrase after it, '{first}' cannot start one"
    elif last.isalpha() and last.islower() and a_tok == last and \
            word_frequency(_normal(last, cfg), lang) < cfg.word_min_frequency and \
            not is_word(_normal(last + first, cfg), lang):  # a rare word or a word's head cut off
        note = f"the first part ends in a word fragment '{last}'"
    return Join(pos, note, merged.subspan(start, end), merged.text[start:end])


def _cut_headless(b: Block, cfg: PdfRules, lang: str, removed: list[Removal]) -> Block:
    """``b`` without a leading lower-case tail of a sentence whose head is missing (dropped when it
    is nothing else)."""
    first = _lower_start(b.text)
    if first is None or not is_word(_normal(first, cfg), lang):
        return b
    end = None
    for m in TAIL_END.finditer(b.text):
        rest = b.text[m.end():].lstrip()
        if not rest or not rest[0].islower():  # a period before a lower-case word is an abbreviation
            end = m.end()
            break
    if end is None or len(WORD.findall(b.text[:end])) > cfg.headless_max_words:
        return b
    rest_at = len(b.text) - len(b.text[end:].lstrip())
    why = "starts in lower case after a break: the tail of a sentence whose head is missing"
    if rest_at >= len(b.text):
        return dropped(b, NAME, cfg.headless_id, why=why)
    removed.append(removal(NAME, cfg.headless_id, b, 0, end, why=why))
    return slice_block(b, rest_at, len(b.text))


def _rejoin(blocks: list[Block], cfg: PdfRules, lang: str, cut_headless: bool = True
            ) -> tuple[list[Block], dict[int, list[Join]], list[Removal], list[Block]]:
    """Broken sentences merged; headless tails cut (where ``cut_headless``): the blocks, the joins
    keyed by index in them, the cuts, and the blocks that were nothing but a headless tail (dropped)."""
    out: list[Block] = []
    joins: dict[int, list[Join]] = {}
    removed: list[Removal] = []
    gone: list[Block] = []
    for b in blocks:
        prev = out[-1] if out else None
        # only a paragraph in lower case carries on a sentence (``_continues``' first tests, asked
        # here: most blocks are passed over without a call)
        if prev is not None and b.kind == "paragraph" and b.text[:1].islower() and _can_merge(prev, b, cfg):
            merged = merge_blocks([prev, b], " ")
            joins.setdefault(len(out) - 1, []).append(_join(prev.text, b.text, merged, cfg, lang))
            out[-1] = merged
            continue
        if cut_headless and prev is not None and b.kind == "paragraph" and b.text[:1].islower() \
                and prev.kind in ("paragraph", "list_item", "quote") and ends_sentence(_tail(prev.text)):
            b = _cut_headless(b, cfg, lang, removed)
            if b.drop is not None:
                gone.append(b)
                continue
        out.append(b)
    return out, joins, removed, gone


# ------------------------------------------------------------------------ hyphens and ligatures

LETTERS_BEFORE = regex.compile(r"\p{L}+$")
LETTERS_AFTER = regex.compile(r"\p{L}+")


def _line_joins(block: Block, source: str, extra: Sequence[int]) -> list[int]:
    """Positions in the block text of the separators where two source lines were joined."""
    out = set(extra)
    text = block.text
    for (t1, s1, n1), (t2, s2, _) in zip(block.origin, block.origin[1:]):
        p = t1 + n1
        if t2 > p and not text[p:t2].strip() and s2 > s1 + n1 and \
                (source.find("\n", s1 + n1, s2) >= 0 or source.find("\r", s1 + n1, s2) >= 0):
            out.add(p)
    return sorted(out)


def _shift(pos: int, edits: Sequence[tuple[int, int, str]]) -> int:
    """Where text position ``pos`` is after ``edits``."""
    delta = 0
    for s, e, r in edits:
        if e <= pos:
            delta += len(r) - (e - s)
        elif s < pos:
            return s + delta + len(r)
    return pos + delta


def _repair_words(block: Block, source: str, joins: Sequence[int], split_words: Sequence[int], cfg: PdfRules,
                  lang: str) -> tuple[Block, list[tuple[int, int, str]]]:
    """Line-end hyphens rejoined, words split at a join rejoined, ligatures expanded, soft hyphens
    dropped; the edits made."""
    text = block.text
    edits: list[tuple[int, int, str]] = [(p, p + 1, "") for p in split_words if text[p:p + 1].isspace()]
    for p in _line_joins(block, source, joins):
        if p < 2 or text[p - 1] not in HYPHENS or not text[p - 2].isalpha():
            continue
        q = p
        while q < len(text) and text[q].isspace():
            q += 1
        if q == p or q >= len(text) or not text[q].islower():
            continue
        if text[p - 1] == SOFT_HYPHEN:  # a soft hyphen only ever marks a break inside a word
            edits.append((p - 1, q, ""))
            continue
        left = LETTERS_BEFORE.search(text, max(0, p - 65), p - 1)
        right = LETTERS_AFTER.match(text, q)
        if left is None or right is None or right.group().lower() in cfg.phrase_words.get(lang, NO_PHRASE_WORDS).hyphen_keep_space_before:
            continue  # "pre- and post-operative": a suspended hyphen keeps its space
        lw, rw = _normal(left.group(), cfg), _normal(right.group(), cfg)
        joined = lw + rw
        # "treat- ment" is "treatment"; "well- known" stays "well-known" (the joined form is rarer
        # than its parts)
        if is_word(joined, lang) and \
                word_frequency(joined, lang) >= min(word_frequency(lw, lang), word_frequency(rw, lang)):
            edits.append((p - 1, q, ""))
        else:
            edits.append((p, q, ""))
    if cfg.char_re is not None and cfg.char_re.search(text):
        taken = sorted(edits)
        starts = [s for s, _, _ in taken]
        for m in cfg.char_re.finditer(text):
            i = m.start()
            k = bisect_right(starts, i) - 1
            if k >= 0 and taken[k][0] <= i < taken[k][1]:
                continue  # already part of a hyphen repair
            edits.append((i, i + 1, cfg.char_map[m.group()]))
    if not edits:
        return block, []
    edits.sort()
    return edit_text(block, edits), edits


def _log_repairs(block: Block, edits: Sequence[tuple[int, int, str]], cfg: PdfRules) -> list[Removal]:
    """Log entries for the word repairs: each hyphen removed at a line end, each character the char
    map rewrote. Blanks taken out between the parts of a rejoined word are layout, not text."""
    out = []
    for s, e, repl in edits:
        piece = block.text[s:e]
        if not piece.strip():
            continue
        if repl == "" and piece.rstrip()[:1] in HYPHENS and piece.rstrip() != SOFT_HYPHEN:
            out.append(removal(NAME, cfg.hyphen_id, block, s, s + 1, why="a word broken at a line end, rejoined"))
        else:
            out.append(rewrite(NAME, cfg.char_map_id, block, s, e, repl))
    return out


# ------------------------------------------------------------------------------- garbage in text

@dataclass(frozen=True)
class Item:
    """A piece of garbage in a block: an operator run (weight 0: cut if the rest is clean) or a
    garbled token/letter run (its weight says how sure it is). ``letters`` names a run of stray
    letters ("t g"), which is language, not garbage, where it recurs on the page."""

    start: int
    end: int
    op: bool
    weight: int
    letters: str | None = None


def _trim_run(run: list[tuple[int, str]], toks: list[tuple[int, int, str]], text: str,
              cfg: PdfRules) -> tuple[int, int] | None:
    """The token range of a run that is garbage, or None; operands no operator takes are text."""
    kinds = [k for _, k in run]
    ops = [n for n, k in enumerate(kinds) if k in ("op", "shown")]
    at_end = not text[toks[run[-1][0]][1]:].strip(" \t.,;:")
    names = [n for n, k in enumerate(kinds) if k == "name"]
    if ops:
        first = toks[run[ops[0]][0]][2]
        lo = max(0, ops[0] - (max(cfg.ops[first]) if kinds[ops[0]] == "op" else 0))
        tail_names = [n for n in names if n > ops[-1]]
        hi = len(run) if at_end else (tail_names[-1] + 1 if tail_names else ops[-1] + 1)
    elif names:
        lo, hi = names[0], len(run) if at_end else names[-1] + 1
    else:
        return None
    part = run[lo:hi]
    n = len(part)
    part_names = [i for i, k in part if k == "name"]
    distinctive = any((k == "op" and toks[i][2] in cfg.distinctive) or k == "shown" for i, k in part)
    if not (distinctive or part_names):
        return None
    if n >= cfg.min_run_tokens or (part_names and n >= cfg.min_name_run_tokens) or \
            (n == 1 and part_names and cfg.resource_name.fullmatch(toks[part_names[0]][2])):
        return part[0][0], part[-1][0] + 1
    return None


def _operator_runs(toks: list[tuple[int, int, str]], text: str, cfg: PdfRules) -> list[tuple[int, int]]:
    """Token ranges of leaked content-stream operators with their operands."""
    runs: list[tuple[int, int]] = []
    run: list[tuple[int, str]] = []
    pending = 0  # operands since the last operator
    for idx, (_, _, tok) in enumerate(toks):
        if cfg.number.fullmatch(tok):
            kind = "num"
        elif tok[0] in "([" and cfg.shown.fullmatch(tok):
            kind = "shown"  # a text-showing operator with its operand
        elif cfg.name.fullmatch(tok):
            kind = "name"
        elif tok in cfg.ops and (tok in cfg.distinctive or pending in cfg.ops[tok]):
            kind = "op"  # a generic operator ("cm", "re", "Do") only with its operands before it
        else:
            kind = None
        if kind is None:
            if run:
                r = _trim_run(run, toks, text, cfg)
                if r:
                    runs.append(r)
            run, pending = [], 0
            continue
        run.append((idx, kind))
        pending = 0 if kind in ("op", "shown") else pending + 1
    if run:
        r = _trim_run(run, toks, text, cfg)
        if r:
            runs.append(r)
    return runs


@lru_cache(maxsize=64)
def _stray_letters(lang: str, max_frequency: float, exclude: frozenset[str]) -> frozenset[str]:
    """Letters that are no word on their own in the language ("a", "i" are; "t", "g" are not)."""
    return frozenset(c for c in "abcdefghijklmnopqrstuvwxyz"
                     if c not in exclude and word_frequency(c, lang) < max_frequency)


def _garbled(toks: list[tuple[int, int, str]], in_run: list[bool], cfg: PdfRules, lang: str) -> list[Item]:
    """Garbled tokens: word fragments glued to digits or operators, runs of stray letters."""
    items: list[Item] = []
    stray: list[int] = []
    letters: frozenset[str] | None = None  # looked up at the first one-letter token: it loads a word list

    def flush() -> None:
        if len(stray) >= cfg.min_stray_letters:
            key = " ".join(_strip(toks[k][2]) for k in stray)
            items.append(Item(toks[stray[0]][0], toks[stray[-1]][1], False, cfg.stray_letters_weight, key))
        stray.clear()

    for idx, (s, e, tok) in enumerate(toks):
        if in_run[idx]:
            flush()
            continue
        m = cfg.stray_letter.fullmatch(tok) if len(tok) <= 3 else None
        if m and letters is None:
            letters = _stray_letters(lang, cfg.stray_max_frequency, cfg.stray_exclude)
        if m and m.group(1) in letters:
            if tok[0] == "(":  # an opening bracket only starts a run
                flush()
            stray.append(idx)
            if tok[-1] in ".,;:":  # punctuation after a letter ends the run
                flush()
            continue
        flush()
        if tok.isalpha() and tok[:2] not in cfg.operator_prefixes:
            continue  # a plain word: neither digits nor an operator in it
        core = _strip(tok)
        if not core:
            continue
        cs = s + len(tok) - len(LEAD_PUNCT.sub("", tok))
        ce = cs + len(core)
        g = cfg.glued.fullmatch(core)
        if g:
            if word_frequency(g.group("head"), lang) < cfg.word_min_frequency:
                # a decimal glued to letters, or letters on both sides of the digits, is never a
                # name or a unit; letters + an integer could be ("foxp3") and needs company
                strong = "." in g.group("digits") or "," in g.group("digits") or len(g.group("tail")) >= 2
                items.append(Item(cs, ce, False, cfg.strong_weight if strong else cfg.medium_weight))
        elif cfg.glued_operator.fullmatch(core) and not is_word(core, lang):
            items.append(Item(cs, ce, False, cfg.glued_operator_weight))
    flush()
    return items


def _remainder(text: str, start: int, end: int, items: Sequence[Item]) -> str:
    pieces, pos = [], start
    for it in items:
        pieces.append(text[pos:it.start])
        pos = it.end
    pieces.append(text[pos:end])
    return " ".join(p.strip() for p in pieces if p.strip())


def _clean_without(text: str, start: int, end: int, items: Sequence[Item],
                   words: list[tuple[int, int, str]], cfg: PdfRules, lang: str) -> bool:
    """Whether ``text[start:end]`` is a clean sentence once ``items`` are cut out of it."""
    rest = _remainder(text, start, end, items)
    if rest.count("(") != rest.count(")") or rest.count("[") != rest.count("]"):
        return False
    if not text[items[-1].end:end].strip(" .,;:!?…\"'”’)]*_") and not ends_closed(rest):
        return False  # the garbage was the sentence's end and nothing closes it now
    starts = [w[0] for w in words]
    for it in items:
        k = bisect_right(starts, it.start) - 1
        left = words[k] if k >= 0 and words[k][1] <= it.start and words[k][0] >= start else None
        k = bisect_right(starts, it.end - 1)
        right = words[k] if k < len(words) and words[k][0] >= it.end and words[k][1] <= end else None
        for tok in (left, right):
            w = _strip(tok[2]) if tok else ""
            if w.isalpha() and w.islower() and not is_word(_normal(w, cfg), lang):
                return False  # a word fragment is left beside the cut
        if left and right and left[2][-1].isalpha() and right[2][0].isalpha():
            lw, rw = _normal(_strip(left[2]), cfg), _normal(_strip(right[2]), cfg)
            joined = lw + rw
            if lw.isalpha() and rw.isalpha() and is_word(joined, lang) and \
                    word_frequency(joined, lang) >= max(word_frequency(lw, lang), word_frequency(rw, lang)):
                return False  # the cut went through a word ("treat ... ment")
    return True


def _outside(toks: list[tuple[int, int, str]], items: Sequence[Item]) -> list[tuple[int, int, str]]:
    """The tokens that are in no item (both lists sorted by position)."""
    out, k = [], 0
    for tok in toks:
        while k < len(items) and items[k].end <= tok[0]:
            k += 1
        if k < len(items) and items[k].start <= tok[0] and tok[1] <= items[k].end:
            continue
        out.append(tok)
    return out


def _units(spans: list[tuple[int, int]], items: Sequence[Item]) -> list[tuple[int, int]]:
    """Sentence spans, joined where a piece of garbage crosses a sentence boundary."""
    starts = [s for s, _ in spans]
    link = [False] * len(spans)
    for it in items:
        a = max(0, bisect_right(starts, it.start) - 1)
        b = max(0, bisect_right(starts, it.end - 1) - 1)
        for k in range(a, b):
            link[k] = True
    units: list[tuple[int, int]] = []
    for k, (s, e) in enumerate(spans):
        if k and link[k - 1]:
            units[-1] = (units[-1][0], e)
        else:
            units.append((s, e))
    return units


@dataclass
class Cleaned:
    """What the garbage pass did to one block."""

    block: Block | None  # labelled dropped when nothing was left of it
    removed: list[Removal]
    cuts: list[tuple[int, int]]  # operator runs cut out of kept sentences
    gone: list[tuple[int, int]]  # sentences removed


@dataclass(frozen=True)
class Found:
    """The tokens and the garbage found in one block, before anything is decided."""

    toks: list[tuple[int, int, str]]
    items: list[Item]


def _find_garbage(block: Block, cfg: PdfRules, lang: str) -> Found | None:
    text = block.text
    if block.kind not in PROSE or not cfg.suspect.search(text):
        return None
    toks = [(m.start(), m.end(), m.group()) for m in cfg.token.finditer(text)]
    runs = _operator_runs(toks, text, cfg)
    in_run = [False] * len(toks)
    items = []
    for a, b in runs:
        for k in range(a, b):
            in_run[k] = True
        items.append(Item(toks[a][0], toks[b - 1][1], True, 0))
    items += _garbled(toks, in_run, cfg, lang)
    if not items:
        return None
    items.sort(key=lambda it: it.start)
    return Found(toks, items)


def _clean_garbage(block: Block, found: Found | None, recurring: frozenset[str], cfg: PdfRules,
                   lang: str) -> Cleaned:
    """The block with its operator runs cut and its damaged sentences removed."""
    items = [it for it in found.items if it.letters not in recurring] if found else []
    if not items:
        return Cleaned(block, [], [], [])
    text = block.text
    words = _outside(found.toks, items)
    starts = [it.start for it in items]
    # decide per sentence: keep, cut operator runs out of it, or remove it
    plan: list[tuple[int, int, str | None, list[Item]]] = []  # (start, end, rule if removed, cuts)
    for us, ue in _units(sentence_spans(text), items):
        lo, hi = bisect_right(starts, us - 1), bisect_right(starts, ue - 1)
        its = [it for it in items[lo:hi] if it.end <= ue]
        if not its:
            plan.append((us, ue, None, []))
            continue
        rest = _remainder(text, us, ue, its)
        if not WORD.search(rest):
            plan.append((us, ue, cfg.ops_id if all(it.op for it in its) else cfg.damaged_id, []))
        elif sum(it.weight for it in its) >= cfg.damage_weight or not _clean_without(text, us, ue, its, words, cfg, lang):
            plan.append((us, ue, cfg.damaged_id, []))
        else:
            plan.append((us, ue, None, [it for it in its if it.op]))  # lone ambiguous tokens stay
    # an unterminated stub after a damaged sentence at the block's end is part of the damage
    if len(plan) >= 2 and plan[-1][2] is None and not plan[-1][3] and plan[-2][2] == cfg.damaged_id:
        s, e = plan[-1][0], plan[-1][1]
        if not ends_closed(text[s:e]) and len(WORD.findall(text[s:e])) <= cfg.tail_stub_max_words:
            plan[-2:] = [(plan[-2][0], e, cfg.damaged_id, [])]
    kept = [p for p in plan if p[2] is None]
    if not kept:
        rule = cfg.damaged_id if any(p[2] == cfg.damaged_id for p in plan) else cfg.ops_id
        why = "nothing but garbled text" if rule == cfg.damaged_id else "nothing but content-stream operators"
        return Cleaned(dropped(block, NAME, rule, why=why), [], [], [(0, len(text))])
    if len(kept) == len(plan) and not any(p[3] for p in plan):
        return Cleaned(block, [], [], [])
    removed: list[Removal] = []
    edits: list[tuple[int, int, str]] = []
    cuts: list[tuple[int, int]] = []
    gone: list[tuple[int, int]] = []
    last_kept_end: int | None = None
    pending_gone: tuple[int, int] | None = None  # removed text since the last kept sentence
    for s, e, rule, its in plan:
        if rule is not None:
            weight = sum(it.weight for it in its)
            why = (f"garbled text weighing {weight} (damaged at {cfg.damage_weight})" if weight else
                   "a short unclosed piece next to damaged text" if rule == cfg.damaged_id else None)
            removed.append(removal(NAME, rule, block, s, e, why=why))
            gone.append((s, e))
            pending_gone = (pending_gone[0] if pending_gone else s, e)
            continue
        if pending_gone:
            # the removed sentences go with the blanks before them; the first kept sentence takes
            # none of the blanks in front of it
            edits.append((0, s, "") if last_kept_end is None else (last_kept_end, pending_gone[1], ""))
            pending_gone = None
        for it in its:
            a, b = it.start, it.end
            if a - 1 >= s and text[a - 1].isspace():
                a -= 1
            elif b < e and text[b].isspace():
                b += 1
            edits.append((a, b, ""))
            removed.append(removal(NAME, cfg.ops_id, block, it.start, it.end))
            cuts.append((it.start, it.end))
        last_kept_end = e
    if pending_gone and last_kept_end is not None:
        edits.append((last_kept_end, len(text), ""))
    edits.sort()
    return Cleaned(edit_text(block, edits), removed, cuts, gone)


# ------------------------------------------------------------------------------------------- stage

def _join_warnings(joins: Sequence[Join], repaired: Sequence[tuple[int, int, str]], done: Cleaned,
                   text: str) -> list[PageWarning]:
    """A possibly-truncated warning for each join that is still in the text and where text is
    evidently missing: a sign found at the join, or garbage cut right at it."""
    out = []
    for j in joins:
        pos = _shift(j.pos, repaired)
        if any(s <= pos < e for s, e in done.gone):
            continue  # the sentence that held the join was removed
        note = j.note
        if note is None and any(text[e:pos].strip() == "" if e <= pos else text[pos:s].strip() == ""
                                for s, e in done.cuts):
            note = "operator garbage was cut at the join"
        if note is not None:
            out.append(PageWarning(NAME, "possibly-truncated", j.span,
                                   f"joined across a break where text may be missing ({note}): {j.context!r}"))
    return out


def _operator_garbage(blocks: Sequence[Block], cfg: PdfRules) -> bool:
    """Leaked content-stream operators in some block (the runs only: what else is garbled is
    judged once the page is known to be PDF text)."""
    prose = [b for b in blocks if b.kind in PROSE]
    # a match in one block is a match in them all joined by line feeds (^ after a line feed, a line
    # feed after $): one search over the page tells most pages apart; only those are searched per block
    if not cfg.suspect_lines.search("\n".join(b.text for b in prose)):
        return False
    for b in prose:
        if cfg.suspect.search(b.text):
            if _operator_runs([(m.start(), m.end(), m.group()) for m in cfg.token.finditer(b.text)], b.text, cfg):
                return True
    return False


# What a page must show before the full furniture and garbage passes can find PDF damage on it.
# Each test is a necessary condition of what it screens for, so a page that fails all of them is
# one the full passes would have passed over: they are run only where a test passes (a few pages).

def _may_break_pages(blocks: Sequence[Block], doc: Document, cfg: PdfRules, tr: TextRules) -> bool:
    """Whether ``_drop_furniture`` might find page furniture that marks page breaks; False means it
    would find none. A running line must recur (``_repeated``, spread over the page) and either be
    numbered or stand inside a broken sentence; a page number must stand inside one. The lines that
    recur are found among all short paragraphs (page numbers not set aside first): more of them,
    so every group that ``_running_lines`` finds lies in one found here."""
    repeated = _repeated(_recurring_candidates(blocks, (), cfg, tr), blocks, cfg)
    # a numbered running line has a number in each of its copies
    numbered = [idx for idx in ([i for i in idx if DIGITS.search(blocks[i].text)] for idx in repeated)
                if len(idx) >= cfg.header_min_repeats]
    if _may_spread(numbered, blocks, doc, cfg):
        return True
    furniture = {i for idx in repeated for i in idx}  # what ``_measure_repeats`` may set aside
    return _may_interrupt(blocks, cfg, lambda i: i in furniture or _is_page_number_block(blocks, i, doc, cfg))


def _may_spread(repeated: Sequence[Sequence[int]], blocks: Sequence[Block], doc: Document, cfg: PdfRules) -> bool:
    """Whether some group of copies spreads over the page as ``_measure_repeats`` requires (a part
    of the group spreads no wider)."""
    if not repeated:
        return False
    pos, total = _positions(blocks, doc)
    for idx in repeated:
        at = [pos[i] for i in idx]
        if total > 0 and (max(at) - min(at)) / total >= cfg.header_min_spread:
            return True
    return False


def _may_interrupt(blocks: Sequence[Block], cfg: PdfRules, furniture: Callable[[int], bool]) -> bool:
    """Whether page furniture could stand inside a broken sentence (``_interrupts``): a paragraph
    that carries on a block two to six places before it, with only blocks that may be
    ``furniture`` between them (short paragraphs or list items, as page numbers and running lines
    are; the costlier ``furniture`` test is asked last)."""
    for c, b in enumerate(blocks):
        if b.kind != "paragraph" or not b.text[:1].islower():
            continue
        for a in range(c - 2, max(-1, c - 7), -1):
            between = blocks[a + 1]
            if between.kind not in ("paragraph", "list_item") or len(between.text) > cfg.header_max_chars:
                break
            if _continues(blocks[a], b) and all(furniture(i) for i in range(a + 1, c)):
                return True
    return False


def _may_hold_operators(blocks: Sequence[Block], cfg: PdfRules) -> bool:
    """Whether some prose block holds what every operator run does (``_trim_run``): a distinctive
    operator as a token, a string shown by an operator, or a /Name. One pass over the page's text:
    the blocks joined by line feeds, one before the first, so that every token follows a blank."""
    page = "\n".join(["", *(b.text for b in blocks if b.kind in PROSE)])  # one copy of the page's text
    return any(op in page for op in cfg.string_operators) or cfg.operator_token.search(page) is not None \
        or cfg.name_token.search(page) is not None


def _join_only(doc: Document, blocks: list[Block], cfg: PdfRules, lang: str) -> Document:
    """A page without PDF damage: sentences broken across blocks are joined (dumps break them too,
    where a link or a note became a block of its own), and nothing else is done. A lower-case
    paragraph start after a finished sentence is prose here ("vitamin D helps ..."), not the tail of
    a sentence that a page break cut; a short line that recurs is the page's, not a running header."""
    blocks, joins, _, _ = _rejoin(blocks, cfg, lang, cut_headless=False)
    if not joins:
        return doc.evolve(NAME)
    untouched = Cleaned(None, [], [], [])  # its block is not read
    warnings = [w for i, found in sorted(joins.items()) for w in _join_warnings(found, [], untouched, blocks[i].text)]
    return doc.evolve(NAME, blocks=blocks, warnings=warnings)


def stage(doc: Document, rules) -> Document:
    """Repair PDF-extraction artifacts in ``doc``'s blocks (see the module docstring), on a page that
    shows PDF damage; on other pages only broken sentences are joined."""
    cfg: PdfRules = rules.stage(NAME)
    kept = list(doc.kept)
    if not kept:
        return doc.evolve(NAME)
    profile = page_profile(doc, rules.text)
    lang = profile.word_language
    if doc.format == "html":  # no PDF text: a vote count between two posts is no page number
        return _join_only(doc, kept, cfg, lang)
    if not (profile.pdf_text or _may_break_pages(kept, doc, cfg, rules.text) or _may_hold_operators(kept, cfg)):
        return _join_only(doc, kept, cfg, lang)  # what the passes below would find is not there
    blocks, gone, page_breaks = _drop_furniture(kept, doc, cfg, rules.text)
    if not (profile.pdf_text or page_breaks or _operator_garbage(blocks, cfg)):
        return _join_only(doc, kept, cfg, lang)
    blocks, joins, removed, headless = _rejoin(blocks, cfg, lang)
    gone += headless
    repaired = []
    for i, block in enumerate(blocks):
        if block.kind == "code":
            repaired.append((block, [], None))
            continue
        new, edits = _repair_words(block, doc.text, [j.pos for j in joins.get(i, ())],
                                   [j.pos for j in joins.get(i, ()) if j.split_word], cfg, lang)
        removed += _log_repairs(block, edits, cfg)
        repaired.append((new, edits, _find_garbage(new, cfg, lang)))
    # a run of single letters that recurs on the page is the language's ("e o" in Portuguese)
    counts: dict[str, int] = {}
    for _, _, found in repaired:
        for it in found.items if found else ():
            if it.letters:
                counts[it.letters] = counts.get(it.letters, 0) + 1
    recurring = frozenset(k for k, n in counts.items() if n >= cfg.stray_recurring)
    warnings: list[PageWarning] = []
    out: list[Block] = []
    for i, (block, edits, found) in enumerate(repaired):
        done = _clean_garbage(block, found, recurring, cfg, lang)
        removed += done.removed
        if i in joins:
            warnings += _join_warnings(joins[i], edits, done, block.text)
        out.append(done.block)
    return doc.evolve(NAME, blocks=gone + out, cuts=removed, warnings=warnings)
