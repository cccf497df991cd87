"""Patterns that run on document text keep their meaning after being made linear in line length.

The speed itself is measured in benchmarks/faults.py and benchmarks/regex_audit.py; these tests
pin what the rewritten patterns still do on ordinary and pathological lines.
"""

import re

from evimap.frameworks import load
from evimap.ingest.text import read_text, strip_inline_markup
from evimap.normalise.layout import dehyphenate_lines
from evimap.records import HEADING, LINE, Block


def _md(tmp_path, text):
    path = tmp_path / "doc.md"
    path.write_text(text, encoding="utf-8")
    return read_text(path, path.read_bytes(), ["utf-8"], markdown=True)


def test_markdown_heading_loses_its_closing_hashes_only(tmp_path):
    doc = _md(tmp_path, "## Data on migrants ##\n\n### C# and F# ###\n\n# Title with trailing spaces   \n")
    assert [b.text for b in doc.blocks if b.kind == HEADING] == ["Data on migrants", "C# and F#", "Title with trailing spaces"]


def test_links_tags_and_emphasis_are_stripped_but_runs_of_openers_stay_text():
    assert strip_inline_markup("See [the report](https://x.org/a_(b)) and <b>this</b> **bold** text") == (
        "See the report and this bold text")
    run = "[" * 50 + "x" + "]" * 49
    assert strip_inline_markup(run) == run
    assert strip_inline_markup("a **b** and __c__ d") == "a b and c d"


def test_hyphen_at_line_end_still_joins_after_a_long_word_run():
    blocks = [Block("x" * 5000 + " informa-", LINE, page=1), Block("tion is scarce", LINE, page=1),
              Block("Good information helps.", LINE, page=1)]
    out, joins = dehyphenate_lines(blocks)
    assert joins == 1 and out[0].text.endswith("information")


def test_pathological_lines_ingest_as_text(tmp_path):
    for text in ("**a " * 2000, "[a](" * 2000, "<b" * 2000, "# a" + "#" * 3000 + "b", "abcdefghij" * 1000):
        doc = _md(tmp_path, text + "\n")
        assert doc.blocks, text[:10]


def test_sdg_titles_carry_no_footnote_digits():
    sdg = load("sdg")
    titles = {c.code: c.title for c in sdg.categories}
    assert titles["13"] == "Take urgent action to combat climate change and its impacts"
    assert not [code for code, title in titles.items() if re.search(r"[a-z]\d{1,2}$", title)]


def test_a_long_line_is_repaired_piece_by_piece_with_the_same_result(monkeypatch):
    import random

    from evimap.normalise import repairs

    rng = random.Random(7)
    words = ["data", "census", "R e c o m m", "migrants.12", "The", "ï¬nance", "â€™s", "  ", "\t", "policies,4",
             "a", "(b)", "Straße", "development3", "•", "word\u00ad", "xx"]
    texts = [" ".join(rng.choice(words) for _ in range(3000)) for _ in range(20)]
    whole = [repairs.repair_text(t) for t in texts]
    monkeypatch.setattr(repairs, "LONG_LINE", 500)
    monkeypatch.setattr(repairs, "_CHUNK", 700)
    assert repairs._pieces(texts[0], 700)[1:]  # really cut into pieces
    assert [repairs.repair_text(t) for t in texts] == whole


def test_a_huge_sentence_is_cut_into_passages_that_concatenate_back():
    from evimap.segment.passages import split_long

    text = "migrants data census " * 20000 + "End. Next sentence here."
    parts = split_long(text, 1500)
    assert "".join(parts) == text
    assert max(map(len, parts)) <= 1500 and len(parts) > 250


def test_web_chrome_check_counts_words_without_splitting_the_line():
    from evimap.normalise.layout import _has_words

    assert _has_words("one two three", 3) and not _has_words("one two", 3)
    assert _has_words("word " * 1_000_000, 15)


def test_brackets_nested_thousands_deep_are_text_not_a_catalogue(tmp_path):
    import evimap

    for name, text in (("brackets.md", "[" * 5000 + "x" + "]" * 4999 + "\n"), ("arrays.txt", "[" * 5000 + "\n")):
        (tmp_path / name).write_text(text, encoding="utf-8")
    corpus = evimap.open(tmp_path / "s.db")
    report = corpus.ingest([tmp_path / "brackets.md", tmp_path / "arrays.txt"], workers=1)
    assert report.failed == [] and report.added == 2
    corpus.close()


def test_a_file_of_bare_headings_is_packed_into_few_passages_keeping_every_word(tmp_path):
    from evimap.ingest.pipeline import process_file

    path = tmp_path / "headings.md"
    path.write_text("".join(f"# Heading {i}\n" for i in range(25_000)), encoding="utf-8")
    doc = process_file(path)
    assert len(doc.passages) < 300
    assert all(len(p.text) <= 1500 for p in doc.passages)
    assert not doc.sections
    words = " ".join(p.text for p in doc.passages).split()
    assert words == [w for i in range(25_000) for w in ("Heading", str(i))]


def test_an_ordinary_document_keeps_its_headings_and_paragraphs(tmp_path):
    from evimap.ingest.pipeline import process_file

    path = tmp_path / "report.md"
    path.write_text("".join(f"# Part {i}\n\nThe findings of part {i} are set out here.\n\n" for i in range(300)),
                    encoding="utf-8")
    doc = process_file(path)
    assert len(doc.passages) == 600
    assert len(doc.sections) == 300


def test_near_duplicate_fingerprints_do_not_depend_on_where_the_text_is_read_in_stretches(monkeypatch):
    from evimap.enrich import duplicates

    text = " ".join(
        f"Paragraph {i}: ΟΔΟΣ İstanbul naïve café — the Member States reaffirmed commitment {i % 7}." for i in range(400)
    ) + " " + "<b" * 3000
    whole = duplicates.fingerprints(text)
    assert len(whole) > 8 * 50
    for stretch in (7, 64, 1000):
        monkeypatch.setattr(duplicates, "_STRETCH", stretch)
        assert duplicates.fingerprints(text) == whole
