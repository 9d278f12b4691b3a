"""Every page of every benchmark set (and the seeds) through ``pipeline.clean``: each failure is
reported with its page, and the exit status is 1 if there is any.

A failure is an exception (a real page always gets a result), or a result that fails the checks
every page must pass (tests/page_checks.py: schema, spans, provenance, every source line kept or
logged). Pages are read as the CLI reads them: the file as it is, named as it is (``.gz`` unpacked
by the pipeline). The mojibake set's strings are cleaned as small text pages.

    .venv/bin/python tools/check_corpus.py [--sets DIR] [--set NAME ...] [--jobs N]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pipeline  # noqa: E402
from tests.page_checks import page_problems  # noqa: E402

SHARED = ROOT.parent / "shared"


def pages_of(sets: Path, names: list[str] | None) -> list[tuple[str, Path | str]]:
    """(label, file or text) of every page to check, in a fixed order."""
    out: list[tuple[str, Path | str]] = []
    for folder in sorted(p for p in sets.iterdir() if p.is_dir()):
        if names and folder.name not in names:
            continue
        if (folder / "pages").is_dir():
            out += [(f"{folder.name}/{p.name}", p) for p in sorted((folder / "pages").iterdir()) if p.is_file()]
        elif (folder / "gold.json").is_file():
            gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
            if isinstance(gold, list):  # a mojibake set: strings, cleaned as small text pages
                out += [(f"{folder.name}/case-{i}.txt", case["original"]) for i, case in enumerate(gold)]
    seeds = sets.parent.parent / "seeds"  # ../shared/bench/sets -> ../shared/seeds
    if not names and seeds.is_dir():
        out += [(f"seeds/{p.name}", p) for p in sorted(seeds.iterdir()) if p.is_file()]
    return out


def check(label: str, page: Path | str) -> list[str]:
    """The problems of one page, each line prefixed with the page's label."""
    name = page.name if isinstance(page, Path) else label.rsplit("/", 1)[-1]
    try:
        data = page.read_bytes() if isinstance(page, Path) else page
        result = pipeline.clean(data, name=name)
        text = None
        if result["source"]["format"] != "html":
            text = pipeline.read(data, name=name).text
        problems = page_problems(result, text)
    except Exception as exc:  # the point of this check: any exception is a failure of that page
        last = traceback.extract_tb(exc.__traceback__)[-1]
        return [f"{label}: {type(exc).__name__}: {exc} (at {Path(last.filename).name}:{last.lineno})"]
    return [f"{label}: {p}" for p in problems[:5]] + (
        [f"{label}: ... and {len(problems) - 5} more"] if len(problems) > 5 else [])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sets", default=str(SHARED / "bench" / "sets"), help="folder holding the sets")
    ap.add_argument("--set", action="append", help="only this set (repeatable)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args(argv)
    sets = Path(args.sets)
    if not sets.is_dir():
        print(f"error: no benchmark sets at {sets}", file=sys.stderr)
        return 2
    todo = pages_of(sets, args.set)
    failed = 0
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = pool.map(check, *zip(*todo), chunksize=8)
        for (label, _), problems in zip(todo, results):
            if problems:
                failed += 1
                print("\n".join(problems), flush=True)
    print(f"check-corpus: {len(todo)} pages, {failed} with failures", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
