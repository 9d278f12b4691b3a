"""Scraped-text cleaning: staged filters over scraped pages, sectioned JSON with provenance.

    import pipeline
    page = pipeline.clean(open("raw/x.txt", "rb").read(), name="x.txt")   # the JSON dict of one page
    pipeline.fix_text("EspaÃ±ol")                                          # 'Español'

For tuning in a notebook: ``doc = pipeline.read(data, name=...)`` gives the Document right after
the reader, ``pipeline.run(doc, rules, stages=[...])`` runs chosen stages, and every stage in
``pipeline.stages`` is usable alone on a Document. ``pipeline.explain(page)`` lists a page's
removals (stage, rule, why, text) as a table; a page dict and a Document display inline.
"""
from __future__ import annotations

__version__ = "0.1.0"

from .core import clean, read, run  # noqa: E402
from .document import Block, Document, PageWarning, Removal, Section, Span  # noqa: E402
from .rules import Rules, RulesError, load_rules  # noqa: E402
from .sources import SourceError  # noqa: E402
from .report.notebook import explain  # noqa: E402
from .stages.mojibake import fix_text  # noqa: E402

__all__ = ["__version__", "clean", "read", "run", "explain", "fix_text", "load_rules", "Rules", "RulesError",
           "SourceError", "Document", "Block", "Span", "Removal", "PageWarning", "Section"]
