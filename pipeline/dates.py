"""Dates as pages state them -> ISO ``YYYY-MM-DD``.

Handles English month names ("23 March 2020", "August 22, 2024", "Aug. 22nd, 2024"), US numeric
dates ("02/06/2012" is February 6; "10/7/22"), day-first dotted dates ("22.08.2024") and ISO dates
("2022-10-07", "2022/10/07", with or without a time after them). Anything else, or a date that
does not exist (Feb 30), gives None: callers keep the text as stated.
"""
from __future__ import annotations

import datetime
import re

MONTHS = {
    name: i + 1
    for i, names in enumerate((
        ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
        ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
        ("october", "oct"), ("november", "nov"), ("december", "dec"),
    ))
    for name in names
}
_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_FORMS = (
    re.compile(rf"{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}$", re.I),  # 23 March 2020
    re.compile(rf"{_MONTH}\s+{_DAY},?\s+{_YEAR}$", re.I),  # August 22, 2024
    re.compile(r"(?P<year>\d{4})[-/](?P<month>\d{1,2})[-/](?P<day>\d{1,2})(?:[T\s].*)?$"),  # ISO
    re.compile(r"(?P<month>\d{1,2})/(?P<day>\d{1,2})/(?P<year>\d{4}|\d{2})$"),  # US order
    re.compile(r"(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})$"),  # day-first dotted
)


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:  # "10/7/22": a two-digit year is this century's up to 69, else the last
        year += 2000 if year < 70 else 1900
    return year


_MONTH_NAME = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
# a date inside a line ("Published July 8, 2025 | 4 min read"), in one of the forms above
_IN_TEXT = re.compile(
    rf"(?<![\w/.-])(\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH_NAME},?\s+\d{{4}}|{_MONTH_NAME}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    r"|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{4}|\d{1,2}\.\d{1,2}\.\d{4})(?![\d/-])", re.I)


_UPDATED_WORD = re.compile(r"(?:updated|revised|modified)\b", re.I)  # "2022Updated:": glued to what is before
_REVIEWED_WORD = re.compile(r"\breviewed\b|\breview\s+date\b", re.I)


def dates_in_line(line: str) -> list[tuple[str, str]]:
    """The dates a short line states, each with what it dates: ``("modified", "2024-03-03")`` for
    "Updated: Mar 3, 2024", ``reviewed`` after "reviewed", else ``published`` (the words since the
    previous date say which: "Published Jan 2, 2024 | Updated Mar 3, 2024" gives both)."""
    out: list[tuple[str, str]] = []
    start = 0
    for m in _IN_TEXT.finditer(line):
        date = parse_date(m.group(1))
        if date:
            before = line[start:m.start()]
            key = "modified" if _UPDATED_WORD.search(before) else "reviewed" if _REVIEWED_WORD.search(before) \
                else "published"
            out.append((key, date))
        start = m.end()
    return out


def find_date(text: str) -> str | None:
    """The first date stated inside ``text`` as ``YYYY-MM-DD`` (None: no date that exists)."""
    for m in _IN_TEXT.finditer(text):
        date = parse_date(m.group(1))
        if date:
            return date
    return None


def parse_date(text: str) -> str | None:
    """``text`` (one date, nothing else but outer blanks and a final period) as ``YYYY-MM-DD``."""
    text = text.strip().rstrip(".").strip()
    for form in _FORMS:
        m = form.match(text)
        if not m:
            continue
        month = m.group("month")
        month_no = int(month) if month.isdigit() else MONTHS.get(month.lower())
        if month_no is None:
            return None
        try:
            return datetime.date(_year(m.group("year")), month_no, int(m.group("day"))).isoformat()
        except ValueError:
            return None
    return None
