"""Runs many pages: finds them, cleans each (in worker processes with ``jobs`` > 1), writes one JSON
per page atomically and a manifest. A page that fails is reported and never costs another page
its output.
"""
from __future__ import annotations

import os
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from . import __version__
from .core import clean
from .output import dumps, iter_dumps, page_id, write_atomic
from .rules import Rules, RulesError, load_rules
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
    error: str | None = None  # one line, naming the file
    detail: str | None = None  # a traceback for internal errors (printed to stderr, not in the manifest)
    sections: int = 0
    removed: int = 0
    warnings: int = 0


def _one_line(message: str) -> str:
    return " ".join(message.splitlines())


def output_name(relative: str) -> str:
    """``sub/x.html.gz`` -> ``sub/x.json``: the subfolder kept, the extension(s) dropped."""
    folder, _, base = relative.replace("\\", "/").rpartition("/")
    stem = page_id(base)
    return f"{folder}/{stem}.json" if folder else f"{stem}.json"


def find_pages(sources: Iterable[str], out: Path | None = None) -> tuple[list[Page], list[str]]:
    """Pages under the given files and folders, and problems found (a SRC that does not exist).

    Hidden files and folders are skipped, and so is ``out`` when it lies inside a SRC folder (a
    second run must not clean the first run's JSON). A file named twice is cleaned once.
    """
    pages: list[Page] = []
    problems: list[str] = []
    seen: set[str] = set()
    skip = os.path.realpath(out) if out is not None else None

    def add(path: str, output: str) -> None:
        real = os.path.realpath(path)
        if real not in seen:
            seen.add(real)
            pages.append(Page(path, output))

    for src in sources:
        if os.path.isdir(src):
            found = []
            # os.walk does not follow symlinked folders: no loops, no page reached twice that way
            for folder, dirs, files in os.walk(src):
                dirs[:] = [d for d in dirs if not d.startswith(".")
                           and os.path.realpath(os.path.join(folder, d)) != skip]
                for f in files:
                    if not f.startswith("."):
                        found.append(os.path.relpath(os.path.join(folder, f), src).replace(os.sep, "/"))
            for rel in sorted(found):
                add(os.path.join(src, rel), output_name(rel))
        elif os.path.isfile(src):
            add(src, output_name(os.path.basename(src)))
        elif os.path.lexists(src):
            problems.append(f"{src}: not a regular file or folder")
        else:
            problems.append(f"{src}: no such file or folder")
    return pages, problems


def _clean_one(page: Page, out: str, rules: Rules | None, rules_path: str | None, rules_sha256: str,
               site_rules: bool, fmt: str) -> Result:
    """Clean one page and write its JSON; never raises for a problem with the page."""
    try:
        if rules is None:  # in a worker process: load (cached per process) and check it is the same file
            rules = load_rules(rules_path)
            if rules.sha256 != rules_sha256:
                return Result(page, "error", f"{page.path}: the rules file changed during the run; run again")
        try:
            data = Path(page.path).read_bytes()
        except OSError as exc:
            return Result(page, "error", f"{page.path}: cannot read: {exc.strerror or exc}")
        try:
            doc = clean(data, name=page.path, format=fmt, rules=rules, site_rules=site_rules)
        except SourceError as exc:
            return Result(page, "error", f"{page.path}: {exc}")
        except RecursionError:
            return Result(page, "error", f"{page.path}: internal error while cleaning: nesting too deep (RecursionError)",
                          traceback.format_exc())
        del data
        target = Path(out) / page.output
        try:
            write_atomic(target, iter_dumps(doc))
        except OSError as exc:
            return Result(page, "error", f"{page.path}: cannot write {target}: {exc.strerror or exc}")
    except MemoryError:
        return Result(page, "error", f"{page.path}: out of memory while cleaning")
    except RulesError as exc:
        return Result(page, "error", f"{page.path}: bad rules: {exc}")
    except Exception as exc:  # a bug on one page must not cost the others their output
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip().replace("\n", " ")
        return Result(page, "error", f"{page.path}: internal error while cleaning: {detail}", traceback.format_exc())
    return Result(page, "ok" if doc["sections"] else "empty", None, None, len(doc["sections"]),
                  len(doc["removed"]), len(doc["warnings"]))


def _in_workers(todo: list[Page], jobs: int, args: tuple) -> Iterator[Result]:
    """Results of pages cleaned in worker processes, as they finish."""
    retry: list[Page] = []
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(_clean_one, page, *args): page for page in todo}
        for future in as_completed(futures):
            page = futures[future]
            try:
                yield future.result()
            except BrokenProcessPool:
                retry.append(page)
            except Exception as exc:  # pickling trouble and the like: this page only
                yield Result(page, "error", f"{page.path}: worker failed: {exc!r}")
    # A worker that dies (killed, out of memory) breaks the whole pool and every page in flight with
    # it; those are run again one per fresh worker, so a crash is charged to the page that caused it.
    for page in sorted(retry, key=lambda p: p.path):
        with ProcessPoolExecutor(max_workers=1) as pool:
            try:
                yield pool.submit(_clean_one, page, *args).result()
            except BrokenProcessPool:
                yield Result(page, "error", f"{page.path}: the worker process died while cleaning it "
                                            "(killed, or out of memory)")


def run_corpus(sources: list[str], out: Path, *, rules_path: str | None, rules: Rules, site_rules: bool = True,
               jobs: int = 1, fmt: str = "auto", progress: Callable[[str], None] = print,
               errors: Callable[[str], None] | None = None) -> int:
    """Clean every page under ``sources`` into ``out``; returns the exit status (1 if any page failed).

    ``progress`` gets one line per page and a summary line; ``errors`` gets the traceback of an
    internal error, after the page's one-line error went to ``progress``.
    """
    started = time.monotonic()
    out = Path(out)
    pages, problems = find_pages(sources, out)
    for problem in problems:
        progress(f"error {problem}")
    results: list[Result] = []
    owner: dict[str, str] = {}
    todo: list[Page] = []
    for page in pages:
        if page.output in owner:
            results.append(Result(page, "error", f"{page.path}: its output {page.output} would overwrite "
                                                 f"that of {owner[page.output]}"))
        else:
            owner[page.output] = page.path
            todo.append(page)
    total = len(pages)
    done = 0

    def report(result: Result) -> None:
        nonlocal done
        done += 1
        if result.status == "error":
            progress(f"[{done}/{total}] error {_one_line(result.error or result.page.path)}")
            if result.detail and errors is not None:
                errors(result.detail.rstrip("\n"))
            if owner.get(result.page.output) == result.page.path:
                # a JSON left by an earlier run would stand for a page that now fails
                try:
                    (out / result.page.output).unlink()
                except OSError:
                    pass
        else:
            progress(f"[{done}/{total}] {result.status:5s} {result.page.path} -> {out / result.page.output} "
                     f"({result.sections} sections, {result.removed} removed, {result.warnings} warnings)")

    for r in results:
        report(r)
    if jobs > 1 and len(todo) > 1:
        # workers load the rules themselves (compiled rules do not pickle) and check the hash
        stream: Iterable[Result] = _in_workers(todo, min(jobs, len(todo)),
                                               (str(out), None, rules_path, rules.sha256, site_rules, fmt))
    else:  # in this process the rules already compiled are used as they are
        stream = (_clean_one(page, str(out), rules, rules_path, rules.sha256, site_rules, fmt) for page in todo)
    for r in stream:
        results.append(r)
        report(r)
    counts = {s: sum(1 for r in results if r.status == s) for s in ("ok", "empty", "error")}
    results.sort(key=lambda r: r.page.path)
    manifest = {
        "schema": MANIFEST_SCHEMA,
        "pipeline": {"version": __version__, "rules_sha256": rules.sha256, "site_rules": site_rules},
        "counts": counts,
        "problems": problems,
        "pages": [{"path": r.page.path, "output": r.page.output if r.status != "error" else None,
                   "status": r.status, "error": _one_line(r.error) if r.error else None,
                   "sections": r.sections, "removed": r.removed, "warnings": r.warnings} for r in results],
    }
    status = 1 if counts["error"] or problems else 0
    try:
        write_atomic(out / "manifest.json", dumps(manifest))
    except OSError as exc:
        progress(f"error cannot write {out / 'manifest.json'}: {exc.strerror or exc}")
        status = 1
    seconds = time.monotonic() - started
    progress(f"{total} pages: {counts['ok']} ok, {counts['empty']} empty, {counts['error']} failed"
             + (f", {len(problems)} SRC not usable" if problems else "")
             + f" in {seconds:.1f}s; manifest {out / 'manifest.json'}")
    return status
