"""The large-input checks (tools/check_large.py, ``make check-large``): their pages are what they
claim to be, and a case's verdict comes from the CLI's own exit, manifest and peak memory."""
from __future__ import annotations

import gzip
from pathlib import Path

from tools import check_large
from tools.check_large import Case, run_case


def test_the_gzip_bomb_is_a_valid_gzip_file_of_zeros(tmp_path: Path) -> None:
    path = tmp_path / "bomb.gz"
    check_large.write_gzip_bomb(path, unpacked=48 << 20)
    assert path.stat().st_size < 100_000
    assert gzip.decompress(path.read_bytes()) == bytes(48 << 20)  # CRC-32 and size checked too


def test_a_case_passes_on_the_expected_status_and_reports_the_cli_peak_memory(tmp_path: Path) -> None:
    case = Case("small", "page.txt", lambda p: p.write_text("Surgery removes the tumor when it has not spread.\n"),
                "ok", 1000, 120)
    outcome = run_case(case, tmp_path / "a")
    assert outcome.problem is None
    assert 5 < outcome.peak_mb < 1000 and outcome.cpu_seconds > 0


def test_a_case_fails_on_another_status_or_over_its_memory_bound(tmp_path: Path) -> None:
    make = check_large.write_punctuation_runs
    assert "status ok (expected error)" in run_case(Case("s", "p.txt", make, "error", 1000, 120), tmp_path / "a").problem
    assert "over the bound of 1 MB" in run_case(Case("m", "p.txt", make, "ok", 1, 120), tmp_path / "b").problem
