"""Reader details: PDF cover titles, CSV encodings, exact spreadsheet numbers, one hash per file."""

import pytest

import evimap
from evimap.errors import IngestError
from evimap.ingest.pdf import read_pdf, title_from_font_sizes
from evimap.ingest.tables import read_csv, read_xlsx

from conftest import IOM, SHARED, needs_shared


def test_cover_title_is_the_largest_type_that_reads_as_a_title():
    brief = [
        ("EVALUATION BRIEF", 26.1),
        ("EVALUATION OF IOM ACCOUNTABILITY TO", 16.0),
        ("AFFECTED POPULATIONS", 16.0),
        ("International Organization for Migration (IOM), Headquarters", 9.0),
        *[("Evaluation type: central evaluation of the accountability framework", 10.6)] * 12,
    ]
    assert title_from_font_sizes(brief) == "EVALUATION OF IOM ACCOUNTABILITY TO AFFECTED POPULATIONS"
    # A cover with hardly any body text: larger than its smallest type is enough.
    cover = [("1", 11.0), ("Evaluation of IOM Accountability", 20.0), ("to Affected Populations", 20.0),
             ("IOM CENTRAL EVALUATION", 14.0), ("December 2024", 14.0)]
    assert title_from_font_sizes(cover) == "Evaluation of IOM Accountability to Affected Populations"
    # A date in large type is passed over for the longer heading of the same size.
    dated = [("July 2025", 14.0), ("EVALUATION BRIEF", 24.0), ("META EVALUATION OF IOM EVALUATIONS", 14.0),
             *[("The quality of terms of reference influenced the outcomes of the evaluations.", 11.0)] * 20]
    assert title_from_font_sizes(dated) == "META EVALUATION OF IOM EVALUATIONS"
    # Body text only: no title from type sizes.
    assert title_from_font_sizes([("Plain body text of the page goes on.", 11.0)] * 10) is None
    assert title_from_font_sizes([]) is None


@needs_shared
@pytest.mark.parametrize("name, title", [
    ("aap-evaluation-report.pdf", "Evaluation of IOM Accountability to Affected Populations"),
    ("aap-evaluation-brief.pdf", "EVALUATION OF IOM ACCOUNTABILITY TO AFFECTED POPULATIONS"),
    ("meta-evaluation-2020-2024-brief.pdf", "META EVALUATION OF IOM EVALUATIONS 2020–2024"),
    ("hoa-joint-initiative-final-evaluation.pdf",
     "Final Evaluation of the EU-IOM Joint Initiative for migrant protection and reintegration in the Horn of Africa"),
    # The info dictionary says "Microsoft Word - ISP_IOM CM Comparative Report_Final_2304".
    ("return-reintegration-case-management-review.pdf",
     "Final Report: Study of Case Management Practice in the context of the EU-IOM Joint Initiative for "
     "Migrant Protection and Reintegration"),
])
def test_iom_pdf_titles_come_from_the_cover(name, title):
    path = IOM / name
    assert read_pdf(path, path.read_bytes()).title == title


def test_csv_in_windows_encoding_is_read_and_flagged(tmp_path):
    path = tmp_path / "stock.csv"
    path.write_bytes("Destination;Origin;Stock\nCôte d’Ivoire;Burkina Faso;1 375 000\n".encode("cp1252"))
    raw = read_csv(path, path.read_bytes(), ["utf-8"])
    assert raw.tables[0].rows[1] == ["Côte d’Ivoire", "Burkina Faso", "1 375 000"]
    assert raw.metadata["encoding"] == "cp1252"
    assert raw.warnings == ["not valid utf-8; read as cp1252"]
    # Bytes that are not text in either encoding still fail with the reason.
    path.write_bytes(b"a,b\n\x81\x8d,\x90\n")
    with pytest.raises(IngestError, match="not valid text in utf-8, cp1252"):
        read_csv(path, path.read_bytes(), ["utf-8"])
    # UTF-8 files are read as UTF-8 without a warning.
    path.write_text("Destination,Stock\nCôte d’Ivoire,1\n", encoding="utf-8")
    assert read_csv(path, path.read_bytes(), ["utf-8"]).warnings == []


@needs_shared
def test_undesa_workbook_numbers_are_exact_and_headers_structured():
    path = SHARED / "corpus" / "tables" / "undesa-2020-migrant-stock-by-sex-and-destination.xlsx"
    raw = read_xlsx(path, path.read_bytes())
    names = [t.name for t in raw.tables]
    assert names[:3] == ["Table of contents", "Table 1", "Table 2"] and "Notes" in names
    t1 = next(t for t in raw.tables if t.name == "Table 1")
    world = next(r for r in t1.rows if len(r) > 1 and r[1] == "WORLD")
    assert world[5] == "152986157" and world[11] == "280598105"
    t2 = next(t for t in raw.tables if t.name == "Table 2")
    world2 = next(r for r in t2.rows if len(r) > 1 and r[1] == "WORLD")
    assert world2[5] == "5327231.041"  # thousands, with the decimals the workbook stores
    from evimap.attribute.tables import structure_table

    s = structure_table(t1.rows)
    assert "International migrant stock at mid-year, both sexes combined | 2020" in s["columns"]
    assert s["row_labels"][0] == "WORLD" and s["values"][0][0] == 152986157.0
    rows = [b.text for b in raw.blocks if b.kind == "table_row"]
    assert any(r.startswith("1 | WORLD | 900 | 152986157") for r in rows)


@needs_shared
def test_undesa_csv_ingests_as_one_table(tmp_path):
    corpus = evimap.open(tmp_path / "t.db")
    report = corpus.ingest([SHARED / "corpus" / "tables"], workers=1)
    assert report.failed == [] and report.added == 2
    csv_doc = next(d for d in corpus.documents() if d.format == "csv")
    assert csv_doc.warnings == ["not valid utf-8; read as cp1252"]
    assert "Réunion" in corpus.text(csv_doc.id)
    corpus.close()


def test_each_file_is_hashed_once(tmp_path, monkeypatch):
    """The ingest loop hashes every file to skip unchanged ones and hands that digest to the reader."""
    import evimap.ingest.pipeline as pipeline

    class NoHashlib:
        @staticmethod
        def sha256(*args, **kwargs):
            raise AssertionError("the file was hashed a second time")

    monkeypatch.setattr(pipeline, "hashlib", NoHashlib)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Member States agreed to strengthen migration data.\n", encoding="utf-8")
    corpus = evimap.open(tmp_path / "s.db")
    report = corpus.ingest([folder], workers=1)
    monkeypatch.undo()
    import hashlib

    assert report.failed == [] and report.added == 1
    assert corpus.documents()[0].sha256 == hashlib.sha256((folder / "a.txt").read_bytes()).hexdigest()
    corpus.close()


@needs_shared
def test_pdf_soft_hyphens_do_not_split_words(shared_corpus):
    """pdfium marks a soft hyphen inside a word broken at a line end with U+FFFE: dropped, so the word is
    whole for search and for names ("Multilat￾eral Organization Performance Assessment Network")."""
    db = shared_corpus.store.db
    assert db.execute("SELECT COUNT(*) FROM passages WHERE instr(text, char(65534)) > 0").fetchone()[0] == 0
    hits = shared_corpus.search('"Multilateral Organization Performance Assessment Network"')
    assert any(h.doc_name == "aap-evaluation-brief.pdf" for h in hits)


def test_one_documents_table_summaries_equal_its_share_of_all(example_corpus):
    everything = example_corpus.table_summaries()
    assert everything
    by_doc = {d.id: d.name for d in example_corpus.documents()}
    for doc_id, name in by_doc.items():
        own = example_corpus.table_summaries(doc_id)
        assert own == [t for t in everything if t["document"] == name]
