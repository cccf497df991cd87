"""Issue 4: evidence maps, thematic syntheses, similar documents, document profiles."""

import json
import struct

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from evimap.cli import app
from evimap.errors import EvimapError
from evimap.report import coverage_map, document_profile, similar_documents, synthesis
from evimap.report.base import counted


@pytest.fixture(scope="module")
def iom_map(mapped_corpus):
    iom = [d.name for d in mapped_corpus.documents() if not d.name[:3].isdigit()]
    return coverage_map(mapped_corpus, "gcm", "document", documents=iom)


def test_gcm_map_over_iom_evaluations_ranks_return_and_reintegration_high(iom_map):
    top = [code for code, _ in iom_map.ranking()[:3]]
    assert "21" in top
    assert len(iom_map.categories) == 23  # objectives only, not the guiding principles
    assert all(not g["name"][:3].isdigit() for g in iom_map.groups)  # only the IOM documents


def test_map_cells_count_each_passage_once_and_gaps_name_silent_groups(mapped_corpus):
    m = coverage_map(mapped_corpus, "gcm", "document")
    names = {g["name"] for g in m.groups}
    assert not any(n.startswith("000_") for n in names)  # 000 is a near-duplicate of 001: counted once, as 001
    for gap in m.gaps:
        assert gap["status"] in ("no evidence", "weak evidence")
        assert set(gap["silent_groups"]) <= names
    d = json.loads(m.to_json())
    assert d["provenance"]["frameworks"][0]["id"] == "gcm" and d["provenance"]["evimap_version"]
    assert "threshold" in d["provenance"]["frameworks"][0]


def test_counts_in_prose_agree_with_their_nouns(mapped_corpus):
    assert (counted(1, "passage"), counted(0, "document"), counted(1204, "source")) == (
        "1 passage", "0 documents", "1,204 sources")
    md = coverage_map(mapped_corpus, "gcm", "document").to_markdown()
    gap_lines = [line for line in md.splitlines() if line.startswith("- **")]
    assert gap_lines
    assert not any(bad in line for line in gap_lines for bad in (" 1 passages", " 1 documents", " 1 groups"))
    assert all(" in 0 documents" in line or " document" in line for line in gap_lines)


def test_xlsx_counts_equal_json_counts(iom_map, tmp_path):
    path = tmp_path / "map.xlsx"
    iom_map.to_xlsx(path)
    wb = load_workbook(path)
    assert {"passages", "documents", "mean score", "gaps", "cell passages", "about"} <= set(wb.sheetnames)
    ws = wb["passages"]
    assert ws.freeze_panes == "C2"
    header = [c.value for c in ws[1]]
    cells = {(c["code"], c["group"]): c["passages"] for c in json.loads(iom_map.to_json())["cells"]}
    seen = 0
    for row in ws.iter_rows(min_row=2, values_only=True):
        for group, value in zip(header[2:-1], row[2:-1]):
            assert value == cells.get((str(row[0]), group), 0)
            seen += value
    assert seen == sum(cells.values()) > 0
    behind = list(wb["cell passages"].iter_rows(min_row=2, values_only=True))
    assert behind and all((str(r[0]), r[1]) in cells for r in behind)


def test_png_chart_is_a_real_image(iom_map, tmp_path):
    path = tmp_path / "map.png"
    iom_map.to_png(path)
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", head[16:24])
    assert width >= 600 and height >= 23 * 25  # one readable row per objective
    svg = tmp_path / "map.svg"
    iom_map.to_svg(svg)
    assert b"<svg" in svg.read_bytes()[:500]


def test_csv_and_eppi_exports(iom_map):
    lines = iom_map.to_csv().splitlines()
    assert lines[0] == "code,category,group,passages,documents,mean_score" and len(lines) == len(iom_map.cells) + 1
    eppi = json.loads(iom_map.to_eppi())
    ids = {a["AttributeId"] for s in eppi["CodeSets"] for a in s["Attributes"]["AttributesList"]}
    assert eppi["References"] and all(c["AttributeId"] in ids for r in eppi["References"] for c in r["Codes"])


def test_data_synthesis_quotes_seed_001_and_004_with_citations_once(mapped_corpus):
    s = synthesis(mapped_corpus, "data", framework="gcm")
    quotes = s.quotes()
    texts = [q.passage["text"] for q in quotes]
    assert len(texts) == len(set(texts))  # no passage twice
    assert len({q.passage["passage_id"] for q in quotes}) == len(quotes)
    census_001 = [q for q in quotes if q.passage["document"].startswith("001_") and "national censuses" in q.passage["text"]]
    assert census_001 and census_001[0].cite.startswith("Common Understanding (001_")
    assert "GCM 1" in census_001[0].codes
    census_004 = [q for q in quotes if q.passage["document"].startswith("004_") and "census" in q.passage["text"]]
    assert census_004 and "§ III.G" in census_004[0].cite and "para. 6" in census_004[0].cite
    assert not any(q.passage["document"].startswith("000_") for q in quotes)  # the 000/001 duplication
    md = s.to_markdown()
    assert "## Recurring recommendations" in md and s.clusters
    for c in s.clusters:
        assert c["terms"] and c["sources"] >= 1 and c["members"]


def test_synthesis_docx_and_html(mapped_corpus, tmp_path):
    from docx import Document

    s = synthesis(mapped_corpus, "data", per_group=2)
    s.to_docx(tmp_path / "s.docx")
    text = "\n".join(p.text for p in Document(str(tmp_path / "s.docx")).paragraphs)
    assert "Thematic synthesis" in text and "Recurring recommendations" in text and "Made with evimap" in text
    assert "<blockquote" in s.to_html()


def test_similar_documents_put_the_near_duplicate_first(mapped_corpus):
    rows = similar_documents(mapped_corpus, "000_5a62786061d95433.txt", 3)
    assert rows[0]["document"].startswith("001_") and rows[0]["duplicate"]
    assert rows[0]["score"] >= rows[1]["score"]
    every = similar_documents(mapped_corpus, "000_5a62786061d95433.txt", 100)
    assert every and all(r["score"] > 0 for r in every)  # dissimilar documents are not listed


def test_document_profile(mapped_corpus, tmp_path):
    p = document_profile(mapped_corpus, "004_d0bcea0985ff6701.txt")
    gcm = {r["code"]: r for r in p.profiles["gcm"]}
    assert gcm["20"]["passages"] > 0 and 0 < gcm["20"]["share"] < 1 and gcm["20"]["top"]
    assert p.similar and "Similar documents" in p.to_markdown()
    p.to_png(tmp_path / "profile.png")
    assert (tmp_path / "profile.png").read_bytes()[:4] == b"\x89PNG"


def test_report_cli_formats_and_errors(mapped_corpus, tmp_path):
    store = str(mapped_corpus.path)
    r = CliRunner().invoke(app, ["report", "map", "--store", store, "--by", "year", "--format", "json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["by"] == "year"
    r = CliRunner().invoke(app, ["report", "map", "--store", store, "--format", "xlsx"])
    assert r.exit_code == 1 and "--output" in r.output
    r = CliRunner().invoke(app, ["report", "map", "--store", store, "--by", "actor-type", "--format", "json"])
    assert r.exit_code == 0, r.output
    groups = {g["name"] for g in json.loads(r.output)["groups"]}
    assert {"UN entity", "Member State"} <= groups
    r = CliRunner().invoke(app, ["report", "map", "--store", store, "--by", "colour"])
    assert r.exit_code == 1 and "unknown grouping" in r.output
    out = tmp_path / "syn.md"
    r = CliRunner().invoke(app, ["report", "synthesis", "--store", store, "--theme", "research", "-o", str(out)])
    assert r.exit_code == 0 and out.read_text().startswith("# Thematic synthesis")
    r = CliRunner().invoke(app, ["similar", "001_6b80504aa3e240fa.txt", "--store", store, "--json"])
    assert r.exit_code == 0 and json.loads(r.output)[0]["document"].startswith("000_")


def test_reports_need_a_mapped_store(tmp_path):
    import evimap

    with evimap.open(tmp_path / "empty.db") as c:
        with pytest.raises(EvimapError, match="evimap map"):
            coverage_map(c, "gcm")


def test_to_dataframe(iom_map):
    pd = pytest.importorskip("pandas")
    df = iom_map.to_dataframe()
    assert isinstance(df, pd.DataFrame) and int(df["passages"].sum()) == sum(c.passages for c in iom_map.cells.values())


def test_filtered_search_equals_filtering_the_full_ranking(mapped_corpus):
    """Every filter is a rowid restriction on the FTS table; the page it returns must be exactly the
    unfiltered ranking with the non-matching passages taken out, and the count its length."""
    c = mapped_corpus
    query = "migration OR migrants OR data"
    everything = c.search(query, limit=100_000)
    assert len(everything) == c.count(query) > 200

    year = max({h.year for h in everything if h.year}, key=lambda y: sum(h.year == y for h in everything))

    def labels(pid):
        return {(lab["framework"], lab["code"]) for lab in c.labels(pid)}

    checks = {
        "year": ({"year": year}, lambda h: h.year == year),
        "language": ({"language": "en"}, lambda h: h.language == "en"),
        "format": ({"format": "pdf"}, lambda h: h.format == "pdf"),
        "label": ({"label": "gcm:1"}, lambda h: ("gcm", "1") in labels(h.passage_id)),
        "actor type": ({"actor_type": "UN entity"},
                       lambda h: any(cl["actor_type"] == "UN entity" for cl in c.claims(h.passage_id))),
        "country": ({"country": "MAR"},
                    lambda h: any(cl["country"] == "MAR" for cl in c.claims(h.passage_id))
                    or any(m["kind"] == "country" and m["code"] == "MAR" for m in c.mentions(h.passage_id))),
    }
    for name, (filters, keep) in checks.items():
        expected = [h.passage_id for h in everything if keep(h)]
        assert expected, name
        assert [h.passage_id for h in c.search(query, limit=15, **filters)] == expected[:15], name
        assert c.count(query, **filters) == len(expected), name
    both = [h.passage_id for h in everything if checks["language"][1](h) and checks["label"][1](h)]
    assert [h.passage_id for h in c.search(query, limit=50, language="en", label="gcm:1")] == both[:50]


# ---- gaps, column order, merged near-duplicates, countries ---------------------------------------------
def test_gap_rule_is_relative_to_the_median_category_with_evidence():
    from evimap.report.coverage import gap_rule

    rule = gap_rule([772, 366, 18, 9, 5, 3, 0], documents_in_map=10)
    assert rule.median == 13.5 and rule.min_passages == 7  # half the median of the 6 categories with evidence
    assert [rule.status(n, 3) for n in (0, 3, 6, 7, 772)] == [
        "no evidence", "weak evidence", "weak evidence", None, None]
    assert rule.status(772, 1) == "weak evidence"  # one source only
    assert gap_rule([5, 5], documents_in_map=1).status(5, 1) is None  # a one-document map is not all gaps
    assert "fewer than 7 passages (0.5 × the 13.5 of the median category with evidence)" in rule.describe()
    with pytest.raises(EvimapError, match="between 0 and 1"):
        gap_rule([1, 2], 2, share=1.5)


def test_gaps_over_the_seeds_and_iom_name_the_thin_objectives_and_every_format_states_one_rule(mapped_corpus, tmp_path):
    m = coverage_map(mapped_corpus, "gcm", "document")
    tot = m.totals
    passages = {c["code"]: tot[c["code"]].passages if c["code"] in tot else 0 for c in m.categories}
    gaps = {g["code"] for g in m.gaps}
    assert {"14", "22"} <= gaps  # three passages each, against a median in the tens
    for code, n in passages.items():
        assert (code in gaps) == (n < m.rule.min_passages or tot[code].documents < 2), code
    rule, summary = m.rule.describe(), m.gap_summary()
    assert summary.startswith(f"{len(m.gaps)} of 23 categories are gaps")
    assert rule in m.to_markdown() and summary in m.to_markdown()
    assert rule in m.to_html() and summary in m.to_html()
    d = json.loads(m.to_json())
    assert d["gap_rule"]["text"] == rule and d["gap_rule"]["share"] == 0.5 and d["gap_summary"] == summary
    m.to_xlsx(tmp_path / "m.xlsx")
    wb = load_workbook(tmp_path / "m.xlsx")
    about = {r[0]: r[1] for r in wb["about"].iter_rows(min_row=2, values_only=True)}
    assert about["gap rule"] == rule and about["gaps"] == summary
    assert rule in [r[0] for r in wb["gaps"].iter_rows(values_only=True)]
    fewer = coverage_map(mapped_corpus, "gcm", "document", weak=0.2)
    assert {g["code"] for g in fewer.gaps} < gaps and fewer.rule.min_passages < m.rule.min_passages


def test_report_map_cli_takes_weak_and_refuses_a_share_out_of_range(mapped_corpus):
    store = str(mapped_corpus.path)
    r = CliRunner().invoke(app, ["report", "map", "--store", store, "--weak", "0.2", "--format", "json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["gap_rule"]["share"] == 0.2
    r = CliRunner().invoke(app, ["report", "map", "--store", store, "--weak", "3"])
    assert r.exit_code == 1 and "--weak 3" in r.output and "between 0 and 1" in r.output


def test_year_columns_run_in_date_order(mapped_corpus):
    m = coverage_map(mapped_corpus, "gcm", "year")
    names = [g["name"] for g in m.groups]
    years = [n for n in names if n.isdigit()]
    assert len(years) >= 4 and years == sorted(years, key=int)
    assert names[: len(years)] == years  # undated, if any, last
    header = next(line for line in m.to_markdown().splitlines() if line.startswith("| code"))
    assert header.index(years[0]) < header.index(years[-1])


def test_near_duplicate_documents_are_merged_into_their_original_column_with_a_note(mapped_corpus):
    m = coverage_map(mapped_corpus, "gcm", "document")
    merged = {x["document"]: x["into"] for x in m.merged}
    assert merged["000_5a62786061d95433.txt"] == "001_6b80504aa3e240fa.txt"
    col = next(g for g in m.groups if g["name"] == "001_6b80504aa3e240fa.txt")
    assert "000_5a62786061d95433.txt" in col["merged"]
    note = next(n for n in m.notes() if n.startswith("Near-duplicate documents merged"))
    assert "000_5a62786061d95433.txt → 001_6b80504aa3e240fa.txt" in note
    assert note in m.to_markdown() and json.loads(m.to_json())["merged"]


def test_country_columns_use_the_document_country_where_passages_name_none_and_say_which_rule(mapped_corpus):
    from evimap.report.coverage import COUNTRY_RULES, document_countries

    iom = [d.name for d in mapped_corpus.documents() if not d.name[:3].isdigit()]
    m = coverage_map(mapped_corpus, "gcm", "country", documents=iom)
    sizes = {g["name"]: g["passages"] for g in m.groups}
    total = sum(sizes.values())
    assert sum(m.country_rules.values()) == total
    assert set(m.country_rules) == set(COUNTRY_RULES)
    assert sizes.get("(none)", 0) < 0.25 * total  # it was 99% before the document fallback
    assert m.country_rules["most-named"] > 0 and m.country_rules["named"] > 0
    by_name = {d.id: d.name for d in mapped_corpus.documents()}
    countries = {by_name[i]: v for i, v in document_countries(mapped_corpus).items()}
    assert countries["cs1137-evaluation-terms-of-reference.pdf"] == ("HTI", "most-named")
    note = next(n for n in m.notes() if n.startswith("Country of each"))
    assert "named in the passage" in note and note in m.to_markdown()
    # the passages behind a country cell are found by the same rule
    country, rule = countries["aap-evaluation-report.pdf"]  # a country given by the document-level rule
    assert rule in ("title", "most-named")
    code, n = next((code, c.passages) for (code, g), c in sorted(m.cells.items()) if g == country)
    rows = mapped_corpus.cell("gcm", code, by="country", group=country, limit=200)
    assert len(rows) >= n


def test_a_theme_synthesis_quotes_only_passages_strongly_linked_to_the_theme(mapped_corpus):
    s = synthesis(mapped_corpus, "data")
    assert s.min_relevance == 0.8 and s.n_weak > 0
    assert s.quotes() and all(q.passage["score"] >= 0.8 for q in s.quotes())
    assert f"{s.n_weak} passages linked to it only weakly (label score below 0.80)" in s.to_markdown()
    assert s.to_dict()["weakly_linked"] == s.n_weak
    loose = synthesis(mapped_corpus, "data", min_relevance=0.0)
    assert loose.n_weak == 0 and len(loose.quotes()) > len(s.quotes())
    # a classifier's labels get the same floor: its threshold alone lets weak labels fill the quota
    gcm = synthesis(mapped_corpus, "gcm:23")
    assert gcm.min_relevance == 0.8 and all(q.passage["score"] >= 0.8 for q in gcm.quotes())


def test_synthesis_cli_takes_a_relevance_floor(mapped_corpus, tmp_path):
    store = str(mapped_corpus.path)
    out = tmp_path / "syn.json"
    r = CliRunner().invoke(app, ["report", "synthesis", "--store", store, "--theme", "data", "--min-relevance", "0.95",
                                 "-f", "json", "-o", str(out)])
    assert r.exit_code == 0, r.output
    data = json.loads(out.read_text())
    assert data["min_relevance"] == 0.95
    assert all(q["score"] >= 0.95 for g in data["groups"] for q in g["quotes"])


def test_the_morocco_profile_quotes_what_morocco_said_and_no_other_speaker_of_the_same_passages(mapped_corpus):
    prof = mapped_corpus.profile("MAR")
    said = [p for p in prof["passages"] if p["said_by"] and p["statement"]]
    statements = " ".join(p["statement"] for p in said)
    assert any(p["person"] == "El Habib Nadir" for p in said) and "presented the Moroccan perspective" in statements
    for other in ("Westbratt", "Rosengaertner", "Lauber", "Doyle"):
        assert other not in statements
    # the passage it comes from holds those other speakers: the statement is a span of it
    mixed = next(p for p in said if "Westbratt" in p["text"])
    assert mixed["text"][mixed["span"][0]:mixed["span"][1]] == mixed["statement"]


def test_a_passage_with_several_speakers_shows_each_claims_statement(mapped_corpus):
    pid = mapped_corpus.store.db.execute("SELECT id FROM passages WHERE text LIKE 'Mr. Westbratt further voiced%'"
                                         ).fetchone()[0]
    claims = {c["actor"]: c for c in mapped_corpus.claims(pid)}
    assert claims["MAR"]["statement"].startswith("Mr. El Habib Nadir") and "Westbratt" not in claims["MAR"]["statement"]
    assert claims["SWE"]["statement"].startswith("Mr. Westbratt further voiced") and "Nadir" not in claims["SWE"]["statement"]
    r = CliRunner().invoke(app, ["who", pid, "--store", str(mapped_corpus.path)])
    assert r.exit_code == 0 and "said: Mr. El Habib Nadir" in r.output
    from fastapi.testclient import TestClient

    from evimap.web.app import create_app

    page = TestClient(create_app(str(mapped_corpus.path))).get(f"/passages/{pid}")
    assert page.status_code == 200 and '<blockquote class="said">Mr. El Habib Nadir' in page.text


def test_claims_are_stored_with_their_statement_span_and_a_search_by_actor_shows_it(mapped_corpus):
    db = mapped_corpus.store.db
    pid = db.execute("SELECT id FROM passages WHERE text LIKE 'Mr. Westbratt further voiced%'").fetchone()[0]
    text = mapped_corpus.passage(pid)["text"]
    start, end = db.execute("SELECT span_start, span_end FROM claims WHERE passage_id = ? AND actor = 'MAR'",
                            (pid,)).fetchone()
    assert text[start:end].startswith("Mr. El Habib Nadir") and "Westbratt" not in text[start:end]
    # every claim written by this version carries its span
    assert db.execute("SELECT COUNT(*) FROM claims WHERE span_start IS NULL").fetchone()[0] == 0
    hit = next(h for h in mapped_corpus.search("immigration", actor="MAR") if h.passage_id == pid)
    assert hit.statement["actor"] == "MAR" and hit.statement["text"] == text[start:end]
    assert hit.to_dict()["statement"]["start"] == start
    r = CliRunner().invoke(app, ["search", "immigration", "--actor", "Morocco", "--store", str(mapped_corpus.path)])
    assert r.exit_code == 0 and "MAR, El Habib Nadir said" in r.output
    from fastapi.testclient import TestClient

    from evimap.web.app import create_app

    client = TestClient(create_app(str(mapped_corpus.path)))
    page = client.get(f"/passages/{pid}?actor=MAR").text
    assert '<span class="said-span" title="MAR said">Mr. El Habib Nadir' in page
    assert 'class="said-span"' not in client.get(f"/passages/{pid}").text
    results = client.get("/search", params={"q": "immigration", "actor": "MAR"}).text
    assert f'href="/passages/{pid}?actor=MAR">MAR, El Habib Nadir said</a>' in results


def test_a_claim_stored_before_spans_gets_its_span_when_read(mapped_corpus, tmp_path):
    import sqlite3

    import evimap

    copy = tmp_path / "old.db"
    with sqlite3.connect(copy) as target:
        mapped_corpus.store.db.backup(target)
    with evimap.open(copy) as corpus:
        pid = corpus.store.db.execute("SELECT id FROM passages WHERE text LIKE 'Mr. Westbratt further voiced%'"
                                      ).fetchone()[0]
        now = {c["actor"]: c["span"] for c in corpus.claims(pid)}
        with corpus.store.db:
            corpus.store.db.execute("UPDATE claims SET span_start = NULL, span_end = NULL")
        assert {c["actor"]: c["span"] for c in corpus.claims(pid)} == now
