from evimap.records import BLANK, HEADING, LINE, Block
from evimap.segment import SectionStack, classify_heading, segment, split_long, split_sentences


def test_heading_styles():
    assert classify_heading("III. IMPLEMENTING THE NEW YORK DECLARATION").family == "roman"
    assert classify_heading("G. Strengthen the migration evidence base").label == "G"
    assert classify_heading("2.1 Methodology").family == "arabic2"
    assert classify_heading("EXPLANATORY NOTES").family == "caps"
    # numbered paragraphs and sentences are not headings
    assert classify_heading("66. While population censuses remain the primary source.") is None
    assert classify_heading("14 March 2024") is None
    assert classify_heading("1. Human rights of all migrants, social inclusion, including") is None


def test_ninth_letter_is_not_roman_one():
    stack = SectionStack()
    stack.push(classify_heading("III. Implementing the agenda"))
    for letter in "ABCDEFGH":
        stack.push(classify_heading(f"{letter}. Topic heading"))
    h = stack.push(classify_heading("I. Following up the dialogue"))
    assert h.family == "letter" and stack.section == "III.I"
    stack.push(classify_heading("IV. Next steps"))
    assert stack.section == "IV"


def test_sentence_split_keeps_abbreviations():
    s = "Mr. Swing spoke first. The U.S. delegation, e.g. its envoy, replied. Then No. 5 was read."
    assert split_sentences(s) == ["Mr. Swing spoke first. ", "The U.S. delegation, e.g. its envoy, replied. ",
                                  "Then No. 5 was read."]


def test_split_long_is_lossless():
    text = " ".join(f"Sentence number {i} talks about migration data." for i in range(100))
    parts = split_long(text, 300)
    assert "".join(parts) == text
    assert all(len(p) <= 300 for p in parts)


def test_segment_provenance_and_spans():
    blocks = [Block("II. DATA", LINE), Block("", "blank"),
              Block("65. Censuses are the main source of data on migrants and their", LINE),
              Block("characteristics in most countries.", LINE),
              Block("(a) Improve registers;", LINE), Block("(b) Train officials.", LINE),
              Block("• A bullet point", LINE)]
    passages, sections, text = segment(blocks, "doc1")
    kinds = [(p.kind, p.label, p.section) for p in passages]
    assert kinds == [("heading", "II", "II"), ("numbered", "65", "II"), ("item", "a", "II"), ("item", "b", "II"),
                     ("bullet", None, "II")]
    for p in passages:
        assert text[p.start:p.end] == p.text
    assert passages[1].text.endswith("characteristics in most countries.")
    assert len({p.id for p in passages}) == len(passages)
    again, _, _ = segment(blocks, "doc1")
    assert [p.id for p in again] == [p.id for p in passages]  # content-hash ids are stable


def test_markdown_heading_levels_follow_numbering():
    blocks = [Block("Introduction", HEADING, level=2), Block("I. First", HEADING, level=3),
              Block("A. Sub", HEADING, level=2), Block("1. Para heading", HEADING, level=4),
              Block("B. Next", HEADING, level=2), Block("Text here.", "paragraph")]
    passages, sections, _ = segment(blocks, "d")
    assert [s.path for s in sections] == ["", "I", "I.A", "I.A.1", "I.B"]
    assert passages[-1].section == "I.B" and passages[-1].section_title == "B. Next"


def test_a_numbered_capitals_heading_that_runs_on_into_its_paragraph_becomes_the_section():
    from evimap.segment.passages import run_on_heading

    body = ("In his capacity as moderator, Ambassador Juan José Gómez Camacho, Permanent Representative of Mexico "
            "to the United Nations, opened the session and introduced the panellists.")
    page = "III. INTERNATIONAL COOPERATION AND GOVERNANCE OF MIGRATION " + body
    blocks = [Block("I. Opening of the meeting", HEADING, level=1), Block("The Chair opened the meeting.", LINE),
              Block("", BLANK), Block(page, LINE), Block("", BLANK),
              Block("Mr. Nadir of Morocco presented the new immigration policy of his country, and the regularization "
                    "of migrants that followed it in 2014 and 2016.", LINE)]
    passages, sections, _ = segment(blocks, "d" * 16)
    assert [s.title for s in sections] == ["Opening of the meeting", "INTERNATIONAL COOPERATION AND GOVERNANCE OF MIGRATION"]
    assert passages[-2].text == body and passages[-1].section_title.startswith("III. INTERNATIONAL COOPERATION")
    assert run_on_heading("I. OPENING Under-Secretary-General Mr. Wu Hongbo opened the meeting with a message from "
                          "the Secretary-General on migrants.")[0] == "I. OPENING"
    # a number, a letter or one short word ahead of ordinary prose is no heading
    assert run_on_heading("1. UNHCR has launched a Global Initiative on Protection at Sea to raise awareness of the "
                          "risks at sea for refugees.") is None
    assert run_on_heading("C. UNHCR Said that it would cooperate on the protection of migrants and refugees in "
                          "mixed movements across the region.") is None
