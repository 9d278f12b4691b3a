"""Dates as pages state them: one date alone (parse_date), the first date inside a line (find_date) and
what each date of a line dates (dates_in_line)."""
from __future__ import annotations

import pytest

from pipeline.dates import dates_in_line, find_date, parse_date


@pytest.mark.parametrize("line, date", [
    ("Published July 8, 2025 | 4 min read", "2025-07-08"),
    ("Ann Lee Dec 26, 2025 4 comments", "2025-12-26"),
    ("Posted on 3rd of March 2021 by Bo", "2021-03-03"),
    ("2024-07-03T10:00:00Z", "2024-07-03"),
    ("Updated 12/03/2024.", "2024-12-03"),
    ("Feb 30, 2024, then March 1, 2024", "2024-03-01"),  # a date that does not exist is passed over
])
def test_the_first_real_date_inside_a_line_is_found(line: str, date: str) -> None:
    assert find_date(line) == date


@pytest.mark.parametrize("line", ["Version 12/03/20245", "Call 555-2024-11", "No date here", "In 2024 it rained"])
def test_numbers_that_are_no_date_give_none(line: str) -> None:
    assert find_date(line) is None


def test_one_date_alone_parses_in_its_stated_order() -> None:
    assert (parse_date("02/06/2012"), parse_date("22.08.2024"), parse_date("Aug. 22nd, 2024")) == \
        ("2012-02-06", "2024-08-22", "2024-08-22")


@pytest.mark.parametrize("line, dates", [
    ("By Ann Lee | March 4, 2023 | 5 min read", [("published", "2023-03-04")]),
    ("Posted 2 Jan 2024 · Last updated: 3 Feb 2024", [("published", "2024-01-02"), ("modified", "2024-02-03")]),
    ("SportsOCTOBER 2, 2020Updated: 5 MAY 2021", [("modified", "2021-05-05")]),  # glued words: "2020Updated"
    ("Clinically reviewed on 7 June 2022 by Dr. Bo", [("reviewed", "2022-06-07")]),
    ("No date on this line", []),
])
def test_each_date_of_a_line_is_dated_by_the_words_since_the_previous_one(line: str, dates) -> None:
    assert dates_in_line(line) == dates
