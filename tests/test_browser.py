"""Browser tests: Playwright driving Debian's Chromium against `evimap serve`.

They search, follow a hit to its document, open the evidence map, click a cell, move between cells
with the keyboard, download a synthesis, and check that documents carrying <script> and onerror=
stay inert. Screenshots go to test-artifacts/screenshots/ (one per step) for people to look at.
Skipped when Playwright or a Chromium binary is missing (.ci/run installs both).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import running_server

sync_api = pytest.importorskip("playwright.sync_api")

REPO = Path(__file__).resolve().parent.parent
SHOTS = REPO / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("EVIMAP_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.skipif(not CHROMIUM, reason="no Chromium binary (apt-get install chromium)")


@pytest.fixture(scope="module")
def server(web_store):
    # with a pool of two processes, as on a laptop's cores: reads go through the pool, forms to the front
    with running_server(web_store, "--workers", "2") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                                    "--disable-background-networking", "--disable-component-update",
                                    "--disable-default-apps", "--disable-sync", "--no-first-run"])
        yield b
        b.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 860}, accept_downloads=True)
    pg = context.new_page()
    pg.dialogs = []
    pg.errors = []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    yield pg
    context.close()


def shot(pg, name: str) -> None:
    pg.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def test_search_then_follow_a_hit_to_its_document(server, page):
    page.goto(server + "/")
    page.get_by_label("Search the passages").fill('"migration data" OR census')
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/search?q=*")
    assert page.locator("ol.hits li.hit").count() > 0
    assert page.locator("ol.hits mark").count() > 0
    assert page.locator("aside.facets h2", has_text="GCM objective").count() == 1
    shot(page, "01-search")
    # narrow by a facet value, then remove it again
    page.locator("aside.facets section.facet").first.locator("a").first.click()
    assert page.locator("a.chip").count() == 1
    shot(page, "02-search-facet")
    page.locator("a.chip").click()
    assert page.locator("a.chip").count() == 0
    # follow the first hit to its document, landing on the passage
    first = page.locator("ol.hits li.hit").first
    doc_title = first.locator("a.doc").inner_text()
    first.locator("a.doc").click()
    page.wait_for_url("**/documents/**")
    assert page.locator("h1").inner_text() == doc_title
    assert page.locator("article.text .para").count() > 0
    shot(page, "03-document")
    # and a hit's citation opens the passage view with its provenance
    page.go_back()
    page.locator("ol.hits li.hit a.cite").first.click()
    page.wait_for_url("**/passages/**")
    assert page.get_by_role("heading", name="Provenance").count() == 1
    shot(page, "04-passage")
    assert page.errors == [] and page.dialogs == []


def test_evidence_map_cell_click_and_keyboard(server, page):
    page.goto(server + "/map?framework=gcm&by=document")
    cells = page.locator("#heatmap tbody td a")
    assert cells.count() > 3
    shot(page, "05-map")
    # keyboard: focus a cell, arrow keys move to another cell link
    cells.first.focus()
    before = page.evaluate("document.activeElement.getAttribute('aria-label')")
    page.keyboard.press("ArrowDown")
    after = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert after and after != before
    # click a cell: the passages behind it
    label = cells.first.get_attribute("aria-label")
    n = int(cells.first.inner_text())
    cells.first.click()
    page.wait_for_url("**/map/cell?**")
    assert page.locator("ol.hits li.hit").count() == min(n, 20), label
    shot(page, "06-map-cell")
    assert page.errors == []


def test_synthesis_download(server, page, tmp_path):
    page.goto(server + "/synthesis")
    page.get_by_label("Theme").select_option("themes:data")
    page.get_by_label("Grouped by").select_option("document")
    page.get_by_role("button", name="Write synthesis").click()
    page.wait_for_url("**/synthesis?theme=*")
    assert page.locator("article.synthesis blockquote").count() > 0
    shot(page, "07-synthesis")
    with page.expect_download() as info:
        page.get_by_role("link", name="Markdown").click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    assert target.name.endswith(".md")
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# Thematic synthesis") and "> —" in text
    with page.expect_download() as info:
        page.get_by_role("link", name="Word").click()
    assert info.value.suggested_filename.endswith(".docx")


def test_hostile_documents_stay_inert(server, page):
    for url in ("/search?q=script+OR+onerror+OR+svg", "/documents/evil-report.txt", "/documents/hostile-page.html"):
        page.goto(server + url)
        page.wait_for_load_state("load")
        assert page.evaluate("window.__xss === undefined"), url
        assert page.locator("img[src=x]").count() == 0 and page.locator("main svg").count() == 0
    page.goto(server + "/documents/evil-report.txt")
    assert "<script>window.__xss = 1" in page.locator("article.text").inner_text()  # shown as text
    shot(page, "08-hostile-document")
    page.goto(server + "/search?q=script")
    page.locator("ol.hits li.hit a.cite").first.click()
    page.wait_for_url("**/passages/**")
    assert page.evaluate("window.__xss === undefined")
    assert "<script>" in page.locator("blockquote.passage").inner_text()
    shot(page, "09-hostile-passage")
    assert page.dialogs == [], page.dialogs


def test_profile_and_status_pages(server, page):
    page.goto(server + "/profiles")
    page.get_by_label("Country or organisation").fill("Canada")
    page.get_by_role("button", name="Open profile").click()
    page.wait_for_url("**/profiles/**")
    assert "Canada" in page.locator("h1").inner_text()
    shot(page, "10-profile")
    page.goto(server + "/status")
    assert page.get_by_role("heading", name="Failed files").count() == 1
    shot(page, "11-status")


@pytest.fixture(scope="module")
def shared_server(mapped_corpus):
    """The seeds and IOM evaluations, mapped: the map an evaluation officer reads (23 GCM rows)."""
    with running_server(mapped_corpus.path) as url:
        yield url


def test_whole_gcm_map_reads_on_a_laptop_screen_without_an_inner_scroll_box(shared_server, browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(shared_server + "/map?framework=gcm&by=document")
    rows = page.locator("#heatmap tbody tr")
    assert rows.count() == 23
    boxes = [rows.nth(i).bounding_box() for i in range(23)]
    inside = [b for b in boxes if b and b["y"] >= 0 and b["y"] + b["height"] <= 900]
    # nothing scrolls inside the page: every box that holds the map grows with it (the page may scroll whole)
    boxed = page.evaluate("""() => {
        const out = [];
        for (let el = document.getElementById('heatmap'); el && el !== document.body; el = el.parentElement) {
            const style = getComputedStyle(el);
            if (el.scrollHeight > el.clientHeight + 1 && /(auto|scroll)/.test(style.overflowY)) out.push(el.className);
        }
        return out;
    }""")
    assert boxed == []
    assert len(inside) == 23, f"{len(inside)} of 23 rows visible at 1366×900"
    # the colour scale is on screen, and long names are given whole on hover
    legend = page.locator(".legend")
    assert legend.is_visible() and legend.locator(".swatch").count() >= 5
    header = page.locator("th.grp").first
    full = header.get_attribute("title")
    assert full and full.startswith(header.inner_text().split("…")[0].strip())
    pale, dark = page.evaluate("""() => {
        const bg = c => getComputedStyle(document.querySelector(c)).backgroundColor;
        return [bg('.legend .swatch.h1'), bg('.legend .swatch.h9')];
    }""")
    assert pale != dark
    shot(page, "07-map-1366x900")
    context.close()


def test_reviewing_with_the_keyboard_then_exporting_and_re_importing_the_decisions(browser, web_store, tmp_path):
    """Unlock with the token, review labels with a, r and n, and find the decisions in the trail, in the evidence
    map's counts and in a QDPX project that a fresh store imports back."""
    import sqlite3

    import evimap

    store = tmp_path / "review.db"
    with sqlite3.connect(web_store) as source, sqlite3.connect(store) as target:
        source.backup(target)
    with running_server(store, "--token", "a-long-enough-token") as url:
        context = browser.new_context(viewport={"width": 1366, "height": 860})
        pg = context.new_page()
        pg.goto(url + "/review")
        pg.get_by_label("Access token").fill("a-long-enough-token")
        pg.get_by_role("button", name="Continue").click()
        pg.get_by_label("Reviewer").fill("ana")
        pg.locator("body").click(position={"x": 5, "y": 5})  # out of the field: keys are shortcuts again
        shot(pg, "review-queue")
        keys = ["r", "a", "n", "r", "a", "r"]
        for key in keys:
            with pg.expect_navigation():  # each key submits the form and the next label is shown
                pg.keyboard.press(key)
        context.close()
    with evimap.open(store) as corpus:
        log = corpus.review_log()
        assert [e["decision"] for e in log] == ["reject", "accept", "reject", "accept", "reject"]
        assert {e["reviewer"] for e in log} == {"ana"}
        corpus.export_qdpx(tmp_path / "review.qdpx", "gcm")
        accepted = {(e["passage_id"], e["code"]) for e in log if e["decision"] == "accept"}
    fresh = tmp_path / "fresh.db"
    with sqlite3.connect(web_store) as source, sqlite3.connect(fresh) as target:
        source.backup(target)
    with evimap.open(fresh) as corpus:
        corpus.import_qdpx(tmp_path / "review.qdpx", "gcm")
        assert {(e["passage_id"], e["code"]) for e in corpus.review_log()} == accepted
