"""The stages, one module each. Every stage is ``stage(doc, rules) -> doc``, pure and usable alone:

    from pipeline.stages import boilerplate
    doc = boilerplate.stage(doc, pipeline.load_rules())

A module may also expose ``compile(section, where)``, which rules.py calls once to turn the stage's
section of rules.yaml into what the stage reads at run time (``rules.stage(NAME)``).

Each module declares what it acts on and how it depends on the others, as data: ``FORMATS`` (page
formats it acts on; a page of another format passes through), ``REQUIRES`` (facts it reads),
``PROVIDES`` (facts it leaves) and ``INVALIDATES`` (facts it would make stale). A ``stages:`` order
in rules.yaml is checked against them (``order_problems``): a stage that provides a fact another
reads runs before it, and no stage that provides a fact runs before one that invalidates it. Facts:
``fields``, ``site`` (header); ``repaired-text`` (mojibake); ``plain-text``, ``link-counts``,
``image-flags`` (markup); ``joined-lines`` (pdf); ``contents`` (boilerplate: contents entries);
``sections``, ``title`` (sections); ``normalized-text`` (normalize).
"""
from __future__ import annotations

from typing import Sequence

from . import boilerplate, decode, dedupe, header, markup, mojibake, normalize, pdf, sections, structure, template

# decode always runs first (it makes the text the reader reads); the rest run in rules.yaml's order
MODULES = (decode, header, mojibake, markup, pdf, template, structure, boilerplate, dedupe, sections, normalize)
STAGES = {m.NAME: m.stage for m in MODULES}
COMPILERS = {m.NAME: m.compile for m in MODULES if hasattr(m, "compile")}
DEFAULT_ORDER = tuple(m.NAME for m in MODULES if m is not decode)
ORDERED = {m.NAME: m for m in MODULES if m is not decode}
FORMATS = {name: frozenset(m.FORMATS) for name, m in ORDERED.items()}


def order_problems(order: Sequence[str]) -> list[tuple[int, str]]:
    """What is wrong with running the stages in ``order``: (index in ``order`` of the stage whose
    declaration is broken, why), in order; empty when the order is consistent."""
    problems: list[tuple[int, str]] = []
    for i, name in enumerate(order):
        module = ORDERED[name]
        for j, other in enumerate(order):
            if j == i:
                continue
            provided = set(ORDERED[other].PROVIDES)
            if j > i and provided & set(module.REQUIRES):
                facts = ", ".join(sorted(provided & set(module.REQUIRES)))
                problems.append((i, f"{other} must run before {name}: {name} reads what {other} provides ({facts})"))
            if j < i and provided & set(module.INVALIDATES):
                facts = ", ".join(sorted(provided & set(module.INVALIDATES)))
                problems.append((i, f"{name} must run before {other}: it would make stale what {other} "
                                    f"provides ({facts})"))
    if len(set(order)) < len(order):
        seen: set[str] = set()
        for i, name in enumerate(order):
            if name in seen:
                problems.append((i, f"{name} is listed twice"))
            seen.add(name)
    return sorted(problems)

__all__ = ["STAGES", "COMPILERS", "DEFAULT_ORDER", "FORMATS", "order_problems"] + [m.NAME for m in MODULES]
