"""Regenerate pipeline/data/stopwords.json: each language's most frequent words, from wordfreq.

The boilerplate stage measures stopword density (as jusText does) and guesses a page's language
from these lists; loading them from one small file costs nothing at start-up, where asking wordfreq
for 40 languages would take seconds. Run: .venv/bin/python tools/make_stopwords.py
"""
from __future__ import annotations

import json
from pathlib import Path

from wordfreq import available_languages, top_n_list

SIZE = 200
# Chinese and Japanese are written without spaces: a word list says nothing about space-split text
SKIP = {"zh", "ja"}


def main() -> None:
    out = {}
    for lang in sorted(available_languages(wordlist="best")):
        if lang not in SKIP:
            out[lang] = top_n_list(lang, SIZE, wordlist="best")
    path = Path(__file__).resolve().parent.parent / "pipeline" / "data" / "stopwords.json"
    path.write_text(json.dumps(out, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {path} ({len(out)} languages, {SIZE} words each)")


if __name__ == "__main__":
    main()
