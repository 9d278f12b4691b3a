"""sections: placeholder until its stage is written: one lead section holding every block."""
from __future__ import annotations

from ..document import Document, Section

NAME = "sections"


def stage(doc: Document, rules) -> Document:
    sections = (Section("s0", None, 0, (), "body", doc.blocks),) if doc.blocks else ()
    return doc.evolve(NAME, sections=sections)
