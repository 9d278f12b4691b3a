"""The report in a real browser: headless Chromium (Debian's chromium and chromium-driver, driven by
Selenium) opens the index of a report built from the seed pages, filters and sorts it, opens a page
view, checks that every rule id of that page's ``removed`` is shown and that clicking a removed
span shows its rule, and saves screenshots (into $REPORT_SHOTS when set, else the test's folder).

Run by ``make test-browser`` (which installs Chromium and Selenium), not by ``make test``.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.cli_main import run_main
from tests.conftest import SEED_PAGES

CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
# no connection attempts (this machine's network is closed), no state from an earlier run
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1400,900")
PAGE = "001_f9349a33ef4975a7"
# an invented HTML page beside the seeds: HTML blocks have no character offsets, so its view lists
# kept blocks and removals in source order with their XPath
HTML_PAGE = ("<html><head><title>Tea</title></head><body><nav><ul><li><a href='/'>Home</a></li>"
             "<li><a href='/shop'>Shop</a></li><li><a href='/about'>About us</a></li></ul></nav><main><h1>Green tea</h1>"
             + "<p>Green tea is made from leaves that are steamed or pan-fired soon after picking, which keeps "
               "them from oxidising and gives the tea its colour and its grassy taste.</p>" * 2
             + "<p>Brew it with water below boiling, for two or three minutes, and it stays sweet.</p></main>"
               "<footer><p>Copyright 2025 Tea Shop. All rights reserved. Privacy policy. Terms of use.</p></footer>"
               "</body></html>")
PAGES = len(SEED_PAGES) + 1


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("browser")
    shutil.copytree(SEED_PAGES[0].parent, base / "raw")
    (base / "raw" / "tea.html").write_text(HTML_PAGE, encoding="utf-8")
    assert run_main("clean", base / "raw", "-o", base / "clean", "-q").returncode == 0
    assert run_main("report", base / "clean", "-o", base / "report", "-q").returncode == 0
    return base / "clean", base / "report"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_page_load_timeout(15)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Path(os.environ["REPORT_SHOTS"]) if os.environ.get("REPORT_SHOTS") else tmp_path_factory.mktemp("shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def ready(driver) -> None:
    WebDriverWait(driver, 10).until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "1")


def page_rows(driver) -> list:
    return driver.find_elements(By.CSS_SELECTOR, "#tbody tr")


def test_the_index_lists_every_page_and_filters_and_sorts(report, browser, shots: Path) -> None:
    _, site = report
    browser.get((site / "index.html").as_uri())
    ready(browser)
    assert len(page_rows(browser)) == PAGES
    browser.save_screenshot(str(shots / "index.png"))
    box = browser.find_element(By.ID, "f-text")
    box.send_keys("003_")
    rows = page_rows(browser)
    assert len(rows) == 1 and "003_770a51a08c910fdb" in rows[0].text
    box.clear()
    box.send_keys(" ")  # an input event with the box blank again
    box.clear()
    Select(browser.find_element(By.ID, "f-rule")).select_by_value("orphan-citation")
    rows = page_rows(browser)
    assert 1 <= len(rows) < PAGES
    Select(browser.find_element(By.ID, "f-rule")).select_by_value("")
    browser.find_element(By.CSS_SELECTOR, "th[data-key=kept]").click()  # sorted by kept characters, most first
    kept = [int(r.find_elements(By.TAG_NAME, "td")[5].text.replace(",", "")) for r in page_rows(browser)]
    assert len(kept) == PAGES and kept == sorted(kept, reverse=True)


def test_a_page_view_shows_every_rule_and_a_click_shows_the_rule_and_why(report, browser, shots: Path) -> None:
    clean, site = report
    browser.get((site / "index.html").as_uri())
    ready(browser)
    page = json.loads((clean / f"{PAGE}.json").read_text(encoding="utf-8"))
    browser.find_element(By.PARTIAL_LINK_TEXT, Path(page["source"]["path"]).name).click()
    ready(browser)
    shown = {c.get_attribute("data-rule") for c in browser.find_elements(By.CSS_SELECTOR, "#rules .chip")}
    assert {r["rule"] for r in page["removed"]} <= shown
    spans = browser.find_elements(By.CSS_SELECTOR, "#src .r:not(.q)")
    assert spans, "no removed span rendered"
    span = spans[len(spans) // 2]
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", span)
    span.click()
    details = browser.find_element(By.ID, "details")
    rule = details.get_attribute("data-rule")
    assert rule and span.get_attribute("title").startswith(rule + " · ")
    entry = next(r for r in page["removed"] if r["rule"] == rule and r["text"].strip()[:20] in details.text)
    assert entry["stage"] in details.text and (entry.get("why") or "") in details.text
    browser.save_screenshot(str(shots / "page.png"))


def test_a_removal_in_the_list_scrolls_the_source_to_it(report, browser) -> None:
    clean, site = report
    browser.get((site / "pages" / f"{PAGE}.html").as_uri())
    ready(browser)
    rows = browser.find_elements(By.CSS_SELECTOR, "#removal-list .row")
    assert rows
    rule = rows[-1].find_element(By.TAG_NAME, "b").text.strip()
    rows[-1].click()
    assert browser.find_element(By.ID, "details").get_attribute("data-rule") == rule
    selected = browser.find_element(By.CSS_SELECTOR, "#src .sel")
    inside = browser.execute_script(
        "var s = arguments[0].getBoundingClientRect(), b = document.getElementById('src').getBoundingClientRect();"
        "return s.bottom > b.top && s.top < b.bottom;", selected)
    assert inside, "the source was not scrolled to the removal"


def test_an_html_page_lists_its_blocks_with_xpaths_and_a_click_shows_the_rule(report, browser, shots: Path) -> None:
    clean, site = report
    page = json.loads((clean / "tea.json").read_text(encoding="utf-8"))
    assert page["removed"], "the invented page should lose its navigation or footer"
    browser.get((site / "pages" / "tea.html").as_uri())
    ready(browser)
    rows = browser.find_elements(By.CSS_SELECTOR, "#src .it")
    blocks = sum(len(s["blocks"]) for s in page["sections"])
    assert len(rows) == blocks + len(page["removed"])
    assert all("/html/body" in r.find_element(By.CSS_SELECTOR, ".w").get_attribute("title") for r in rows)
    # in document order although the page is one line: the menu, the article, the footer
    assert "Home" in rows[0].text and "Copyright" in rows[-1].text
    removed = browser.find_elements(By.CSS_SELECTOR, "#src .it.r")
    removed[0].click()
    rule = browser.find_element(By.ID, "details").get_attribute("data-rule")
    assert rule in {r["rule"] for r in page["removed"]} and removed[0].get_attribute("title").startswith(rule)
    browser.save_screenshot(str(shots / "html-page.png"))
