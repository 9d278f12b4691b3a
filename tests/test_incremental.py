"""Incremental runs: a page whose bytes, URL, site template lines, rules, pipeline and options are
those of the run that wrote its JSON keeps that JSON untouched (the manifest says it was skipped and
why); anything else is cleaned again, and the result is what a forced run writes."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from pipeline import corpus
from pipeline.rules import DEFAULT_RULES
from pipeline.templates import TemplateRules, build
from tests.cli_main import run_main
from tests.test_cli import PAGE, write
from tests.test_templates import STORIES

OLD = 1_000_000_000  # an mtime (2001) no write made by a run can give a file
SKIPS = {"skipped", "reason"}  # the row fields that may differ between a forced and an incremental run

PAGES = {
    "a.txt": PAGE,
    "b.txt": PAGE.replace("Surgery", "An operation"),
    "sub/c.md": "# Diet\n\nEat small meals often and drink plenty of water while you recover at home.\n",
}


def sources(base: Path, pages: dict[str, str] = PAGES) -> Path:
    src = base / "src"
    for name, text in pages.items():
        write(src / name, text)
    return src


def clean(src: Path, out: Path, *args: str | Path) -> list[str]:
    """Run the CLI; returns its stdout lines (it must succeed)."""
    proc = run_main("clean", src, "-o", out, *args)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout.splitlines()


def rows(out: Path) -> dict[str, dict]:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {Path(r["path"]).relative_to(out.parent / "src").as_posix(): r for r in manifest["pages"]}


def reasons(out: Path) -> dict[str, str]:
    return {name: row["reason"] for name, row in rows(out).items()}


def age_outputs(out: Path) -> dict[str, tuple[int, int, bytes]]:
    """Set every page JSON's mtime far in the past; returns (inode, mtime, bytes) per output, which a
    run that leaves the file untouched keeps (a rewrite is a new file: new inode, the time now)."""
    seen = {}
    for path in sorted(out.rglob("*.json")):
        name = path.relative_to(out).as_posix()
        if name in ("manifest.json", ".templates.json"):
            continue
        os.utime(path, ns=(OLD * 10**9, OLD * 10**9))
        seen[name] = file_state(path)
    return seen


def file_state(path: Path) -> tuple[int, int, bytes]:
    st = path.stat()
    return st.st_ino, st.st_mtime_ns, path.read_bytes()


def site_page(site: str, i: int, *, story: str | None = None, contact: bool = True) -> str:
    """A page of an invented site with a URL: its story between the site's menu and footer lines."""
    return (f"Link: https://{site}/story-{i}\n\nHome | Local | Sport | Weather\n\n# Story {i}\n\n"
            f"{story or STORIES[i]}\n\nThe {site} office, 1 Mill Lane, Exampletown\n\n"
            + ("Contact the newsroom at any time of day\n\n" if contact else "")
            + "Advertise with us | Jobs | Privacy\n")


def two_sites(base: Path) -> Path:
    return sources(base, {f"{s}/{i}.txt": site_page(f"{s}.example.org", i) for s in ("one", "two") for i in range(4)})


# --- what is skipped ---------------------------------------------------------------------------------

@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_second_run_skips_every_page_and_leaves_its_json_untouched(tmp_path: Path, jobs: str) -> None:
    src, out = sources(tmp_path), tmp_path / "out"
    clean(src, out, "--jobs", jobs)
    before = age_outputs(out)
    first = rows(out)
    lines = clean(src, out, "--jobs", jobs)
    assert {name: file_state(out / name) for name in before} == before
    assert lines[-1].startswith("3 pages: 3 ok, 0 empty, 0 failed, 3 skipped as unchanged"), lines[-1]
    again = rows(out)
    assert all(r["skipped"] and r["reason"] == corpus.SKIP_REASON for r in again.values()), again
    # the counts of a skipped page are those of the run that wrote it
    assert {n: {k: v for k, v in r.items() if k not in SKIPS} for n, r in again.items()} == \
        {n: {k: v for k, v in r.items() if k not in SKIPS} for n, r in first.items()}


def test_a_page_whose_bytes_changed_is_cleaned_again_and_only_it(tmp_path: Path) -> None:
    src, out = sources(tmp_path), tmp_path / "out"
    clean(src, out)
    before = age_outputs(out)
    write(src / "b.txt", PAGES["b.txt"] + "\nAsk your nurse how to care for the wound once you are back home.\n")
    clean(src, out)
    assert reasons(out) == {"a.txt": corpus.SKIP_REASON, "b.txt": "input changed", "sub/c.md": corpus.SKIP_REASON}
    assert file_state(out / "a.json") == before["a.json"]
    assert "wound" in (out / "b.json").read_text(encoding="utf-8")


def test_without_a_template_pass_the_run_reads_the_pages_bytes_itself_to_skip_them(tmp_path: Path) -> None:
    src, out = sources(tmp_path), tmp_path / "out"
    clean(src, out, "--no-templates")
    before = age_outputs(out)
    write(src / "a.txt", PAGE.replace("a month", "six weeks"))
    clean(src, out, "--no-templates")
    assert reasons(out) == {"a.txt": "input changed", "b.txt": corpus.SKIP_REASON, "sub/c.md": corpus.SKIP_REASON}
    assert file_state(out / "b.json") == before["b.json"] and "six weeks" in (out / "a.json").read_text()


def test_changed_rules_clean_every_page_again(tmp_path: Path) -> None:
    src, out = sources(tmp_path), tmp_path / "out"
    rules = tmp_path / "rules.yaml"
    shutil.copy(DEFAULT_RULES, rules)
    clean(src, out, "--rules", rules)
    before = age_outputs(out)
    text = rules.read_text(encoding="utf-8")
    assert "  min_pages: 3 " in text
    rules.write_text(text.replace("  min_pages: 3 ", "  min_pages: 4 "), encoding="utf-8")
    clean(src, out, "--rules", rules)
    assert set(reasons(out).values()) == {"rules changed"}
    assert all(file_state(out / name)[:2] != before[name][:2] for name in before)


@pytest.mark.parametrize("option", [["--no-site-rules"], ["--format", "text"], ["--no-templates"]])
def test_an_option_that_shapes_output_cleans_every_page_again(tmp_path: Path, option: list[str]) -> None:
    src, out = sources(tmp_path), tmp_path / "out"
    clean(src, out)
    clean(src, out, *option)
    assert set(reasons(out).values()) == {f"option changed: {option[0]}"}


def test_another_pipeline_version_or_code_cleans_every_page_again(tmp_path: Path, monkeypatch) -> None:
    src, out = sources(tmp_path), tmp_path / "out"
    clean(src, out)
    monkeypatch.setattr(corpus, "code_sha256", lambda: "0" * 64)  # as after editing a stage
    clean(src, out)
    assert set(reasons(out).values()) == {"pipeline code changed"}
    monkeypatch.setattr(corpus, "__version__", "99.0")
    clean(src, out)
    assert set(reasons(out).values()) == {"pipeline version changed"}


def test_a_changed_url_cleans_that_page_again(tmp_path: Path) -> None:
    src, out = sources(tmp_path, {"a.txt": PAGE}), tmp_path / "out"
    clean(src, out, "--url", "https://example.org/a")
    clean(src, out, "--url", "https://example.org/b")
    assert reasons(out) == {"a.txt": "URL changed"}
    assert json.loads((out / "a.json").read_text(encoding="utf-8"))["source"]["url"] == "https://example.org/b"


# --- site templates ---------------------------------------------------------------------------------

def test_a_changed_template_line_set_cleans_that_sites_pages_again_and_no_others(tmp_path: Path) -> None:
    src, out = two_sites(tmp_path), tmp_path / "out"
    clean(src, out)
    before = age_outputs(out)
    assert "on 4 of the 4 pages of one.example.org" in (out / "one/1.json").read_text(encoding="utf-8")
    # one page of site one drops a footer line: the line is now on 3 of its 4 pages
    write(src / "one/0.txt", site_page("one.example.org", 0, contact=False))
    clean(src, out)
    assert reasons(out) == {"one/0.txt": "input changed; site templates changed",
                            **{f"one/{i}.txt": "site templates changed" for i in (1, 2, 3)},
                            **{f"two/{i}.txt": corpus.SKIP_REASON for i in range(4)}}
    assert "on 3 of the 4 pages of one.example.org" in (out / "one/1.json").read_text(encoding="utf-8")
    assert all(file_state(out / f"two/{i}.json") == before[f"two/{i}.json"] for i in range(4))


def test_a_page_whose_own_text_changed_leaves_its_sites_other_pages_skipped(tmp_path: Path) -> None:
    src, out = two_sites(tmp_path), tmp_path / "out"
    clean(src, out)
    write(src / "one/2.txt", site_page("one.example.org", 2, story=STORIES[2].replace("Thursdays", "Fridays")))
    clean(src, out)
    assert {n for n, why in reasons(out).items() if why != corpus.SKIP_REASON} == {"one/2.txt"}
    assert reasons(out)["one/2.txt"] == "input changed"


def test_a_sites_fingerprint_follows_its_template_lines_and_their_counts_only() -> None:
    cfg = TemplateRules(min_share=0.5, min_pages=3, min_chars=3, cluster_min_shared=3)
    one = [(f"a{i}", "a.org", frozenset({"menu", "footer", f"own {i}"})) for i in range(4)]
    two = [(f"b{i}", "b.org", frozenset({"menu", f"own {i}"})) for i in range(2)]  # too small: no template lines
    state = build(one + two, cfg)
    assert state.fingerprint("b.org", cfg) == state.fingerprint(None, cfg) == state.fingerprint("c.org", cfg)
    # a line on one page less, another site grown: only the first changes a's fingerprint
    fewer = build([(n, s, lines - {"footer"} if n == "a0" else lines) for n, s, lines in one] + two, cfg)
    assert fewer.fingerprint("a.org", cfg) != state.fingerprint("a.org", cfg)
    grown = build(one + two + [("b2", "b.org", frozenset({"x"}))], cfg)
    assert grown.fingerprint("a.org", cfg) == state.fingerprint("a.org", cfg)


# --- outputs, failures, --force, --prune ---------------------------------------------------------

def test_a_deleted_or_hand_edited_output_is_made_again(tmp_path: Path) -> None:
    src, out = sources(tmp_path), tmp_path / "out"
    clean(src, out)
    written = {name: (out / name).read_bytes() for name in ("a.json", "b.json")}
    (out / "a.json").unlink()
    (out / "b.json").write_bytes(written["b.json"].replace(b"Pain", b"Joy"))
    clean(src, out)
    assert reasons(out) == {"a.txt": "output missing", "b.txt": "output changed since it was written",
                            "sub/c.md": corpus.SKIP_REASON}
    assert {name: (out / name).read_bytes() for name in written} == written


def test_force_cleans_every_page_again(tmp_path: Path) -> None:
    src, out = sources(tmp_path), tmp_path / "out"
    clean(src, out)
    before = age_outputs(out)
    lines = clean(src, out, "--force")
    assert set(reasons(out).values()) == {corpus.FORCED_REASON}
    assert not any(r["skipped"] for r in rows(out).values())
    assert "skipped as unchanged" not in lines[-1]
    assert all(file_state(out / name)[:2] != before[name][:2] and file_state(out / name)[2] == before[name][2]
               for name in before)


def test_a_page_that_failed_is_tried_again(tmp_path: Path, monkeypatch) -> None:
    src, out = sources(tmp_path), tmp_path / "out"
    real_clean = corpus.clean

    def failing(data, *, name=None, **kw):
        if name.endswith("b.txt"):
            raise OSError("the disk hiccupped")
        return real_clean(data, name=name, **kw)

    monkeypatch.setattr(corpus, "clean", failing)
    assert run_main("clean", src, "-o", out).returncode == 1
    assert rows(out)["b.txt"]["status"] == "error"
    monkeypatch.setattr(corpus, "clean", real_clean)
    clean(src, out)
    assert rows(out)["b.txt"]["status"] == "ok" and reasons(out)["b.txt"] == "failed last run"
    assert (out / "b.json").is_file()


def test_prune_removes_the_output_of_a_deleted_page_while_the_others_are_skipped(tmp_path: Path) -> None:
    src, out = sources(tmp_path), tmp_path / "out"
    clean(src, out, "--prune")
    (src / "sub" / "c.md").unlink()
    lines = clean(src, out, "--prune")
    assert not (out / "sub").exists()
    assert reasons(out) == {"a.txt": corpus.SKIP_REASON, "b.txt": corpus.SKIP_REASON}
    assert "2 skipped as unchanged" in lines[-1] and "1 stale outputs removed" in lines[-1], lines[-1]


def test_an_incremental_run_writes_what_a_forced_run_writes(tmp_path: Path) -> None:
    src, out = two_sites(tmp_path), tmp_path / "out"
    write(src / "plain.txt", PAGE)
    clean(src, out)
    write(src / "one/0.txt", site_page("one.example.org", 0, contact=False))
    write(src / "two/3.txt", site_page("two.example.org", 3, story=STORIES[3].replace("oak", "ash")))
    (out / "plain.json").unlink()
    clean(src, out)
    forced = tmp_path / "forced"
    shutil.copytree(out, forced)
    clean(src, forced, "--force")
    pages = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.json"))
    assert pages == sorted(p.relative_to(forced).as_posix() for p in forced.rglob("*.json"))
    for name in pages:
        if name != "manifest.json":
            assert (out / name).read_bytes() == (forced / name).read_bytes(), name
    incremental, full = (json.loads((d / "manifest.json").read_text(encoding="utf-8")) for d in (out, forced))
    assert sorted(Path(r["path"]).relative_to(src).as_posix() for r in incremental["pages"] if r["skipped"]) == \
        ["two/0.txt", "two/1.txt", "two/2.txt"]  # the others had something to do
    for manifest in (incremental, full):
        del manifest["incremental"]
        manifest["pages"] = [{k: v for k, v in r.items() if k not in SKIPS} for r in manifest["pages"]]
    assert incremental == full


def test_the_libraries_that_shape_output_are_the_packages_dependencies_but_the_progress_bar() -> None:
    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text(encoding="utf-8"))
    names = {dep.split(">")[0].split("<")[0].split("=")[0].split(";")[0].strip().lower()
             for dep in project["project"]["dependencies"]}
    assert names - {"tqdm"} == {n.lower() for n in corpus.OUTPUT_LIBRARIES}


def test_the_code_fingerprint_changes_with_any_module_or_data_file_and_not_with_others(tmp_path: Path,
                                                                                       monkeypatch) -> None:
    package = tmp_path / "pipeline"
    shutil.copytree(Path(corpus.__file__).resolve().parent, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(corpus, "__file__", str(package / "corpus.py"))  # where the fingerprint looks
    first = corpus.code_sha256()
    (package / "schema" / "notes.txt").write_text("not code\n", encoding="utf-8")
    assert corpus.code_sha256() == first
    stage = package / "stages" / "dedupe.py"
    stage.write_text(stage.read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
    edited = corpus.code_sha256()
    assert edited != first
    words = package / "data" / "stopwords.json"
    words.write_bytes(words.read_bytes() + b"\n")
    assert corpus.code_sha256() not in (first, edited)
