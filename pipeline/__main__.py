"""Command line: ``python -m pipeline clean SRC... -o OUT [options]`` (also installed as ``pipeline``),
``python -m pipeline report CLEAN_DIR -o REPORT_DIR`` and ``report --compare OLD NEW``.

Progress goes to stderr as a bar (on a terminal) or to stdout as a line per page (``--verbose``);
the summary goes to stdout; error lines (a page failed, a SRC or folder not usable, bad rules, a
usage error) and warnings go to stderr."""
from __future__ import annotations

import argparse
import os
import signal
import sys
import time
import traceback
from pathlib import Path

from .corpus import Terminated, UsageError, check_url, load_url_map, run_corpus
from .progress import PageBar
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
    c.add_argument("--no-templates", action="store_true",
                   help="clean each page on its own: no count of the lines a site's pages share (no template pass)")
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
    c.add_argument("--force", action="store_true",
                   help="clean every page; by default a page whose bytes, URL, site template lines, rules, "
                        "pipeline and options are those of the run that wrote its JSON (as OUT/manifest.json "
                        "records them) keeps that JSON untouched, and the manifest says it was skipped")
    talk = c.add_mutually_exclusive_group()
    talk.add_argument("-q", "--quiet", action="store_true", help="no progress bar or line per page")
    talk.add_argument("-v", "--verbose", action="store_true",
                      help="a progress line per page on stdout (default: a progress bar on stderr when it is a terminal)")
    r = sub.add_parser("report", help="a static HTML report of a clean folder: what was kept and removed, and why",
                       description="Write REPORT_DIR/index.html (one row per page, totals by rule) and a page view\n"
                                   "per page (the source with every kept block and removal marked). With --compare,\n"
                                   "print the pages whose kept text changed between two clean folders (and write\n"
                                   "REPORT_DIR/compare.html with -o).",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    r.add_argument("clean_dir", nargs="?", metavar="CLEAN_DIR", help="a folder the clean command wrote")
    r.add_argument("--compare", nargs=2, metavar=("OLD", "NEW"), help="compare two clean folders instead")
    r.add_argument("-o", "--out", metavar="REPORT_DIR", help="output folder of the report")
    r.add_argument("--rules", metavar="FILE", help="rules file whose report: section names the rule families "
                                                   "(and whose decode settings read the sources); default as for clean")
    r.add_argument("--source-root", action="append", default=None, metavar="DIR",
                   help="where relative source paths are looked for after the current folder "
                        "(default: CLEAN_DIR's parent); may be given more than once")
    r.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
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
    if args.command == "report":
        return report_main(args, parser)
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    signal.signal(signal.SIGTERM, _terminate)
    try:
        rules = load_rules(args.rules)
    except RulesError as exc:
        _warn(f"error: bad rules: {exc}")
        return 2
    bar = PageBar(disable=True if args.quiet or args.verbose else None)
    try:
        url = check_url(args.url, "--url") if args.url is not None else None
        url_map = load_url_map(args.url_map) if args.url_map else None
        return run_corpus(args.sources, Path(args.out), rules_path=args.rules, rules=rules,
                          site_rules=not args.no_site_rules, jobs=args.jobs, fmt=args.format, url=url,
                          url_map=url_map, url_map_path=args.url_map, prune=args.prune,
                          progress=(lambda line: None) if args.quiet else _say, errors=bar.write,
                          per_page=args.verbose, on_page=bar, templates=not args.no_templates, force=args.force)
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
    finally:
        bar.close()


def report_main(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """``report CLEAN_DIR -o REPORT_DIR`` or ``report --compare OLD NEW [-o REPORT_DIR]``."""
    from .report import build, compare

    if bool(args.compare) == bool(args.clean_dir):
        parser.error("report takes CLEAN_DIR -o REPORT_DIR, or --compare OLD NEW")
    if args.clean_dir and not args.out:
        parser.error("report CLEAN_DIR needs -o REPORT_DIR")
    for folder in args.compare or [args.clean_dir]:
        if not Path(folder).is_dir():
            _warn(f"error: {folder}: not a folder")
            return 2
    try:
        rules = load_rules(args.rules)
    except RulesError as exc:
        _warn(f"error: bad rules: {exc}")
        return 2
    if args.compare:
        old, new = args.compare
        result = compare.compare_pages(compare.load_folder(Path(old)), compare.load_folder(Path(new)), old, new)
        for line in compare.summary_lines(result):
            _say(line)
        if args.out:
            Path(args.out).mkdir(parents=True, exist_ok=True)
            (Path(args.out) / "compare.html").write_text(compare.compare_html(result), encoding="utf-8")
            _say(f"wrote {Path(args.out) / 'compare.html'}")
        return 0
    started = time.monotonic()
    bar = PageBar(disable=True if args.quiet else None)
    total = len(build.list_pages(Path(args.clean_dir)))
    done = [0]

    def tick(path: str) -> None:
        done[0] += 1
        bar(done[0], total)

    try:
        built = build.build_report(Path(args.clean_dir), Path(args.out), rules,
                                   roots=[Path(r) for r in args.source_root] if args.source_root else None, tick=tick)
    finally:
        bar.close()
    for problem in built.errors:
        _warn(f"warning {problem}")
    _say(f"report of {total} pages ({built.pages} page views) in {time.monotonic() - started:.1f}s, "
         f"{built.bytes / 1e6:.1f} MB: {Path(args.out) / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
