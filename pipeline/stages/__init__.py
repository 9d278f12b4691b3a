"""The stages, one module each. Every stage is ``stage(doc, rules) -> doc``, pure and usable alone:

    from pipeline.stages import boilerplate
    doc = boilerplate.stage(doc, pipeline.load_rules())

A module may also expose ``compile(section, where)``, which rules.py calls once to turn the stage's
section of rules.yaml into what the stage reads at run time (``rules.stage(NAME)``).
"""
from __future__ import annotations

from . import boilerplate, decode, dedupe, header, markup, mojibake, normalize, pdf, sections

# decode always runs first (it makes the text the reader reads); the rest run in rules.yaml's order
MODULES = (decode, header, mojibake, markup, pdf, boilerplate, dedupe, sections, normalize)
STAGES = {m.NAME: m.stage for m in MODULES}
COMPILERS = {m.NAME: m.compile for m in MODULES if hasattr(m, "compile")}
DEFAULT_ORDER = tuple(m.NAME for m in MODULES if m is not decode)

__all__ = ["STAGES", "COMPILERS", "DEFAULT_ORDER"] + [m.NAME for m in MODULES]
