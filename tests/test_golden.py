"""Golden regression on the five seed pages: a rule change must never silently change them.

After an intended change: ``make goldens``, then review ``git diff tests/golden``.
"""
from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest

from pipeline.output import dumps
from tests.golden_update import GOLDEN, SEED_NAMES, clean_seed, golden_view


def readable_diff(expected: dict, actual: dict) -> str:
    """A unified diff of the two pages' JSON, section text first since that is what readers check."""
    def lines(page: dict) -> list[str]:
        out = []
        for s in page.get("sections", []):
            out.append(f"## [{s['id']} L{s['level']} {s['role']}] {s['heading']}")
            out.extend(s["text"].splitlines())
        out.append("## removed")
        out.extend(f"{r['stage']}/{r['rule']} {r['source']['lines']} {r['text'][:100]}" for r in page.get("removed", []))
        return out

    text_diff = list(difflib.unified_diff(lines(expected), lines(actual), "golden", "now", lineterm="", n=1))
    full_diff = list(difflib.unified_diff(dumps(expected).splitlines(), dumps(actual).splitlines(),
                                          "golden", "now", lineterm="", n=2))
    body = text_diff[:150] or full_diff[:150]
    return "\n".join(body) + ("\n(diff cut)" if len(text_diff or full_diff) > 150 else "")


@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_page_matches_its_golden_file(name: str) -> None:
    golden_file = GOLDEN / (Path(name).stem + ".json")
    assert golden_file.exists(), f"no golden file {golden_file}: run `make goldens` and review it"
    expected = json.loads(golden_file.read_text(encoding="utf-8"))
    actual = json.loads(dumps(golden_view(clean_seed(name))))
    if actual != expected:
        pytest.fail(f"{name} differs from its golden file (make goldens after an intended change):\n"
                    + readable_diff(expected, actual), pytrace=False)
