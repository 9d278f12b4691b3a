"""mojibake: placeholder until its stage is written; passes the document through."""
from __future__ import annotations

import ftfy

from ..document import Document

NAME = "mojibake"


def fix_text(text: str) -> str:
    return ftfy.fix_text(text, uncurl_quotes=False)


def stage(doc: Document, rules) -> Document:
    return doc.evolve(NAME)
