"""Checks that any cleaned page must pass, whatever its content: the JSON validates against the
schema, spans lie inside the source on the lines they name, kept and removed text comes from the
characters its span names, and every non-blank source line of a text page is kept or logged.

Each check returns a list of problems (empty when the page passes), so that the tests, the property
tests and ``make check-corpus`` report the same things the same way.
"""
from __future__ import annotations

import html
import unicodedata
from bisect import bisect_right
from functools import lru_cache
from itertools import islice
from typing import Iterator

import ftfy
import ftfy.bad_codecs  # noqa: F401  (registers the sloppy codecs)
import jsonschema
import regex

import pipeline
from pipeline.output import load_schema
from pipeline.sources.text import LINE_END


@lru_cache(maxsize=1)
def validator() -> jsonschema.Draft202012Validator:
    schema = load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def schema_problems(page: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in validator().iter_errors(page)]


# letters and decimal digits; superscript digits (footnote marks, \p{No}) separate words, as stages cut them
_ALNUM = regex.compile(r"[\p{L}\p{M}\p{Nd}]+")


def alnum_words(text: str) -> list[str]:
    """Runs of letters and digits, compatibility-normalized and case-folded (ligatures and
    full-width forms compare equal to what normalization makes of them)."""
    return [unicodedata.normalize("NFKC", w).casefold() for w in _ALNUM.findall(text)]


MAX_JOINED_PIECES = 100  # source words one block word may be made of ("HomeNewsBusiness": glued links)
MAX_SKIPPED_BETWEEN = 500  # source words skipped between two pieces of one block word (link targets, images)
CANDIDATES = 2  # source places tried for each block word before the check backs up
JOIN_CANDIDATES = 4  # source words tried for each piece of a joined word


def _join_ends(w: str, source: list[str], j: int) -> Iterator[int]:
    """Source indexes after words from ``j`` that make up ``w``: consecutive words (a hyphen or
    line break removed between them) or words with others skipped between them (links glued
    together once the targets between them were cut). Each way of reading it, nearest first."""
    if w.startswith(source[j]) and len(source[j]) < len(w):
        yield from _rest_of_join(w, source, len(source[j]), j + 1, 1)


def _rest_of_join(w: str, source: list[str], done: int, k: int, pieces: int) -> Iterator[int]:
    if done == len(w):
        yield k
        return
    if pieces >= MAX_JOINED_PIECES:
        return
    tried = 0
    for at in range(k, min(len(source), k + MAX_SKIPPED_BETWEEN)):
        piece = source[at]
        if piece and w.startswith(piece, done):
            yield from _rest_of_join(w, source, done + len(piece), at + 1, pieces + 1)
            tried += 1
            if tried >= JOIN_CANDIDATES:  # enough readings of this piece ("pin" of "pinterest")
                return


def _places(w: str, source: list[str], j: int) -> list[int]:
    """Source indexes after the places from ``j`` where block word ``w`` can be read: the nearest
    exact one, and before it the first few readings as joined words, in source order."""
    try:
        exact = source.index(w, j)
    except ValueError:
        exact = len(source)
    joined: list[int] = []
    for k in range(j, exact):
        # the readings that end nearest first: a piece read too early ("microsoft" of an image's alt
        # text for "microsoftnasdaq") ends far away
        joined.extend(sorted(islice(_join_ends(w, source, k), 4 * CANDIDATES))[:CANDIDATES - len(joined)])
        if len(joined) >= CANDIDATES:
            break
    return joined + ([exact + 1] if exact < len(source) else [])


def words_in_order(block: list[str], source: list[str]) -> bool:
    """Whether each block word is, in order, one source word or a few source words joined (a
    hyphen or line break that a stage removed between them; links glued together once their
    targets are cut). Source words may be skipped (cut link targets, footnote marks), block words
    may not be invented. A depth-first search over the first places each word can be read at,
    remembering dead ends, so a short word read too early (an image's alt "en" for "English")
    does not fail the check."""
    failed: set[tuple[int, int]] = set()
    stack = [(0, 0, _places(block[0], source, 0) if block else [])]
    if not block:
        return True
    while stack:
        i, j, options = stack[-1]
        if not options:
            failed.add((i, j))
            stack.pop()
            continue
        nxt = options.pop(0)
        if i + 1 == len(block):
            return True
        if (i + 1, nxt) not in failed:
            stack.append((i + 1, nxt, _places(block[i + 1], source, nxt)))
    return False


def provenance_problem(source_text: str, item: dict) -> str | None:
    """Why a block's (or removal's) text is not what its ``source.chars`` slice says, or None.

    The slice must hold the text's words in order. Where a stage repaired the text (mojibake,
    HTML entities), the words are compared with the repaired slice: they may differ only in what
    the repair changed."""
    a, b = item["source"]["chars"]
    piece = source_text[a:b]
    want = alnum_words(item["text"])
    # ftfy leaves entities alone in text that holds a "<" (the block may hold one where this slice
    # does not), so the slice is repaired with and without entities decoded
    repairs = (piece, pipeline.fix_text(piece), ftfy.fix_text(piece, unescape_html=False, uncurl_quotes=False),
               pipeline.fix_text(html.unescape(piece)), _redecoded(piece))
    for repaired in repairs:
        if words_in_order(want, alnum_words(repaired)):
            return None
    return f"{item['text'][:80]!r} is not in source[{a}:{b}] = {piece[:120]!r}"


def _redecoded(piece: str) -> str:
    """The slice read back as UTF-8 that was mis-decoded as Windows-1252: the mojibake stage applies
    that page-wide plan where ftfy alone refuses a short piece."""
    try:
        return piece.encode("sloppy-windows-1252").decode("utf-8", "replace")
    except UnicodeError:
        return piece


def kept_blocks(page: dict) -> list[dict]:
    return [b for s in page["sections"] for b in s["blocks"]]


def source_lines(text: str) -> list[str]:
    """The source's lines as the text reader numbers them (\\r\\n, \\r and \\n end a line)."""
    lines = LINE_END.split(text)
    return lines[:-1] if lines and lines[-1] == "" else lines


def span_problems(text: str, page: dict) -> list[str]:
    """Spans outside the source, or whose characters lie on other lines than they name."""
    starts = [0] + [m.end() for m in LINE_END.finditer(text)]  # offset where each line starts
    n_lines = len(source_lines(text))
    bad = []
    for item in kept_blocks(page) + page["removed"] + page["sections"]:
        src = item["source"]
        if src["chars"] is None:
            continue
        a, b = src["chars"]
        l1, l2 = src["lines"]
        what = repr(str(item.get("text", item.get("heading")))[:60])
        if not (0 <= a <= b <= len(text) and 1 <= l1 <= l2 <= max(n_lines, 1)):
            bad.append(f"{what}: chars {src['chars']} lines {src['lines']} outside the source")
        elif b > a and not (l1 <= bisect_right(starts, a) and bisect_right(starts, b - 1) <= l2):
            bad.append(f"{what}: chars {src['chars']} (lines {bisect_right(starts, a)}-"
                       f"{bisect_right(starts, b - 1)}) not on lines {src['lines']}")
    return bad


def provenance_problems(text: str, page: dict) -> list[str]:
    items = kept_blocks(page) + page["removed"]
    return [p for p in (provenance_problem(text, i) for i in items if i["source"]["chars"] is not None) if p]


def lost_lines(text: str, page: dict) -> list[str]:
    """Non-blank source lines that are in no kept block and no removal."""
    lines = source_lines(text)
    covered = [False] * (len(lines) + 2)
    for item in kept_blocks(page) + page["removed"]:
        l1, l2 = item["source"]["lines"]
        for n in range(max(l1, 1), min(l2, len(lines)) + 1):
            covered[n] = True
    return [f"line {n}: {line.strip()[:100]!r}" for n, line in enumerate(lines, 1) if line.strip() and not covered[n]]


def page_problems(page: dict, text: str | None) -> list[str]:
    """Every problem the checks above find; ``text`` is the decoded source (None for HTML pages,
    whose spans are XPaths and lines)."""
    out = schema_problems(page)
    if out or text is None or page["source"]["format"] == "html":
        return out
    return out + span_problems(text, page) + provenance_problems(text, page) + lost_lines(text, page)
