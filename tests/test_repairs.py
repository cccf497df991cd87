from evimap.normalise import (
    dehyphenate_lines,
    detach_footnote_markers,
    fix_encoding,
    fix_letter_spacing,
    normalise_whitespace,
    strip_page_furniture,
    strip_web_chrome,
)
from evimap.records import LINE, Block


def test_letter_spacing_is_rejoined_into_words():
    s = "R e c o m m e n d a t i o n s  f o r  s t r e n g t h e n i n g  m i g r a t i o n  d a t a"
    assert fix_letter_spacing(s) == "Recommendations for strengthening migration data"


def test_letter_spacing_with_glued_bullet():
    s = "d a t a•A c h i e v i n g  u n i v e r s a l"
    assert fix_letter_spacing(s) == "data • Achieving universal"


def test_letter_spacing_leaves_normal_text_and_short_letter_lists():
    assert fix_letter_spacing("Plan A B C was agreed") == "Plan A B C was agreed"
    assert fix_letter_spacing("A normal sentence, a b") == "A normal sentence, a b"


def test_ligatures_and_mojibake():
    assert fix_encoding("e\ufb00ective \ufb01nancing") == "effective financing"
    assert fix_encoding("migrantsâ€™ rights") == "migrants’ rights"
    assert fix_encoding("Côte d’Ivoire") == "Côte d’Ivoire"  # clean text untouched


def test_whitespace():
    assert normalise_whitespace("a\u00a0 b\t\tc\u200b d\u00ad e ") == "a b c d e"
    # pdfium's soft-hyphen marker inside a word broken at a line end
    assert normalise_whitespace("taking ac\ufffecount of the Multilat\ufffeeral Organization") == (
        "taking account of the Multilateral Organization")


def test_glued_footnote_numbers_detached_not_dropped():
    assert detach_footnote_markers("evidence-based policies.12 The meeting") == "evidence-based policies.[12] The meeting"
    assert detach_footnote_markers("the Assembly,3 In") == "the Assembly,[3] In"
    # numbers that belong to the text stay
    assert detach_footnote_markers("in 2013 there were COVID19 cases") == "in 2013 there were COVID19 cases"
    assert detach_footnote_markers("target 10.7.2 was") == "target 10.7.2 was"


def test_dehyphenation_uses_document_vocabulary():
    blocks = [Block("the flow of informa-", LINE), Block("tion is key; information matters", LINE),
              Block("a migration-", LINE), Block("related question", LINE)]
    out, joins = dehyphenate_lines(blocks)
    assert joins == 2
    assert out[0].text == "the flow of information"
    assert out[1].text == "is key; information matters"
    assert out[2].text == "a migration-related"


def test_page_furniture_removed_and_counted():
    blocks = []
    for page in range(1, 6):
        blocks += [Block("IOM Evaluation Report 2023", LINE, page), Block(["Alpha", "Beta", "Gamma", "Delta", "Epsilon"][page - 1] + " body text.", LINE, page),
                   Block(str(page), LINE, page)]
    kept, removed = strip_page_furniture(blocks)
    assert [b.text for b in kept] == [f"{w} body text." for w in ["Alpha", "Beta", "Gamma", "Delta", "Epsilon"]]
    assert removed == {"header_footer_lines": 5, "page_numbers": 5}


def test_web_chrome_in_text_dump():
    lines = ["• Skip to main navigation", "• Skip to content", "• Home", "• DATA", "Meeting title",
             "A long paragraph of real content that has many words in it and goes on for a while here.",
             "Copyright |", "Terms of Use |"]
    kept, removed = strip_web_chrome([Block(t, LINE) for t in lines])
    assert [b.text for b in kept] == lines[4:6]
    assert removed["web_chrome_lines"] == 6


def test_lines_taken_as_needing_no_repair_are_those_the_repairs_leave_unchanged():
    from evimap.normalise.repairs import _needs_repair, _repair

    lines = [
        "Migration governance", "data.12 The", "R e c o m m e n d a t i o n s", "a b c d e", "two  spaces",
        " leading", "trailing ", "tab\there", "naïve café", "e\ufb03cient", "migrantsâ€™", "soft\u00adhyphen",
        "x\u200by", "policies,4 and", "COVID19 response", "G77 and China", "(a) first item", "I a m here",
        "ctrl\x07char", "plain words only, with punctuation; and more: yes!", "", "A", "1",
    ]
    for line in lines:
        if not _needs_repair(line):
            assert _repair(line) == line, line
    assert not _needs_repair("Migration governance") and _needs_repair("a b c d e")
