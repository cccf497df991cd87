"""Every bad input gets one clear line naming the file and reason; the batch goes on."""

import json
import zipfile

import pytest
from typer.testing import CliRunner

import evimap
from evimap.cli import app
from evimap.settings import Settings


def _good(tmp):
    p = tmp / "good.txt"
    p.write_text("1. Member States agreed to strengthen migration data collection.\n", encoding="utf-8")
    return p


def _encrypted_pdf(path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(0, 10, "secret")
    pdf.set_encryption(owner_password="o", user_password="u")
    pdf.output(str(path))


def _valid_pdf_bytes():
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(0, 10, "Migration data matter.")
    return bytes(pdf.output())


def _pdf_without_text(path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 50, style="F")  # a page that is only a picture, as a scan is
    pdf.output(str(path))


def _zip_bomb(path):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", b"\0" * (600 * 1024 * 1024))


CASES = {
    "empty.pdf": (lambda p: p.write_bytes(b""), "empty file"),
    "garbage.pdf": (lambda p: p.write_bytes(bytes(range(256)) * 40), "not a PDF"),
    "truncated.pdf": (lambda p: p.write_bytes(_valid_pdf_bytes()[:300]), "PDF"),
    "encrypted.pdf": (_encrypted_pdf, "encrypted PDF"),
    "scan.pdf": (_pdf_without_text, "no text layer"),
    "notazip.docx": (lambda p: p.write_text("just text", encoding="utf-8"), "not a DOCX"),
    "bomb.docx": (_zip_bomb, "zip bomb"),
    "latin1.txt": (lambda p: p.write_bytes("Migraci\xf3n y datos".encode("latin-1") + b"\x81"), "not valid text"),
    "deep.html": (lambda p: p.write_text("<html><body>" + "<div>" * 5000 + "x" + "</div>" * 5000 + "</body></html>"),
                  "nested"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_file_is_recorded_and_batch_continues(tmp_path, name):
    make, expected = CASES[name]
    bad = tmp_path / "in" / name
    bad.parent.mkdir()
    make(bad)
    _good(bad.parent)
    with evimap.open(tmp_path / "s.db") as corpus:
        report = corpus.ingest([bad.parent])
        assert report.added == 1
        assert len(report.failed) == 1
        path, reason = report.failed[0]
        assert path.endswith(name) and expected.lower() in reason.lower(), reason
        assert "\n" not in reason and "Traceback" not in reason
        assert corpus.status()["failures"][0]["reason"] == reason
        assert corpus.search("migration")


def test_file_over_size_limit(tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(b"migration " * 300_000)  # ~3 MB
    with evimap.open(tmp_path / "s.db", settings=Settings(max_file_mb=1)) as corpus:
        report = corpus.ingest([big])
    assert "over the 1 MB limit" in report.failed[0][1]


def test_million_line_text_is_ingested_losslessly(tmp_path):
    p = tmp_path / "long.txt"
    p.write_text("".join(f"Line {i} records a migration statistic.\n" for i in range(1_000_000)), encoding="utf-8")
    with evimap.open(tmp_path / "s.db") as corpus:
        report = corpus.ingest([p])
        assert report.failed == []
        doc = corpus.documents()[0]
        assert "Line 999999 records" in corpus.text(doc.id)
        assert corpus.search('"Line 999999"')


def test_cli_prints_one_line_per_failure_and_exits_nonzero(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "zero.pdf").write_bytes(b"")
    _good(tmp_path / "in")
    result = CliRunner().invoke(app, ["ingest", str(tmp_path / "in"), "--store", str(tmp_path / "s.db"), "--json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["added"] == 1 and len(data["failed"]) == 1
    result = CliRunner().invoke(app, ["ingest", str(tmp_path / "in"), "--store", str(tmp_path / "s.db"), "--quiet"])
    assert result.exit_code == 1
    lines = [l for l in result.output.splitlines() if l.strip()]
    assert len(lines) == 1 and "zero.pdf" in lines[0] and "empty file" in lines[0]


def test_cli_errors_are_one_line(tmp_path):
    notastore = tmp_path / "x.db"
    notastore.write_text("hello")
    r = CliRunner().invoke(app, ["status", "--store", str(notastore)])
    assert r.exit_code == 1 and "not an evimap store" in r.output and "Traceback" not in r.output
    r = CliRunner().invoke(app, ["status", "--store", str(tmp_path / "missing.db")])
    assert r.exit_code == 1 and "no such store" in r.output


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_read_as_text(tmp_path, encoding):
    text = "Migrants need data on their situation and on remittances.\n" * 20 + "Données et migrations.\n"
    (tmp_path / "note.txt").write_bytes(text.encode(encoding))
    corpus = evimap.open(tmp_path / "s.db")
    report = corpus.ingest([tmp_path / "note.txt"], workers=1)
    assert report.failed == [] and report.added == 1
    doc = corpus.documents()[0]
    assert "Données et migrations." in corpus.text(doc.id)
    corpus.close()


def test_broken_docx_says_which_part_is_wrong(tmp_path):
    path = tmp_path / "broken.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document xmlns:w='urn:x'><w:body><w:p></w:body>")
    corpus = evimap.open(tmp_path / "s.db")
    report = corpus.ingest([path], workers=1)
    (failed_path, reason), = report.failed
    assert reason.startswith("not a readable DOCX (word/document.xml is not well-formed XML")
    assert "lxml" not in reason and "AttributeError" not in reason
    corpus.close()


def test_a_text_too_big_in_memory_is_refused_with_its_width_and_the_setting(tmp_path):
    from evimap.errors import EvimapError, IngestError
    from evimap.ingest.pipeline import process_file
    from evimap.settings import Settings

    path = tmp_path / "emoji.txt"
    path.write_text("Migrants need data \U0001F30D. " * 60_000, encoding="utf-8")  # 1.32 M characters, 4 bytes each
    with pytest.raises(IngestError) as err:
        process_file(path, Settings(max_text_mb=4))
    assert str(err.value).startswith("text takes 5 MB in memory (4 bytes a character), over the 4 MB limit (max_text_mb)")
    assert process_file(path, Settings(max_text_mb=8)).passages
    with pytest.raises(EvimapError, match="max_text_mb must be a positive number"):
        Settings(max_text_mb=0)


def test_a_database_url_as_store_is_refused_without_creating_anything(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["ingest", str(tmp_path), "--store", "postgresql://ana:s3cret@db.example/evimap"])
    assert result.exit_code == 1
    assert "postgresql://ana:***@db.example/evimap" in result.output and "s3cret" not in result.output
    assert list(tmp_path.iterdir()) == []
