"""Scanned PDF pages are read with Tesseract: each page without a text layer but with an image is recognised,
its passages keep their page and carry the OCR confidence; born-digital pages keep their text layer; without
Tesseract a clear line names the pages left out and the rest of the document goes on."""

from __future__ import annotations

import re

import pytest

import evimap
from evimap.errors import IngestError
from evimap.ingest import ocr
from evimap.ingest.pipeline import process_file
from evimap.settings import Settings

needs_tesseract = pytest.mark.skipif(ocr.available() is not None, reason=f"{ocr.available()}")

SCANNED = ("Return migrants in the region found work within six months when reintegration assistance began "
           "before departure. Caseworkers recommended that governments share data on returnees with local "
           "authorities so that support reaches the communities where migrants settle.")
DIGITAL = "The second page has a text layer: the evaluation team met officials of three ministries in 2023."


def _text_pdf(text: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 7, text)
    return bytes(pdf.output())


def scanned_pdf(path, *, with_digital_page: bool = True, dpi: int = 200) -> None:
    """A PDF whose first page is an image of printed text (as a scanner makes), and a born-digital second page."""
    import pypdfium2 as pdfium
    from fpdf import FPDF

    src = pdfium.PdfDocument(_text_pdf(SCANNED))
    image = src[0].render(scale=dpi / 72, grayscale=True).to_pil()
    out = FPDF()
    out.add_page()
    out.image(image, x=0, y=0, w=210, h=297)
    if with_digital_page:
        out.add_page()
        out.set_font("Helvetica", size=12)
        out.multi_cell(0, 7, DIGITAL)
    out.output(str(path))


def words(text: str) -> list[str]:
    return re.findall(r"[a-z]+", text.lower())


@needs_tesseract
def test_a_scanned_page_is_recognised_and_its_passages_carry_page_and_confidence(tmp_path):
    scanned_pdf(tmp_path / "scan.pdf")
    doc = process_file(tmp_path / "scan.pdf")
    first = [p for p in doc.passages if p.page == 1]
    second = [p for p in doc.passages if p.page == 2]
    assert first and all(p.ocr is not None and 0.6 <= p.ocr <= 1.0 for p in first)
    assert second and all(p.ocr is None for p in second)  # a text layer is read as it is
    got, want = words(" ".join(p.text for p in first)), words(SCANNED)
    assert sum(w in got for w in want) / len(want) >= 0.95
    assert any("OCR" in w and "1 scanned page" in w for w in doc.warnings)
    assert doc.metadata["ocr_pages"] == 1


@needs_tesseract
def test_ocr_confidence_is_stored_and_shown_with_the_passage(tmp_path):
    scanned_pdf(tmp_path / "scan.pdf")
    with evimap.open(tmp_path / "s.db") as corpus:
        corpus.ingest([tmp_path / "scan.pdf"])
        hits = corpus.search("reintegration")
        assert hits
        p = corpus.passage(hits[0].passage_id)
        assert p["page"] == 1 and 0.6 <= p["ocr"] <= 1.0
        digital = corpus.search("ministries")
        assert corpus.passage(digital[0].passage_id)["ocr"] is None
    from fastapi.testclient import TestClient

    from evimap.web.app import create_app

    page = TestClient(create_app(str(tmp_path / "s.db"))).get(f"/passages/{hits[0].passage_id}").text
    assert "OCR" in page and f"{p['ocr']:.2f}" in page


def test_without_tesseract_the_scanned_pages_are_named_and_the_rest_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(ocr, "available", lambda: "OCR needs the tesseract program (apt-get install tesseract-ocr)")
    scanned_pdf(tmp_path / "mixed.pdf")
    doc = process_file(tmp_path / "mixed.pdf")
    assert [p.page for p in doc.passages] == [2] * len(doc.passages)
    assert any(w.startswith("1 page(s) without a text layer not read: OCR needs the tesseract program")
               for w in doc.warnings)
    scanned_pdf(tmp_path / "only-scan.pdf", with_digital_page=False)
    with pytest.raises(IngestError, match="scanned PDF.*tesseract"):
        process_file(tmp_path / "only-scan.pdf")


def test_ocr_off_leaves_scanned_pages_out_and_says_so(tmp_path):
    scanned_pdf(tmp_path / "only-scan.pdf", with_digital_page=False)
    with pytest.raises(IngestError, match="OCR is off"):
        process_file(tmp_path / "only-scan.pdf", Settings(ocr="off"))


def test_a_page_is_sent_to_ocr_only_when_its_layer_is_empty_and_it_holds_an_image():
    assert ocr.needs_ocr("", True) and ocr.needs_ocr("  12 \n", True)
    assert not ocr.needs_ocr("", False)  # a blank page stays blank
    assert not ocr.needs_ocr("A page with a real text layer and a photograph.", True)


def test_ocr_settings_are_validated():
    for bad in ({"ocr": "maybe"}, {"ocr_languages": "english, french"}, {"ocr_dpi": 20}, {"ocr_workers": -1}):
        with pytest.raises(evimap.EvimapError, match="invalid settings"):
            Settings.from_dict(bad)
    assert Settings.from_dict({"ocr_languages": "eng+fra", "ocr_dpi": 200}).ocr_languages == "eng+fra"



def _caesar(text: str, k: int = 3) -> str:
    return "".join(chr((ord(c) - 97 + k) % 26 + 97) if "a" <= c <= "z" else c for c in text)


GARBLE_SOURCE = (SCANNED + " ") * 2


def garbled_layer_pdf(path) -> None:
    """A scanned page with an invisible text layer of nonsense, as a broken font encoding or a poor scanner OCR
    leaves it, and a second page with a good text layer."""
    import pypdfium2 as pdfium
    from fpdf import FPDF

    src = pdfium.PdfDocument(_text_pdf(SCANNED))
    image = src[0].render(scale=200 / 72, grayscale=True).to_pil()
    out = FPDF()
    out.add_page()
    out.image(image, x=0, y=0, w=210, h=297)
    out.set_font("Helvetica", size=12)
    out.text_mode = "INVISIBLE"
    out.set_xy(10, 10)
    out.multi_cell(0, 7, _caesar(GARBLE_SOURCE.lower()))
    out.text_mode = "FILL"
    out.add_page()
    out.multi_cell(0, 7, DIGITAL)
    out.output(str(path))


def test_a_garbled_text_layer_is_told_from_text_in_any_language():
    assert ocr.garbled(_caesar(GARBLE_SOURCE.lower())) is not None
    assert ocr.garbled(GARBLE_SOURCE) is None
    french = ("Les travailleurs migrants envoient des fonds à leurs familles restées au pays et le programme de "
              "retour volontaire accompagne leur réintégration économique et sociale dans les communautés d'origine. "
              "Les autorités locales partagent les données sur les migrants de retour avec les partenaires.")
    assert ocr.garbled(french) is None
    german = ("Die Bundesregierung unterstützt die Rückkehrer bei der wirtschaftlichen Wiedereingliederung und "
              "fördert die Zusammenarbeit mit den Kommunen, damit die Hilfe dort ankommt, wo sich die Menschen "
              "niederlassen. Arbeitsmigranten überweisen regelmäßig Geld an ihre Familien in der Heimat.")
    assert ocr.garbled(german) is None  # not in the vocabulary, but confidently German
    assert ocr.garbled("too short to judge") is None


@needs_tesseract
def test_a_page_with_a_garbled_text_layer_is_read_again_by_ocr(tmp_path):
    garbled_layer_pdf(tmp_path / "garbled.pdf")
    doc = process_file(tmp_path / "garbled.pdf")
    first = " ".join(p.text for p in doc.passages if p.page == 1)
    assert "reintegration" in first.lower() and "uhlqwhjudwlrq" not in first.lower()
    assert all(p.ocr for p in doc.passages if p.page == 1)
    assert DIGITAL[:40] in " ".join(p.text for p in doc.passages if p.page == 2)
    assert any("garbled text layer" in w for w in doc.warnings)


def test_without_tesseract_a_garbled_layer_is_kept_and_named(tmp_path, monkeypatch):
    garbled_layer_pdf(tmp_path / "garbled.pdf")
    monkeypatch.setattr(ocr, "available", lambda: "OCR needs the tesseract program (apt-get install tesseract-ocr)")
    doc = process_file(tmp_path / "garbled.pdf")
    line = next(w for w in doc.warnings if "garbled" in w)
    assert "page 1 " in line and "kept as it is" in line and "tesseract" in line
    assert any(p.page == 2 for p in doc.passages)


@needs_tesseract
def test_an_interrupted_ocr_resumes_from_the_pages_it_kept(tmp_path, monkeypatch):
    scanned_pdf(tmp_path / "scan.pdf", with_digital_page=False)
    settings = Settings(ocr_cache=str(tmp_path / "cache"))
    first = process_file(tmp_path / "scan.pdf", settings)
    assert list((tmp_path / "cache").glob("*.json"))

    def no_tesseract(*args, **kwargs):
        raise AssertionError("a kept page was recognised again")

    monkeypatch.setattr(ocr, "recognise", no_tesseract)
    again = process_file(tmp_path / "scan.pdf", settings)
    assert [p.text for p in again.passages] == [p.text for p in first.passages]
    assert [p.ocr for p in again.passages] == [p.ocr for p in first.passages]
