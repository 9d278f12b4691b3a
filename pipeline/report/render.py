"""HTML of the report: the index, a page view (both filled in by the scripts in ``assets/`` from the
data embedded in the page) and a static page view for notebooks, where scripts may not run.

The data goes into ``<script type="application/json">`` with every ``<`` escaped, so no text of a
page can close the element; the scripts put text into the document through ``textContent`` only.
"""
from __future__ import annotations

import html
import json
from functools import lru_cache
from pathlib import Path
from typing import Mapping, Sequence

ASSETS = Path(__file__).resolve().parent / "assets"
ASSET_NAMES = ("report.css", "page.js", "index.js")
NOTEBOOK_MAX_CHARS = 60_000  # source characters a notebook view shows; the report shows the rest


@lru_cache(maxsize=None)
def asset(name: str) -> str:
    return (ASSETS / name).read_text(encoding="utf-8")


def embed(data: object) -> str:
    """JSON for a ``<script type="application/json">`` element."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


# the fields of a removal and a kept block as page.js reads them: a page file carries rows as arrays
# (a page of 100,000 removals is a third smaller without the keys repeated in every row)
REMOVAL_FIELDS = ("stage", "rule", "family", "why", "text", "where")
BLOCK_FIELDS = ("section", "kind", "level", "text", "where")


def packed(view: Mapping) -> dict:
    """The view as a page file embeds it: removals and blocks as arrays of ``*_FIELDS``."""
    out = dict(view)
    out["removed"] = [[r.get(k) for k in REMOVAL_FIELDS] for r in view["removed"]]
    out["blocks"] = [[b.get(k) for k in BLOCK_FIELDS] for b in view["blocks"]]
    out["fields"] = {"removed": REMOVAL_FIELDS, "blocks": BLOCK_FIELDS}
    return out


def page_html(view: Mapping, assets: str, index_href: str | None) -> str:
    """A page view; ``assets`` is the relative URL of the folder holding report.css and page.js."""
    stats = view.get("stats") or {}
    facts = " · ".join(str(x) for x in (view.get("format"), view.get("language"), view.get("encoding")) if x)
    back = f'<a href="{_e(index_href)}">← index</a> · ' if index_href else ""
    title = view.get("title") or view.get("id") or "page"
    url = view.get("url") or ""
    if url:  # a page states its own URL: only a web address becomes a link (never javascript: or data:)
        url = (f' · <a href="{_e(url)}" rel="noreferrer">{_e(url)}</a>' if url.lower().startswith(("http://", "https://"))
               else f" · {_e(url)}")
    note = f'<div class="note" id="note">{_e(view["note"])}</div>' if view.get("note") else ""
    summary = (f'kept {stats.get("chars_out", 0):,} of {stats.get("chars_in", 0):,} characters in '
               f'{stats.get("sections", 0)} sections; {len(view.get("removed") or [])} removal entries; '
               f'{len(view.get("warnings") or [])} warnings')
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)} · report</title>
<link rel="stylesheet" href="{_e(assets)}/report.css"></head>
<body>
<header class="top"><div class="small">{back}<span class="muted">{_e(view.get("path"))}</span>{url}</div>
<h1>{_e(title)}</h1>
<div class="small muted">{_e(facts)} · {_e(summary)}</div></header>
{note}
<div class="legend" id="legend"><label class="small" style="float:right"><input type="checkbox" id="show-quiet" checked> show inline cuts and repairs</label></div>
<div class="layout">
<div id="src" aria-label="source"></div>
<aside>
<div id="details"><span class="muted">Click a marked span (or hover it) to see the stage, the rule and why.</span></div>
<div class="tabs"><button class="on" data-pane="pane-removed">Removed</button><button data-pane="pane-outline">Outline</button><button data-pane="pane-warnings">Warnings</button></div>
<div class="pane on" id="pane-removed"><div id="rules"></div>
<div><input type="search" id="removal-filter" placeholder="filter removals" style="width:60%">
<label class="small"><input type="checkbox" id="list-quiet"> inline cuts</label></div>
<div class="small muted" id="removal-count"></div><div id="removal-list"></div><button class="more" id="removal-more">more</button></div>
<div class="pane" id="pane-outline"><div id="outline"></div></div>
<div class="pane" id="pane-warnings"><div id="warnings"></div></div>
</aside></div>
<script type="application/json" id="page-data">{embed(packed(view))}</script>
<script src="{_e(assets)}/page.js"></script>
</body></html>
"""


def index_html(rows: Sequence[Mapping], totals: Mapping, families: Sequence[Mapping], source: str,
               shared: str = "") -> str:
    data = {"rows": rows, "totals": totals, "families": families}
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Report · {_e(source)}</title>
<link rel="stylesheet" href="assets/report.css"></head>
<body>
<header class="top"><h1>What was kept, what was removed: {_e(source)}</h1><div class="small" id="summary"></div>
<div class="small muted">{"pages under " + _e(shared) if shared else ""}</div></header>
<div class="filters">
<input type="search" id="f-text" placeholder="filter: page, title, URL, error">
<select id="f-status"><option value="">any status</option></select>
<select id="f-format"><option value="">any format</option></select>
<select id="f-language"><option value="">any language</option></select>
<select id="f-rule"><option value="">any rule</option></select>
<span class="small muted" id="shown"></span> <button id="clear-only">show all pages</button>
</div>
<div class="wrap">
<table id="pages"><thead><tr id="thead-row"></tr></thead><tbody id="tbody"></tbody></table>
<button class="more" id="more">more pages</button>
<div class="totals">
<div><h3>Removals by family</h3><table><thead><tr><th>family</th><th class="num">rules</th><th class="num">entries</th><th class="num">characters</th></tr></thead><tbody id="family-totals"></tbody></table></div>
<div><h3>Removals by rule</h3><table><thead><tr><th>rule</th><th>stage</th><th>family</th><th class="num">pages</th><th class="num">entries</th><th class="num">characters</th></tr></thead><tbody id="rule-totals"></tbody></table></div>
</div></div>
<script type="application/json" id="index-data">{embed(data)}</script>
<script src="assets/index.js"></script>
</body></html>
"""


# --- notebooks: one static HTML fragment, no script ----------------------------------------------

def _title_of(r: Mapping) -> str:
    return f'{r["rule"]} · {r["stage"]}' + (f': {r["why"]}' if r.get("why") else "")


def _legend(view: Mapping) -> str:
    chips = ['<span style="background:#eaf7ea;padding:0 6px;border-radius:8px">kept</span>']
    for f in view["families"]:
        n = view["family_counts"].get(f["name"])
        if n:
            chips.append(f'<span style="background:{f["colour"]};padding:0 6px;border-radius:8px">'
                         f'{_e(f["label"])} {n}</span>')
    return " ".join(chips)


def _static_source(view: Mapping, colours: Mapping[str, str], quiet: set) -> str:
    text, removed, out, shown = view["text"], view["removed"], [], 0
    for piece in view["segments"]:
        a, b, r, blk = piece[:4]
        if shown >= NOTEBOOK_MAX_CHARS:
            out.append(f'<div style="color:#888">… {len(text) - a:,} more characters: '
                       '<code>python -m pipeline report</code> shows the whole page</div>')
            break
        chunk = _e(text[a:b])
        shown += b - a
        if r >= 0:
            x = removed[r]
            style = ("color:#999;text-decoration:line-through" if x["family"] in quiet
                     else f'background:{colours.get(x["family"], "#ddd")}')
            out.append(f'<span style="{style}" title="{_e(_title_of(x))}">{chunk or "◆"}</span>')
        elif blk >= 0:
            out.append(f'<span style="background:#eaf7ea">{chunk}</span>')
        else:
            out.append(f'<span style="color:#999">{chunk}</span>')
    return "".join(out)


def _static_items(view: Mapping, colours: Mapping[str, str], quiet: set) -> str:
    rows, limit = [], 400
    for kind, i in view["items"][:limit]:
        x = view["blocks"][i] if kind == "b" else view["removed"][i]
        if kind == "b":
            style, tip = "background:#eaf7ea", f'kept {x["kind"]}'
        else:
            style = "color:#999;text-decoration:line-through" if x["family"] in quiet else \
                f'background:{colours.get(x["family"], "#ddd")}'
            tip = _title_of(x)
        text = x["text"] if len(x["text"]) <= 300 else x["text"][:300] + "…"
        rows.append(f'<div style="{style};margin:1px 0" title="{_e(tip)}"><small style="color:#777">'
                    f'{_e(x.get("where"))}</small> {_e(text)}</div>')
    if len(view["items"]) > limit:
        rows.append(f'<div style="color:#888">… {len(view["items"]) - limit} more</div>')
    return "".join(rows)


def notebook_html(view: Mapping) -> str:
    """The page view as one static fragment: hover a span for its stage, rule and why."""
    colours = {f["name"]: f["colour"] for f in view["families"]}
    quiet = {f["name"] for f in view["families"] if f["quiet"]}
    body = _static_source(view, colours, quiet) if view["mode"] == "source" else _static_items(view, colours, quiet)
    stats = view.get("stats") or {}
    outline = "".join(f'<div style="padding-left:{12 * s["level"]}px">{_e(s["heading"] or "(lead)")} '
                      f'<small style="color:#777">{s["blocks"]} blocks</small></div>' for s in view["outline"])
    warnings = "".join(f'<div><b>{_e(w["code"])}</b> {_e(w["text"])}</div>' for w in view["warnings"])
    note = f'<div style="background:#fff3cd">{_e(view["note"])}</div>' if view.get("note") else ""
    return (f'<div class="pipeline-page"><div><b>{_e(view.get("title") or view.get("id"))}</b> '
            f'<small>{_e(view.get("format"))} · kept {stats.get("chars_out", 0):,} of {stats.get("chars_in", 0):,} '
            f'characters · {len(view["removed"])} removal entries</small></div>{note}'
            f'<div style="margin:4px 0">{_legend(view)}</div>'
            f'<div style="display:flex;gap:12px"><div style="flex:1;max-height:480px;overflow:auto;white-space:pre-wrap;'
            f'font-family:monospace;font-size:12px;border:1px solid #ddd;padding:6px">{body}</div>'
            f'<div style="width:280px;max-height:480px;overflow:auto;font-size:12px">{outline}{warnings}</div></div></div>')


def explain_html(rows: Sequence[Mapping], colours: Mapping[str, str], labels: Mapping[str, str] | None = None) -> str:
    """The table ``pipeline.explain`` shows in a notebook."""
    head = "".join(f"<th style='text-align:left'>{h}</th>" for h in ("stage", "rule", "family", "why", "text", "where"))
    body = []
    for r in rows:
        text = r["text"] if len(r["text"]) <= 200 else r["text"][:200] + "…"
        body.append(f"<tr><td>{_e(r['stage'])}</td><td><b>{_e(r['rule'])}</b></td>"
                    f"<td><span style='background:{colours.get(r['family'], '#ddd')};padding:0 5px;border-radius:6px'>"
                    f"{_e((labels or {}).get(r['family'], r['family']))}</span></td><td>{_e(r.get('why') or '')}</td>"
                    f"<td>{_e(text)}</td>"
                    f"<td><small>{_e(r.get('where') or '')}</small></td></tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
