"""What each view of the report lists: pure functions over the page dicts the CLI writes
(``scraped-text-clean/1``) and, for the source view, the decoded source text.

Nothing here reads files or knows the Document: a view is built from the JSON alone, so it keeps
working whatever the pipeline's internals become, and a notebook can build one from
``pipeline.clean``'s result.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Iterable, Mapping, Sequence

from .families import Families

TOP_RULES = 3  # removal rules named per page in the index
MAX_TEXT = 2000  # characters of a block's or removal's text carried into a view whose source shows it whole


def where(source: Mapping | None) -> str:
    """A span as a person reads it: ``lines 3-5``, then ``p. 2`` (PDF) or the XPath (HTML)."""
    if not source:
        return ""
    a, b = (source.get("lines") or [0, 0])[:2]
    out = (f"line {a}" if a == b else f"lines {a}-{b}") if a else ""
    if source.get("page") is not None:
        out += f", p. {source['page']}"
    if source.get("xpath"):
        out += f", {source['xpath']}"
    return out.lstrip(", ")


def _chars(source: Mapping | None) -> tuple[int, int] | None:
    chars = (source or {}).get("chars")
    return (int(chars[0]), int(chars[1])) if chars else None


def removal_rows(page: Mapping, families: Families) -> list[dict]:
    """Every entry of ``removed``, in the page's order, with its family: what ``explain`` lists."""
    rows = []
    for i, r in enumerate(page.get("removed") or []):
        fam = families.of(r.get("stage"), r.get("rule"))
        src = r.get("source") or {}
        rows.append({"i": i, "stage": r.get("stage"), "rule": r.get("rule"), "family": fam.name,
                     "quiet": fam.quiet, "why": r.get("why"), "text": r.get("text", ""),
                     "where": where(src), "chars": _chars(src), "lines": src.get("lines"),
                     "page": src.get("page"), "xpath": src.get("xpath")})
    return rows


def kept_blocks(page: Mapping) -> list[dict]:
    """Every kept block in reading order, with the section it is in."""
    out = []
    for s in page.get("sections") or []:
        for b in s.get("blocks") or []:
            src = b.get("source") or {}
            out.append({"i": len(out), "section": s.get("id"), "kind": b.get("kind"), "level": b.get("level"),
                        "text": b.get("text", ""), "where": where(src), "chars": _chars(src),
                        "lines": src.get("lines"), "page": src.get("page"), "xpath": src.get("xpath")})
    return out


def _pages(sources: Iterable[Mapping]) -> str:
    pages = sorted({s["page"] for s in sources if s and s.get("page") is not None})
    if not pages:
        return ""
    return f"p. {pages[0]}" if len(pages) == 1 else f"pp. {pages[0]}-{pages[-1]}"


def outline(page: Mapping) -> list[dict]:
    """The cleaned sections: heading path, level, role, size and where they came from; ``first``
    is the index (in ``kept_blocks``) of the section's first block."""
    out, first = [], 0
    for s in page.get("sections") or []:
        blocks = s.get("blocks") or []
        out.append({"id": s.get("id"), "heading": s.get("heading"), "level": s.get("level", 0),
                    "path": list(s.get("path") or []), "role": s.get("role"), "blocks": len(blocks),
                    "chars": len(s.get("text") or "") + len(s.get("heading") or ""), "first": first,
                    "where": where(s.get("source")), "pages": _pages(b.get("source") for b in blocks)})
        first += len(blocks)
    return out


def warning_rows(page: Mapping) -> list[dict]:
    return [{"stage": w.get("stage"), "code": w.get("code"), "text": w.get("text"), "where": where(w.get("source"))}
            for w in page.get("warnings") or []]


def kept_text(page: Mapping) -> str:
    """All kept text of a page (headings and section texts), as ``--compare`` compares it."""
    parts = []
    for s in page.get("sections") or []:
        if s.get("heading"):
            parts.append(s["heading"])
        if s.get("text"):
            parts.append(s["text"])
    return "\n\n".join(parts)


# --- the index ----------------------------------------------------------------------------------

def page_row(page: Mapping, families: Families, output: str | None = None) -> dict:
    """One row of the index: status, format, language, title, kept and removed characters (real
    drops; quiet cuts counted apart), sections, warnings, removals per rule and the top rules."""
    source = page.get("source") or {}
    stats = page.get("stats") or {}
    by_rule: Counter = Counter()
    chars_by_rule: Counter = Counter()
    removed_chars = cuts = 0
    stages: dict[str, str] = {}
    for r in page.get("removed") or []:
        rule = r.get("rule") or "?"
        by_rule[rule] += 1
        chars_by_rule[rule] += len(r.get("text") or "")
        stages.setdefault(rule, r.get("stage") or "?")
        if families.of(r.get("stage"), rule).quiet:
            cuts += 1
        else:
            removed_chars += len(r.get("text") or "")
    loud = [rule for rule in by_rule if not families.of(stages[rule], rule).quiet]
    top = sorted(loud, key=lambda rule: (-chars_by_rule[rule], rule))[:TOP_RULES]
    return {
        "id": page.get("id"), "path": source.get("path"), "output": output,
        "status": "ok" if page.get("sections") else "empty", "error": None,
        "format": source.get("format"), "language": source.get("language"), "url": source.get("url"),
        "title": source.get("title"), "kept": stats.get("chars_out", 0), "chars_in": stats.get("chars_in", 0),
        "removed": removed_chars, "cuts": cuts, "sections": len(page.get("sections") or []),
        "warnings": len(page.get("warnings") or []),
        "rules": {rule: [by_rule[rule], chars_by_rule[rule], stages[rule]] for rule in sorted(by_rule)},
        "top": [[rule, by_rule[rule], chars_by_rule[rule]] for rule in top],
        "families": families.count(page.get("removed") or []),
    }


def error_row(path: str, error: str | None) -> dict:
    """The index row of a page the run could not clean (from the manifest)."""
    return {"id": None, "path": path, "output": None, "status": "error", "error": error, "format": None,
            "language": None, "url": None, "title": None, "kept": 0, "chars_in": 0, "removed": 0, "cuts": 0,
            "sections": 0, "warnings": 0, "rules": {}, "top": [], "families": {}}


def corpus_totals(rows: Sequence[Mapping], families: Families) -> dict:
    """Totals over the index rows: per rule (family, stage, pages it fired on, removals, characters)
    and per family, each sorted by characters removed."""
    rules: dict[str, dict] = {}
    for row in rows:
        for rule, (count, chars, stage) in row["rules"].items():
            t = rules.setdefault(rule, {"rule": rule, "stage": stage, "family": families.of(stage, rule).name,
                                        "pages": 0, "count": 0, "chars": 0})
            t["pages"] += 1
            t["count"] += count
            t["chars"] += chars
    fams: dict[str, dict] = {}
    for t in rules.values():
        f = fams.setdefault(t["family"], {"family": t["family"], "rules": 0, "count": 0, "chars": 0})
        f["rules"] += 1
        f["count"] += t["count"]
        f["chars"] += t["chars"]
    pages = {s: sum(1 for r in rows if r["status"] == s) for s in ("ok", "empty", "error")}
    return {
        "pages": pages,
        "kept": sum(r["kept"] for r in rows), "chars_in": sum(r["chars_in"] for r in rows),
        "removed": sum(r["removed"] for r in rows), "cuts": sum(r["cuts"] for r in rows),
        "rules": sorted(rules.values(), key=lambda t: (-t["chars"], t["rule"])),
        "families": sorted(fams.values(), key=lambda f: (-f["chars"], f["family"])),
    }


# --- the page view ------------------------------------------------------------------------------

def segments(length: int, blocks: Sequence[Mapping], removals: Sequence[Mapping],
             breaks: Iterable[int] = ()) -> list[list]:
    """The source text ``[0, length)`` cut where any kept block or removal starts or ends:
    ``[start, end, removal, block, others]`` per piece, ``removal`` the index of the removal shown
    there (-1: none; a real drop wins over a quiet cut, then the narrower span), ``block`` the kept
    block covering it (-1: none), ``others`` the other removals covering it (omitted when none).
    A removal of no characters is a piece of its own (``start == end``). ``breaks`` are offsets
    where a piece must end (PDF page starts)."""
    starts: dict[int, list] = {}
    ends: dict[int, list] = {}
    points: dict[int, list[int]] = {}
    hard = frozenset(b for b in breaks if 0 <= b <= length)
    cuts = {0, length, *hard}

    def add(key: tuple, chars: tuple[int, int] | None) -> None:
        if chars is None:
            return
        a, b = max(0, min(chars[0], length)), max(0, min(chars[1], length))
        if b < a:
            return
        if a == b:
            if key[0] == "r":
                points.setdefault(a, []).append(key[1])
                cuts.add(a)
            return
        starts.setdefault(a, []).append(key)
        ends.setdefault(b, []).append(key)
        cuts.update((a, b))

    for b in blocks:
        add(("b", b["i"]), b.get("chars"))
    for r in removals:
        add(("r", r["i"], 0 if not r["quiet"] else 1), r.get("chars"))
    rank = {r["i"]: (1 if r["quiet"] else 0, (r["chars"][1] - r["chars"][0]) if r.get("chars") else 0, r["i"])
            for r in removals}
    active_r: set[int] = set()
    active_b: set[int] = set()
    out: list[list] = []
    bounds = sorted(cuts)
    for p, q in zip(bounds, bounds[1:] + [None]):
        for key in ends.get(p, ()):
            (active_r if key[0] == "r" else active_b).discard(key[1])
        for key in starts.get(p, ()):
            (active_r if key[0] == "r" else active_b).add(key[1])
        for i in points.get(p, ()):
            out.append([p, p, i, min(active_b) if active_b else -1])
        if q is None:
            break
        top = min(active_r, key=rank.__getitem__) if active_r else -1
        block = min(active_b) if active_b else -1
        others = sorted(active_r - {top}) if len(active_r) > 1 else []
        piece = [p, q, top, block] + ([others] if others else [])
        last = out[-1] if out else None
        if last is not None and last[1] == p and last[0] < last[1] and last[2:] == piece[2:] and p not in hard:
            last[1] = q
        else:
            out.append(piece)
    return out


def page_breaks(items: Iterable[Mapping]) -> list[list[int]]:
    """``[offset, page]`` where each PDF page's text starts (its first span with characters)."""
    first: dict[int, int] = {}
    for it in items:
        if it.get("page") is not None and it.get("chars"):
            first[it["page"]] = min(first.get(it["page"], it["chars"][0]), it["chars"][0])
    return sorted([offset, page] for page, offset in first.items())


_STEP = re.compile(r"([^/\[]+)(?:\[(\d+)\])?")


def xpath_key(xpath: str | None) -> tuple:
    """A sort key for XPaths of one document: parents before children, ``p[2]`` before ``p[10]``
    (siblings of different tags keep the order the lines give)."""
    if not xpath:
        return ()
    return tuple((int(m.group(2) or 1), m.group(1)) for m in _STEP.finditer(xpath))


def element_rank(xpath: str | None, order: Mapping[str, int]) -> int:
    """The document position of an XPath's element, or of its nearest ancestor found in ``order``."""
    while xpath:
        if xpath in order:
            return order[xpath]
        xpath = xpath.rpartition("/")[0]
    return -1


def item_order(blocks: Sequence[Mapping], removals: Sequence[Mapping], order: Mapping[str, int] | None = None
               ) -> list[list]:
    """Kept blocks and removals in source order, for pages without character spans (HTML) or whose
    source is not at hand: ``["b", i]`` / ``["r", i]``. With ``order`` (XPath -> document position,
    from the source) by element; else by first line, then XPath (siblings of different tags on one
    line keep no reliable order), then as logged."""
    def key(x: Mapping) -> tuple:
        line = (x.get("lines") or [0])[0]
        if order:
            return (element_rank(x.get("xpath"), order), line)
        return (line, xpath_key(x.get("xpath")))

    items = [(key(b), 0, b["i"], "b") for b in blocks] + [(key(r), 1, r["i"], "r") for r in removals]
    items.sort()
    return [[kind, i] for *_, i, kind in items]


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + f"… [{len(text) - limit} more characters]"


def page_view(page: Mapping, families: Families, text: str | None = None, note: str | None = None,
              order: Mapping[str, int] | None = None) -> dict:
    """Everything a page view shows. With ``text`` (the decoded source the spans index into), the
    source is shown with every kept block and removal marked (``segments``); without it, or for
    HTML (no character spans), the kept blocks and removals are listed in source order (``items``;
    ``order`` maps an HTML page's XPaths to document positions)."""
    source = page.get("source") or {}
    blocks = kept_blocks(page)
    removals = removal_rows(page, families)
    spans = text is not None and any(x.get("chars") for x in [*blocks, *removals])
    view: dict = {
        "id": page.get("id"), "path": source.get("path"), "format": source.get("format"),
        "language": source.get("language"), "encoding": source.get("encoding"), "url": source.get("url"),
        "title": source.get("title"), "meta": {k: v for k, v in (source.get("meta") or {}).items() if v},
        "stats": page.get("stats") or {}, "stages": (page.get("pipeline") or {}).get("stages") or [],
        "families": [f.to_json() for f in families.families],
        "family_counts": families.count(page.get("removed") or []),
        "outline": outline(page), "warnings": warning_rows(page), "note": note,
        "mode": "source" if spans else "items",
    }
    if spans:
        breaks = page_breaks([*blocks, *removals])
        view["text"] = text
        view["breaks"] = breaks
        view["segments"] = segments(len(text), blocks, removals, [b[0] for b in breaks])
        placed = {r["i"] for r in removals if r.get("chars")}
        view["unplaced"] = [r["i"] for r in removals if r["i"] not in placed]
        for x in [*blocks, *removals]:  # the source shows the text: the details need only its start
            x["text"] = _short(x["text"], MAX_TEXT)
    else:
        view["items"] = item_order(blocks, removals, order)
    # what the page's script reads of each: ``where`` already names the lines, the page and the XPath
    view["blocks"] = [_compact(b, ("section", "kind", "level", "text", "where")) for b in blocks]
    view["removed"] = [_compact(r, ("stage", "rule", "family", "why", "text", "where")) for r in removals]
    return view


def _compact(row: Mapping, keys: Sequence[str]) -> dict:
    return {k: row[k] for k in keys if row.get(k) is not None}
