"""dedupe: a paragraph or sentence repeated in a page is kept once; later copies are logged.

Texts are compared by ``textrules.compare_key`` (case-folded, whitespace collapsed, punctuation at
the ends and invisible characters off).
A whole block seen before is removed (``duplicate-block``); a long-enough sentence seen before is
cut out of the later block (``duplicate-sentence``), and a block made only of repeated sentences
goes whole under that rule. Each Removal's text is the repeated text itself.

What is never deduped: headings, and title-like lines (``textrules.title_like``: the same
heading can open sections in different parts of a page); and text shorter than ``min_words`` words
(short lead-ins and list items such as "Chemotherapy." legitimately recur under different headings;
words are counted as whitespace-separated tokens, each Han or kana character one).
One pass with hash maps: linear in the size of the page.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import regex

from ..document import Block, Document, Removal, dropped, edit_text, removal
from ..textrules import TextRules, compare_key, title_like
from ..textutil import token_count

NAME = "dedupe"
# copies are compared as plain text
FORMATS = ("text", "html", "pdf")  # page formats it acts on (others pass through)
REQUIRES = ("plain-text",)  # facts it reads: a listed stage that provides one runs before it
PROVIDES = ()
INVALIDATES = ("sections",)  # facts it would make stale: no stage that provides one runs before it

_WHITESPACE_AFTER = regex.compile(r"\s*")


@dataclass(frozen=True)
class DedupeRules:
    block_id: str
    block_kinds: frozenset[str]
    block_min_words: int
    sentence_id: str
    sentence_kinds: frozenset[str]
    sentence_min_words: int


def compile(section: Mapping, where) -> DedupeRules:
    def part(key: str, default_id: str, default_kinds: tuple[str, ...]) -> tuple[str, frozenset[str], int]:
        body = where.get(section, key, Mapping, {})
        w = where.at(key)
        kinds = w.get(body, "kinds", (list, tuple), default_kinds)
        for i, k in enumerate(kinds):
            if k not in ("paragraph", "list_item", "quote", "table", "code"):
                raise w.at("kinds", i).error(f"not a block kind that can be deduped: {k!r}")
        min_words = w.integer(body, "min_words", 8, lo=1)
        return w.get(body, "id", str, default_id), frozenset(kinds), min_words

    b_id, b_kinds, b_min = part("block", "duplicate-block", ("paragraph", "list_item", "quote", "table"))
    s_id, s_kinds, s_min = part("sentence", "duplicate-sentence", ("paragraph", "list_item", "quote"))
    return DedupeRules(b_id, b_kinds, b_min, s_id, s_kinds, s_min)


def stage(doc: Document, rules) -> Document:
    cfg: DedupeRules = rules.stage(NAME)
    tr: TextRules = rules.text
    seen_blocks: dict[str, int] = {}  # compare key -> the line it was first seen on
    seen_sentences: dict[str, int] = {}
    out: list[Block] = []
    removed: list[Removal] = []
    for block in doc.kept:
        # headings, and lines that introduce a list ("The following tests may be used:"), recur
        # legitimately: each heads different content
        if block.kind == "heading" or block.text.rstrip().endswith(":") or title_like(block, tr, doc.language):
            out.append(block)
            continue
        wide = block.facts.wide > 0
        size = block.facts.tokens
        block_key = None
        if block.kind in cfg.block_kinds and size >= cfg.block_min_words:
            key = block_key = compare_key(block.text, tr)
            if key in seen_blocks:
                out.append(dropped(block, NAME, cfg.block_id, why=f"first seen at line {seen_blocks[key]}"))
                continue
            seen_blocks[key] = block.span.lines[0]
        if block.kind not in cfg.sentence_kinds or size < cfg.sentence_min_words:
            out.append(block)
            continue
        cuts: list[tuple[int, int, int]] = []  # (start, end, line first seen)
        spans = block.facts.sentences
        whole = len(block.text)
        for a, b in spans:
            # a sentence that is the whole text (most blocks) is as long as the block (at least
            # sentence_min_words, tested above) and has its key
            if a == 0 and b == whole and block_key is not None:
                key = block_key
            elif token_count(block.text[a:b], wide) < cfg.sentence_min_words:
                continue
            else:
                key = compare_key(block.text[a:b], tr)
            if key in seen_sentences:
                cuts.append((a, b, seen_sentences[key]))
            else:
                seen_sentences[key] = block.span.lines[0]
        if not cuts:
            out.append(block)
        elif len(cuts) == len(spans):  # nothing but repeats: the block goes whole
            out.append(dropped(block, NAME, cfg.sentence_id, why="every sentence seen before, first at line "
                                                                f"{min(c[2] for c in cuts)}"))
        else:
            edits = []
            done = 0  # end of the previous edit: edits must not overlap
            for a, b, first in cuts:
                removed.append(removal(NAME, cfg.sentence_id, block, a, b, why=f"first seen at line {first}"))
                # the space after a cut sentence goes with it (before it, for the last sentence)
                end = _WHITESPACE_AFTER.match(block.text, b).end()
                if end == len(block.text):
                    while a > done and block.text[a - 1].isspace():
                        a -= 1
                edits.append((a, end, ""))
                done = end
            out.append(edit_text(block, edits))
    return doc.evolve(NAME, blocks=out, cuts=removed)
