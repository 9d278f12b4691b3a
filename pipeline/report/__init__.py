"""The review report: what was kept, what was removed, by which rule and why.

``python -m pipeline report CLEAN_DIR -o REPORT_DIR`` builds a static site (an index and one page
view per page); ``--compare OLD NEW`` lists the pages whose kept text changed between two runs.
In a notebook, ``pipeline.explain(page)`` gives the removals as a table, and a page dict or a
Document displays its page view inline.

Modules: ``families`` (rule families, from rules.yaml's ``report:``), ``model`` (what each view
lists: pure functions over the page dicts the CLI writes), ``source`` (the decoded source text a
page's spans index into), ``render`` (HTML), ``compare`` (two runs), ``build`` (reading and writing
folders), ``notebook`` (display hooks and ``explain``). Importing this package imports only
``families``: rules.py and core.py use it on every run.
"""
from __future__ import annotations
