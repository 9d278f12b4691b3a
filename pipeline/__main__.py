"""Command line: ``python -m pipeline clean SRC... -o OUT [options]`` (also installed as ``pipeline``).

Progress lines go to stdout; error lines (a page failed, a SRC or folder not usable, bad rules, a
usage error) and warnings go to stderr."""
from __future__ import annotations

import argparse
import os
import signal
import sys
import traceback
from pathlib import Path

from .corpus import Terminated, UsageError, check_url, load_url_map, run_corpus
from .rules import RulesError, load_rules

EXIT_STATUSES = """\
exit status:
  0    every page cleaned (empty pages included)
  1    some page failed, or a SRC or folder could not be used
  2    usage error, bad rules or a bad URL map (before any page is touched)
  130  interrupted (Ctrl-C); 143 terminated (SIGTERM): the manifest lists the pages done
"""

URL_MAP_HELP = """\
URL map (--url-map FILE): one page per line, its path, a tab, its URL:
  pages/a.html<TAB>https://example.org/a
The path is relative to the map file's folder (or absolute); blank lines and lines
starting with # are ignored. Pages not in the map get no URL (a Link: header may give one).
"""


def _prog() -> str:
    name = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    return "python -m pipeline" if name in ("", "__main__.py", "-c") else name


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=_prog(), description="Clean scraped pages into sectioned JSON.")
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("clean", help="clean files and folders of pages into OUT",
                       description="Clean pages into OUT: OUT/<path inside SRC without extension>.json\n"
                                   "per page and OUT/manifest.json (one row per page).",
                       epilog=URL_MAP_HELP + "\n" + EXIT_STATUSES, formatter_class=argparse.RawDescriptionHelpFormatter)
    c.add_argument("sources", nargs="+", metavar="SRC",
                   help="page files or folders of pages (hidden files are skipped, and so is anything that "
                        "is not a regular file, with a warning)")
    c.add_argument("-o", "--out", required=True, metavar="OUT",
                   help="output folder (one JSON per page, manifest.json); SRC may not be OUT or lie inside it")
    c.add_argument("--rules", metavar="FILE",
                   help="rules file (default: the rules.yaml that comes with the package; in a checkout, the "
                        "repo's rules.yaml)")
    c.add_argument("--no-site-rules", action="store_true", help="ignore the sites: section of the rules")
    c.add_argument("--jobs", type=int, default=1, metavar="N", help="worker processes (default 1)")
    c.add_argument("--format", choices=("auto", "text", "html", "pdf"), default="auto",
                   help="input format of the pages (default auto: by the file's extension, else by its "
                        "content); the output is always JSON")
    urls = c.add_mutually_exclusive_group()
    urls.add_argument("--url", metavar="URL",
                      help="the URL of the page (source.url; it picks the site rules); SRC must be one page")
    urls.add_argument("--url-map", metavar="FILE", help="a file of page URLs for a corpus (see below)")
    c.add_argument("--prune", action="store_true",
                   help="remove outputs an earlier run wrote into OUT whose pages this run did not clean "
                        "(deleted or moved sources); without it they are reported and left")
    c.add_argument("-q", "--quiet", action="store_true", help="no progress line per page")
    return parser


def _terminate(signum: int, frame: object) -> None:
    raise Terminated()


def _say(line: str) -> None:
    print(line, flush=True)


def _warn(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # a page name is never worth a UnicodeEncodeError
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    signal.signal(signal.SIGTERM, _terminate)
    try:
        rules = load_rules(args.rules)
    except RulesError as exc:
        _warn(f"error: bad rules: {exc}")
        return 2
    try:
        url = check_url(args.url, "--url") if args.url is not None else None
        url_map = load_url_map(args.url_map) if args.url_map else None
        return run_corpus(args.sources, Path(args.out), rules_path=args.rules, rules=rules,
                          site_rules=not args.no_site_rules, jobs=args.jobs, fmt=args.format, url=url,
                          url_map=url_map, url_map_path=args.url_map, prune=args.prune,
                          progress=(lambda line: None) if args.quiet else _say, errors=_warn)
    except UsageError as exc:
        _warn(f"error: {exc}")
        return 2
    except Terminated:
        _warn("terminated: pages written are complete, no partial files are left")
        return 143
    except KeyboardInterrupt:
        _warn("interrupted: pages written are complete, no partial files are left")
        return 130
    except Exception as exc:  # a bug in the runner itself: one clear line, then the traceback
        _warn(f"error: internal error in the corpus runner: {type(exc).__name__}: {exc}")
        traceback.print_exc()
        return 1


if __name__ == "__main__":
    sys.exit(main())
