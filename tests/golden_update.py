"""Rewrite the golden files: ``make goldens`` (or ``python -m tests.golden_update``).

Run it only after a change whose effect on the seed pages you intend; it prints which pages' kept
text changed (a word diff) and which rules started or stopped firing; then read
``git diff tests/golden`` before committing: the goldens are reviewed by reading them.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pipeline
from pipeline.output import dumps

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "raw"
GOLDEN = Path(__file__).resolve().parent / "golden"
SEED_NAMES = ("000_78af2cd2042f8ae8.txt", "001_f9349a33ef4975a7.txt", "002_b2b0d8703e76350b.txt",
              "003_770a51a08c910fdb.txt", "004_726440742af8f7ac.txt")


def golden_view(page: dict) -> dict:
    """What a golden file pins: everything but ``pipeline`` (version and rules hash churn on every edit)."""
    return {k: v for k, v in page.items() if k != "pipeline"}


def clean_seed(name: str, site_rules: bool = True) -> dict:
    path = SEEDS / name
    return pipeline.clean(path.read_bytes(), name=f"raw/{name}", site_rules=site_rules)


def golden_changes(new: dict[str, dict]) -> list[str]:
    """What ``new`` (golden file name -> page) changes against the golden files as they are: the
    summary ``python -m pipeline report --compare`` prints (kept text, rules started or stopped)."""
    from pipeline.report.compare import compare_pages, summary_lines

    old = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted(GOLDEN.glob("*.json"))}
    return summary_lines(compare_pages(old, new, "tests/golden (before)", "now"))


def main() -> int:
    GOLDEN.mkdir(exist_ok=True)
    new = {Path(name).stem + ".json": golden_view(clean_seed(name)) for name in SEED_NAMES}
    changes = golden_changes(new)  # read before the files are rewritten
    for file_name, page in new.items():
        out = GOLDEN / file_name
        out.write_text(dumps(page), encoding="utf-8")
        print(f"wrote {out.relative_to(ROOT)}")
    print("\n".join(changes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
