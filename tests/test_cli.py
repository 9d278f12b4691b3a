"""The CLI contract (``python -m pipeline clean SRC... -o OUT``): where pages are written, the
manifest, bad pages and bad rules, parallel runs, atomic writes (a 50 MB page: `make check-large`)."""
from __future__ import annotations

import gzip
import json
import multiprocessing
import os
import re
import shutil
import struct
import zlib
from pathlib import Path

import pytest

from pipeline import corpus, load_rules
from pipeline.output import write_atomic
from pipeline.rules import RulesError, Where
from tests.cli_main import run_main
from tests.conftest import SEED_PAGES, run_cli

PAGE = ("# Pancreatic tumors\n\nSurgery removes the tumor when it has not spread beyond the pancreas.\n\n"
        "## Side effects\n\nPain and tiredness are common in the weeks after the operation, and most "
        "people recover within a month.\n")


def png_bytes() -> bytes:
    """A real 1x1 PNG: binary data a scrape can leave among the pages."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


# a UTF-8 byte-order mark, then bytes that are not UTF-8: no encoding explains the file
UNDECODABLE = b"\xef\xbb\xbfTumor \xff\xfe\x80 treatment\n"


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def manifest_rows(out: Path) -> dict[str, dict]:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {Path(row["path"]).relative_to(out.parent / "src").as_posix(): row for row in manifest["pages"]}


def error_lines(text: str) -> list[str]:
    # "error" as a word: a tmp path such as .../test_an_internal_error_0/... is not an error line
    return [line for line in text.splitlines() if re.search(r"\berror\b", line, re.IGNORECASE)]


def json_files(out: Path) -> list[str]:
    # the pages' JSON: not the run's own files (its manifest, its template state)
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*.json")
                  if p.relative_to(out).as_posix() not in ("manifest.json", ".templates.json"))


# --- where pages go, the manifest, progress --------------------------------------------------

def test_each_page_is_written_under_its_subfolder_without_extensions(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    write(src / "a" / "x.txt", PAGE)
    write(src / "b" / "x.txt", PAGE.replace("Surgery", "An operation"))
    write(src / "c" / "y.txt.gz", gzip.compress(PAGE.encode("utf-8"), mtime=0))
    write(src / "z.md", PAGE)
    proc = run_main("clean", src, "-o", out)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert json_files(out) == ["a/x.json", "b/x.json", "c/y.json", "z.json"]
    a, b = (json.loads((out / f).read_text(encoding="utf-8")) for f in ("a/x.json", "b/x.json"))
    assert a["source"]["path"] == str(src / "a" / "x.txt") and b["source"]["path"] == str(src / "b" / "x.txt")
    assert json.loads((out / "c" / "y.json").read_text(encoding="utf-8"))["id"] == "y"


def test_gzipped_html_page_is_written_as_its_stem(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    write(src / "x.html.gz", gzip.compress(b"<html><head><title>Tumors</title></head><body><h1>Tumors</h1>"
                                           b"<p>Surgery removes the tumor when it has not spread.</p></body></html>",
                                           mtime=0))
    proc = run_main("clean", src, "-o", out)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert json_files(out) == ["x.json"]


def test_manifest_has_one_row_per_page_with_status_error_and_counts(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    write(src / "good.txt", PAGE)
    write(src / "empty.txt", b"")
    write(src / "logo.png", png_bytes())
    proc = run_main("clean", src, "-o", out)
    assert proc.returncode == 1
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"] == {"ok": 1, "empty": 1, "error": 1}
    rows = manifest_rows(out)
    assert sorted(rows) == ["empty.txt", "good.txt", "logo.png"]
    good, empty, bad = rows["good.txt"], rows["empty.txt"], rows["logo.png"]
    assert good["status"] == "ok" and good["error"] is None and good["output"] == "good.json"
    page = json.loads((out / "good.json").read_text(encoding="utf-8"))
    assert (good["sections"], good["removed"], good["warnings"]) == \
        (len(page["sections"]), len(page["removed"]), len(page["warnings"]))
    assert empty["status"] == "empty" and empty["warnings"] >= 1
    assert bad["status"] == "error" and "logo.png" in bad["error"] and bad["output"] is None


def test_verbose_gives_a_progress_line_per_page_and_a_summary_line(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    names = ["one.txt", "two.txt", "sub/three.txt"]
    for name in names:
        write(src / name, PAGE)
    proc = run_main("clean", src, "-o", out, "--verbose")
    lines = proc.stdout.splitlines()
    for name in names:
        assert sum(1 for line in lines if str(src / name) in line) == 1, proc.stdout
    assert "3 pages" in lines[-1] and "3 ok" in lines[-1], lines[-1]


def test_without_verbose_no_line_per_page_and_the_summary_counts_removals_by_family(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    write(src / "one.txt", "Skip to content\n\n" + PAGE + "\nSee [the guide](https://example.org/guide) on *side "
                           "effects* before the operation, and ask your doctor about it.\n")
    proc = run_main("clean", src, "-o", out)  # stderr is no terminal here: no bar either
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert not any(str(src / "one.txt") in line for line in lines), proc.stdout
    assert proc.stderr == ""
    assert lines[-1].startswith("1 pages: 1 ok"), lines
    # the markdown link target and the emphasis marks are inline cuts; "Skip to content" a navigation drop
    assert lines[-2].startswith("removals by rule family: ") and "markup (inline)" in lines[-2] \
        and "navigation" in lines[-2], lines


def test_out_inside_src_is_not_cleaned_and_a_page_named_twice_is_cleaned_once(tmp_path: Path) -> None:
    src = tmp_path / "src"
    write(src / "x.txt", PAGE)
    write(src / "out" / "x.json", "{}")  # an earlier run's output inside the folder being cleaned
    write(src / ".hidden" / "y.txt", PAGE)
    found = corpus.find_pages([str(src), str(src / "x.txt")], out=src / "out")
    assert [p.path for p in found.pages] == [str(src / "x.txt")] and found.problems == [] and found.skipped == []


# --- bad pages ---------------------------------------------------------------------------------

@pytest.mark.parametrize("bad_name, bad_data", [
    pytest.param("logo.png", png_bytes(), id="binary-png"),
    pytest.param("latin.txt", UNDECODABLE, id="undecodable"),
])
def test_a_bad_page_fails_alone_with_a_one_line_error_naming_it(tmp_path: Path, bad_name: str, bad_data: bytes) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    write(src / "a.txt", PAGE)
    write(src / bad_name, bad_data)
    write(src / "z.txt", PAGE)
    proc = run_main("clean", src, "-o", out)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    errors = error_lines(proc.stderr)  # error lines go to stderr, progress lines to stdout
    assert len(errors) == 1 and str(src / bad_name) in errors[0], proc.stdout + proc.stderr
    assert error_lines(proc.stdout) == [], proc.stdout
    assert json_files(out) == ["a.json", "z.json"]
    assert manifest_rows(out)[bad_name]["status"] == "error"


def test_an_empty_page_is_an_empty_result_with_a_warning_not_a_failure(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    write(src / "empty.txt", b"")
    write(src / "blank.txt", "\n   \n\t\n")
    write(src / "good.txt", PAGE)
    proc = run_main("clean", src, "-o", out)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for name in ("empty", "blank"):
        page = json.loads((out / f"{name}.json").read_text(encoding="utf-8"))
        assert page["sections"] == [] and page["warnings"], name
        assert manifest_rows(out)[f"{name}.txt"]["status"] == "empty"


def test_a_missing_src_is_reported_and_the_other_pages_are_cleaned(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    write(src / "good.txt", PAGE)
    missing = tmp_path / "no-such-folder"
    proc = run_main("clean", src, missing, "-o", out)
    assert proc.returncode == 1
    assert any(str(missing) in line and "no such" in line for line in proc.stderr.splitlines()), proc.stderr
    assert json_files(out) == ["good.json"]
    assert str(missing) in " ".join(json.loads((out / "manifest.json").read_text())["problems"])


def test_the_old_output_of_a_page_that_now_fails_is_removed(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    write(src / "x.txt", PAGE)
    assert run_main("clean", src, "-o", out).returncode == 0
    write(src / "x.txt", png_bytes())
    assert run_main("clean", src, "-o", out).returncode == 1
    assert json_files(out) == []


def test_an_internal_error_is_one_line_naming_the_page_then_the_traceback(tmp_path: Path, monkeypatch) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    write(src / "boom.txt", PAGE)
    write(src / "fine.txt", PAGE)
    real_clean = corpus.clean

    def clean(data, *, name=None, **kw):
        if name.endswith("boom.txt"):
            raise KeyError("a stage bug")
        return real_clean(data, name=name, **kw)

    monkeypatch.setattr(corpus, "clean", clean)
    lines, errors = [], []
    status = corpus.run_corpus([str(src)], out, rules_path=None, rules=load_rules(), progress=lines.append,
                               errors=errors.append)
    assert status == 1
    assert error_lines("\n".join(lines)) == []
    assert len(errors) == 2, errors  # the one-line error, then the traceback
    assert str(src / "boom.txt") in errors[0] and "KeyError" in errors[0] and "\n" not in errors[0]
    assert errors[1].startswith("Traceback") and "a stage bug" in errors[1]
    assert json_files(out) == ["fine.json"]


@pytest.mark.skipif(multiprocessing.get_start_method() != "fork", reason="patches the cleaner inherited by forked workers")
def test_a_worker_that_dies_fails_only_its_own_page(tmp_path: Path, monkeypatch) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    for name in ("a.txt", "crash.txt", "c.txt", "d.txt"):
        write(src / name, PAGE)
    real_clean = corpus.clean

    def clean(data, *, name=None, **kw):
        if name.endswith("crash.txt"):
            os._exit(3)  # as if killed for using too much memory
        return real_clean(data, name=name, **kw)

    monkeypatch.setattr(corpus, "clean", clean)
    lines: list[str] = []
    status = corpus.run_corpus([str(src)], out, rules_path=None, rules=load_rules(), jobs=2, progress=lines.append)
    assert status == 1
    assert json_files(out) == ["a.json", "c.json", "d.json"]
    rows = manifest_rows(out)
    assert rows["crash.txt"]["status"] == "error" and "died" in rows["crash.txt"]["error"]


# --- bad rules -----------------------------------------------------------------------------------

@pytest.mark.parametrize("rules_text, line, key", [
    pytest.param("version: 1\nstages: [header, markup\ndecode: {}\n", 3, None, id="bad-yaml-syntax"),
    pytest.param("version: 1\nboilerplates:\n  x: 1\n", 2, "boilerplates", id="unknown-section"),
    pytest.param("version: 1\ndecode:\n  max_chaos: 0.3\n  max_chaoss: 0.4\n", 4, "decode.max_chaoss",
                 id="unknown-key-in-a-stage-section"),
    pytest.param("version: 1\nmarkup:\n  trigger: '[unclosed'\n", 3, "markup.trigger", id="invalid-regex"),
    pytest.param("version: 1\ndecode:\n  max_chaos: lots\n", 3, "decode.max_chaos", id="wrong-type"),
])
def test_bad_rules_exit_2_naming_file_line_and_key_before_any_page(tmp_path: Path, rules_text: str, line: int,
                                                                   key: str | None) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    write(src / "good.txt", PAGE)
    rules = write(tmp_path / "my-rules.yaml", rules_text)
    proc = run_main("clean", src, "-o", out, "--rules", rules)
    assert proc.returncode == 2
    assert f"{rules}:{line}:" in proc.stderr, proc.stderr
    if key:
        assert key in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not out.exists() or not list(out.rglob("*.json"))


def test_an_invalid_regex_error_names_file_line_and_key() -> None:
    where = Where("rules.yaml", {(): 1, ("stage",): 4, ("stage", "rules"): 5, ("stage", "rules", 1): 7})
    with pytest.raises(RulesError, match=r"^rules\.yaml:7: stage\.rules\[1\]: invalid regular expression"):
        where.at("stage", "rules", 1).regex("(unclosed")
    assert where.at("stage", "rules", 0).regex(r"\bok\b").search("it is ok")


def test_missing_rules_file_exits_2(tmp_path: Path) -> None:
    proc = run_main("clean", tmp_path, "-o", tmp_path / "out", "--rules", tmp_path / "nope.yaml")
    assert proc.returncode == 2 and "nope.yaml" in proc.stderr


# --- parallel runs and atomic writes ---------------------------------------------------------------

def test_jobs_2_writes_the_same_bytes_as_jobs_1(tmp_path: Path) -> None:
    src = tmp_path / "src"
    (src / "seeds").mkdir(parents=True)
    for page in SEED_PAGES:
        shutil.copy(page, src / "seeds" / page.name)
    write(src / "small" / "x.txt", PAGE)
    write(src / "small" / "bad.png", png_bytes())
    outs = {}
    for jobs, seed in (("1", "1"), ("2", "2")):  # different hash seeds too: no set order may leak
        out = tmp_path / f"out{jobs}"
        proc = run_cli("clean", src, "-o", out, "--jobs", jobs, env={**os.environ, "PYTHONHASHSEED": seed})
        assert proc.returncode == 1, proc.stdout + proc.stderr  # bad.png
        outs[jobs] = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert sorted(outs["1"]) == sorted(outs["2"])
    assert len(outs["1"]) == len(SEED_PAGES) + 3  # + x.json + manifest.json + .templates.json
    for name in outs["1"]:
        assert outs["1"][name] == outs["2"][name], name


def test_a_run_leaves_no_temporary_files(seed_run) -> None:
    _, out, proc = seed_run
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted([p.stem + ".json" for p in SEED_PAGES]
                                                           + ["manifest.json", ".templates.json"])


def test_write_atomic_replaces_an_existing_file_whole_with_the_usual_mode(tmp_path: Path) -> None:
    target = tmp_path / "page.json"
    target.write_text("old and much longer content " * 100)
    write_atomic(target, "new")
    assert target.read_text() == "new"
    write_atomic(target, iter(["in ", "pieces"]))
    assert target.read_text() == "in pieces"
    assert [p.name for p in tmp_path.iterdir()] == ["page.json"]
    umask = os.umask(0o022)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_write_atomic_keeps_the_old_file_when_writing_fails(tmp_path: Path) -> None:
    target = tmp_path / "page.json"
    target.write_text("old")

    def pieces():
        yield "half of the new"
        raise RuntimeError("encoder failed")

    with pytest.raises(RuntimeError):
        write_atomic(target, pieces())
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["page.json"]
