"""No output silently lost or stale: every source gets its own output or a clear error row, the
run's manifest is never overwritten by a page, outputs of pages gone since the last run are
reported (and removed with --prune, only ever files this tool wrote), and only regular files are
read."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from pipeline.corpus import NotRegularFile, read_regular_file
from tests.cli_main import run_main
from tests.conftest import run_cli
from tests.test_cli import PAGE, error_lines, json_files, write

OTHER_PAGE = PAGE.replace("Surgery", "An operation")
HANG_GUARD = 60  # seconds: a run that blocks on a FIFO or reads /dev/zero forever fails instead of hanging


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def rows_by_name(out: Path) -> dict[str, dict]:
    return {Path(row["path"]).name: row for row in manifest(out)["pages"]}


# --- every source gets its own output or a clear error row ---------------------------------------

def test_a_page_named_manifest_gets_an_error_row_and_the_manifest_stays_the_runs(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    write(src / "manifest.txt", PAGE)
    write(src / "a.txt", PAGE)
    write(src / "sub" / "manifest.txt", OTHER_PAGE)  # in a subfolder it is an ordinary page
    proc = run_main("clean", src, "-o", out)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    errors = error_lines(proc.stderr)
    assert len(errors) == 1 and str(src / "manifest.txt") in errors[0] and "manifest" in errors[0], proc.stderr
    run = manifest(out)
    assert run["schema"] == "scraped-text-clean-manifest/1"  # not the page's JSON
    rows = {Path(r["path"]).relative_to(src).as_posix(): r for r in run["pages"]}
    assert rows["manifest.txt"]["status"] == "error" and rows["manifest.txt"]["output"] is None
    assert rows["sub/manifest.txt"]["status"] == "ok" and rows["sub/manifest.txt"]["output"] == "sub/manifest.json"
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.json")) == \
        [".templates.json", "a.json", "manifest.json", "sub/manifest.json"]
    assert json.loads((out / "sub" / "manifest.json").read_text(encoding="utf-8"))["id"] == "manifest"


def test_two_sources_with_one_stem_get_a_clear_error_and_the_first_keeps_its_output(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    write(src / "a.md", PAGE)
    write(src / "a.txt", OTHER_PAGE)
    proc = run_main("clean", src, "-o", out)
    assert proc.returncode == 1
    rows = rows_by_name(out)
    assert rows["a.md"]["status"] == "ok" and rows["a.md"]["output"] == "a.json"
    assert rows["a.txt"]["status"] == "error" and "a.json" in rows["a.txt"]["error"] \
        and str(src / "a.md") in rows["a.txt"]["error"]
    assert json.loads((out / "a.json").read_text(encoding="utf-8"))["source"]["path"] == str(src / "a.md")


# --- stale outputs -------------------------------------------------------------------------------

def test_the_output_of_a_deleted_source_is_reported_as_stale_and_left(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    write(src / "a.txt", PAGE)
    write(src / "sub" / "b.txt", OTHER_PAGE)
    assert run_main("clean", src, "-o", out).returncode == 0
    (src / "sub" / "b.txt").unlink()
    proc = run_main("clean", src, "-o", out)
    assert proc.returncode == 0, proc.stdout + proc.stderr  # a warning, not a failure
    assert any(str(out / "sub" / "b.json") in line and "earlier run" in line and "--prune" in line
               for line in proc.stderr.splitlines()), proc.stderr
    assert manifest(out)["stale"] == ["sub/b.json"] and manifest(out)["pruned"] == []
    assert json_files(out) == ["a.json", "sub/b.json"]
    # still tracked by the next run, though this run's pages no longer list it
    proc = run_main("clean", src, "-o", out)
    assert manifest(out)["stale"] == ["sub/b.json"] and str(out / "sub" / "b.json") in proc.stderr


def test_prune_removes_stale_outputs_this_tool_wrote_and_nothing_else(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    for name in ("a.txt", "sub/b.txt", "c.txt"):
        write(src / name, PAGE)
    assert run_main("clean", src, "-o", out).returncode == 0
    write(out / "notes.json", '{"mine": true}\n')  # a user's own file in OUT, never listed by a manifest
    (src / "sub" / "b.txt").unlink()
    (src / "c.txt").unlink()
    write(out / "c.json", '{"replaced": "by the user"}\n')  # listed by the manifest, but no longer ours
    proc = run_main("clean", src, "-o", out, "--prune")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert any(str(out / "sub" / "b.json") in line and "removed" in line for line in proc.stdout.splitlines())
    assert not (out / "sub").exists()  # the folder it left empty goes too
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == \
        [".templates.json", "a.json", "c.json", "manifest.json", "notes.json"]
    assert json.loads((out / "c.json").read_text()) == {"replaced": "by the user"}
    assert manifest(out)["pruned"] == ["sub/b.json"] and manifest(out)["stale"] == []


def test_prune_is_not_done_when_a_src_could_not_be_read(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    write(src / "a.txt", PAGE)
    write(tmp_path / "more" / "b.txt", PAGE)
    assert run_main("clean", src, tmp_path / "more", "-o", out).returncode == 0
    (tmp_path / "more").rename(tmp_path / "more-away")  # unmounted, say: its pages are not gone
    proc = run_main("clean", src, tmp_path / "more", "-o", out, "--prune")
    assert proc.returncode == 1
    assert "--prune not done" in proc.stderr
    assert json_files(out) == ["a.json", "b.json"] and manifest(out)["stale"] == ["b.json"]


def test_a_manifest_json_in_out_that_is_not_the_tools_is_never_overwritten(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    write(src / "a.txt", PAGE)
    write(out / "manifest.json", '{"my": "own manifest"}\n')
    proc = run_main("clean", src, "-o", out)
    assert proc.returncode == 2 and str(out / "manifest.json") in proc.stderr
    assert json.loads((out / "manifest.json").read_text()) == {"my": "own manifest"}
    assert json_files(out) == []


# --- only regular files are read -------------------------------------------------------------------

def test_a_fifo_among_the_sources_is_skipped_with_a_warning(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    write(src / "a.txt", PAGE)
    os.mkfifo(src / "pipe.txt")
    os.symlink("/dev/zero", src / "zero.txt")
    proc = run_cli("clean", src, "-o", out, timeout=HANG_GUARD)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    warnings = [line for line in proc.stderr.splitlines() if line.startswith("warning")]
    assert any(str(src / "pipe.txt") in w and "named pipe" in w for w in warnings), proc.stderr
    assert any(str(src / "zero.txt") in w and "symbolic link to a character device" in w for w in warnings)
    assert json_files(out) == ["a.json"]
    run = manifest(out)
    assert [row["path"] for row in run["pages"]] == [str(src / "a.txt")]
    assert sorted(s["path"] for s in run["skipped"]) == [str(src / "pipe.txt"), str(src / "zero.txt")]


def test_a_fifo_named_as_src_is_an_error_and_does_not_block(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    write(tmp_path / "a.txt", PAGE)
    proc = run_cli("clean", tmp_path / "pipe.txt", tmp_path / "a.txt", "-o", tmp_path / "out", timeout=HANG_GUARD)
    assert proc.returncode == 1
    assert any(str(tmp_path / "pipe.txt") in line and "named pipe" in line for line in error_lines(proc.stderr))
    assert json_files(tmp_path / "out") == ["a.json"]


def test_reading_a_page_that_became_a_fifo_fails_at_once_instead_of_blocking(tmp_path: Path) -> None:
    # the check when pages are found can be raced: the reader checks the file it opened
    os.mkfifo(tmp_path / "pipe.txt")
    with pytest.raises(NotRegularFile, match="named pipe"):
        read_regular_file(str(tmp_path / "pipe.txt"))
    with pytest.raises(NotRegularFile, match="character device"):
        read_regular_file("/dev/zero")
    write(tmp_path / "a.txt", PAGE)
    assert read_regular_file(str(tmp_path / "a.txt")) == PAGE.encode("utf-8")
