"""Generate the bundled example corpus in examples/ (our own text, several formats).

Run: python scripts/make_examples.py   (needs fpdf2 for the PDF: pip install -e ".[examples]")
The generated files are committed so the README's first command needs nothing extra.
"""

from __future__ import annotations

from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "examples"

REVIEW_PARAGRAPHS = [
    ("I. CONTEXT", [
        "1. Since the adoption of the Global Compact for Safe, Orderly and Regular Migration, the Ministry of "
        "Labour and Social Protection of the fictional Republic of Veloria has reviewed how migration data are "
        "produced across government. This review covers the period 2019-2023.",
        "2. Veloria is a country of origin, transit and destination. Around 410,000 nationals live abroad and "
        "remittances represented 6.2 per cent of gross domestic product in 2022.",
    ]),
    ("II. PROGRESS ON OBJECTIVE 1: DATA", [
        "3. The national statistical office added questions on country of birth, citizenship and year of "
        "arrival to the 2020 round census. Results are disaggregated by age, sex and migratory status, which "
        "allows SDG indicators to be reported for migrants and non-migrants separately.",
        "4. Administrative records from the border agency and the visa registry are now linked to produce "
        "quarterly statistics on entries and exits, while upholding the right to privacy and the protection "
        "of personal data.",
        "5. Gaps remain: data on return and reintegration are fragmented between agencies, and no longitudinal "
        "survey follows migrants over time.",
    ]),
    ("III. FAIR RECRUITMENT AND REMITTANCES", [
        "6. A ceiling on recruitment fees paid by workers was introduced in 2021, and licensed agencies are "
        "inspected twice a year. Recruitment costs remain high for low-skilled workers going to the Gulf.",
        "7. The central bank reports that the average cost of sending 200 US dollars fell from 7.1 to 5.4 per "
        "cent between 2019 and 2023, partly thanks to mobile money transfers.",
    ]),
]


def make_pdf(path: Path) -> None:
    from fpdf import FPDF

    class Review(FPDF):
        def header(self) -> None:
            self.set_font("Helvetica", "I", 8)
            self.cell(0, 8, "Voluntary GCM Review - Republic of Veloria (example document)", align="C")
            self.ln(10)

        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("Helvetica", "", 8)
            self.cell(0, 8, str(self.page_no()), align="C")

    pdf = Review(format="A4")
    pdf.set_title("Voluntary National Review of the Global Compact for Migration: Republic of Veloria")
    pdf.set_author("evimap example corpus")
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 15)
    pdf.multi_cell(0, 8, "Voluntary National Review of the Global Compact for Migration: Republic of Veloria", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for heading, paragraphs in REVIEW_PARAGRAPHS:
        pdf.set_font("Helvetica", "B", 11)
        pdf.multi_cell(0, 7, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
        pdf.set_font("Helvetica", "", 10)
        for para in paragraphs:
            pdf.multi_cell(0, 5.5, para, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
        pdf.add_page()
    pdf.set_font("Helvetica", "B", 11)
    pdf.multi_cell(0, 7, "IV. RECOMMENDATIONS", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    for item in [
        "(a) Establish a national migration data working group chaired by the statistical office;",
        "(b) Provide dedicated training for officials who handle migration records;",
        "(c) Fund a longitudinal survey of returning migrants and their reintegration.",
    ]:
        pdf.multi_cell(0, 5.5, item, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    pdf.output(str(path))


HTML = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Regional consultation calls for better migration data | Example News Service</title>
<meta name="date" content="2024-03-14">
</head><body>
<a href="#main">Skip to content</a>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/data">Data</a></li>
<li><a href="/events">Events</a></li><li><a href="/about">About us</a></li></ul></nav>
<main id="main"><article>
<h1>Regional consultation calls for better migration data</h1>
<p class="date">14 March 2024</p>
<p>Delegations from eleven countries met in the fictional city of Portamar on 12-13 March 2024 for the
second regional consultation on the implementation of the Global Compact for Migration. The meeting was
opened by the chair of the regional migration dialogue, who recalled that policies built on weak evidence
fail migrants and communities alike.</p>
<h2>Data and evidence</h2>
<p>Participants agreed that national statistical offices need more resources to disaggregate data by
migratory status, and that administrative data from labour ministries remain underused. Several delegations
proposed a regional observatory to pool survey results and share methods.</p>
<p>Civil society representatives stressed that data collection must protect privacy: personal records
collected for service delivery should never be shared with immigration enforcement.</p>
<h2>Recruitment and decent work</h2>
<p>Trade unions called for the elimination of recruitment fees charged to workers and for joint inspections
of recruitment agencies in countries of origin and destination.</p>
<ul><li>Adopt a regional standard on fair recruitment by 2026.</li>
<li>Publish recruitment cost surveys every two years.</li></ul>
</article></main>
<footer><p>Copyright 2024 Example News Service</p><ul><li>Terms of use</li><li>Privacy notice</li>
<li>Contact us</li></ul></footer>
</body></html>
"""

TEXT = """SUMMARY OF THE THEMATIC SESSION ON DRIVERS OF MIGRATION (EXAMPLE)

Co-chairs' summary

The session heard from Member States, United Nations entities and civil society on the structural
factors that compel people to leave their countries of origin, including climate change, conflict and
the lack of decent work.

Concrete recommendations included:

(a) Invest in research on how slow-onset environmental change shapes mobility decisions;
(b) Integrate migration into national adaptation plans and disaster risk reduction strategies;
(c) Improve the collection of longitudinal data to follow migration trajectories over time.

Several speakers noted that evidence on the drivers of migration is scattered across disciplines, and
asked for multidisciplinary analysis that combines household surveys, remote sensing and qualitative
interviews with migrants.
"""


def make_docx(path: Path) -> None:
    import docx

    d = docx.Document()
    d.core_properties.title = "Statement by the Migrant Workers Network at the regional review"
    d.core_properties.author = "evimap example corpus"
    d.add_heading("Statement by the Migrant Workers Network", level=1)
    d.add_paragraph(
        "Thank you, Chair. The Migrant Workers Network speaks on behalf of forty organisations of migrant "
        "workers and their families across the region."
    )
    d.add_heading("1. Protecting workers in recruitment", level=2)
    d.add_paragraph(
        "Workers continue to pay recruitment fees that equal several months of wages. We call on governments "
        "to enforce the employer-pays principle and to publish the results of inspections."
    )
    d.add_paragraph("End all recruitment fees charged to workers.", style="List Bullet")
    d.add_paragraph("Give workers access to complaint mechanisms in their own language.", style="List Bullet")
    d.add_heading("2. Data that counts migrant workers", level=2)
    d.add_paragraph(
        "Labour force surveys rarely identify migrant workers, so their wages and working conditions stay "
        "invisible. We ask national statistical offices to add migration questions to these surveys."
    )
    table = d.add_table(rows=3, cols=3)
    for r, row in enumerate([["Corridor", "Average fee (USD)", "Months of wages"],
                             ["Veloria to Gulf states", "1,850", "4.5"],
                             ["Veloria to Southern Europe", "900", "1.2"]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    d.save(str(path))


CSV = """country,year,emigrants_thousands,remittances_usd_millions
Veloria,2019,385,2140
Veloria,2021,398,2310
Veloria,2023,410,2505
"""


def main() -> None:
    OUT.mkdir(exist_ok=True)
    make_pdf(OUT / "veloria-gcm-review.pdf")
    (OUT / "regional-consultation-news.html").write_text(HTML, encoding="utf-8")
    make_docx(OUT / "migrant-workers-statement.docx")
    (OUT / "thematic-session-drivers.txt").write_text(TEXT, encoding="utf-8")
    (OUT / "veloria-migration-figures.csv").write_text(CSV, encoding="utf-8")
    print(f"wrote {len(list(OUT.iterdir()))} files to {OUT}")


if __name__ == "__main__":
    main()
