"""Ingest tells documents from data: catalogue JSON, exports of records and folder notes are skipped or
stored as tables, never mapped as prose; a prose or statistical table stays a document."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import evimap
from evimap.cli import app
from evimap.errors import EvimapError
from evimap.ingest.datafiles import recognise_json, recognise_notes, recognise_table
from evimap.ingest.pipeline import recognise_file
from evimap.settings import Settings

from conftest import SHARED, needs_shared

HEADER = ["Title", "Year", "Author", "Date of Publication", "Executive Summary", "Project Code", "Countries", "File URL"]


def records_rows(n: int = 12) -> list[list[str]]:
    rows = [HEADER]
    for i in range(n):
        rows.append([f"Final evaluation of project {i}", str(2015 + i % 9), f"Evaluator {i}", f"2023-0{1 + i % 9}-1{i % 9}",
                     "Yes" if i % 2 else "No", f"PB{i:04d}", "Niger, Mali", f"https://evaluation.example.org/docs/{i}.pdf"])
    return rows


def recommendation_rows() -> list[list[str]]:
    """A management response matrix: prose recommendations with a deadline, an id and a yes/no column."""
    rows = [["No.", "Recommendation", "Accepted", "Deadline", "Unit", "Ref"]]
    for i in range(8):
        rows.append([str(i + 1), "IOM should strengthen the collection of migration data in the region, train the staff of "
                     "national statistics offices and publish the results every year so that policy can use them.",
                     "Yes", f"2025-0{i + 1}-30", "RO Dakar", f"R{i + 1}.a"])
    return rows


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return path


def test_an_export_of_records_is_data_and_prose_or_figures_stay_documents():
    assert recognise_table(records_rows()).kind == "records"
    assert "12 rows × 8 columns" in recognise_table(records_rows()).why
    assert recognise_table(recommendation_rows()).kind == "document"  # its text is mostly prose sentences
    figures = [["Year", "Country", "Emigrants", "Immigrants", "Remittances"]] + [
        [str(2000 + i), "Veloria", str(300 + i), str(120 + 2 * i), f"{2140.5 + i}"] for i in range(20)]
    assert recognise_table(figures).kind == "document"  # a statistical table: mostly numbers
    assert recognise_table(records_rows(3)).kind == "document"  # too few rows to call it an export


def test_json_catalogues_with_bare_nan_and_json_lines_are_data():
    catalogue = b'[{"id": "99ab", "meta": {"Title": "Evaluation", "Donor": NaN}}, {"id": "12cd", "meta": {}}]'
    assert recognise_json(catalogue).kind == "catalogue"
    assert "2 records" in recognise_json(catalogue).why
    assert recognise_json(b'{"id": 1, "title": "a"}\n{"id": 2, "title": "b"}\n').why == "JSON lines of records"
    assert recognise_json(b"[Migration data](https://example.org) is the subject of this note.") is None
    assert recognise_json(b"Migration data matter.") is None


def test_folder_notes_are_recognised_by_name_and_a_prefixed_name_needs_a_note_text():
    assert recognise_notes(Path("README.md"), b"# Documents\nWhat is here.").kind == "notes"
    assert recognise_notes(Path("LICENSE"), b"Apache License").kind == "notes"
    note = b"Files: report.pdf <- a/b/report.pdf; brief.pdf <- a/b/brief.pdf"
    assert recognise_notes(Path("SOURCE-iom-evaluations.txt"), note).kind == "notes"
    prose = b"Sources of remittances in the region are wages of seasonal workers and pensions."
    assert recognise_notes(Path("sources-of-remittances.txt"), prose) is None
    assert recognise_notes(Path("readme.pdf"), b"%PDF-1.4") is None


def make_folder(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "review.txt").write_text("The Government of Veloria published its first migration profile in 2021.\n\n"
                                     "It calls for better data on labour migration.\n", encoding="utf-8")
    write_csv(docs / "catalogue-export.csv", records_rows())
    write_csv(docs / "recommendations.csv", recommendation_rows())
    (docs / "evaluations.json").write_text(json.dumps([{"id": "a1", "meta": {"Title": "Evaluation"}}]), encoding="utf-8")
    (docs / "README.md").write_text("# About these files\nreview.txt and recommendations.csv come from IOM.\n",
                                    encoding="utf-8")
    return docs


def test_ingest_stores_records_as_tables_skips_catalogues_and_notes_and_says_so(tmp_path):
    docs = make_folder(tmp_path)
    with evimap.open(tmp_path / "s.db") as corpus:
        report = corpus.ingest([docs], workers=1)
        by_name = {Path(d["path"]).name: d for d in report.data_files}
        assert {n: (d["kind"], d["stored"]) for n, d in by_name.items()} == {
            "catalogue-export.csv": ("records", "tables"), "evaluations.json": ("catalogue", "skipped"),
            "README.md": ("notes", "skipped")}
        assert report.kinds() == {"document": 2, "records": 1, "catalogue": 1, "notes": 1}
        names = {d.name: d for d in corpus.documents()}
        assert sorted(names) == ["catalogue-export.csv", "recommendations.csv", "review.txt"]
        assert corpus.passages("catalogue-export.csv") == []
        assert corpus.table("catalogue-export.csv", 1)["n_rows"] == 13  # kept as data: `evimap tables` lists it
        assert len(corpus.passages("recommendations.csv")) > 8  # the prose table is a document as before
        assert corpus.count("evaluation") == 0  # nothing of the catalogue, the export or the note is searchable


def test_data_files_setting_reads_them_as_documents_or_skips_them_all(tmp_path):
    docs = make_folder(tmp_path)
    with evimap.open(tmp_path / "all.db", settings=Settings(data_files="passages")) as corpus:
        report = corpus.ingest([docs], workers=1)
        assert report.data_files == [] and report.added == 5
        assert corpus.passages("catalogue-export.csv")
    with evimap.open(tmp_path / "none.db", settings=Settings(data_files="skip")) as corpus:
        report = corpus.ingest([docs], workers=1)
        assert sorted(d.name for d in corpus.documents()) == ["recommendations.csv", "review.txt"]
        assert {d["stored"] for d in report.data_files} == {"skipped"}
    with pytest.raises(EvimapError, match="data_files must be one of tables, skip, passages"):
        Settings(data_files="all")
    with pytest.raises(EvimapError, match="include must be a list"):
        Settings.from_dict({"include": "*.pdf"})


def test_include_globs_read_only_the_matching_files(tmp_path):
    docs = make_folder(tmp_path)
    (docs / "annex").mkdir()
    (docs / "annex" / "brief.txt").write_text("Migrant workers need portable social protection.\n", encoding="utf-8")
    with evimap.open(tmp_path / "s.db") as corpus:
        corpus.ingest([docs], include=["*.txt"], workers=1)
        assert sorted(d.name for d in corpus.documents()) == ["brief.txt", "review.txt"]
    with evimap.open(tmp_path / "t.db", settings=Settings(include=["annex/*"])) as corpus:
        corpus.ingest([docs], workers=1)
        assert [d.name for d in corpus.documents()] == ["brief.txt"]


def test_cli_prints_the_summary_by_kind_after_ingest_dry_run_and_json(tmp_path):
    docs = make_folder(tmp_path)
    store = str(tmp_path / "s.db")
    dry = CliRunner().invoke(app, ["ingest", str(docs), "--dry-run", "--store", store], terminal_width=400)
    assert dry.exit_code == 0, dry.output
    assert "evaluations.json  skipped: data file (catalogue: JSON list of 1 records)" in dry.output
    assert "catalogue-export.csv  records, stored as tables only: 12 rows × 8 columns" in dry.output
    assert "3 to read, 2 skipped · 2 documents, 3 data files (1 catalogue, 1 notes, 1 records) · nothing stored" in dry.output
    run = CliRunner().invoke(app, ["ingest", str(docs), "--store", store, "-j", "1"], terminal_width=400)
    assert run.exit_code == 0, run.output
    assert ("2 documents, 3 data files: 2 skipped (README.md: notes, evaluations.json: catalogue); "
            "1 stored as tables only (catalogue-export.csv: records)") in run.output
    as_json = CliRunner().invoke(app, ["ingest", str(docs), "--store", str(tmp_path / "j.db"), "--json",
                                       "--data-files", "skip", "-j", "1"])
    data = json.loads(as_json.output)
    assert data["kinds"] == {"document": 2, "records": 1, "catalogue": 1, "notes": 1}
    assert {d["stored"] for d in data["data_files"]} == {"skipped"}


CATALOGUE = SHARED / "corpus" / "iom-evaluation-catalogue"
TABLES = SHARED / "corpus" / "tables"


@needs_shared
def test_the_iom_catalogue_files_are_data_and_the_un_desa_tables_documents():
    """Files: iom-evaluation-catalogue/{evaluations.json, evaluation-search-export-2025-11-13.csv,
    eval_repo_iom-sample.xlsx, SOURCE-iom-evaluations.txt}; tables/undesa-2019-…csv, undesa-2020-…xlsx."""
    kinds = {name: recognise_file(CATALOGUE / name).kind for name in (
        "evaluations.json", "evaluation-search-export-2025-11-13.csv", "eval_repo_iom-sample.xlsx",
        "SOURCE-iom-evaluations.txt")}
    assert kinds == {"evaluations.json": "catalogue", "evaluation-search-export-2025-11-13.csv": "records",
                     "eval_repo_iom-sample.xlsx": "records", "SOURCE-iom-evaluations.txt": "notes"}
    for name in ("undesa-2019-migrant-stock-origin-destination.csv", "undesa-2020-migrant-stock-by-sex-and-destination.xlsx"):
        assert recognise_file(TABLES / name).kind == "document"
