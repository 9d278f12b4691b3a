"""Runs many pages: finds them, cleans each (in worker processes with ``jobs`` > 1), writes one JSON
per page atomically and a manifest. A page that fails is reported and never costs another page
its output.
"""
from __future__ import annotations

import os
import sys
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from . import __version__
from .core import clean
from .output import dumps, page_id, write_atomic
from .rules import Rules, load_rules
from .sources import SourceError

MANIFEST_SCHEMA = "scraped-text-clean-manifest/1"


@dataclass(frozen=True)
class Page:
    path: str  # as the user gave it (folder joined with the file's path inside it)
    output: str  # path of the JSON under OUT, relative to OUT


@dataclass(frozen=True)
class Result:
    page: Page
    status: str  # ok | empty | error
    error: str | None = None
    json_text: str | None = None
    sections: int = 0
    removed: int = 0
    warnings: int = 0


def output_name(relative: str) -> str:
    """``sub/x.html.gz`` -> ``sub/x.json``: the subfolder kept, the extension(s) dropped."""
    folder, _, base = relative.replace("\\", "/").rpartition("/")
    stem = page_id(base)
    return f"{folder}/{stem}.json" if folder else f"{stem}.json"


def find_pages(sources: Iterable[str]) -> tuple[list[Page], list[str]]:
    """Pages under the given files and folders (hidden files skipped), and problems found."""
    pages: list[Page] = []
    problems: list[str] = []
    for src in sources:
        p = Path(src)
        if p.is_dir():
            for f in sorted(q for q in p.rglob("*") if q.is_file()):
                rel = f.relative_to(p).as_posix()
                if any(part.startswith(".") for part in rel.split("/")):
                    continue
                pages.append(Page(os.path.join(src, rel), output_name(rel)))
        elif p.is_file():
            pages.append(Page(src, output_name(p.name)))
        else:
            problems.append(f"{src}: no such file or folder")
    return pages, problems


def _clean_one(page: Page, rules_path: str | None, site_rules: bool, fmt: str) -> Result:
    try:
        data = Path(page.path).read_bytes()
    except OSError as exc:
        return Result(page, "error", f"{page.path}: cannot read: {exc.strerror or exc}")
    try:
        doc = clean(data, name=page.path, format=fmt, rules=load_rules(rules_path), site_rules=site_rules)
    except SourceError as exc:
        return Result(page, "error", f"{page.path}: {exc}")
    except MemoryError:
        return Result(page, "error", f"{page.path}: out of memory while cleaning")
    except Exception as exc:  # a bug on one page must not cost the others their output
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        return Result(page, "error", f"{page.path}: internal error while cleaning: {detail}\n{traceback.format_exc()}")
    empty = not doc["sections"]
    return Result(page, "empty" if empty else "ok", None, dumps(doc), len(doc["sections"]),
                  len(doc["removed"]), len(doc["warnings"]))


def run_corpus(sources: list[str], out: Path, *, rules_path: str | None, rules: Rules, site_rules: bool = True,
               jobs: int = 1, fmt: str = "auto", progress: Callable[[str], None] = print) -> int:
    """Clean every page under ``sources`` into ``out``; returns the exit status (1 if any page failed)."""
    started = time.monotonic()
    pages, problems = find_pages(sources)
    results: list[Result] = []
    seen: dict[str, str] = {}
    todo: list[Page] = []
    for page in pages:
        if page.output in seen:
            results.append(Result(page, "error", f"{page.path}: its output {page.output} would overwrite that of {seen[page.output]}"))
        else:
            seen[page.output] = page.path
            todo.append(page)
    total = len(pages)
    done = 0

    def finish(result: Result) -> None:
        nonlocal done
        done += 1
        if result.json_text is not None:
            try:
                write_atomic(out / result.page.output, result.json_text)
            except OSError as exc:
                result = Result(result.page, "error", f"{result.page.path}: cannot write {out / result.page.output}: {exc.strerror or exc}")
        results.append(result)
        if result.status == "error":
            first, _, rest = (result.error or "").partition("\n")
            progress(f"[{done}/{total}] error {first}")
            if rest:
                print(rest, file=sys.stderr)
        else:
            progress(f"[{done}/{total}] {result.status:5s} {result.page.path} -> {out / result.page.output} "
                     f"({result.sections} sections, {result.removed} removed, {result.warnings} warnings)")

    for r in list(results):
        results.remove(r)
        finish(r)
    if jobs > 1 and len(todo) > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(_clean_one, p, rules_path, site_rules, fmt) for p in todo]
            for page, future in zip(todo, futures):
                try:
                    finish(future.result())
                except Exception as exc:  # a worker that died (killed, out of memory) fails its page only
                    finish(Result(page, "error", f"{page.path}: worker failed: {exc!r}"))
    else:
        for page in todo:
            finish(_clean_one(page, rules_path, site_rules, fmt))
    for problem in problems:
        progress(f"error {problem}")
    counts = {s: sum(1 for r in results if r.status == s) for s in ("ok", "empty", "error")}
    results.sort(key=lambda r: r.page.path)
    manifest = {
        "schema": MANIFEST_SCHEMA,
        "pipeline": {"version": __version__, "rules_sha256": rules.sha256, "site_rules": site_rules},
        "counts": counts,
        "problems": problems,
        "pages": [{"path": r.page.path, "output": r.page.output if r.status != "error" else None,
                   "status": r.status, "error": (r.error or "").partition("\n")[0] or None,
                   "sections": r.sections, "removed": r.removed, "warnings": r.warnings} for r in results],
    }
    write_atomic(out / "manifest.json", dumps(manifest))
    seconds = time.monotonic() - started
    progress(f"{total} pages: {counts['ok']} ok, {counts['empty']} empty, {counts['error']} failed "
             f"in {seconds:.1f}s; manifest {out / 'manifest.json'}")
    return 1 if counts["error"] or problems else 0
