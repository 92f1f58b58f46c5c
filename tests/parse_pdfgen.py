"""PDFs the parse tests write themselves (fpdf2), with known layout.

Every text here was written for these tests.  Lines are placed at exact
positions (``FPDF.text``) so that headers, footers, columns, indents and
hyphenation are where the tests expect them.
"""
from __future__ import annotations

import io

from fpdf import FPDF

PAGE_W, PAGE_H = 595.0, 842.0  # A4 in points
HEADER = "Kosovo Security Review 2024 - Internal Draft"
BODY_SIZE = 11
PITCH = 14.0

# Sentences for filler paragraphs (project-written).
FILLER = (
    "The mission recorded the movements of armed groups along the northern boundary during the autumn. "
    "Local officials described the situation to the monitors in several meetings held in the municipality. "
    "Patrols reported that the roads near the lake were closed for most of the week after the incident. "
    "The monitors asked both sides to keep the channels of communication open and to avoid new tension. "
)


def _wrap(pdf: FPDF, text: str, width: float) -> list[str]:
    lines, cur = [], ""
    for word in text.split():
        trial = f"{cur} {word}".strip()
        if cur and pdf.get_string_width(trial) > width:
            lines.append(cur)
            cur = word
        else:
            cur = trial
    if cur:
        lines.append(cur)
    return lines


class Writer:
    """Places paragraphs line by line inside one column."""

    def __init__(self, pdf: FPDF, x0: float, width: float, y: float):
        self.pdf, self.x0, self.width, self.y = pdf, x0, width, y

    def para(self, text: str, *, size: float = BODY_SIZE, indent: float = 18.0, style: str = "", lines: list[str] | None = None) -> None:
        pdf = self.pdf
        pdf.set_font("Helvetica", style, size)
        pitch = size * 1.27
        if lines is None:
            first = _wrap(pdf, text, self.width - indent)
            # wrap the first line narrower (indent), then the rest full width
            lines = first[:1] + (_wrap(pdf, " ".join(first[1:]), self.width) if len(first) > 1 else [])
        for i, ln in enumerate(lines):
            pdf.text(self.x0 + (indent if i == 0 else 0), self.y, ln)
            self.y += pitch
        self.y += pitch * 0.6  # paragraph spacing

    def heading(self, text: str, size: float = 15) -> None:
        self.pdf.set_font("Helvetica", "B", size)
        self.y += 6
        self.pdf.text(self.x0, self.y, text)
        self.y += size * 1.6


def _new_page(pdf: FPDF, number: int, total: int) -> None:
    pdf.add_page()
    pdf.set_font("Helvetica", "", 9)
    pdf.text(72, 40, HEADER)
    pdf.text(PAGE_W - 72 - pdf.get_string_width(f"Page {number} of {total}"), PAGE_H - 30, f"Page {number} of {total}")


def report_pdf(pages: int = 8) -> bytes:
    """A one-column report: running header and footer on every page, a
    heading, indented paragraphs; a word hyphenated across a line end on
    page 2; a footnote on page 3; a marked sentence on page 7."""
    pdf = FPDF(unit="pt", format="A4")
    pdf.set_auto_page_break(False)
    for n in range(1, pages + 1):
        _new_page(pdf, n, pages)
        w = Writer(pdf, 72, PAGE_W - 144, 90)
        if n == 1:
            w.heading("Northern Kosovo after the attack")
        if n == 2:
            w.para(
                "",
                lines=[
                    "The report describes how the police and the local administration began the recon-",
                    "struction of the damaged buildings in the village during the following months and",
                    "how the monitors followed that work.",
                ],
            )
        if n == 3:
            w.para("The mission counted more than thirty vehicles at the site on the first day.1 " + FILLER)
        if n == 7:
            w.para("On page seven the review states that the Banjska monastery was besieged for several hours. " + FILLER)
        w.para(f"Paragraph A of page {n}. " + FILLER)
        w.para(f"Paragraph B of page {n}. " + FILLER)
        if n == 3:
            pdf.set_draw_color(0, 0, 0)
            pdf.line(72, 742, 200, 742)
            pdf.set_font("Helvetica", "", 8)
            pdf.text(72, 760, "1 The count of vehicles comes from the mission's own patrol log for that day.")
            pdf.text(72, 770, "The log was shared with the monitors in October.")
    return bytes(pdf.output())


LEFT_PARAS = [
    "Left column first paragraph: the council met in the morning and heard the minister on the security of the border crossings.",
    "Left column second paragraph: members asked how many officers had been moved to the north and for how long they would stay.",
]
RIGHT_PARAS = [
    "Right column first paragraph: the opposition asked for a full report on the events and for the names of those responsible.",
    "Right column second paragraph: the council agreed to meet again in a month and to invite the head of the police to that meeting.",
]


def two_column_pdf() -> bytes:
    """One page: a full-width title, then two columns of two paragraphs each,
    with lines of both columns on the same baselines."""
    pdf = FPDF(unit="pt", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.text(60, 70, "Council session on the northern municipalities, full record")
    col_w = 225
    for x0, paras in ((60, LEFT_PARAS), (60 + col_w + 25, RIGHT_PARAS)):
        w = Writer(pdf, x0, col_w, 110)
        for p in paras:
            w.para(p + " " + FILLER, indent=12)
    # full-width footnotes across both columns
    pdf.set_font("Helvetica", "", 8)
    pdf.text(60, 770, "1 The record of the session was approved by the council at its next meeting, without changes to the text of the minutes.")
    pdf.text(60, 780, "2 The names of the speakers are given as they appear in the official register of the council for that year.")
    return bytes(pdf.output())


def image_only_pdf() -> bytes:
    """Two pages that hold only a picture (as a scan would)."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (400, 200), "white")
    ImageDraw.Draw(img).rectangle((20, 20, 380, 180), outline="black", width=4)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    pdf = FPDF(unit="pt", format="A4")
    for _ in range(2):
        pdf.add_page()
        pdf.image(io.BytesIO(buf.getvalue()), x=50, y=50, w=400)
    return bytes(pdf.output())


def encrypted_pdf() -> bytes:
    pdf = FPDF(unit="pt", format="A4")
    pdf.set_encryption(owner_password="owner-secret", user_password="reader-secret")
    pdf.add_page()
    pdf.set_font("Helvetica", "", 12)
    pdf.text(72, 100, "This page can only be read with the password.")
    return bytes(pdf.output())


def raw_pdf(objs: list[bytes]) -> bytes:
    """A PDF written byte by byte: object *i* (1-based) is ``objs[i-1]``,
    object 1 is the catalog; the cross-reference table is computed."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref))
    return out.getvalue()


def zero_page_pdf() -> bytes:
    """A syntactically valid PDF whose page tree has no pages."""
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [] /Count 0 >>",
    ])


def flate_bomb_pdf(inflated_mb: int) -> bytes:
    """One page whose content stream is a line of text followed by
    *inflated_mb* MB of spaces, deflated to about 1/1000 of that: small on
    disk, far larger than a parser's memory limit once read."""
    import zlib

    z = zlib.compressobj(1)
    parts = [z.compress(b"BT /F1 12 Tf 72 700 Td (A page that does not fit in memory.) Tj ET\n")]
    spaces = b" " * (1 << 20)
    parts += [z.compress(spaces) for _ in range(inflated_mb)]
    parts.append(z.flush())
    data = b"".join(parts)
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])


def crowded_page_pdf(chars: int = 80_000) -> bytes:
    """One page holding *chars* single letters in 4 pt Helvetica, 5.5 pt
    apart, 100 to a row (the labels of a dense chart): every letter is its
    own text object that sets its fill colour, font and text state before
    placing the letter with ``Tm``.  About 20 content-stream operands and
    operators per letter, each read in Python by pdfminer, and a gap between
    letters that pdfium's fast pass cannot call a word break or not, so
    pdfplumber reads the page: seconds of work per ten thousand letters,
    from a stream that deflates to a few hundred kilobytes.  Rows repeat
    from the top after 200, so later letters lie over earlier ones."""
    import zlib

    letters = b"abcdefghijklmnopqrstuvwxyz"
    ops = []
    for i in range(chars):
        row, col = divmod(i, 100)
        x, y = 20 + col * 5.5, 820 - (row % 200) * 4.0
        ops.append(
            b"%.1f g BT /F1 4 Tf 0 Tc 0 Tw 100 Tz 0 TL 0 Ts 0 Tr 1 0 0 1 %.1f %.1f Tm (%s) Tj ET"
            % ((i % 10) / 10, x, y, letters[i % 26 : i % 26 + 1])
        )
    data = zlib.compress(b"\n".join(ops))
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])


TABLE_ROWS = [
    ("Municipality", "Patrols", "Incidents", "Month"),
    ("Zubin Potok", "42", "3", "October"),
    ("Leposavic", "37", "5", "October"),
    ("Zvecan", "29", "2", "November"),
    ("North Mitrovica", "55", "7", "November"),
]


def table_pdf() -> bytes:
    """A paragraph, an unruled four-column table, another paragraph."""
    pdf = FPDF(unit="pt", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    w = Writer(pdf, 72, PAGE_W - 144, 90)
    w.para("The table below lists the patrols and incidents that the mission recorded in each municipality. " + FILLER)
    pdf.set_font("Helvetica", "", BODY_SIZE)
    y = w.y + 6
    for row in TABLE_ROWS:
        for x, cell in zip((72, 230, 340, 450), row):
            pdf.text(x, y, cell)
        y += PITCH
    w.y = y + 12
    w.para("The figures for December will be published with the next report. " + FILLER)
    return bytes(pdf.output())


DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def unicode_pdf(font_path: str = DEJAVU) -> bytes:
    """Serbian Latin and Cyrillic, a ligature, curly quotes and a soft hyphen,
    set in a TrueType font."""
    pdf = FPDF(unit="pt", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("DejaVu", "", font_path)
    pdf.add_page()
    pdf.set_font("DejaVu", "", 11)
    lines = [
        "Milan Radoičić was named in the \u201cfinal\u201d report on the attack in Banjska (Бањска).",
        "The \ufb01rst hearing in Priština was held after the of\ufb01ce of the prosecutor filed the case.",
    ]
    y = 100
    for ln in lines:
        pdf.text(72, y, ln)
        y += 14
    return bytes(pdf.output())
