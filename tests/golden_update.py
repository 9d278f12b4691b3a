"""Rewrite the golden files: ``make goldens`` (or ``python -m tests.golden_update``).

Run it only after a change whose effect on the seed pages you intend; then read
``git diff tests/golden`` before committing: the goldens are reviewed by reading them.
"""
from __future__ import annotations

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


def main() -> int:
    GOLDEN.mkdir(exist_ok=True)
    for name in SEED_NAMES:
        out = GOLDEN / (Path(name).stem + ".json")
        out.write_text(dumps(golden_view(clean_seed(name))), encoding="utf-8")
        print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
