"""The CLI's options and streams: error lines on stderr and progress on stdout, --format help,
--url for one page, --url-map for a corpus (validated with file and line), and the packaging that
lets an installed pipeline find its default rules and run as ``pipeline``."""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

import pipeline
from pipeline.rules import DEFAULT_RULES
from tests.cli_main import run_main
from tests.conftest import REPO, run_cli
from tests.test_cli import PAGE, error_lines, json_files, png_bytes, write


def page_url(out: Path, name: str) -> str | None:
    return json.loads((out / name).read_text(encoding="utf-8"))["source"]["url"]


# --- streams ---------------------------------------------------------------------------------------

def test_error_lines_go_to_stderr_and_progress_lines_to_stdout(tmp_path: Path) -> None:
    src, out, missing = tmp_path / "src", tmp_path / "out", tmp_path / "missing"
    write(src / "good.txt", PAGE)
    write(src / "logo.png", png_bytes())
    proc = run_cli("clean", src, missing, "-o", out, "--verbose")
    assert proc.returncode == 1
    assert error_lines(proc.stdout) == [], proc.stdout
    errors = error_lines(proc.stderr)
    assert len(errors) == 2 and any(str(src / "logo.png") in e for e in errors) \
        and any(str(missing) in e for e in errors), proc.stderr
    progress = proc.stdout.splitlines()
    assert any(str(src / "good.txt") in line and " ok " in line for line in progress)
    assert "2 pages" in progress[-1] and "1 failed" in progress[-1]


def test_bad_rules_are_reported_on_stderr_only(tmp_path: Path) -> None:
    rules = write(tmp_path / "rules.yaml", "version: 1\ndecode:\n  max_chaos: lots\n")
    proc = run_main("clean", tmp_path, "-o", tmp_path / "out", "--rules", rules)
    assert proc.returncode == 2 and proc.stdout == "" and f"{rules}:3:" in proc.stderr


def test_format_help_says_it_is_the_input_format() -> None:
    proc = run_main("clean", "--help")
    assert proc.returncode == 0
    text = " ".join(proc.stdout.split())
    assert re.search(r"--format \{auto,text,html,pdf\}\s+input format of the pages", text), text
    assert "--url-map FILE" in text and "a tab, its URL" in text and "<TAB>" in text
    assert "130" in text and "exit status" in text


# --- --url and --url-map ---------------------------------------------------------------------------

def test_url_gives_the_url_of_a_single_page(tmp_path: Path) -> None:
    write(tmp_path / "src" / "x.txt", PAGE)
    out = tmp_path / "out"
    proc = run_main("clean", tmp_path / "src" / "x.txt", "-o", out, "--url", "https://www.example.org/tumors")
    assert proc.returncode == 0, proc.stderr
    assert page_url(out, "x.json") == "https://www.example.org/tumors"
    # a folder holding one page is one page too
    proc = run_main("clean", tmp_path / "src", "-o", out, "--url", "https://www.example.org/b")
    assert proc.returncode == 0 and page_url(out, "x.json") == "https://www.example.org/b"


def test_the_cli_with_url_writes_what_clean_with_url_returns(tmp_path: Path) -> None:
    page = write(tmp_path / "x.txt", "Link: https://www.example.org/from-the-header\n\n" + PAGE)
    url = "https://www.example.org/given"
    proc = run_main("clean", page, "-o", tmp_path / "out", "--url", url)
    assert proc.returncode == 0, proc.stderr
    written = json.loads((tmp_path / "out" / "x.json").read_text(encoding="utf-8"))
    assert written == pipeline.clean(page.read_bytes(), name=str(page), url=url)
    assert written["source"]["url"] == url


def test_url_with_more_than_one_page_is_a_usage_error_before_any_page(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    write(src / "a.txt", PAGE)
    write(src / "b.txt", PAGE)
    proc = run_main("clean", src, "-o", out, "--url", "https://www.example.org/a")
    assert proc.returncode == 2
    assert "--url" in proc.stderr and "2 pages" in proc.stderr and "--url-map" in proc.stderr
    assert not out.exists()


@pytest.mark.parametrize("args", [
    pytest.param(["--url", "www.example.org/a"], id="url-without-scheme"),
    pytest.param(["--url", "https://x.org/a", "--url-map", "map.tsv"], id="url-and-url-map"),
])
def test_a_bad_url_option_is_a_usage_error(tmp_path: Path, args: list[str]) -> None:
    write(tmp_path / "a.txt", PAGE)
    proc = run_main("clean", tmp_path / "a.txt", "-o", tmp_path / "out", *args)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert not (tmp_path / "out").exists()


def test_a_url_map_gives_each_page_its_url_and_is_not_cleaned_as_a_page(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    write(src / "a.txt", PAGE)
    write(src / "sub" / "b.txt", PAGE)
    write(src / "c.txt", PAGE)
    url_map = write(src / "urls.tsv", "# page\turl\n\na.txt\thttps://www.example.org/a\n"
                                      "sub/b.txt\thttps://www.example.org/b \n"
                                      f"{tmp_path / 'elsewhere.txt'}\thttps://www.example.org/not-in-this-run\n")
    proc = run_main("clean", src, "-o", out, "--url-map", url_map)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert json_files(out) == ["a.json", "c.json", "sub/b.json"]  # no urls.json
    assert page_url(out, "a.json") == "https://www.example.org/a"
    assert page_url(out, "sub/b.json") == "https://www.example.org/b"
    assert page_url(out, "c.json") is None


@pytest.mark.parametrize("text, line, says", [
    pytest.param("a.txt\thttps://x.org/a\nb.txt https://x.org/b\n", 2, "one tab", id="no-tab"),
    pytest.param("# urls\na.txt\thttps://x.org/a\tmore\n", 2, "one tab", id="two-tabs"),
    pytest.param("a.txt\t/relative/url\n", 1, "not an absolute URL", id="not-absolute"),
    pytest.param("a.txt\thttps://x.org/a\n\n./a.txt\thttps://x.org/other\n", 3, "already has the URL",
                 id="one-page-two-urls"),
])
def test_a_bad_url_map_is_a_usage_error_naming_file_and_line(tmp_path: Path, text: str, line: int,
                                                              says: str) -> None:
    write(tmp_path / "src" / "a.txt", PAGE)
    url_map = write(tmp_path / "src" / "map.tsv", text)
    proc = run_main("clean", tmp_path / "src", "-o", tmp_path / "out", "--url-map", url_map)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert f"{url_map}:{line}:" in proc.stderr and says in proc.stderr, proc.stderr
    assert not (tmp_path / "out").exists()


def test_a_url_map_that_is_not_utf8_is_a_usage_error_naming_it(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", PAGE)
    url_map = write(tmp_path / "map.tsv", b"a.txt\thttps://x.org/caf\xe9\n")
    proc = run_main("clean", tmp_path / "a.txt", "-o", tmp_path / "out", "--url-map", url_map)
    assert proc.returncode == 2 and str(url_map) in proc.stderr and "UTF-8" in proc.stderr


# --- packaging -------------------------------------------------------------------------------------

def test_the_default_rules_are_package_data_that_is_the_top_level_rules_file() -> None:
    # pipeline/rules.yaml links to the repo's rules.yaml; a wheel carries it as a file, so a plain
    # (not editable) install finds it. `make check-install` proves that with a real install.
    package_copy = Path(pipeline.__file__).parent / "rules.yaml"
    assert package_copy.is_file() and os.path.samefile(package_copy, REPO / "rules.yaml")
    assert DEFAULT_RULES == package_copy.resolve()
    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert "rules.yaml" in project["tool"]["setuptools"]["package-data"]["pipeline"]
    assert project["project"]["scripts"]["pipeline"] == "pipeline.__main__:main"
