"""template: lines that many pages of the page's site share go (a corpus run's template state).

The state comes from the corpus pass (``pipeline.templates``: each page's line keys counted per
site) through ``clean(templates=...)``; without it (one page on its own, the benchmarks) the stage
does nothing. A kept block other than a heading whose line key is template on the page's site is
dropped with rule ``template``, and the reason says on how many of the site's pages it is.
"""
from __future__ import annotations

from ..document import Block, Document, dropped
from ..templates import TemplateRules, TemplateState, compile  # noqa: F401  (compile: rules.py calls it)
from ..textrules import compare_key

NAME = "template"
FORMATS = ("text", "html", "pdf")  # page formats it acts on (others pass through)
REQUIRES = ("site", "plain-text")  # the page's site (header); lines compared as plain text (markup)
PROVIDES = ()
INVALIDATES = ("sections",)  # facts it would make stale: no stage that provides one runs before it
RULE = "template"


def stage(doc: Document, rules) -> Document:
    state: TemplateState | None = doc.templates
    if state is None:
        return doc.evolve(NAME)
    cfg: TemplateRules = rules.stage(NAME)
    site = state.site_of(doc)
    lines = state.template_lines(site, cfg)
    if not lines:
        return doc.evolve(NAME)
    found = state.sites[site]
    out: list[Block] = []
    for b in doc.kept:
        key = compare_key(b.text, rules.text) if b.kind != "heading" and len(b.text) >= cfg.min_chars else ""
        if key in lines:
            out.append(dropped(b, NAME, RULE, f"on {found.lines[key]} of the {found.pages} pages of {site}"))
        else:
            out.append(b)
    return doc.evolve(NAME, blocks=out)
