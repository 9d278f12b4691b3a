"""Large and hostile pages through the CLI, each in its own process, with a time-out and a bound on
its peak memory (``make check-large``; CI runs it after ``make test``).

Each case writes its page into a temporary folder, runs ``python -m pipeline clean PAGE -o OUT`` in
a subprocess, reads that process's own peak RSS (``os.wait4``), checks the manifest row (and the
page's JSON where the case says more) and prints one line. The time-out is generous: it catches a
hang or a quadratic pass, not a slow machine. Timings are printed, never asserted.

    python tools/check_large.py            # every case
    python tools/check_large.py tiny-p     # chosen cases by name
    python tools/check_large.py --list
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parent.parent
MB = 1_000_000
GIB = 1 << 30


# --- the pages -------------------------------------------------------------------------------------

def write_gzip_bomb(path: Path, unpacked: int = 10 * GIB) -> None:
    """One gzip member of ``unpacked`` zero bytes (10 GiB in about 10 MB). Every 16 MiB of zeros is
    compressed with a full flush, so all blocks after the first are the same bytes and the file is
    written without compressing 10 GiB; the trailer's CRC-32 and size are the real ones."""
    chunk = bytes(16 << 20)
    assert unpacked % len(chunk) == 0
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = deflate.compress(chunk) + deflate.flush(zlib.Z_FULL_FLUSH)
    block = deflate.compress(chunk) + deflate.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    with path.open("wb") as fh:
        fh.write(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff")  # gzip header: deflate, no name, no mtime
        fh.write(first)
        crc = zlib.crc32(chunk, crc)
        for _ in range(unpacked // len(chunk) - 1):
            fh.write(block)
            crc = zlib.crc32(chunk, crc)
        fh.write(deflate.flush(zlib.Z_FINISH))
        fh.write(struct.pack("<II", crc, unpacked & 0xFFFFFFFF))


def write_empty_lines(path: Path, lines: int = 50_000_000) -> None:
    path.write_bytes(b"\n" * lines)


def write_space_runs(path: Path, runs: int = 10, width: int = 1_000_000) -> None:
    """One line: a few words, a million spaces, a few words, ..."""
    words = ["The tumor was removed", "and the patient recovered", "within a few weeks of surgery"]
    parts = [words[i % len(words)] + " " * width for i in range(runs)] + ["and went home."]
    path.write_text("".join(parts) + "\n", encoding="utf-8")


def write_punctuation_runs(path: Path, width: int = 12_000) -> None:
    """About 60 KB: paragraphs whose words stand between long runs of -, ., |, = and ~~ (quadratic
    for a pattern that looks for a run at the end of a block from each of its characters)."""
    runs = ["-" * width, "." * width, "|" * width, "=" * width, "~~" * (width // 2)]
    path.write_text("".join(f"Section {n} on surgery {run} treatment options and the {run} patient recovered.\n\n"
                            for n, run in enumerate(runs)), encoding="utf-8")


def write_hostile_lines(path: Path, width: int = 1_000_000) -> None:
    """Lines that made a pattern backtrack over their length: an ATX heading padded with a million
    spaces, a line of brackets, of ']('s, of emphasis marks, of backslashes, a table row of pipes,
    one long dotted token (a UI pattern for "site.com | phone"), a sentence ending in brackets."""
    lines = ["# Tumors" + " " * width + "and surgery", "[" * (width // 5), "](" * (width // 10),
             "*a* " * (width // 20), "\\" * (width // 10), "| a " * (width // 20) + "|",
             "1." * (width // 10), "Surgery removes the tumor when it has not spread. " + "[" * (width // 10),
             "Surgery removes the tumor when it has not spread."]
    path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")


def write_many_attributes(path: Path, count: int = 1_000_000) -> None:
    """One element with a million attributes (libxml2 compares each with all before it)."""
    with path.open("w", encoding="utf-8") as fh:
        fh.write("<html><body><p>Before the element.</p>\n<p")
        for i in range(count):
            fh.write(f" data-a{i}='v'")
        fh.write(">Surgery removes the tumor when it has not spread.</p>\n</body></html>\n")


def write_tiny_paragraphs(path: Path, count: int = 1_000_000) -> None:
    with path.open("w", encoding="utf-8") as fh:
        fh.write("<html><head><title>Many paragraphs</title></head><body>\n")
        for i in range(count):
            fh.write(f"<p>{name_of(i)}</p>\n")
        fh.write("</body></html>\n")


SYLLABLES = ("ka", "lo", "mi", "nu", "pe", "ra", "si", "to", "vu", "ze", "bo", "da", "fi", "gu", "ha", "je")
WORDS = ("patients tumor therapy hormone pancreas diagnosis treatment surgery doctor clinical trial symptoms "
         "insulin gastrin imaging scan biopsy oncology nurse support care family risk factor cell growth blood "
         "test liver kidney heart lung brain bone skin muscle nerve vessel gland tissue organ").split()


def name_of(n: int) -> str:
    """A distinct made-up word for each number (letters only, so no stage mistakes it for a count)."""
    out = ""
    while True:
        out += SYLLABLES[n % 16]
        n //= 16
        if not n:
            return out


def words(n: int, k: int) -> str:
    return " ".join(WORDS[(n * 7 + i * 13 + n // 44 * i) % len(WORDS)] for i in range(k))


def write_big_text(path: Path, size: int = 50 * MB) -> None:
    """Varied paragraphs (each with its own made-up words, so dedupe keeps them), headings, and a
    navigation block every 25 paragraphs (which boilerplate and dedupe may drop)."""
    written, n = 0, 0
    with path.open("w", encoding="utf-8") as fh:
        while written < size:
            parts = []
            if n % 40 == 0:
                parts.append(f"## Chapter {name_of(n // 40)} on {words(n, 3)}\n\n")
            if n % 25 == 0:
                parts.append("Home | About us | Contact | Site map\n\n* Health Topics\n* Drugs & Supplements\n\n")
            parts.append(f"The {name_of(n)} study says {words(n, 12)} and then {words(n + 1, 10)}.\n"
                         f"It continues with {words(n + 2, 14)} for {name_of(n * 7 + 3)} patients.\n\n")
            text = "".join(parts)
            fh.write(text)
            written += len(text)
            n += 1


def write_big_html(path: Path, size: int = 30 * MB) -> None:
    """An article page grown to ``size``: a navigation menu, then sections of headings, paragraphs
    with links and emphasis, lists and tables, then a footer."""
    nav = "".join(f'<li><a href="/{w}">{w.title()}</a></li>' for w in WORDS[:12])
    head = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>A long page</title>"
            "<style>p { margin: 0 }</style></head>\n<body>\n"
            f"<header><nav><ul>{nav}</ul></nav></header>\n<main><article>\n<h1>A long page</h1>\n")
    tail = ("</article></main>\n<footer><p>Copyright 2024 Example Health. All rights reserved.</p>"
            f"<ul>{nav}</ul></footer>\n</body></html>\n")
    written, n = len(head) + len(tail), 0
    with path.open("w", encoding="utf-8") as fh:
        fh.write(head)
        while written < size:
            parts = []
            if n % 20 == 0:
                parts.append(f"<section>\n<h2>Chapter {name_of(n // 20)} on {words(n, 3)}</h2>\n")
            parts.append(f"<p>The {name_of(n)} study says <a href=\"/s/{n}\">{words(n, 5)}</a> and "
                         f"<em>then</em> {words(n + 1, 10)}.\nIt continues with {words(n + 2, 14)} "
                         f"for <strong>{name_of(n * 7 + 3)}</strong> patients.</p>\n")
            if n % 7 == 0:
                parts.append("<ul>" + "".join(f"<li>{name_of(n + k)} {words(n + k, 6)}</li>\n" for k in range(4))
                             + "</ul>\n")
            if n % 11 == 0:
                parts.append("<table><tr><th>Drug</th><th>Dose</th></tr>"
                             + "".join(f"<tr><td>{name_of(n + k)}</td><td>{k + 1} mg</td></tr>" for k in range(3))
                             + "</table>\n")
            if n % 20 == 19:
                parts.append("</section>\n")
            text = "".join(parts)
            fh.write(text)
            written += len(text)
            n += 1
        fh.write("</section>\n" if n % 20 != 0 else "")
        fh.write(tail)


# --- the cases -------------------------------------------------------------------------------------

def chars_kept(share: float) -> Callable[[dict], str | None]:
    def check(page: dict) -> str | None:
        stats = page["stats"]
        if stats["chars_out"] <= share * stats["chars_in"]:
            return f"kept {stats['chars_out']} of {stats['chars_in']} characters (expected over {share:.0%})"
        return None
    return check


@dataclass(frozen=True)
class Case:
    name: str
    file: str  # the page's file name: its extension picks the reader
    make: Callable[[Path], None]
    status: str | tuple[str, ...]  # the manifest status(es) expected: ok, empty or error
    max_rss_mb: int  # bound on the peak RSS of the CLI process
    timeout_s: int  # generous: a hang or a quadratic pass, not a slow machine
    error: str | None = None  # words the error message must hold
    check: Callable[[dict], str | None] | None = None  # more on the page's JSON; a problem or None


# the longest first, so that two side by side end about together
CASES = [
    # one-word paragraphs may all be judged boilerplate: the case is about time and memory
    Case("tiny-paragraphs", "tiny.html", write_tiny_paragraphs, ("ok", "empty"), 2000, 600),
    Case("text-50mb", "huge.txt", write_big_text, "ok", 1200, 400, check=chars_kept(0.5)),
    Case("html-30mb", "long.html", write_big_html, "ok", 1000, 300),
    Case("empty-lines", "blank.txt", write_empty_lines, "empty", 300, 300),
    Case("space-runs", "spaces.txt", write_space_runs, "ok", 250, 120),
    Case("gzip-bomb", "bomb.txt.gz", write_gzip_bomb, "error", 400, 120, error="max_unpacked_bytes"),
    Case("punctuation-runs", "punct.txt", write_punctuation_runs, "ok", 150, 30),
    Case("hostile-lines", "lines.txt", write_hostile_lines, ("ok", "empty"), 400, 60),
    Case("many-attributes", "attrs.html", write_many_attributes, ("ok", "empty"), 300, 60),
]


@dataclass
class Outcome:
    seconds: float
    cpu_seconds: float
    peak_mb: float
    problem: str | None


# Runs the CLI and reports its peak RSS. A process started from this one inherits this one's peak
# (fork, then exec, keeps the high-water mark), and this one has just written a page of up to 50 MB:
# so a small fresh Python starts the CLI and reads the CLI's own ru_maxrss (kB on Linux).
MEASURE = """
import os, subprocess, sys
proc = subprocess.Popen(sys.argv[1:], stderr=subprocess.STDOUT)
_, status, usage = os.wait4(proc.pid, 0)
proc.returncode = os.waitstatus_to_exitcode(status)
print(usage.ru_maxrss, usage.ru_utime + usage.ru_stime, file=sys.stderr)
sys.exit(proc.returncode)
"""


def run_cli(args: list[str], timeout_s: int, log: Path) -> tuple[int | None, float, float, float]:
    """(exit status or None on time-out, seconds, CPU seconds, peak RSS in MB) of ``python -m pipeline ARGS``."""
    started = time.monotonic()
    with log.open("wb") as out, (log.parent / "maxrss").open("w+") as maxrss:
        proc = subprocess.Popen([sys.executable, "-c", MEASURE, sys.executable, "-m", "pipeline", *args],
                                cwd=REPO, stdout=out, stderr=maxrss, start_new_session=True)
        try:
            code = proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the CLI too: it is in the same new session
            proc.wait()
            code = None
        seconds = time.monotonic() - started
        maxrss.seek(0)
        measured = maxrss.read().split()
    if code is None or len(measured) != 2:
        return code, seconds, float("nan"), float("nan")
    return code, seconds, float(measured[1]), int(measured[0]) / 1024


def run_case(case: Case, work: Path) -> Outcome:
    src, out = work / "src", work / "out"
    src.mkdir(parents=True)
    page = src / case.file
    case.make(page)
    code, seconds, cpu, peak_mb = run_cli(["clean", str(page), "-o", str(out), "-q"], case.timeout_s, work / "log")
    problem = None
    if code is None:
        problem = f"killed after the {case.timeout_s}s time-out"
    elif peak_mb > case.max_rss_mb:
        problem = f"peak RSS {peak_mb:.0f} MB over the bound of {case.max_rss_mb} MB"
    else:
        problem = check_output(case, out, code, work / "log")
    return Outcome(seconds, cpu, peak_mb, problem)


def check_output(case: Case, out: Path, code: int, log: Path) -> str | None:
    try:
        row = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["pages"][0]
    except (OSError, ValueError, IndexError, KeyError):
        return f"no manifest (exit {code}): {log.read_text(errors='replace')[-500:]}"
    if row["status"] not in ((case.status,) if isinstance(case.status, str) else case.status):
        return f"status {row['status']} (expected {case.status}): {row['error']}"
    if case.error and case.error not in (row["error"] or ""):
        return f"error {row['error']!r} does not say {case.error!r}"
    if case.check:
        with (out / row["output"]).open(encoding="utf-8") as fh:
            return case.check(json.load(fh))
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cases", nargs="*", help="names of the cases to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list the cases and exit")
    parser.add_argument("--jobs", type=int, default=2, help="cases run side by side (default 2)")
    args = parser.parse_args(argv)
    known = {c.name: c for c in CASES}
    if args.list:
        for c in CASES:
            print(f"{c.name:18s} {c.file:14s} expect {c.status}, under {c.max_rss_mb} MB and {c.timeout_s}s")
        return 0
    unknown = [n for n in args.cases if n not in known]
    if unknown:
        parser.error(f"unknown case(s): {', '.join(unknown)} (known: {', '.join(known)})")
    chosen = [known[n] for n in args.cases] if args.cases else CASES
    failed = 0
    started = time.monotonic()
    # each case is its own process, so its peak RSS is its own even when cases run side by side
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = {pool.submit(_run_in_tmp, case): case for case in chosen}
        for future in as_completed(futures):
            case, outcome = futures[future], future.result()
            verdict = "FAIL" if outcome.problem else "ok"
            print(f"{verdict:4s} {case.name:18s} {outcome.seconds:6.1f}s ({outcome.cpu_seconds:6.1f}s CPU)"
                  f"  peak {outcome.peak_mb:6.0f} MB"
                  f" (bound {case.max_rss_mb} MB)" + (f"  {outcome.problem}" if outcome.problem else ""), flush=True)
            failed += bool(outcome.problem)
    print(f"{len(chosen)} cases in {time.monotonic() - started:.0f}s")
    print(f"check-large: {len(chosen) - failed} passed, {failed} failed")
    return 1 if failed else 0


def _run_in_tmp(case: Case) -> Outcome:
    with tempfile.TemporaryDirectory(prefix=f"check-large-{case.name}-") as tmp:
        return run_case(case, Path(tmp))


if __name__ == "__main__":
    sys.exit(main())
