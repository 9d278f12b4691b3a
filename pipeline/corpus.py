"""Runs many pages: finds them, cleans each (in worker processes with ``jobs`` > 1), writes one JSON
per page atomically and a manifest. A page that fails is reported and never costs another page
its output.

Safety rules, each for a way a run once went wrong:
- Only regular files are read (a FIFO would block forever, a link to /dev/zero never end); anything
  else in a folder is skipped with a warning, a folder that cannot be read is an error.
- Output paths are built from path components, never by splitting a name (a file may be called
  ``y\\..\\..\\x.txt``), and must resolve inside OUT. File names that are not UTF-8 are shown and
  written with ``\\xNN`` escapes, so every page gets its row.
- SRC may not be OUT or lie inside it (a run would clean its own outputs as pages); OUT inside SRC
  is skipped while walking SRC.
- Outputs a previous run wrote (its manifest lists them) that this run did not write are stale:
  reported, and with ``prune`` removed. Only files that are this tool's page JSON are ever removed.
- Ctrl-C or SIGTERM stops the workers at once; the manifest lists the pages done.
- Incremental: a page whose bytes, URL, site template lines and output are as the previous run's
  manifest recorded them, under the same pipeline (version, code, libraries), rules and options,
  keeps its JSON untouched; anything else, a page that failed last time included, is cleaned again.
  The template pass still reads every page (a site's template lines depend on all its pages): what
  a skip saves is the cleaning and the write.
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import stat
import sys
import time
import traceback
import unicodedata
from contextlib import closing
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping
from urllib.parse import urlsplit

from . import __version__
from .core import clean, template_lines_of
from .output import dumps, file_stem, is_page_output, iter_dumps, remove_partial_writes, write_atomic
from .rules import Rules, RulesError, load_rules
from .sources import SourceError
from .templates import PageLines, TemplateState, build
from .workers import DIED, run_in_workers

TEMPLATES_FILE = ".templates.json"  # the corpus run's template state, under OUT

MANIFEST_SCHEMA = "scraped-text-clean-manifest/1"
MANIFEST_NAME = "manifest.json"


class UsageError(Exception):
    """The run cannot start as asked (SRC inside OUT, --url for many pages, a bad URL map...);
    raised before any page or output is touched."""


class Terminated(KeyboardInterrupt):
    """SIGTERM: handled like Ctrl-C (workers stopped, the manifest of the pages done written)."""


@dataclass(frozen=True)
class Page:
    file: str  # the path to open (undecodable bytes of a name kept as surrogate escapes)
    path: str  # as shown and recorded: SRC joined with the path inside it, always valid UTF-8
    output: str  # path of the JSON under OUT, relative to OUT, '/'-separated, valid UTF-8
    url: str | None = None


@dataclass
class Found:
    pages: list[Page] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # a SRC or folder that could not be used: errors
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, why): not pages: warnings


@dataclass(frozen=True)
class Result:
    page: Page
    status: str  # ok | empty | error
    error: str | None = None  # one line, naming the file
    detail: str | None = None  # a traceback for internal errors (printed to stderr, not in the manifest)
    sections: int = 0
    removed: int = 0
    warnings: int = 0
    families: tuple[tuple[str, int], ...] = ()  # removals per rule family (rules.yaml's report:)
    input_sha256: str | None = None  # of the bytes cleaned
    output_sha256: str | None = None  # of the JSON written: a later run sees a hand-edited output
    skipped: bool = False  # unchanged since the previous run: its JSON was left as it was
    reason: str | None = None  # why it was cleaned again, or why it was skipped


def _one_line(message: str) -> str:
    return " ".join(message.splitlines())


def printable(path: str) -> str:
    """A path as text: bytes of a file name that are not UTF-8 become ``\\xNN``."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def output_name(parts: Iterable[str]) -> str:
    """``["sub", "x.html.gz"]`` -> ``sub/x.json``: the folders kept, the extension(s) dropped.

    Each part is one path component as the file system gave it: slashes, backslashes and dots
    inside it are characters of the name, never separators or steps up."""
    *folders, base = (printable(p) for p in parts)
    return "/".join([*folders, file_stem(base) + ".json"])


# --- finding pages -----------------------------------------------------------------------------------

_KINDS = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"))


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def _not_regular(path: str) -> str | None:
    """Why ``path`` is not a page (it is a FIFO, a device, a link to one...), or None. A path that
    cannot be stat'ed is left to the reader, whose error names it."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode):
        return None
    return ("a symbolic link to " if os.path.islink(path) else "") + _kind(mode)


def find_pages(sources: Iterable[str], out: Path | str | None = None, *, exclude: Iterable[str] = (),
               walk: Callable = os.walk) -> Found:
    """Pages under the given files and folders, the problems found and what was skipped.

    Hidden files and folders are skipped silently, and so is ``out`` when it lies inside a SRC
    folder (a second run must not clean the first run's JSON) and every path in ``exclude`` (the
    URL map, the rules). Files that are not regular, and links to folders, are skipped with a
    reason. A file named twice is cleaned once. ``walk`` is ``os.walk`` (a seam for tests).
    """
    found = Found()
    seen: set[str] = set()
    skip_dirs = {os.path.realpath(out)} if out is not None else set()
    excluded = {os.path.realpath(p) for p in exclude}

    def add(file: str, parts: list[str]) -> None:
        real = os.path.realpath(file)
        if real not in seen and real not in excluded:
            seen.add(real)
            found.pages.append(Page(file, printable(file), output_name(parts)))

    for src in sources:
        shown = printable(src)
        try:
            mode = os.stat(src).st_mode
        except FileNotFoundError:
            what = "a symbolic link to nothing" if os.path.islink(src) else "no such file or folder"
            found.problems.append(f"{shown}: {what}")
            continue
        except OSError as exc:
            found.problems.append(f"{shown}: cannot use it: {exc.strerror or exc}")
            continue
        if stat.S_ISDIR(mode):
            for parts in _walk(src, skip_dirs, walk, found):
                add(os.path.join(src, *parts), parts)
        elif stat.S_ISREG(mode):
            add(src, [os.path.basename(src)])
        else:
            found.problems.append(f"{shown}: not a regular file or folder ({_kind(mode)}): not read")
    return found


def _walk(src: str, skip_dirs: set[str], walk: Callable, found: Found) -> list[list[str]]:
    """The path components (inside ``src``) of every candidate page under ``src``, in order."""
    def unreadable(exc: OSError) -> None:
        where = printable(exc.filename) if exc.filename else printable(src)
        found.problems.append(f"{where}: cannot read this folder ({exc.strerror or exc}): its pages were not cleaned")

    files: list[list[str]] = []
    # os.walk does not follow symlinked folders: no loops, no page reached twice that way
    for folder, dirs, names in walk(src, onerror=unreadable):
        kept = []
        for d in sorted(dirs):
            full = os.path.join(folder, d)
            if d.startswith(".") or os.path.realpath(full) in skip_dirs:
                continue
            if os.path.islink(full):
                found.skipped.append((printable(full), "a symbolic link to a folder (not followed)"))
                continue
            kept.append(d)
        dirs[:] = kept
        relative = os.path.relpath(folder, src)  # folder is src joined with the names os.walk went through
        inside = [] if relative == os.curdir else relative.split(os.sep)
        for name in names:
            if name.startswith("."):
                continue
            full = os.path.join(folder, name)
            why = _not_regular(full)
            if why:
                found.skipped.append((printable(full), why))
            else:
                files.append(inside + [name])
    files.sort(key=lambda parts: "/".join(parts))
    return files


# --- the URL map -------------------------------------------------------------------------------------

def _is_absolute_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return bool(parts.scheme and parts.netloc) and not any(c.isspace() for c in url)


def check_url(url: str, where: str) -> str:
    if not _is_absolute_url(url):
        raise UsageError(f"{where}: {url!r} is not an absolute URL (scheme://host/...)")
    return url


def load_url_map(path: str) -> dict[str, str]:
    """A URL map file: one ``PATH<TAB>URL`` per line; PATH relative to the map's folder (or absolute);
    blank lines and lines starting with ``#`` are ignored. Returns {real path of the page: URL}.
    Errors name the file and the line."""
    shown = printable(path)
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise UsageError(f"{shown}: cannot read the URL map: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"{shown}: the URL map is not UTF-8 text (byte {exc.start})") from None
    base = os.path.dirname(os.path.abspath(path))
    urls: dict[str, str] = {}
    first_line: dict[str, int] = {}
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 2 or not fields[0].strip() or not fields[1].strip():
            raise UsageError(f"{shown}:{n}: expected a page path, one tab, and its URL; got {line!r}")
        page, url = fields[0].strip(), fields[1].strip()
        check_url(url, f"{shown}:{n}")
        key = os.path.realpath(os.path.join(base, page))
        if key in urls and urls[key] != url:
            raise UsageError(f"{shown}:{n}: {page} already has the URL {urls[key]} (line {first_line[key]})")
        urls[key] = url
        first_line.setdefault(key, n)
    return urls


# --- planning ---------------------------------------------------------------------------------------

def _inside(parent: str, path: str) -> bool:
    return os.path.commonpath([parent, path]) == parent


def check_src_and_out(sources: Iterable[str], out: Path) -> None:
    """Refuse a SRC that is OUT or lies inside it: the run would read its own outputs as pages
    (and a second run clean the first run's JSON)."""
    real_out = os.path.realpath(out)
    for src in sources:
        if os.path.exists(src) and _inside(real_out, os.path.realpath(src)):
            where = "is" if os.path.realpath(src) == real_out else "lies inside"
            raise UsageError(f"SRC {printable(src)} {where} the output folder {printable(str(out))}: its outputs "
                             "would be read as pages; choose an output folder outside SRC")


@dataclass(frozen=True)
class Earlier:
    """What the manifest of the previous run into OUT says: the outputs it lists (its pages' and
    the stale ones it carried forward), what shaped every page (its ``pipeline`` block) and its
    page rows by path. ``found`` is false when OUT holds no manifest."""
    outputs: list[str] = field(default_factory=list)
    run: Mapping[str, Any] = field(default_factory=dict)
    rows: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    found: bool = False


def _earlier_run(out: Path) -> Earlier:
    """The previous run into ``out``, from its manifest. Refuses to go on (UsageError) when
    ``out/manifest.json`` is someone else's file: the run would overwrite it."""
    path = out / MANIFEST_NAME
    if not path.exists() and not path.is_symlink():
        return Earlier()
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        manifest = exc
    if not isinstance(manifest, dict) or manifest.get("schema") != MANIFEST_SCHEMA or path.is_symlink():
        raise UsageError(f"{printable(str(path))} exists and is not a manifest written by this tool: not "
                         "overwriting it; move it away or choose another output folder")
    rows = [row for row in manifest.get("pages") or [] if isinstance(row, dict)]
    listed = [row.get("output") for row in rows] + list(manifest.get("stale") or [])
    run = manifest.get("pipeline")
    return Earlier([o for o in listed if isinstance(o, str) and _is_output_name(o)],
                   run if isinstance(run, dict) else {},
                   {row["path"]: row for row in rows if isinstance(row.get("path"), str)}, True)


def _is_output_name(name: str) -> bool:
    parts = name.split("/")
    return (name.endswith(".json") and name not in (MANIFEST_NAME, TEMPLATES_FILE) and not os.path.isabs(name)
            and all(p not in ("", ".", "..") for p in parts))


def _plan(pages: list[Page], out: Path) -> tuple[list[Page], list[Result]]:
    """The pages to clean, and error results for those that cannot get an output of their own."""
    real_out = os.path.realpath(out)
    owner: dict[str, str] = {}
    todo: list[Page] = []
    refused: list[Result] = []
    for page in pages:
        target = out / page.output
        if page.output in (MANIFEST_NAME, TEMPLATES_FILE):
            error = (f"its output {target} would be the run's {'manifest' if page.output == MANIFEST_NAME else 'template state'}; "
                     "rename the page or move it into a subfolder")
        elif page.output in owner:
            error = f"its output {page.output} would overwrite that of {owner[page.output]}"
        elif not _inside(real_out, os.path.realpath(target)):
            error = f"its output {target} would be written outside {out} (through a symbolic link)"
        else:
            owner[page.output] = page.path
            todo.append(page)
            continue
        refused.append(Result(page, "error", f"{page.path}: {error}"))
    return todo, refused


# --- incremental runs ---------------------------------------------------------------------------

# the dependencies whose version can change a page's JSON: pyproject's, but the progress bar's (tqdm)
OUTPUT_LIBRARIES = ("beautifulsoup4", "charset-normalizer", "ftfy", "lxml", "PyYAML", "regex", "wordfreq")
SKIP_REASON = "unchanged: same bytes, rules, version, templates"
FORCED_REASON = "forced (--force)"
# what shapes every page's JSON, in the manifest's pipeline block, and what a change of it is called
RUN_KEY_REASONS = (("version", "pipeline version changed"), ("code_sha256", "pipeline code changed"),
                   ("libraries", "libraries changed"), ("rules_sha256", "rules changed"),
                   ("site_rules", "option changed: --no-site-rules"), ("format", "option changed: --format"),
                   ("templates", "option changed: --no-templates"))


def code_sha256() -> str:
    """A sha256 of the package's code and data files: ``__version__`` stays put while the code that
    decides every page's JSON changes (a stage edited, a checkout updated), so the version alone
    cannot tell an earlier output is still what this code would write. The rules are hashed on
    their own (``rules_sha256``: --rules may name another file)."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    files = sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                   and (p.suffix == ".py" or p.relative_to(root).parts[0] == "data"))
    for path in files:
        data = path.read_bytes()
        digest.update(f"{path.relative_to(root).as_posix()}\0{len(data)}\0".encode("utf-8"))
        digest.update(data)
    return digest.hexdigest()


def library_versions() -> dict[str, str]:
    """The installed versions of the libraries that shape output, and Python's Unicode database
    (case folding, NFC and character classes follow it)."""
    versions = {}
    for name in OUTPUT_LIBRARIES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "not installed"
    versions["unicode"] = unicodedata.unidata_version
    return versions


def run_key(rules: Rules, site_rules: bool, fmt: str, templates: bool) -> dict[str, Any]:
    """What shapes the JSON of every page of a run, besides the page's own bytes, URL and site
    template lines: the manifest's ``pipeline`` block, compared with the previous run's."""
    return {"version": __version__, "code_sha256": code_sha256(), "libraries": library_versions(),
            "rules_sha256": rules.sha256, "site_rules": site_rules, "format": fmt, "templates": templates}


def run_changes(earlier: Mapping[str, Any], now: Mapping[str, Any]) -> list[str]:
    """Why every page is cleaned again: what shaped all outputs that differs from the earlier run."""
    return [why for key, why in RUN_KEY_REASONS if earlier.get(key) != now.get(key)]


@dataclass(frozen=True)
class PageKey:
    """What this run knows of one page before cleaning it, to compare with its earlier row."""
    input_sha256: str | None  # None: not read (the cleaning pass reports why)
    site: str | None  # as the template pass found it (a URL's domain, a signature, a cluster)
    templates_sha256: str | None  # TemplateState.fingerprint of its site; None: no template pass
    counted: bool = True  # false when the template pass could not read the page: its site is unknown


def page_changes(row: Mapping[str, Any] | None, page: Page, key: PageKey, out: Path) -> list[str]:
    """Why one page is cleaned again (an empty list: its earlier JSON is still what a clean would
    write). The output file is hashed only when nothing else changed."""
    if row is None:
        return ["not cleaned before"]
    if row.get("status") not in ("ok", "empty"):
        return ["failed last run"]
    if not all(isinstance(row.get(k), str) for k in ("input_sha256", "output_sha256")) \
            or row.get("output") != page.output or "templates_sha256" not in row:
        return ["no record of its earlier input and output"]
    if key.input_sha256 is None:
        return ["input not readable"]
    if not key.counted:
        return ["its template lines could not be counted"]
    changes = [why for differs, why in ((row["input_sha256"] != key.input_sha256, "input changed"),
                                        (row.get("url") != page.url, "URL changed"),
                                        (row["templates_sha256"] != key.templates_sha256, "site templates changed"))
               if differs]
    if changes:
        return changes
    found = _file_sha256(out / page.output)
    if found is None:
        return ["output missing"]
    return [] if found == row["output_sha256"] else ["output changed since it was written"]


def _file_sha256(path: Path) -> str | None:
    """The sha256 of a regular file (not a link), or None when there is none to read."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None
        digest = hashlib.sha256()
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
        return digest.hexdigest()
    except OSError:
        return None


def _input_sha256(page: Page) -> str | None:
    """The sha256 of a page's bytes where no template pass read them."""
    try:
        return hashlib.sha256(read_regular_file(page.file)).hexdigest()
    except OSError:
        return None


def _unchanged(page: Page, row: Mapping[str, Any]) -> Result:
    """The result of a page skipped as unchanged: its earlier row's counts, its JSON left as it is."""
    families = row.get("families")
    families = tuple(sorted((str(k), n) for k, n in families.items() if isinstance(n, int))) \
        if isinstance(families, dict) else ()
    counts = [row.get(k) if isinstance(row.get(k), int) else 0 for k in ("sections", "removed", "warnings")]
    return Result(page, row["status"], None, None, *counts, families, row["input_sha256"], row["output_sha256"],
                  True, SKIP_REASON)


def _hashed(pieces: Iterable[str], digest: Any) -> Iterator[str]:
    """The pieces as they are, each added to ``digest`` as the UTF-8 bytes write_atomic writes."""
    for piece in pieces:
        digest.update(piece.encode("utf-8"))
        yield piece


# --- one page ----------------------------------------------------------------------------------------

class NotRegularFile(OSError):
    pass


def read_regular_file(path: str) -> bytes:
    """The bytes of a regular file. Anything else (a FIFO, a device, a link to one) raises
    NotRegularFile at once: the file is opened without blocking and checked before reading."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(f"not a regular file ({_kind(mode)})")
        os.set_blocking(fd, True)
        fh = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with fh:
        return fh.read()


Counted = tuple[str | None, PageLines | None]  # (sha256 of the page's bytes, its template lines)


def _count_one(page: Page, rules: Rules | None, rules_path: str | None, rules_sha256: str, site_rules: bool,
               fmt: str) -> Counted:
    """The template pass of one page: the sha256 of its bytes (an incremental run compares it with
    the earlier run's) and its site and line keys; None for what could not be read or read as a
    page: the cleaning pass reports why."""
    sha256 = None
    try:
        if rules is None:
            rules = load_rules(rules_path)
            if rules.sha256 != rules_sha256:
                return None, None
        data = read_regular_file(page.file)
        sha256 = hashlib.sha256(data).hexdigest()
        return sha256, template_lines_of(data, name=page.path, url=page.url, format=fmt, rules=rules,
                                         site_rules=site_rules)
    except (OSError, SourceError, RulesError, MemoryError, RecursionError):
        return sha256, None
    except Exception:  # a bug on one page is reported when the page is cleaned; it only counts nothing
        return sha256, None


Seen = tuple[str | None, str | None, bool]  # (sha256 of a page's bytes, its site as counted, whether it was)


def _template_state(todo: list[Page], jobs: int, rules: Rules, rules_path: str | None, site_rules: bool,
                    fmt: str) -> tuple[TemplateState, dict[str, Seen]]:
    """Every page's lines counted per site: the first of the corpus run's two passes. Returns the
    state and, by path, what an incremental run needs of each page's count; its line sets are let
    go once counted (a 50 MB page's lines are tens of MB, and the cleaning pass comes next)."""
    if jobs <= 1 or len(todo) <= 1:
        counted = {p.path: _count_one(p, rules, rules_path, rules.sha256, site_rules, fmt) for p in todo}
    else:
        args = (None, rules_path, rules.sha256, site_rules, fmt)
        with closing(run_in_workers(todo, min(jobs, len(todo)), _count_one, args)) as results:
            counted = {p.path: r for p, r in results if r is not DIED}
    state = build((lines for _, lines in counted.values() if lines is not None), rules.stage("template"))
    return state, {path: (sha256, lines[1] if lines else None, lines is not None)
                   for path, (sha256, lines) in counted.items()}


def _page_keys(todo: list[Page], state: TemplateState | None, seen: Mapping[str, Seen],
               rules: Rules, need_inputs: Callable[[Page], bool]) -> dict[str, PageKey]:
    """Each page's key from the template pass (its bytes' sha256, its site and that site's
    fingerprint); without a template pass its bytes are hashed here, for the pages
    ``need_inputs`` says will be compared with an earlier row."""
    keys = {}
    for page in todo:
        if state is None:
            keys[page.path] = PageKey(_input_sha256(page) if need_inputs(page) else None, None, None)
            continue
        sha256, site, counted = seen.get(page.path, (None, None, False))
        if not counted:
            keys[page.path] = PageKey(sha256, None, None, counted=False)
            continue
        site = site or state.page_sites.get(page.path)
        keys[page.path] = PageKey(sha256, site, state.fingerprint(site, rules.stage("template")))
    return keys


def _clean_one(page: Page, out: str, rules: Rules | None, rules_path: str | None, rules_sha256: str,
               site_rules: bool, fmt: str, templates: TemplateState | None = None) -> Result:
    """Clean one page and write its JSON; never raises for a problem with the page."""
    try:
        if rules is None:  # in a worker process: load (cached per process) and check it is the same file
            rules = load_rules(rules_path)
            if rules.sha256 != rules_sha256:
                return Result(page, "error", f"{page.path}: the rules file changed during the run; run again")
        try:
            data = read_regular_file(page.file)
        except NotRegularFile as exc:
            return Result(page, "error", f"{page.path}: not read: {exc}")
        except OSError as exc:
            return Result(page, "error", f"{page.path}: cannot read: {exc.strerror or exc}")
        try:
            doc = clean(data, name=page.path, url=page.url, format=fmt, rules=rules, site_rules=site_rules,
                        templates=templates)
        except SourceError as exc:
            return Result(page, "error", f"{page.path}: {exc}")
        except RecursionError:
            return Result(page, "error", f"{page.path}: internal error while cleaning: nesting too deep (RecursionError)",
                          traceback.format_exc())
        del data
        target = Path(out) / page.output
        written = hashlib.sha256()
        try:
            write_atomic(target, _hashed(iter_dumps(doc), written))
        except OSError as exc:
            return Result(page, "error", f"{page.path}: cannot write {target}: {exc.strerror or exc}")
    except MemoryError:
        return Result(page, "error", f"{page.path}: out of memory while cleaning")
    except RulesError as exc:
        return Result(page, "error", f"{page.path}: bad rules: {exc}")
    except Exception as exc:  # a bug on one page must not cost the others their output
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip().replace("\n", " ")
        return Result(page, "error", f"{page.path}: internal error while cleaning: {detail}", traceback.format_exc())
    families = tuple(rules.report.count(doc["removed"]).items()) if rules.report else ()
    return Result(page, "ok" if doc["sections"] else "empty", None, None, len(doc["sections"]),
                  len(doc["removed"]), len(doc["warnings"]), families, doc["source"]["sha256"], written.hexdigest())


def _cleaned(todo: list[Page], out: Path, jobs: int, rules: Rules, rules_path: str | None, site_rules: bool,
             fmt: str, late: list[Result], templates: TemplateState | None = None) -> Iterator[Result]:
    """Results of cleaning ``todo``, in this process or in worker processes, as they finish. When
    the run is stopped early, results that workers had sent but were not yet taken go to ``late``."""
    if jobs <= 1 or len(todo) <= 1:  # in this process the rules already compiled are used as they are
        for page in todo:
            yield _clean_one(page, str(out), rules, rules_path, rules.sha256, site_rules, fmt, templates)
        return
    # workers load the rules themselves (compiled rules do not pickle) and check the hash
    args = (str(out), None, rules_path, rules.sha256, site_rules, fmt, templates)

    def stopped(page: Page, outcome: Result | object) -> None:
        if isinstance(outcome, Result):
            late.append(outcome)
        else:  # a worker killed in the middle of a write leaves its temporary file
            remove_partial_writes(out / page.output)

    with closing(run_in_workers(todo, min(jobs, len(todo)), _clean_one, args, stopped)) as results:
        for page, result in results:
            if result is DIED:
                remove_partial_writes(out / page.output)
                yield Result(page, "error", f"{page.path}: the worker process died while cleaning it "
                                            "(killed, or out of memory)")
            else:
                yield result


# --- the run -----------------------------------------------------------------------------------------

def _print_to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def run_corpus(sources: list[str], out: Path, *, rules_path: str | None, rules: Rules, site_rules: bool = True,
               jobs: int = 1, fmt: str = "auto", url: str | None = None, url_map: dict[str, str] | None = None,
               url_map_path: str | None = None, prune: bool = False, progress: Callable[[str], None] = print,
               errors: Callable[[str], None] = _print_to_stderr, per_page: bool = True,
               on_page: Callable[[int, int, int], None] | None = None, templates: bool = True,
               force: bool = False) -> int:
    """Clean every page under ``sources`` into ``out``; returns the exit status (1 if any page failed
    or a SRC or folder could not be used).

    ``progress`` gets one line per page cleaned (unless ``per_page`` is false), the stale outputs
    removed, the removals by rule family and a summary line; ``on_page(done, total, failed)`` is
    called after each page (a progress bar); ``templates``: count the pages' lines per site first
    and drop a site's template lines (written to OUT/.templates.json), when the rules run the
    template stage;
    ``force``: clean every page; otherwise a page whose earlier JSON is still what cleaning it would
    write (same bytes, URL, site template lines, pipeline, rules and options; the output as the
    earlier run wrote it) is skipped and its JSON left untouched (``page_changes``);
    ``errors`` gets error lines (a page that failed, a SRC or folder not usable), warnings (what
    was skipped, stale outputs left) and the traceback of an internal error after its line.
    Raises UsageError before touching anything when the run cannot start as asked. On Ctrl-C
    (KeyboardInterrupt) or Terminated the workers are stopped, the manifest of the pages done is
    written, and the exception is raised again.
    """
    started = time.monotonic()
    out = Path(out)
    found, earlier = _prepare(sources, out, url, url_map, exclude=[p for p in (url_map_path, rules_path) if p])
    for problem in found.problems:
        errors(f"error {problem}")
    for path, why in found.skipped:
        errors(f"warning {path}: skipped: {why}")
    todo, refused = _plan(found.pages, out)
    results: list[Result] = []
    failed = [0]  # kept as a count: a bar updated per page must not recount every result
    reasons: dict[str, str] = {}  # page path -> why it is cleaned

    def take(result: Result, owns_output: bool) -> None:
        if result.reason is None and result.page.path in reasons:
            result = replace(result, reason=reasons[result.page.path])
        results.append(result)
        failed[0] += result.status == "error"
        if result.status == "error" and owns_output:
            _remove_old_output(out / result.page.output, errors)
        _report(result, len(results), len(found.pages), out, progress if per_page else None, errors)
        if on_page is not None:
            on_page(len(results), len(found.pages), failed[0])

    for r in refused:
        take(r, owns_output=False)
    interrupted: KeyboardInterrupt | None = None
    late: list[Result] = []
    state = None
    seen: dict[str, Seen] = {}
    keys: dict[str, PageKey] = {}
    to_clean: list[Page] = []
    try:
        if templates and "template" in rules.stages and todo:
            state, seen = _template_state(todo, jobs, rules, rules_path, site_rules, fmt)
            write_atomic(out / TEMPLATES_FILE, json.dumps(state.to_json(), ensure_ascii=False, indent=1) + "\n")
    except KeyboardInterrupt as exc:  # stopped while counting: no page was cleaned, the manifest says so
        interrupted = exc
    except OSError as exc:
        errors(f"error cannot write {out / TEMPLATES_FILE}: {exc.strerror or exc}; pages are cleaned without templates")
        state = None
    run = run_key(rules, site_rules, fmt, state is not None)
    try:
        if interrupted is None:
            keys, to_clean, unchanged = _decide(todo, out, earlier, run, state, seen, rules, force, reasons)
            for r in unchanged:
                take(r, owns_output=False)
    except KeyboardInterrupt as exc:
        interrupted = exc
    stream = _cleaned(to_clean if interrupted is None else [], out, jobs, rules, rules_path, site_rules, fmt, late,
                      state)
    try:
        for r in stream:
            take(r, owns_output=True)
    except KeyboardInterrupt as exc:  # Ctrl-C or Terminated: the manifest of what was done, then stop
        interrupted = exc
    finally:
        stream.close()  # stops the workers now, not when the generator is collected
    for r in late:
        take(r, owns_output=True)
    status = _finish(out, results, found, todo, earlier.outputs, rules, run, keys, force, prune, interrupted,
                     progress, errors, started)
    if interrupted is not None:
        raise interrupted
    return status


def _decide(todo: list[Page], out: Path, earlier: Earlier, run: Mapping[str, Any], state: TemplateState | None,
            seen: Mapping[str, Seen], rules: Rules, force: bool,
            reasons: dict[str, str]) -> tuple[dict[str, PageKey], list[Page], list[Result]]:
    """Which pages to clean (each one's reason put in ``reasons``) and the results of those skipped
    as unchanged; with each page's key, for the manifest."""
    common = [FORCED_REASON] if force else run_changes(earlier.run, run) if earlier.found else []
    keys = _page_keys(todo, state, seen, rules, lambda page: not common and page.path in earlier.rows)
    to_clean, unchanged = [], []
    for page in todo:
        row = earlier.rows.get(page.path)
        changes = common or page_changes(row, page, keys[page.path], out)
        if changes:
            reasons[page.path] = "; ".join(changes)
            to_clean.append(page)
        else:
            unchanged.append(_unchanged(page, row))
    return keys, to_clean, unchanged


def _prepare(sources: list[str], out: Path, url: str | None, url_map: dict[str, str] | None,
             exclude: list[str]) -> tuple[Found, Earlier]:
    """The pages (with their URLs) and what the previous run's manifest says; OUT created. Raises
    UsageError, before anything is written, when the run cannot start as asked."""
    check_src_and_out(sources, out)
    found = find_pages(sources, out, exclude=exclude)
    if url is not None:
        if len(found.pages) > 1:
            raise UsageError(f"--url gives the URL of one page, but SRC holds {len(found.pages)} pages; "
                             "use --url-map for a corpus")
        found.pages = [replace(p, url=url) for p in found.pages]
    elif url_map:
        found.pages = [replace(p, url=url_map.get(os.path.realpath(p.file))) for p in found.pages]
    earlier = _earlier_run(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create the output folder {out}: {exc.strerror or exc}") from None
    return found, earlier


def _remove_old_output(target: Path, errors: Callable[[str], None]) -> None:
    """A JSON left by an earlier run would stand for a page that now fails."""
    try:
        if is_page_output(target):
            target.unlink()
    except OSError as exc:
        errors(f"warning cannot remove the earlier output {target} of this failed page: {exc.strerror or exc}")


def _report(result: Result, done: int, total: int, out: Path, progress: Callable[[str], None] | None,
            errors: Callable[[str], None]) -> None:
    if result.status == "error":
        errors(f"[{done}/{total}] error {_one_line(result.error or result.page.path)}")
        if result.detail:
            errors(result.detail.rstrip("\n"))
    elif progress is not None and result.skipped:
        progress(f"[{done}/{total}] {result.status:5s} {result.page.path} -> {out / result.page.output} "
                 f"({result.reason}; not rewritten)")
    elif progress is not None:
        progress(f"[{done}/{total}] {result.status:5s} {result.page.path} -> {out / result.page.output} "
                 f"({result.sections} sections, {result.removed} removed, {result.warnings} warnings"
                 + (f"; {result.reason})" if result.reason else ")"))


def _finish(out: Path, results: list[Result], found: Found, todo: list[Page], previous: list[str], rules: Rules,
            run: Mapping[str, Any], keys: Mapping[str, PageKey], force: bool, prune: bool,
            interrupted: KeyboardInterrupt | None, progress: Callable[[str], None], errors: Callable[[str], None],
            started: float) -> int:
    """Stale outputs (reported or pruned), the manifest and the summary line; the exit status."""
    written = {r.page.output for r in results if r.status != "error"}
    stale = sorted({o for o in previous if o not in written and is_page_output(out / o)})
    pruned: list[str] = []
    if stale and not interrupted:
        pruned, stale = _stale_outputs(out, stale, prune, bool(found.problems), progress, errors)
    manifest = _manifest(results, found, todo, run, keys, force, interrupted is not None, stale, pruned)
    counts = manifest["counts"]
    status = 1 if counts["error"] or found.problems else 0
    try:
        write_atomic(out / MANIFEST_NAME, dumps(manifest))
    except OSError as exc:
        errors(f"error cannot write {out / MANIFEST_NAME}: {exc.strerror or exc}")
        status = 1
    seconds = time.monotonic() - started
    total = len(found.pages)
    by_family = family_totals(results)
    if by_family:
        label = (lambda name: rules.report.named(name).label or name) if rules.report else str
        progress("removals by rule family: " + ", ".join(f"{n} {label(name)}" for name, n in by_family))
    progress((f"interrupted after {len(results)} of {total} pages: " if interrupted else f"{total} pages: ")
             + f"{counts['ok']} ok, {counts['empty']} empty, {counts['error']} failed"
             + ("" if force else f", {manifest['incremental']['skipped']} skipped as unchanged")
             + (f", {len(found.problems)} SRC or folders not usable" if found.problems else "")
             + (f", {len(found.skipped)} files skipped as not pages" if found.skipped else "")
             + (f", {len(stale)} stale outputs left" if stale else "")
             + (f", {len(pruned)} stale outputs removed" if pruned else "")
             + f" in {seconds:.1f}s; manifest {out / MANIFEST_NAME}")
    return status


def family_totals(results: Iterable[Result]) -> list[tuple[str, int]]:
    """Removals per rule family over the pages cleaned, most first: what the summary counts, since
    a raw count of entries is mostly inline markup cuts."""
    totals: dict[str, int] = {}
    for r in results:
        for name, n in r.families:
            totals[name] = totals.get(name, 0) + n
    return sorted(totals.items(), key=lambda item: (-item[1], item[0]))


def _stale_outputs(out: Path, stale: list[str], prune: bool, had_problems: bool, progress: Callable[[str], None],
                   errors: Callable[[str], None]) -> tuple[list[str], list[str]]:
    """Prune the stale outputs, or report them; returns (removed, left)."""
    if prune and had_problems:
        errors(f"warning --prune not done: some SRC or folder could not be read, so {len(stale)} outputs of "
               "an earlier run may belong to pages this run could not see; they are listed as stale")
    elif prune:
        return _prune(out, stale, progress, errors)
    else:
        for o in stale:
            errors(f"warning {out / o} is left from an earlier run: its page was not cleaned in this run "
                   "(--prune removes such outputs)")
    return [], stale


def _manifest(results: list[Result], found: Found, todo: list[Page], run: Mapping[str, Any],
              keys: Mapping[str, PageKey], force: bool, interrupted: bool, stale: list[str], pruned: list[str]) -> dict:
    done = {r.page for r in results}
    return {
        "schema": MANIFEST_SCHEMA,
        "pipeline": dict(run),
        "interrupted": interrupted,
        "counts": {s: sum(1 for r in results if r.status == s) for s in ("ok", "empty", "error")},
        "incremental": {"force": force, "skipped": sum(1 for r in results if r.skipped)},
        "problems": found.problems,
        "skipped": [{"path": path, "reason": why} for path, why in found.skipped],
        "pages": [_row(r, keys.get(r.page.path)) for r in sorted(results, key=lambda r: r.page.path)],
        "not_cleaned": sorted(p.path for p in todo if p not in done),
        "stale": stale,
        "pruned": pruned,
    }


def _row(r: Result, key: PageKey | None) -> dict:
    """A page's manifest row: what became of it, and what the next run compares to skip it."""
    ok = r.status != "error"
    return {"path": r.page.path, "output": r.page.output if ok else None, "status": r.status,
            "error": _one_line(r.error) if r.error else None,
            "sections": r.sections, "removed": r.removed, "warnings": r.warnings,
            "families": dict(sorted(r.families)), "url": r.page.url,
            "site": key.site if key else None, "input_sha256": r.input_sha256 if ok else None,
            "templates_sha256": key.templates_sha256 if key else None,
            "output_sha256": r.output_sha256 if ok else None, "skipped": r.skipped, "reason": r.reason}


def _prune(out: Path, stale: list[str], progress: Callable[[str], None],
           errors: Callable[[str], None]) -> tuple[list[str], list[str]]:
    """Remove stale outputs (this tool's JSON only, checked just before) and the folders they leave
    empty under ``out``; returns (removed, still there)."""
    removed, left = [], []
    real_out = os.path.realpath(out)
    for o in stale:
        target = out / o
        try:
            if not is_page_output(target) or not _inside(real_out, os.path.realpath(target)):
                continue
            target.unlink()
        except OSError as exc:
            errors(f"warning cannot remove the stale output {target}: {exc.strerror or exc}")
            left.append(o)
            continue
        removed.append(o)
        progress(f"removed {target}: output of an earlier run whose page was not cleaned in this run")
        folder = target.parent
        while folder != out and _inside(real_out, os.path.realpath(folder)):
            try:
                folder.rmdir()  # only if empty
            except OSError:
                break
            folder = folder.parent
    return removed, left
