"""PDF text keeps the words apart that the PDF sets apart by position rather than by space characters."""

from pathlib import Path

import pytest

from conftest import IOM, needs_shared
from evimap.ingest.pdf import read_pdf
from evimap.normalise.layout import normalise_blocks

SENTENCE = "This system was perceived as relevant, and sustained"


def _pdf_with_content(*streams: bytes) -> bytes:
    """A PDF whose pages draw the given content streams in Helvetica (/F1), written by hand so the
    text can be set with TJ arrays: words moved apart by a number, as word processors write them."""
    n_pages = len(streams)
    kids = b" ".join(b"%d 0 R" % (3 + 2 * i) for i in range(n_pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, n_pages)]
    font = 3 + 2 * n_pages
    for i, stream in enumerate(streams):
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                       b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>" % (font, 4 + 2 * i))
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _line(y: int, words: str, gap: int, size: int = 11) -> bytes:
    """One line of words with no space characters, each moved `gap` thousandths of an em from the last."""
    spans = f" -{gap} ".join(f"({word})" for word in words.split())
    return f"BT /F1 {size} Tf 72 {y} Td [{spans}] TJ ET\n".encode()


def _lines(pdf: bytes) -> list[tuple[str, int]]:
    doc = read_pdf(Path("t.pdf"), pdf)
    return [(b.text, b.page) for b in doc.blocks if b.text]


def test_words_moved_apart_without_a_space_character_are_separated():
    # 0.12 em between words is narrower than a space but far wider than kerning: pdfium glues them
    pdf = _pdf_with_content(_line(700, SENTENCE, gap=120))
    assert _lines(pdf) == [(SENTENCE, 1)]


def test_kerning_and_tight_pairs_do_not_split_a_word():
    # Kerning moves letters by a few hundredths of an em, either way.
    stream = b"BT /F1 11 Tf 72 700 Td [(Mi) -40 (gra) 30 (tion) -250 (data)] TJ ET\n"
    assert _lines(_pdf_with_content(stream)) == [("Migration data", 1)]


def test_words_placed_one_by_one_are_separated(tmp_path):
    """fpdf2 writes each word as its own text object at an x position, with no space between them."""
    from fpdf import FPDF

    pdf = FPDF(unit="pt")
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    x = 72.0
    for word in SENTENCE.split():
        pdf.text(x, 100, word)
        x += pdf.get_string_width(word) + 0.12 * 11
    assert _lines(bytes(pdf.output())) == [(SENTENCE, 1)]


def test_each_line_keeps_its_page():
    pdf = _pdf_with_content(_line(700, "Migration data matter", gap=120),
                            _line(700, "Census rounds and surveys", gap=120) + _line(680, "were compared", gap=120))
    assert _lines(pdf) == [("Migration data matter", 1), ("Census rounds and surveys", 2), ("were compared", 2)]


def test_a_word_hyphenated_at_a_line_end_is_joined_again():
    # pdfium joins the two lines itself, marking the hyphen with U+FFFE, which the repairs drop
    pdf = _pdf_with_content(_line(700, "Member States collect informa-", gap=120) + _line(680, "tion on migrants", gap=120)
                            + _line(660, "and information on remittances", gap=120))
    blocks, _ = normalise_blocks(read_pdf(Path("t.pdf"), pdf).blocks, paged=True)
    assert [b.text for b in blocks if b.text] == ["Member States collect information on migrants",
                                                  "and information on remittances"]


def test_a_cover_title_set_without_space_characters_reads_as_words():
    cover = _line(700, "Evaluation of Accountability to Affected Populations", gap=120, size=24) + _line(
        600, "A report on how the organization listens to the people it serves, with findings on each of its "
             "regional offices and recommendations", gap=250)
    doc = read_pdf(Path("t.pdf"), _pdf_with_content(cover))
    assert doc.title == "Evaluation of Accountability to Affected Populations"


IOM_GLUED = [
    ("aap-evaluation-report.pdf", "Thissystem", "This system was perceived as offering"),
    ("aap-evaluation-report.pdf", "isrelevant", "The IOM AAP Framework is relevant to the mission"),
    ("meta-evaluation-2020-2024-report.pdf", "Thisrequires", "This requires"),
]


@needs_shared
@pytest.mark.parametrize("name, glued, words", IOM_GLUED)
def test_iom_words_glued_by_the_text_layer_are_separated(name, glued, words):
    path = IOM / name
    if not path.exists():
        pytest.skip(f"{name} is not in ../shared")
    blocks, _ = normalise_blocks(read_pdf(path, path.read_bytes()).blocks, paged=True)
    text = " ".join(b.text for b in blocks)
    assert glued not in text
    assert words in text
