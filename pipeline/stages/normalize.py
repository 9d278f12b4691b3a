"""normalize (last): whitespace and invisible characters in block texts; Unicode NFC.

Runs of whitespace (tabs, newlines, no-break and other Unicode spaces) become one space, the ends
are stripped, invisible characters (soft hyphens, zero-width spaces, word joiners, byte-order marks;
the set is ``text.invisible``) are removed and the text is put in NFC. Edits go through ``edit_text`` so every
block keeps its source map. Whitespace is layout and its changes are not logged; each invisible
character removed is (rule ``invisible``), and so is each word the Unicode form rewrote (rule
``unicode-form``: NFC changes only how a character is encoded, NFKC may change the character). A
block that was nothing but invisible characters is logged whole (rule ``invisible-only``).

It may run after sections: sections are built from the blocks (``Document.sections``), so their
headings and paths are the normalized texts; ``doc.title`` is normalized too. Most blocks are
already normal; a cheap check skips them.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

import regex

from ..document import Block, Document, Removal, dropped, edit_text, removal, rewritten_words
from ..textrules import TextRules

NAME = "normalize"
# it rewrites the blocks inside sections too, so it may run after sections
FORMATS = ("text", "html", "pdf")  # page formats it acts on (others pass through)
REQUIRES = ()  # facts it reads: a listed stage that provides one runs before it
PROVIDES = ("normalized-text",)
INVALIDATES = ()  # facts it would make stale: no stage that provides one runs before it

_CLUSTER = regex.compile(r"\X")
SOFT_HYPHEN = "\u00ad"  # a break point inside a word: a line break after one does not end the word


@dataclass(frozen=True)
class NormalizeRules:
    empty_id: str
    invisible_id: str
    form_id: str
    form: str


def compile(section: Mapping, where) -> NormalizeRules:
    form = where.get(section, "form", str, "NFC")
    if form not in ("NFC", "NFKC"):
        raise where.at("form").error("expected NFC or NFKC")
    return NormalizeRules(
        empty_id=where.get(section, "empty_id", str, "invisible-only"),
        invisible_id=where.get(section, "invisible_id", str, "invisible"),
        form_id=where.get(section, "form_id", str, "unicode-form"),
        form=form,
    )


def _edits(text: str, tr: TextRules) -> list[tuple[int, int, str]]:
    """Edits that collapse whitespace runs, strip the ends and drop invisible characters."""
    edits = []
    for m in tr.blank_run.finditer(text):
        a, b = m.span()
        seg = m.group()
        if a == 0 or b == len(text) or not tr.invisible.sub("", seg) or seg[0] == SOFT_HYPHEN:
            # at an end, invisible characters only, or a word broken at a soft hyphen: no space
            repl = ""
        else:
            repl = " "
        if seg != repl:
            edits.append((a, b, repl))
    return edits


def normalize_block(block: Block, cfg: NormalizeRules, tr: TextRules) -> tuple[Block, list[Removal]]:
    """The block with its text normalized (the same object when it already was), and the log of
    the invisible characters removed and the words the Unicode form rewrote."""
    log: list[Removal] = []
    text = block.text
    # most blocks need nothing: one search, and an NFC check only for non-ASCII text
    if tr.untidy.search(text) or text[:1] == " " or text[-1:] == " ":
        edits = _edits(text, tr)
        log += [removal(NAME, cfg.invisible_id, block, m.start(), m.end(), why="deleted")
                for a, b, _ in edits for m in tr.invisible.finditer(text, a, b)]
        block = edit_text(block, edits)
        text = block.text
    if not text.isascii() and not unicodedata.is_normalized(cfg.form, text):
        # per grapheme cluster, so that text which is already normal keeps its source map
        edits = []
        for m in _CLUSTER.finditer(text):
            fixed = unicodedata.normalize(cfg.form, m.group())
            if fixed != m.group():
                edits.append((m.start(), m.end(), fixed))
        if not unicodedata.is_normalized(cfg.form, _apply(text, edits)):  # composition across clusters
            edits = [(0, len(text), unicodedata.normalize(cfg.form, text))]
        new = edit_text(block, edits)
        log += [removal(NAME, cfg.form_id, block, a, b, why=f"{cfg.form}: replaced by {became!r}")
                for a, b, became in rewritten_words(text, edits, new.text)]
        block = new
    return block, log


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    out, pos = [], 0
    for a, b, repl in edits:
        out += [text[pos:a], repl]
        pos = b
    return "".join(out) + text[pos:]


def normalize_string(text: str, cfg: NormalizeRules, tr: TextRules) -> str:
    """The same normalization for a plain string (titles, heading paths)."""
    def repl(m) -> str:
        return " " if tr.invisible.sub("", m.group()) and m.group()[0] != SOFT_HYPHEN else ""

    text = tr.invisible.sub("", tr.blank_run.sub(repl, text))
    return unicodedata.normalize(cfg.form, text.strip())


def stage(doc: Document, rules) -> Document:
    cfg: NormalizeRules = rules.stage(NAME)
    tr: TextRules = rules.text
    removed: list[Removal] = []
    blocks: list[Block] = []
    for block in doc.kept:
        new, log = normalize_block(block, cfg, tr)
        if new.text:
            blocks.append(new)
            removed.extend(log)
        else:
            # nothing visible was left (an entity for a tab, a zero-width space); a heading of
            # nothing heads nothing: what was under it belongs to the section before
            blocks.append(dropped(block, NAME, cfg.empty_id, why="nothing visible: spaces and invisible characters only"))
    title = normalize_string(doc.title, cfg, tr) if doc.title else doc.title
    return doc.evolve(NAME, blocks=blocks, cuts=removed, title=title or None)
