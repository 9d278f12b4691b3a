"""One page through the pipeline: read (decode + reader), the stages in rules order, JSON."""
from __future__ import annotations

from dataclasses import replace
from typing import Iterable

from . import sources
from .document import Document, PageWarning
from .output import to_json
from .rules import Rules, load_rules
from .stages import FORMATS, STAGES, decode
from .profile import profile_of
from .templates import PageLines, TemplateState, page_lines
from .report.notebook import Page


def _rules(rules: Rules | str | None, site_rules: bool) -> Rules:
    compiled = rules if isinstance(rules, Rules) else load_rules(rules)
    return compiled if site_rules else compiled.without_sites()


def read(data: bytes | str, *, name: str | None = None, url: str | None = None, format: str = "auto",
         rules: Rules | str | None = None, templates: TemplateState | dict | None = None) -> Document:
    """A Document with the page's Blocks, before any cleaning stage (decode and reader only).
    ``templates``: a corpus run's template state (or its JSON form, ``clean/.templates.json``)."""
    if templates is not None and not isinstance(templates, TemplateState):
        templates = TemplateState.from_json(templates)
    rules = _rules(rules, True)
    if format != "auto" and format not in sources.FORMATS:
        raise sources.SourceError(f"unknown format {format!r} (known: auto, {', '.join(sources.FORMATS)})")
    if isinstance(data, str):
        raw = data.encode("utf-8")
        fmt = sources.detect_format(raw, name) if format == "auto" else format
        doc = Document(name=name, data=raw, text=data, format=fmt, url=url)
    else:
        raw = sources.unpack(data, name, rules.stage(decode.NAME).max_unpacked_bytes)
        fmt = sources.detect_format(raw, name) if format == "auto" else format
        doc = decode.stage(Document(name=name, data=raw, format=fmt, url=url), rules)
    doc = sources.read(doc, rules.read)
    # the page's language and word lists, known before any stage reads a word list (pdf's joins,
    # boilerplate's stopwords, the function words)
    profile = profile_of(doc, rules.text)
    return replace(doc, language=profile.language, profile=profile, templates=templates)


def template_lines_of(data: bytes | str, *, name: str | None = None, url: str | None = None, format: str = "auto",
                      rules: Rules | str | None = None, site_rules: bool = True) -> PageLines:
    """The corpus template pass for one page: its name, its site and its line keys, as the template
    stage will compare them (the stages before it run first)."""
    compiled = _rules(rules, site_rules)
    before = compiled.stages[:compiled.stages.index("template")] if "template" in compiled.stages else compiled.stages
    doc = run(read(data, name=name, url=url, format=format, rules=compiled), compiled, stages=before)
    return name or "", doc.site, page_lines(doc, compiled.stage("template"), compiled.text)


def run(doc: Document, rules: Rules | str | None = None, stages: Iterable[str] | None = None) -> Document:
    """Run ``stages`` (default: the order rules.yaml gives) over a Document."""
    rules = _rules(rules, True) if not isinstance(rules, Rules) else rules
    for name in stages if stages is not None else rules.stages:
        # a stage acts on the formats it declares; a page of another format passes through it
        doc = STAGES[name](doc, rules) if doc.format in FORMATS[name] else doc.evolve(name)
    if not doc.kept and "sections" in doc.stages:  # no blocks, no sections (built only at output)
        doc = doc.evolve("pipeline", warnings=[PageWarning("pipeline", "empty", None, "no text was kept from this page")])
    return doc


def clean(data: bytes | str, *, name: str | None = None, url: str | None = None, format: str = "auto",
          rules: Rules | str | None = None, site_rules: bool = True,
          templates: TemplateState | dict | None = None) -> dict:
    """Clean one page; returns exactly the dict the CLI writes as JSON for it."""
    from . import __version__

    compiled = _rules(rules, site_rules)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    doc = run(read(data, name=name, url=url, format=format, rules=compiled, templates=templates), compiled)
    return Page(to_json(doc, raw, version=__version__, rules_sha256=compiled.sha256), doc.text)  # a dict, shown in notebooks
