"""Paths and files are safe: outputs stay inside OUT whatever a name holds, SRC may not be OUT,
a folder that cannot be read is reported, and a name that is not UTF-8 gets its row."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from pipeline import corpus
from pipeline.corpus import output_name
from tests.cli_main import run_main
from tests.conftest import REPO, run_cli
from tests.test_cli import PAGE, error_lines, json_files, write

ESCAPING_NAME = "y\\..\\..\\..\\..\\ESCAPED.txt"


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def all_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


# --- outputs stay inside OUT -------------------------------------------------------------------------

@pytest.mark.parametrize("parts, expected", [
    (["x.txt"], "x.json"),
    (["sub", "x.html.gz"], "sub/x.json"),
    ([ESCAPING_NAME], "y\\..\\..\\..\\..\\ESCAPED.json"),  # backslashes are characters of the name
    (["a\\b", "..c.txt"], "a\\b/..c.json"),
    (["noext"], "noext.json"),
])
def test_output_name_is_built_from_path_components_and_never_steps_up(parts: list[str], expected: str) -> None:
    assert output_name(parts) == expected


def test_a_name_with_backslashes_and_dotdot_is_written_inside_out(tmp_path: Path) -> None:
    src, out = tmp_path / "in" / "src", tmp_path / "a" / "b" / "out"
    write(src / "sub" / ESCAPING_NAME, PAGE)
    write(src / ESCAPING_NAME, PAGE)
    proc = run_main("clean", src, "-o", out)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    escaped = [p for p in tmp_path.rglob("*ESCAPED*.json")]
    assert escaped and all(out.resolve() in p.resolve().parents for p in escaped), escaped
    assert json_files(out) == ["sub/y\\..\\..\\..\\..\\ESCAPED.json", "y\\..\\..\\..\\..\\ESCAPED.json"]
    assert not list(tmp_path.glob("ESCAPED*")) and not list((tmp_path / "a").glob("ESCAPED*"))


def test_an_output_that_would_resolve_outside_out_through_a_link_is_an_error_row(tmp_path: Path) -> None:
    src, out, elsewhere = tmp_path / "src", tmp_path / "out", tmp_path / "elsewhere"
    write(src / "sub" / "x.txt", PAGE)
    write(src / "y.txt", PAGE)
    elsewhere.mkdir()
    out.mkdir()
    os.symlink(elsewhere, out / "sub")  # OUT/sub leads out of OUT
    proc = run_main("clean", src, "-o", out)
    assert proc.returncode == 1
    errors = error_lines(proc.stderr)
    assert len(errors) == 1 and str(src / "sub" / "x.txt") in errors[0] and "outside" in errors[0], proc.stderr
    assert list(elsewhere.iterdir()) == []
    assert (out / "y.json").is_file()


# --- SRC and OUT ---------------------------------------------------------------------------------------

def test_src_equal_to_out_is_refused_and_the_first_runs_outputs_stay(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    write(src / "a.txt", PAGE)
    assert run_main("clean", src, "-o", out).returncode == 0
    before = {name: (out / name).read_bytes() for name in all_files(out)}
    proc = run_main("clean", out, "-o", out)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and str(out) in proc.stderr and "SRC" in proc.stderr, proc.stderr
    assert {name: (out / name).read_bytes() for name in all_files(out)} == before


def test_src_inside_out_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write(out / "raw" / "a.txt", PAGE)
    proc = run_main("clean", out / "raw", "-o", out)
    assert proc.returncode == 2 and "inside" in proc.stderr, proc.stderr
    assert all_files(out) == ["raw/a.txt"]


def test_out_inside_src_is_skipped_while_walking_src(tmp_path: Path) -> None:
    src = tmp_path / "src"
    write(src / "a.txt", PAGE)
    assert run_main("clean", src, "-o", src / "out").returncode == 0
    proc = run_main("clean", src, "-o", src / "out")  # the second run must not clean the first's JSON
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert [row["path"] for row in manifest(src / "out")["pages"]] == [str(src / "a.txt")]


# --- folders and names -------------------------------------------------------------------------------

def unprivileged(command: list[str]) -> list[str]:
    """``command`` run as an unprivileged user: root reads any folder whatever its mode, so a
    permission check is only real for another user. As root, setpriv switches to user 65534
    (nobody); skipped where that user cannot run the interpreter."""
    if os.geteuid() != 0:
        return command
    wrapped = ["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups", *command]
    probe = [*wrapped[:-len(command)], sys.executable, "-c", "import pipeline"]
    if shutil.which("setpriv") is None or subprocess.run(probe, cwd=REPO, capture_output=True).returncode != 0:
        pytest.skip("running as root without a way to run the CLI as an unprivileged user")
    return wrapped


def test_an_unreadable_subfolder_is_reported_and_the_run_exits_1() -> None:
    # Real permissions, not an injected error: as root the CLI runs as user 65534 (nobody), for
    # whom a folder of mode 000 is unreadable. pytest's tmp_path is private to root, so the files
    # live in a folder of their own that nobody may enter.
    base = Path(tempfile.mkdtemp(prefix="unreadable-"))
    try:
        base.chmod(0o755)
        src, out = base / "src", base / "out"
        write(src / "a.txt", PAGE)
        write(src / "locked" / "b.txt", PAGE)
        out.mkdir()
        out.chmod(0o777)
        (src / "locked").chmod(0)
        command = unprivileged([sys.executable, "-m", "pipeline", "clean", str(src), "-o", str(out)])
        proc = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120,
                              env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
        assert proc.returncode == 1, proc.stdout + proc.stderr
        errors = error_lines(proc.stderr)
        assert len(errors) == 1 and str(src / "locked") in errors[0] and "cannot read" in errors[0], proc.stderr
        assert "Permission denied" in errors[0]
        run = manifest(out)
        assert [row["path"] for row in run["pages"]] == [str(src / "a.txt")]
        assert len(run["problems"]) == 1 and str(src / "locked") in run["problems"][0]
    finally:
        (base / "src" / "locked").chmod(0o755)
        shutil.rmtree(base)


def test_a_folder_the_walk_cannot_read_is_a_problem_naming_it(tmp_path: Path) -> None:
    # the same code path on any machine and user: the error os.walk reports is injected
    src = tmp_path / "src"
    write(src / "a.txt", PAGE)
    write(src / "locked" / "b.txt", PAGE)

    def walk(top, onerror=None):
        for folder, dirs, files in os.walk(top, onerror=onerror):
            if folder == str(src / "locked"):
                onerror(PermissionError(13, "Permission denied", folder))
                continue
            yield folder, dirs, files

    found = corpus.find_pages([str(src)], walk=walk)
    assert [p.path for p in found.pages] == [str(src / "a.txt")]
    assert found.problems == [f"{src / 'locked'}: cannot read this folder (Permission denied): "
                              "its pages were not cleaned"]


def test_a_file_name_that_is_not_utf8_gets_its_row_like_any_other(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    write(src / "a.txt", PAGE)
    with open(os.path.join(os.fsencode(src), b"caf\xe9.txt"), "wb") as fh:
        fh.write(PAGE.encode("utf-8"))
    proc = run_cli("clean", src, "-o", out, "--verbose")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    shown = str(src / "caf\\xe9.txt")  # the undecodable byte written as \xNN
    rows = {row["path"]: row for row in manifest(out)["pages"]}
    assert rows[shown]["status"] == "ok" and rows[shown]["output"] == "caf\\xe9.json"
    page = json.loads((out / "caf\\xe9.json").read_text(encoding="utf-8"))
    assert page["source"]["path"] == shown and page["sections"]
    assert any(shown in line for line in proc.stdout.splitlines())


def test_a_symlink_to_a_folder_is_not_followed_and_is_reported(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    write(src / "a.txt", PAGE)
    write(tmp_path / "other" / "b.txt", PAGE)
    os.symlink(tmp_path / "other", src / "linked")
    proc = run_main("clean", src, "-o", out)
    assert proc.returncode == 0
    assert any(str(src / "linked") in line and "not followed" in line for line in proc.stderr.splitlines())
    assert json_files(out) == ["a.json"]
