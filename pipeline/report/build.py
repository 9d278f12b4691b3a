"""``python -m pipeline report CLEAN_DIR -o REPORT_DIR``: read a clean folder, write the site.

REPORT_DIR/index.html, REPORT_DIR/pages/<page output path>.html (one per page JSON) and
REPORT_DIR/assets/ (the stylesheet and the two scripts). Everything is relative: the folder opens
from disk, offline, and can be moved or zipped whole.
"""
from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import quote

from ..rules import Rules
from . import model, render
from .source import element_order, source_text

MANIFEST = "manifest.json"
PAGE_SCHEMA = "scraped-text-clean/1"


@dataclass
class Built:
    pages: int = 0  # page views written
    errors: list[str] = field(default_factory=list)  # pages listed but not readable as page JSON
    bytes: int = 0  # size of everything written


@dataclass(frozen=True)
class Listed:
    output: str | None  # the page JSON, relative to CLEAN_DIR, '/'-separated
    path: str | None  # the source as the run named it
    status: str
    error: str | None = None


def _safe(output: str) -> bool:
    parts = output.split("/")
    return output.endswith(".json") and not os.path.isabs(output) and all(p not in ("", ".", "..") for p in parts)


def list_pages(clean_dir: Path) -> list[Listed]:
    """The pages of a clean folder: the manifest's rows where there is one (failed pages included),
    else every ``*.json`` under it but the manifest (a folder of golden files, say)."""
    manifest = clean_dir / MANIFEST
    if manifest.is_file():
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = None
        if isinstance(data, dict) and isinstance(data.get("pages"), list):
            out = []
            for row in data["pages"]:
                if not isinstance(row, dict):
                    continue
                output = row.get("output") if isinstance(row.get("output"), str) and _safe(row["output"]) else None
                out.append(Listed(output, row.get("path"), row.get("status") or "error", row.get("error")))
            return out
    found = sorted(p.relative_to(clean_dir).as_posix() for p in clean_dir.rglob("*.json")
                   if p.is_file() and p.name != MANIFEST and not any(x.startswith(".") for x in p.relative_to(clean_dir).parts))
    return [Listed(o, None, "ok") for o in found]


def load_page(path: Path) -> dict:
    page = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(page, dict) or page.get("schema") != PAGE_SCHEMA:
        raise ValueError(f"not a page JSON of schema {PAGE_SCHEMA}")
    return page


def page_href(output: str) -> str:
    """Where a page's view goes, relative to REPORT_DIR, as a URL."""
    return "pages/" + "/".join(quote(p) for p in (output[:-5] + ".html").split("/"))


def write_assets(out_dir: Path) -> int:
    folder = out_dir / "assets"
    folder.mkdir(parents=True, exist_ok=True)
    size = 0
    for name in render.ASSET_NAMES:
        shutil.copyfile(render.ASSETS / name, folder / name)
        size += (folder / name).stat().st_size
    return size


def _write(path: Path, text: str) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8", "backslashreplace")  # a lone surrogate becomes a JSON escape, not an error
    path.write_bytes(data)
    return len(data)


def build_report(clean_dir: Path, out_dir: Path, rules: Rules, *, roots: list[Path] | None = None,
                 tick: Callable[[str], None] | None = None) -> Built:
    """Write the report of ``clean_dir`` into ``out_dir``. ``roots``: folders where a relative
    ``source.path`` is looked for (after the current folder); default: CLEAN_DIR's parent.
    ``tick`` is called once per page listed (a progress bar)."""
    clean_dir, out_dir = Path(clean_dir), Path(out_dir)
    families = rules.report
    roots = roots if roots is not None else [clean_dir.resolve().parent]
    built = Built()
    rows = []
    for listed, row in _rows(clean_dir, out_dir, rules, roots, built):
        rows.append(row)
        if tick:
            tick(listed.path or listed.output or "")
    shared = _shared_folder([r["path"] for r in rows if r.get("path")])
    for r in rows:  # the folder every page is in is said once, in the index's heading
        r["shown"] = os.path.relpath(r["path"], shared) if shared and r.get("path") and r["path"] != shared else r.get("path")
    totals = model.corpus_totals(rows, families)
    index = render.index_html(rows, totals, [f.to_json() for f in families.families], str(clean_dir), shared)
    built.bytes += _write(out_dir / "index.html", index) + write_assets(out_dir)
    return built


def _shared_folder(paths: list[str]) -> str:
    """The folder all ``paths`` are in ('' when none, or when they mix absolute and relative)."""
    try:
        return os.path.commonpath(paths) if paths else ""
    except ValueError:
        return ""


def _rows(clean_dir: Path, out_dir: Path, rules: Rules, roots: list[Path], built: Built) -> Iterator[tuple[Listed, dict]]:
    """Each listed page's index row, its page view written on the way."""
    for listed in list_pages(clean_dir):
        if listed.output is None:
            yield listed, model.error_row(listed.path or "?", listed.error or "not cleaned")
            continue
        try:
            page = load_page(clean_dir / listed.output)
        except (OSError, ValueError) as exc:
            problem = f"{listed.output}: cannot read the page JSON: {exc}"
            built.errors.append(problem)
            yield listed, model.error_row(listed.path or listed.output, problem)
            continue
        text, note = source_text(page, roots, rules)
        order = None
        if (page.get("source") or {}).get("format") == "html":  # HTML spans have no characters: the
            # source orders the elements (a page on one line has one line number for all of them)
            order = element_order(text) if text is not None else None
            text = None
            if note:
                note = note.replace("are listed without it", "are listed by line; on one line their order is a guess")
        view = model.page_view(page, rules.report, text, note, order)
        href = page_href(listed.output)
        depth = href.count("/")
        target = out_dir / "pages" / Path(*(listed.output[:-len(".json")] + ".html").split("/"))
        built.bytes += _write(target, render.page_html(view, "../" * depth + "assets", "../" * depth + "index.html"))
        built.pages += 1
        row = model.page_row(page, rules.report, listed.output)
        row["href"] = href
        if row["path"] is None:
            row["path"] = listed.path
        yield listed, row
