"""Stopping a run: Ctrl-C (SIGINT) or SIGTERM stops the CLI promptly, with the manifest of the pages
done, no worker left and no temporary file; a CLI killed outright (SIGKILL) leaves no worker
running. Real processes and signals; each run is cut short after a few pages of a corpus that
would take far longer to finish."""
from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.output import remove_partial_writes, write_atomic
from tests.conftest import REPO
from tools.check_large import write_big_text

PAGES = 300  # some 20 s of cleaning on 2 cores: a run that finishes the queue is not stopping
HANG_GUARD = 30  # seconds: generous, only there to turn a hang into a failure


@pytest.fixture(scope="module")
def slow_src(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("slow") / "src"
    src.mkdir()
    write_big_text(src / "p000.txt", 40_000)
    for i in range(1, PAGES):
        shutil.copy(src / "p000.txt", src / f"p{i:03d}.txt")
    return src


def start_cli(src: Path, out: Path, jobs: int, logs: Path, templates: bool = False) -> subprocess.Popen:
    """The CLI cleaning ``src``; without the template pass unless asked (its count of 300 copies
    of one page would come before the first page is written, and is stopped in its own test)."""
    logs.mkdir(parents=True, exist_ok=True)
    with open(logs / "stdout", "wb") as stdout, open(logs / "stderr", "wb") as stderr:
        # SIGINT restored to its default: a shell starts background jobs with it ignored
        return subprocess.Popen([sys.executable, "-m", "pipeline", "clean", str(src), "-o", str(out),
                                 "--jobs", str(jobs)] + ([] if templates else ["--no-templates"]),
                                cwd=REPO, stdout=stdout, stderr=stderr,
                                preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def page_outputs(out: Path) -> set[str]:
    return {p.name for p in out.glob("*.json") if p.name not in ("manifest.json", ".templates.json")} \
        if out.exists() else set()


def wait_for_outputs(proc: subprocess.Popen, out: Path, count: int) -> None:
    deadline = time.monotonic() + HANG_GUARD
    while len(page_outputs(out)) < count:
        assert proc.poll() is None, "the CLI ended before it was signalled"
        assert time.monotonic() < deadline, "no page output appeared"
        time.sleep(0.02)


def process_stat(pid: int) -> tuple[str, int, int] | None:
    """(state, parent pid, start time) from /proc, None when the process is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()  # after "pid (comm) "
    return fields[0], int(fields[1]), int(fields[19])


def children(pid: int) -> list[tuple[int, int]]:
    """(pid, start time) of the processes whose parent is ``pid``."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            info = process_stat(int(entry))
            if info and info[1] == pid:
                found.append((int(entry), info[2]))
    return found


def running(process: tuple[int, int]) -> bool:
    info = process_stat(process[0])
    return info is not None and info[2] == process[1] and info[0] not in ("Z", "X")


needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")


@needs_proc
@pytest.mark.parametrize("sig, jobs, status", [
    pytest.param(signal.SIGINT, 2, 130, id="ctrl-c-jobs-2"),
    pytest.param(signal.SIGTERM, 2, 143, id="sigterm-jobs-2"),
    pytest.param(signal.SIGINT, 1, 130, id="ctrl-c-jobs-1"),
])
def test_a_signalled_run_stops_promptly_with_the_manifest_of_the_pages_done_and_leaves_nothing(
        slow_src: Path, tmp_path: Path, sig: int, jobs: int, status: int) -> None:
    out = tmp_path / "out"
    proc = start_cli(slow_src, out, jobs, tmp_path / "logs")
    try:
        wait_for_outputs(proc, out, 3)
        workers = children(proc.pid)
        assert len(workers) == (jobs if jobs > 1 else 0)
        proc.send_signal(sig)
        assert proc.wait(timeout=HANG_GUARD) == status
    finally:
        proc.kill()
        proc.wait()
    stderr = (tmp_path / "logs" / "stderr").read_text()
    assert "Traceback" not in stderr, stderr
    assert not any(running(w) for w in workers)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["interrupted"] is True
    rows = manifest["pages"]
    assert rows and all(row["status"] == "ok" for row in rows)
    assert len(rows) < PAGES // 2, "the run went on cleaning after the signal"
    assert len(rows) + len(manifest["not_cleaned"]) == PAGES
    listed = {row["output"] for row in rows}
    written = page_outputs(out)
    assert listed <= written
    # a page whose JSON was written in the instant before its worker stopped may lack a row
    assert len(written - listed) <= jobs
    for name in written:  # every page written is whole
        assert json.loads((out / name).read_text(encoding="utf-8"))["sections"], name
    assert sorted(p.name for p in out.iterdir() if p.name.endswith(".tmp")) == []


@needs_proc
@pytest.mark.parametrize("jobs", [1, 2])
def test_a_run_stopped_while_counting_template_lines_writes_a_manifest_of_no_pages(
        slow_src: Path, tmp_path: Path, jobs: int) -> None:
    out = tmp_path / "out"
    proc = start_cli(slow_src, out, jobs, tmp_path / "logs", templates=True)
    try:
        deadline = time.monotonic() + HANG_GUARD
        while len(children(proc.pid)) < (jobs if jobs > 1 else 0) or not out.exists():
            assert proc.poll() is None and time.monotonic() < deadline, "the CLI ended or never started"
            time.sleep(0.02)
        time.sleep(0.3)  # counting: 300 pages take far longer than this
        workers = children(proc.pid)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=HANG_GUARD) == 130
    finally:
        proc.kill()
        proc.wait()
    assert "Traceback" not in (tmp_path / "logs" / "stderr").read_text()
    assert not any(running(w) for w in workers)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["interrupted"] is True and manifest["pages"] == []
    assert len(manifest["not_cleaned"]) == PAGES and page_outputs(out) == set()
    assert not (out / ".templates.json").exists()


@needs_proc
def test_a_killed_cli_leaves_no_worker_running_and_no_temporary_file(slow_src: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = start_cli(slow_src, out, 2, tmp_path / "logs")
    try:
        wait_for_outputs(proc, out, 3)
        workers = children(proc.pid)
        assert len(workers) == 2
        proc.kill()  # SIGKILL: no chance to stop its workers itself
        proc.wait()
        deadline = time.monotonic() + HANG_GUARD
        while any(running(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        proc.kill()
        proc.wait()
    assert not any(running(w) for w in workers), "workers outlived the killed CLI"
    assert sorted(p.name for p in out.iterdir() if p.name.endswith(".tmp")) == []
    assert len(page_outputs(out)) < PAGES // 2


def _write_forever(target: str) -> None:
    def pieces():
        yield "the first half of a page"
        time.sleep(HANG_GUARD)  # killed here, in the middle of the write
        yield "never written"

    write_atomic(Path(target), pieces())


def test_the_temporary_file_of_a_writer_killed_outright_is_removed_and_nothing_else(tmp_path: Path) -> None:
    # SIGKILL gives write_atomic no chance to clean up; the runner removes what it left
    target = tmp_path / "x.json"
    keep = [tmp_path / "x.json.tmp", tmp_path / ".y.json.abcdefgh.tmp", tmp_path / ".x.json.notes.tmp"]
    for path in keep:
        path.write_text("not a temporary file of x.json's writer")
    writer = multiprocessing.get_context("fork").Process(target=_write_forever, args=(str(target),))
    writer.start()
    try:
        deadline = time.monotonic() + HANG_GUARD
        while len(list(tmp_path.iterdir())) == len(keep):
            assert time.monotonic() < deadline and writer.is_alive()
            time.sleep(0.01)
    finally:
        writer.kill()
        writer.join()
    left = [p for p in tmp_path.iterdir() if p not in keep]
    assert len(left) == 1 and left[0].name.startswith(".x.json.") and left[0].name.endswith(".tmp")
    assert remove_partial_writes(target) == left
    assert sorted(tmp_path.iterdir()) == sorted(keep)
