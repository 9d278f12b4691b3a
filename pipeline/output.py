"""The JSON form of a cleaned Document (schema ``scraped-text-clean/1``) and atomic writing."""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections import Counter
from pathlib import Path

from .document import Document

SCHEMA_ID = "scraped-text-clean/1"
SCHEMA_FILE = Path(__file__).resolve().parent / "schema" / "scraped-text-clean-1.schema.json"
META_KEYS = ("description", "keywords", "published", "modified", "reviewed", "copyright")


def page_id(name: str | None) -> str:
    """The stem of a page's file name: ``a/b/x.html.gz`` -> ``x``."""
    if not name:
        return "page"
    base = os.path.basename(name.replace("\\", "/"))
    if base.lower().endswith(".gz"):
        base = base[:-3]
    stem, dot, _ = base.rpartition(".")
    return stem if dot and stem else base


def to_json(doc: Document, raw: bytes, *, version: str, rules_sha256: str) -> dict:
    """The dict the CLI writes for a page. ``raw`` are the bytes as given (before any gunzip)."""
    meta = {k: doc.meta.get(k) for k in META_KEYS}
    meta.update({k: doc.meta[k] for k in sorted(doc.meta) if k not in META_KEYS})
    sections = []
    chars_out = 0
    for s in doc.sections:
        text = s.text
        chars_out += len(text) + (len(s.heading.text) if s.heading else 0)
        span = s.span
        blocks = ([s.heading] if s.heading else []) + list(s.blocks)
        sections.append({
            "id": s.id,
            "heading": s.heading.text if s.heading else None,
            "level": s.level,
            "path": list(s.path),
            "role": s.role,
            "text": text,
            "blocks": [b.to_json() for b in blocks],
            "source": span.to_json() if span else {"chars": None, "lines": [0, 0]},
        })
    by_rule = Counter(r.rule for r in doc.removed)
    return {
        "schema": SCHEMA_ID,
        "id": page_id(doc.name),
        "source": {
            "path": doc.name,
            "sha256": hashlib.sha256(raw).hexdigest(),
            "bytes": len(raw),
            "format": doc.format,
            "encoding": doc.encoding,
            "language": doc.language,
            "url": doc.url,
            "title": doc.title,
            "meta": meta,
        },
        "pipeline": {"version": version, "rules_sha256": rules_sha256, "stages": list(doc.stages)},
        "sections": sections,
        "removed": [r.to_json() for r in doc.removed],
        "warnings": [w.to_json() for w in doc.warnings],
        "stats": {
            "chars_in": len(doc.text),
            "chars_out": chars_out,
            "sections": len(sections),
            "removed_by_rule": dict(sorted(by_rule.items())),
        },
    }


def dumps(page: dict) -> str:
    """Deterministic JSON text of a page (same dict, same bytes)."""
    return json.dumps(page, ensure_ascii=False, indent=1) + "\n"


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix="." + path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def load_schema() -> dict:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
