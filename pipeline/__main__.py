"""Command line: ``python -m pipeline clean SRC... -o OUT [--rules FILE] [--no-site-rules] [--jobs N]
[--format auto|text|html|pdf]``. Exit status: 0 all pages cleaned, 1 some page failed (or a SRC was
not found), 2 bad rules or usage (before any page is touched), 130 interrupted."""
from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

from .rules import RulesError, load_rules


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline", description="Clean scraped pages into sectioned JSON.")
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("clean", help="clean files and folders of pages into OUT")
    c.add_argument("sources", nargs="+", metavar="SRC", help="page files or folders of pages")
    c.add_argument("-o", "--out", required=True, help="output folder (one JSON per page, manifest.json)")
    c.add_argument("--rules", help="rules file (default: the repo's rules.yaml)")
    c.add_argument("--no-site-rules", action="store_true", help="ignore the sites: section of the rules")
    c.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    c.add_argument("--format", choices=("auto", "text", "html", "pdf"), default="auto")
    c.add_argument("-q", "--quiet", action="store_true", help="no progress line per page")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    try:
        rules = load_rules(args.rules)
    except RulesError as exc:
        print(f"error: bad rules: {exc}", file=sys.stderr)
        return 2
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(f"error: cannot create the output folder {out}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    from .corpus import run_corpus

    def progress(line: str) -> None:
        if not args.quiet or line.startswith("error") or "] error" in line:
            print(line, flush=True)

    def errors(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    try:
        return run_corpus(args.sources, out, rules_path=args.rules, rules=rules,
                          site_rules=not args.no_site_rules, jobs=args.jobs, fmt=args.format,
                          progress=progress, errors=errors)
    except KeyboardInterrupt:
        print("interrupted: pages already written are complete; no partial files are left", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug in the runner itself: one clear line, then the traceback
        print(f"error: internal error in the corpus runner: {type(exc).__name__}: {exc}", flush=True)
        traceback.print_exc()
        return 1


if __name__ == "__main__":
    sys.exit(main())
