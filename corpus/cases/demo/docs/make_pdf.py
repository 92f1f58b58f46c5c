"""Regenerate the demo report ``kosovo-report-2024-demo.pdf`` next to this script.

    uv run python corpus/cases/demo/docs/make_pdf.py

A six-page report written for the claimcheck demo in the project's own words,
laid out like a European Commission country report: a cover, a running header
and a page-number footer on every page, numbered sections, a superscript
footnote and a small annex table.  The cover says that it is a demonstration
copy and not the Commission's text.  The Banjska passages sit on page 5 and
nowhere else, so the report's deep links point at ``#page=5``.

The output is byte-stable (fixed creation date and metadata).  fpdf2 is a
development dependency only, which is why the generated PDF is committed too.
The script checks the layout it promises (page count, what is on page 5) so
that an edit which reflows the text fails here rather than in a test.
"""
from __future__ import annotations

import hashlib
import sys
from datetime import datetime, timezone
from pathlib import Path

from fpdf import FPDF

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "kosovo-report-2024-demo.pdf"
CREATED = datetime(2024, 10, 30, 9, 0, 0, tzinfo=timezone.utc)
HEADER = "Kosovo* 2024 Report - claimcheck demonstration copy"
BANJSKA_PAGE = 5

BODY_PT = 10.5
LINE_H = 5.4
PARA_GAP = 2.2

# One list of blocks per page: ("h1" | "h2" | "p" | "fnp" | "table" | "cover", payload).
# "fnp" is a paragraph with a superscript footnote marker: (before, marker, after, note).
PAGES: list[list[tuple[str, object]]] = [
    # ---- page 1: cover
    [("cover", None)],
    # ---- page 2
    [
        ("h1", "1. INTRODUCTION"),
        ("h2", "1.1. Purpose of this report"),
        ("p", "This report looks at the reforms Kosovo carried out between June 2023 and June 2024 "
              "and at the obstacles that remain on its path towards the European Union. It uses the "
              "same order as the reports on the other enlargement partners: the rule of law and "
              "democratic institutions first, then the economy, then relations with neighbours."),
        ("fnp", ("The contractual basis of relations is the Stabilisation and Association Agreement, "
                 "which entered into force in April 2016",
                 "1",
                 ". Its joint bodies met as planned during the period covered here, and the "
                 "government kept the European Reform Agenda as the frame for its priorities.",
                 "1 Signed in Strasbourg in October 2015. The agendas of the joint bodies are published "
                 "by the Ministry of European Integration.")),
        ("h2", "1.2. Main findings"),
        ("p", "Political life stayed polarised. The Assembly often lacked a quorum, and several laws "
              "were adopted months later than planned. Preparation in the judiciary and in public "
              "administration is at an early to moderate level, with limited progress over the year."),
        ("p", "The economy kept growing, driven by household spending and money sent home by the "
              "diaspora. Informal work and an unreliable electricity supply still hold back private "
              "investment, and the labour market leaves out too many women and young people."),
    ],
    # ---- page 3
    [
        ("h1", "2. THE RULE OF LAW AND DEMOCRATIC INSTITUTIONS"),
        ("h2", "2.1. Judiciary"),
        ("p", "Kosovo's judicial system is at an early stage to some level of preparation. A new case "
              "management system now runs in every court and the backlog shrank a little, yet "
              "proceedings remain long. Public comments by senior officials on pending cases should "
              "stop, as they put pressure on judges and prosecutors."),
        ("h2", "2.2. Fight against corruption and organised crime"),
        ("p", "Corruption remains widespread. The anti-corruption agency gained the power to check "
              "asset declarations but has too few staff to use it. Indictments in high-level cases "
              "became more frequent, while final convictions remained rare and confiscated assets "
              "small."),
        ("p", "Cooperation with EU agencies on organised crime improved and joint operations led to "
              "seizures of drugs and firearms. Financial investigations are still not opened as a "
              "matter of routine alongside criminal ones."),
        ("h2", "2.3. Fundamental rights"),
        ("p", "The legal framework for fundamental rights is broadly in place, but its application is "
              "uneven. Independent institutions need stable budgets, and the recommendations of the "
              "Ombudsperson are followed up only in part."),
    ],
    # ---- page 4
    [
        ("h1", "3. ECONOMIC DEVELOPMENT"),
        ("h2", "3.1. A functioning market economy"),
        ("p", "Kosovo has some level of preparation in building a functioning market economy. Growth "
              "held up well and inflation came down from its peak of the previous year. Public debt "
              "stayed low and fiscal policy remained prudent."),
        ("p", "The large informal economy weakens tax collection and distorts competition. Small "
              "firms find it hard to borrow because of strict collateral rules and slow courts."),
        ("h2", "3.2. Capacity to cope with competitive pressure"),
        ("p", "Education outcomes are weak and skills do not match what employers need. Investment in "
              "roads and digital networks continued, while the energy system still depends on two "
              "ageing lignite plants and the shift to renewable sources has only begun."),
    ],
    # ---- page 5: the Banjska passages (and only here)
    [
        ("h1", "4. GOOD NEIGHBOURLY RELATIONS"),
        ("h2", "4.1. Regional cooperation"),
        ("p", "Kosovo takes part in most regional initiatives, including the Berlin Process and the "
              "Common Regional Market, although disputes over its designation still limit its "
              "participation in some of them."),
        ("h2", "4.2. Normalisation of relations with Serbia"),
        ("p", "Relations between Kosovo and Serbia stayed tense throughout the reporting period. The "
              "armed attack of 24 September 2023 in Banjska/Banjsk\u00eb, in the north of Kosovo, in "
              "which a Kosovo Police sergeant was killed, was the most serious escalation in recent "
              "years."),
        ("p", "Serbia has not taken sufficient steps to ensure accountability for the attack, and this "
              "keeps weighing on the normalisation process. The Commission urges Serbia to cooperate "
              "fully in bringing those responsible to justice."),
        ("p", "Both parties should implement all their obligations under the Agreement on the path to "
              "normalisation and its Implementation Annex, without delay and without preconditions. "
              "Unilateral steps in the north raised tensions, and both sides should engage "
              "constructively in the EU-facilitated Dialogue."),
    ],
    # ---- page 6
    [
        ("h1", "ANNEX - ASSESSMENT SCALE"),
        ("p", "Each area is rated on a five-level scale of preparation and on a five-level scale of "
              "progress made during the reporting period."),
        ("table", [
            ("Preparation", "Progress"),
            ("Early stage", "Backsliding"),
            ("Some level of preparation", "No progress"),
            ("Moderately prepared", "Limited progress"),
            ("Good level of preparation", "Some progress"),
            ("Well advanced", "Good progress"),
        ]),
    ],
]


class ReportPDF(FPDF):
    def header(self) -> None:
        self.set_font("Helvetica", "", 8.5)
        self.set_text_color(60, 60, 60)
        self.set_y(10)
        self.cell(0, 5, HEADER, align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, "EN", align="R")
        self.set_draw_color(150, 150, 150)
        self.line(self.l_margin, 16, self.w - self.r_margin, 16)
        self.set_text_color(0, 0, 0)
        self.set_y(24)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", "", 8.5)
        self.set_text_color(60, 60, 60)
        self.cell(0, 5, str(self.page_no()), align="C")
        self.set_text_color(0, 0, 0)


def _footnote_area(pdf: ReportPDF, notes: list[str]) -> None:
    """Print footnotes at the bottom of the current page, above the footer."""
    if not notes:
        return
    pdf.set_font("Helvetica", "", 8)
    height = sum(4 * (1 + len(n) // 110) for n in notes) + 4
    y = pdf.h - 22 - height
    pdf.line(pdf.l_margin, y, pdf.l_margin + 50, y)
    pdf.set_y(y + 2)
    for n in notes:
        pdf.multi_cell(0, 4, n)


def _cover(pdf: ReportPDF) -> None:
    pdf.set_font("Helvetica", "B", 12)
    pdf.cell(0, 7, "EUROPEAN COMMISSION", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("Helvetica", "", 10.5)
    pdf.cell(0, 6, "Brussels, 30.10.2024", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(30)
    pdf.set_font("Helvetica", "B", 13)
    pdf.cell(0, 8, "COMMISSION STAFF WORKING DOCUMENT", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 9, "Kosovo* 2024 Report", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    pdf.set_font("Helvetica", "I", 10.5)
    pdf.multi_cell(0, 5.5, "Demonstration copy written for claimcheck. The layout follows the "
                   "Commission's country reports; the text is claimcheck's own summary of facts "
                   "reported about Kosovo in 2023-2024 and is not the Commission's wording.",
                   align="C")
    _footnote_area(pdf, ["* This designation is without prejudice to positions on status, and is in "
                         "line with UNSCR 1244/1999 and the ICJ Opinion on the Kosovo declaration of "
                         "independence."])


def build() -> bytes:
    pdf = ReportPDF(format="A4", unit="mm")
    pdf.set_margins(22, 24, 22)
    pdf.set_auto_page_break(True, margin=22)
    pdf.set_creation_date(CREATED)
    pdf.set_title("Kosovo* 2024 Report (claimcheck demonstration copy)")
    pdf.set_author("claimcheck demo (layout modelled on a European Commission report)")
    pdf.set_subject("Commission Staff Working Document - demonstration copy")
    pdf.set_creator("corpus/cases/demo/docs/make_pdf.py")
    pdf.set_lang("en")

    for number, blocks in enumerate(PAGES, start=1):
        pdf.add_page()
        notes: list[str] = []
        for kind, payload in blocks:
            if kind == "cover":
                _cover(pdf)
            elif kind == "h1":
                pdf.ln(2)
                pdf.set_font("Helvetica", "B", 12)
                pdf.multi_cell(0, 7, str(payload), new_x="LMARGIN", new_y="NEXT")
                pdf.ln(1.5)
            elif kind == "h2":
                pdf.ln(1)
                pdf.set_font("Helvetica", "B", 11)
                pdf.multi_cell(0, 6.5, str(payload), new_x="LMARGIN", new_y="NEXT")
                pdf.ln(1)
            elif kind == "p":
                pdf.set_font("Helvetica", "", BODY_PT)
                pdf.multi_cell(0, LINE_H, str(payload), align="J", new_x="LMARGIN", new_y="NEXT")
                pdf.ln(PARA_GAP)
            elif kind == "fnp":
                before, marker, after, note = payload  # type: ignore[misc]
                pdf.set_font("Helvetica", "", BODY_PT)
                pdf.write(LINE_H, before)
                pdf.char_vpos = "SUP"
                pdf.write(LINE_H, marker)
                pdf.char_vpos = "LINE"
                pdf.write(LINE_H, after)
                pdf.ln(LINE_H + PARA_GAP)
                notes.append(note)
            elif kind == "table":
                pdf.set_font("Helvetica", "", 10)
                with pdf.table(col_widths=(80, 80), width=160, line_height=6,
                               first_row_as_headings=True) as table:
                    for row in payload:  # type: ignore[union-attr]
                        r = table.row()
                        for cell in row:
                            r.cell(cell)
            else:
                raise ValueError(kind)
        if pdf.page_no() != number:
            sys.exit(f"page {number} overflowed onto page {pdf.page_no()}: shorten its text")
        _footnote_area(pdf, notes)
        if pdf.page_no() != number:
            sys.exit(f"footnotes of page {number} overflowed")
    return bytes(pdf.output())


def main() -> None:
    data = build()
    for i, blocks in enumerate(PAGES, start=1):
        assert ("Banjsk" in repr(blocks)) == (i == BANJSKA_PAGE), f"Banjska text on page {i}"
    OUTPUT.write_bytes(data)
    print(f"{OUTPUT.name}  {len(PAGES)} pages  {len(data)} bytes  sha256 {hashlib.sha256(data).hexdigest()}")


if __name__ == "__main__":
    main()
