"""Two runs side by side: the pages whose kept text changed (a word-level diff of it) and the
rules that started or stopped firing. ``python -m pipeline report --compare OLD NEW`` prints the
summary (and writes compare.html with ``-o``); ``make goldens`` prints it for the golden files.

Pages are matched by their JSON's path inside each folder. Pure functions over page dicts but
``load_folder``.
"""
from __future__ import annotations

import difflib
import html
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from .build import list_pages, load_page
from .model import kept_text

CONTEXT = 80  # characters of unchanged text kept on each side of a change in a shown diff
SHOWN_CHANGES = 3  # changes quoted per page in the printed summary
_TOKENS = re.compile(r"\s+|[^\s]+")


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """``[(op, text)]`` with op ``=`` (in both), ``-`` (only in old) or ``+`` (only in new); the
    texts of ``=`` and ``-`` make ``old``, those of ``=`` and ``+`` make ``new``. Lines are matched
    first, then the words of the lines that differ, so a long page diffs fast and readably."""
    out: list[tuple[str, str]] = []

    def add(op: str, text: str) -> None:
        if not text:
            return
        if out and out[-1][0] == op:
            out[-1] = (op, out[-1][1] + text)
        else:
            out.append((op, text))

    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        x, y = "".join(a[i1:i2]), "".join(b[j1:j2])
        if tag == "equal":
            add("=", x)
        elif tag != "replace":
            add("-", x)
            add("+", y)
        else:
            wa, wb = _TOKENS.findall(x), _TOKENS.findall(y)
            for t, p1, p2, q1, q2 in difflib.SequenceMatcher(None, wa, wb, autojunk=False).get_opcodes():
                if t == "equal":
                    add("=", "".join(wa[p1:p2]))
                else:
                    add("-", "".join(wa[p1:p2]))
                    add("+", "".join(wb[q1:q2]))
    return out


def _words(text: str) -> int:
    return len(text.split())


@dataclass
class PageChange:
    key: str  # the page JSON's path inside the folders
    path: str | None  # the source as the run named it
    kind: str  # changed | added | gone | rules (kept text the same, removals not)
    diff: list[tuple[str, str]] = field(default_factory=list)
    started: dict[str, int] = field(default_factory=dict)  # rule -> removals in NEW, none in OLD
    stopped: dict[str, int] = field(default_factory=dict)  # rule -> removals in OLD, none in NEW
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)  # rule -> (OLD, NEW) when both fired

    @property
    def words_removed(self) -> int:
        return sum(_words(t) for op, t in self.diff if op == "-")

    @property
    def words_added(self) -> int:
        return sum(_words(t) for op, t in self.diff if op == "+")


@dataclass
class Comparison:
    old: str
    new: str
    both: int
    pages: list[PageChange]
    started: dict[str, int]  # rule -> pages of NEW it fired on, for rules that fired on no page of OLD
    stopped: dict[str, int]  # rule -> pages of OLD it fired on, for rules that fire on no page of NEW

    def of(self, kind: str) -> list[PageChange]:
        return [p for p in self.pages if p.kind == kind]


def _rules(page: Mapping) -> Counter:
    return Counter(r.get("rule") for r in page.get("removed") or [])


def compare_page(key: str, old: Mapping | None, new: Mapping | None) -> PageChange | None:
    """What changed for one page between two runs; None when its kept text and removals per rule
    are the same."""
    path = ((new or old or {}).get("source") or {}).get("path")
    if old is None or new is None:
        text = kept_text(new or old or {})
        return PageChange(key, path, "added" if old is None else "gone", [("+" if old is None else "-", text)])
    a, b = _rules(old), _rules(new)
    change = PageChange(key, path, "rules",
                        started={r: n for r, n in sorted(b.items()) if r not in a},
                        stopped={r: n for r, n in sorted(a.items()) if r not in b},
                        counts={r: (a[r], b[r]) for r in sorted(a) if r in b and a[r] != b[r]})
    old_text, new_text = kept_text(old), kept_text(new)
    if old_text != new_text:
        change.kind = "changed"
        change.diff = word_diff(old_text, new_text)
    elif not (change.started or change.stopped or change.counts):
        return None
    return change


def compare_pages(old: Mapping[str, Mapping], new: Mapping[str, Mapping], old_name: str = "OLD",
                  new_name: str = "NEW") -> Comparison:
    """Compare two runs given as {key: page dict}."""
    pages = []
    for key in sorted(set(old) | set(new)):
        change = compare_page(key, old.get(key), new.get(key))
        if change is not None:
            pages.append(change)
    fired_old = Counter(r for p in old.values() for r in _rules(p))
    fired_new = Counter(r for p in new.values() for r in _rules(p))
    pages_old = Counter(r for p in old.values() for r in set(_rules(p)))
    pages_new = Counter(r for p in new.values() for r in set(_rules(p)))
    return Comparison(old_name, new_name, len(set(old) & set(new)), pages,
                      {r: pages_new[r] for r in sorted(fired_new) if r not in fired_old},
                      {r: pages_old[r] for r in sorted(fired_old) if r not in fired_new})


def load_folder(folder: Path) -> dict[str, dict]:
    """{page JSON path inside ``folder``: page} for a clean folder (or a folder of golden files)."""
    out = {}
    for listed in list_pages(Path(folder)):
        if listed.output is not None and (Path(folder) / listed.output).is_file():
            out[listed.output] = load_page(Path(folder) / listed.output)
    return out


# --- the summary ----------------------------------------------------------------------------------

def _quote(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[:limit] + "…")


def _rule_changes(p: PageChange) -> str:
    parts = []
    if p.started:
        parts.append("started: " + ", ".join(f"{r} ({n})" for r, n in p.started.items()))
    if p.stopped:
        parts.append("stopped: " + ", ".join(f"{r} ({n})" for r, n in p.stopped.items()))
    if p.counts:
        parts.append("count: " + ", ".join(f"{r} {a}->{b}" for r, (a, b) in p.counts.items()))
    return "; ".join(parts)


def summary_lines(c: Comparison) -> list[str]:
    """The printed summary: counts, then per page what changed, then the rules that started or
    stopped firing anywhere."""
    changed, rules_only = c.of("changed"), c.of("rules")
    lines = [f"compare {c.old} -> {c.new}: {c.both} pages in both; kept text changed on {len(changed)}, "
             f"only removals changed on {len(rules_only)}; {len(c.of('gone'))} only in {c.old}, "
             f"{len(c.of('added'))} only in {c.new}"]
    for p in c.pages:
        name = p.path or p.key
        if p.kind in ("added", "gone"):
            lines.append(f"  {name}: only in {c.new if p.kind == 'added' else c.old}")
            continue
        head = f"  {name}: " + (f"kept text -{p.words_removed} +{p.words_added} words" if p.kind == "changed"
                                else "kept text the same")
        rules = _rule_changes(p)
        lines.append(head + (f"; {rules}" if rules else ""))
        shown = [(op, t) for op, t in p.diff if op != "=" and t.strip()][:SHOWN_CHANGES]
        for op, t in shown:
            lines.append(f"      {op} {_quote(t)}")
    if c.started:
        lines.append("rules that started firing: " + ", ".join(f"{r} ({n} pages)" for r, n in c.started.items()))
    if c.stopped:
        lines.append("rules that stopped firing: " + ", ".join(f"{r} ({n} pages)" for r, n in c.stopped.items()))
    if not c.pages:
        lines.append("no page changed")
    return lines


# --- the HTML ------------------------------------------------------------------------------------

def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _diff_html(diff: list[tuple[str, str]]) -> str:
    out = []
    for op, text in diff:
        if op == "=":
            if len(text) > 2 * CONTEXT + 20:
                text_html = (_e(text[:CONTEXT]) + f'<span class="gap"> … {len(text) - 2 * CONTEXT:,} characters … </span>'
                             + _e(text[-CONTEXT:]))
            else:
                text_html = _e(text)
            out.append(text_html)
        else:
            out.append(f'<{"del" if op == "-" else "ins"}>{_e(text)}</{"del" if op == "-" else "ins"}>')
    return "".join(out)


KINDS = {"changed": "kept text changed", "rules": "only removals changed", "added": "only in the new run",
         "gone": "only in the old run"}


def compare_html(c: Comparison) -> str:
    """compare.html: the summary, then each page's diff of kept text and its rule changes."""
    sections = []
    for p in c.pages:
        rules = _rule_changes(p)
        body = _diff_html(p.diff) if p.diff else '<span class="gap">kept text the same</span>'
        sections.append(f'<section><h3>{_e(p.path or p.key)} <small>{_e(KINDS[p.kind])}</small></h3>'
                        f'<div class="rules">{_e(rules)}</div><div class="diff">{body}</div></section>')
    summary = "\n".join(summary_lines(c)[:1] + [x for x in summary_lines(c) if x.startswith("rules that")])
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>compare {_e(c.old)} -> {_e(c.new)}</title>
<style>body{{font:14px/1.45 system-ui,sans-serif;margin:16px;color:#222}} .diff{{white-space:pre-wrap;font:13px/1.5 monospace;
background:#fff;border:1px solid #ddd;padding:8px}} del{{background:#fdd;color:#900}} ins{{background:#dfd;color:#060;text-decoration:none}}
.gap{{color:#888;font-style:italic}} .rules{{color:#555;margin:4px 0}} pre{{white-space:pre-wrap}}</style></head>
<body><h1>Kept text and rules: {_e(c.old)} → {_e(c.new)}</h1><pre>{_e(summary)}</pre>{"".join(sections)}</body></html>
"""
