"""Notebook display: a short ``repr`` and an inline page view for the page dict ``pipeline.clean``
returns and for a Document, and ``pipeline.explain``, the removals of a page as a table.

Views are built from the page's JSON form only (``output.to_json`` for a Document), so they keep
working whatever the Document holds. A ``Page`` is a plain dict for everything else: it compares,
pickles and dumps to JSON exactly as the dict it wraps.
"""
from __future__ import annotations

from typing import Any, Mapping

from .families import Families


def _families(rules: Any = None) -> Families:
    from ..rules import Rules, load_rules

    compiled = rules if isinstance(rules, Rules) else load_rules(rules)
    return compiled.report or Families()


def page_repr(page: Mapping) -> str:
    """``<page id format: N sections, kept a of b chars, M removed (K inline), W warnings>``."""
    source = page.get("source") or {}
    stats = page.get("stats") or {}
    removed = page.get("removed") or []
    try:
        quiet = sum(1 for r in removed if _families().of(r.get("stage"), r.get("rule")).quiet)
        inline = f" ({quiet} inline cuts)"
    except Exception:  # a repr never fails: bad rules only lose the split
        inline = ""
    return (f"<page {page.get('id')!r} {source.get('format')}: {len(page.get('sections') or [])} sections, "
            f"kept {stats.get('chars_out', 0)} of {stats.get('chars_in', 0)} chars, {len(removed)} removed{inline}, "
            f"{len(page.get('warnings') or [])} warnings>")


def page_view_html(page: Mapping, text: str | None = None, rules: Any = None) -> str:
    from . import model, render

    return render.notebook_html(model.page_view(page, _families(rules), text))


class Page(dict):
    """The dict ``pipeline.clean`` returns, with notebook display. ``source_text`` (not a key, so
    not in the JSON) is the decoded source the character spans index into."""

    def __init__(self, data: Mapping = (), source_text: str | None = None):
        super().__init__(data)
        self.source_text = source_text

    def __repr__(self) -> str:
        return page_repr(self)

    def _repr_html_(self) -> str:
        return page_view_html(self, self.source_text)


def document_repr(doc: Any) -> str:
    """A Document's short form: name, format, blocks kept of all, removals, warnings, stages run."""
    stages = getattr(doc, "stages", ()) or ()
    blocks = getattr(doc, "blocks", ()) or ()
    kept = getattr(doc, "kept", blocks)
    return (f"<Document {getattr(doc, 'name', None)!r} {getattr(doc, 'format', '?')}: "
            f"{len(kept)} of {len(blocks)} blocks kept, {len(getattr(doc, 'removed', ()) or ())} removed, "
            f"{len(getattr(doc, 'warnings', ()) or ())} warnings, {len(getattr(doc, 'text', '') or '')} chars; "
            f"stages: {', '.join(stages) if stages else 'none'}>")


def document_page(doc: Any) -> Page:
    """The page dict of a Document at any point of the pipeline (its JSON form, as written)."""
    from .. import __version__
    from ..output import to_json

    return Page(to_json(doc, getattr(doc, "data", b"") or b"", version=__version__, rules_sha256="0" * 64),
                getattr(doc, "text", None))


def document_html(doc: Any) -> str:
    page = document_page(doc)
    return page_view_html(page, page.source_text)


class Explanation(list):
    """Rows of removals (dicts: stage, rule, family, why, text, where, ...), shown as a table."""

    def __init__(self, rows: list, colours: Mapping[str, str] | None = None, labels: Mapping[str, str] | None = None):
        super().__init__(rows)
        self.colours = dict(colours or {})
        self.labels = dict(labels or {})  # family name -> the label the legend shows

    def _repr_html_(self) -> str:
        from .render import explain_html

        return explain_html(self, self.colours, self.labels)

    def __repr__(self) -> str:
        lines = [f"{len(self)} removals"]
        for r in self[:20]:
            text = " ".join(r["text"].split())
            lines.append(f"  {r['stage']:<11} {r['rule']:<20} {text[:50]!r}" + (f"  ({r['why']})" if r.get("why") else ""))
        if len(self) > 20:
            lines.append(f"  ... {len(self) - 20} more")
        return "\n".join(lines)


def explain(data_or_doc: Any, *, name: str | None = None, rules: Any = None, quiet: bool = True,
            **clean_options: Any) -> Explanation:
    """The removals of a page as a table: ``data_or_doc`` is a page dict (``pipeline.clean``'s or
    a loaded JSON), a Document, or the page's bytes or text (cleaned here with ``name``, ``rules``
    and ``clean_options``). ``quiet=False`` leaves out inline cuts and repairs."""
    from . import model

    if isinstance(data_or_doc, Mapping):
        page = data_or_doc
    elif isinstance(data_or_doc, (bytes, str)):
        from ..core import clean

        page = clean(data_or_doc, name=name, rules=rules, **clean_options)
    else:
        page = document_page(data_or_doc)
    families = _families(rules)
    rows = [r for r in model.removal_rows(page, families) if quiet or not r["quiet"]]
    return Explanation(rows, {f.name: f.colour for f in families.families},
                       {f.name: f.label or f.name for f in families.families})
