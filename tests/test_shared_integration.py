"""Concrete facts about the real documents in ../shared (spine issue's integration tests)."""

import re

import pypdfium2 as pdfium

from conftest import IOM, needs_shared, seed

pytestmark = needs_shared


def _doc(corpus, prefix):
    return next(d for d in corpus.documents() if d.name.startswith(prefix))


def test_letter_spaced_line_in_seed_000_reads_as_words(shared_corpus):
    text = shared_corpus.text(_doc(shared_corpus, "000_").id)
    assert "Recommendations for strengthening migration data" in text
    assert "Achieving universal consensus on the definition of an international migrant" in text
    assert "R e c o m m" not in text


def test_seed_004_paragraph_66_is_its_own_passage(shared_corpus):
    doc = _doc(shared_corpus, "004_")
    hits = [p for p in shared_corpus.passages(doc.id) if p["label"] == "66"]
    assert len(hits) == 1
    p66 = hits[0]
    assert p66["kind"] == "numbered"
    assert p66["section"] == "III.G"
    assert p66["section_title"] == "G. Strengthen the migration evidence base"
    assert p66["text"].startswith("66. While population censuses remain the primary source")
    assert shared_corpus.text(doc.id)[p66["start"]:p66["end"]] == p66["text"]
    hit = shared_corpus.search('"population censuses"', document=doc.id)[0]
    assert hit.citation == f"{doc.name} · §III.G · ¶66"


def test_000_and_001_are_near_duplicates(shared_corpus):
    d0, d1 = _doc(shared_corpus, "000_"), _doc(shared_corpus, "001_")
    assert d0.duplicate_of == d1.id
    assert d0.duplicate_similarity >= 0.5
    assert d1.duplicate_of is None


def test_search_collapses_duplicate_passages(shared_corpus):
    collapsed = shared_corpus.search('"Collect and utilize accurate and disaggregated data"', limit=50)
    everything = shared_corpus.search('"Collect and utilize accurate and disaggregated data"', limit=50, collapse=False)
    assert len(collapsed) < len(everything)
    assert len({h.text for h in collapsed}) == len(collapsed)
    assert collapsed[0].duplicates >= 1


def test_disaggregated_data_ranks_seed_001_first(shared_corpus):
    hits = shared_corpus.search('"disaggregated data"', limit=5)
    assert hits[0].doc_name.startswith("001_")
    assert {h.doc_name[:3] for h in hits[:3]} == {"001"}
    # Seed 004 never has the exact phrase; its census paragraph (¶66, "population disaggregated
    # by country of birth ... data") matches the unquoted words.
    assert "disaggregated data" not in seed("004").read_text(encoding="utf-8").lower()
    loose = shared_corpus.search("disaggregated data", limit=20)
    assert loose[0].doc_name.startswith("001_")
    assert any(h.doc_name.startswith("004_") and h.label == "66" for h in loose)


def test_pdf_passages_carry_their_page_number(shared_corpus):
    name = "return-reintegration-case-management-review.pdf"
    doc = _doc(shared_corpus, name)
    pdf = pdfium.PdfDocument(str(IOM / name))
    checked = 0
    for p in shared_corpus.passages(doc.id):
        if p["kind"] == "heading" or len(p["text"]) < 80:
            continue
        last = p["page_end"] or p["page"]
        pages = [re.sub(r"^\s*\d+\s*\n", "", pdf[i - 1].get_textpage().get_text_range().replace("\r", ""))
                 for i in range(p["page"], last + 1)]
        page_text = " ".join(" ".join(pages).split())
        probe = " ".join(p["text"].split()[:6])
        if "-" in probe:
            continue
        assert probe in page_text, (p["page"], probe)
        checked += 1
    assert checked > 100


def test_iom_headers_and_page_numbers_removed(shared_corpus):
    doc = _doc(shared_corpus, "hoa-joint-initiative-final-evaluation.pdf")
    assert doc.removed.get("page_numbers", 0) > 100
    assert doc.removed.get("header_footer_lines", 0) > 50
    assert doc.pages == 142


def test_metadata_symbols_language_year(shared_corpus):
    d2 = _doc(shared_corpus, "002_")
    assert "ESA/P/WP/249" in d2.symbols and "A/RES/71/1" in d2.symbols
    d4 = _doc(shared_corpus, "004_")
    assert "E/CN.3/2014/20" in d4.symbols and "A/69/150" in d4.symbols
    assert d4.language == "en"
    tor = _doc(shared_corpus, "cs1137")
    assert tor.language == "fr"
    assert _doc(shared_corpus, "004_").year == 2013


def test_seed_003_web_chrome_removed(shared_corpus):
    doc = _doc(shared_corpus, "003_")
    text = shared_corpus.text(doc.id)
    assert "Skip to main navigation" not in text and "Fraud Alert" not in text
    assert "Sixteenth Coordination Meeting on International Migration" in text
    assert doc.removed["web_chrome_lines"] > 10


def test_seed_004_table_rows_are_passages(shared_corpus):
    doc = _doc(shared_corpus, "004_")
    tables = shared_corpus.tables(doc.id)
    t1 = next(t for t in tables if t["name"] == "Table 1")
    asia = next(r for r in t1["rows"] if r[0] == "Asia")
    assert asia[7] == "70.8"
    rows = [p for p in shared_corpus.passages(doc.id) if p["kind"] == "table_row"]
    assert any(p["text"].startswith("Asia | 4.6 | 53.8") for p in rows)


def test_docx_reader_on_real_management_response(shared_corpus):
    doc = _doc(shared_corpus, "aap-evaluation-management-response.docx")
    kinds = {p["kind"] for p in shared_corpus.passages(doc.id)}
    assert "table_row" in kinds
    assert doc.n_passages > 20


def test_unfiltered_ranking_matches_the_filtered_path(shared_corpus):
    """Unfiltered searches rank in the FTS table alone and drop duplicates afterwards; a filter that
    keeps every document takes the SQL join path. Both must give the same page and the same count."""
    every_format = sorted({d.format for d in shared_corpus.documents()})
    for query in ("data", '"disaggregated data"', "migra*", "data OR statistics OR research"):
        for offset in (0, 5):
            fast = shared_corpus.search(query, limit=10, offset=offset)
            joined = shared_corpus.search(query, limit=10, offset=offset, format=every_format)
            assert [h.passage_id for h in fast] == [h.passage_id for h in joined]
        assert shared_corpus.count(query) == shared_corpus.count(query, format=every_format)
        assert shared_corpus.count(query) < shared_corpus.count(query, collapse=False)
