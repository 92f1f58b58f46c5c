"""Speed of the PDF parse stage against a bare pdfplumber loop.

    uv run python benchmarks/parse.py [PDF ...] [--repeat N]

For each PDF prints pages per second for
  * bare pdfplumber: ``page.extract_text()`` over every page;
  * the stage in-process: ``extractors.parse.parse_document`` (words, lines,
    columns, headers/footers, paragraphs, tables, normalisation, passages);
  * the stage isolated: ``parse_isolated`` (adds the child process start);
  * pypdfium2: ``get_textpage().get_text_range()`` over every page;
  * a cache hit: ``parse_cached`` on the second call;
and the ratios stage/bare (target: at most 1.5) and pdfplumber/pypdfium2.
Timings are the best of N runs (default 3).  Defaults to the real
15-page Federal Register issue in tests/fixtures/robustness/ and a 40-page
PDF written by tests/parse_pdfgen.py.
"""
from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pdfplumber  # noqa: E402
import pypdfium2  # noqa: E402

from extractors.ids import sha256_bytes  # noqa: E402
from extractors.parse import parse_cached, parse_document, parse_isolated  # noqa: E402
from extractors.settings import Settings  # noqa: E402


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def bare_pdfplumber(raw: bytes) -> int:
    with pdfplumber.open(io.BytesIO(raw)) as pdf:
        n = 0
        for page in pdf.pages:
            page.extract_text()
            page.flush_cache()
            n += 1
        return n


def bare_pdfium(raw: bytes) -> int:
    pdf = pypdfium2.PdfDocument(raw)
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            tp = page.get_textpage()
            tp.get_text_range()
            tp.close()
            page.close()
        return len(pdf)
    finally:
        pdf.close()


def bench(name: str, raw: bytes, repeat: int) -> dict:
    sha = sha256_bytes(raw)
    pages = bare_pdfplumber(raw)
    t_bare = best(lambda: bare_pdfplumber(raw), repeat)
    t_stage = best(lambda: parse_document("bench", sha, raw, "pdf"), repeat)
    settings = Settings(state_dir=Path(tempfile.mkdtemp(prefix="claimcheck-bench-")), parse_timeout=600)
    t_iso = best(lambda: parse_isolated("bench", sha, raw, "pdf", settings), 1)
    parse_cached("bench", sha, raw, "pdf", settings)
    t_hit = best(lambda: parse_cached("bench", sha, raw, "pdf", settings), repeat)
    t_pdfium = best(lambda: bare_pdfium(raw), repeat)
    row = {
        "file": name,
        "pages": pages,
        "bare_pps": pages / t_bare,
        "stage_pps": pages / t_stage,
        "isolated_pps": pages / t_iso,
        "pdfium_pps": pages / t_pdfium,
        "cache_hit_ms": t_hit * 1000,
        "stage_over_bare": t_stage / t_bare,
        "isolated_over_bare": t_iso / t_bare,
        "pdfium_speedup": t_bare / t_pdfium,
    }
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("pdfs", nargs="*", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    inputs: list[tuple[str, bytes]] = []
    if args.pdfs:
        inputs = [(p.name, p.read_bytes()) for p in args.pdfs]
    else:
        from tests import parse_pdfgen

        inputs = [
            ("federal-register-2020-17221.pdf", (ROOT / "tests/fixtures/robustness/pdf/federal-register-2020-17221.pdf").read_bytes()),
            ("generated-report-40p.pdf", parse_pdfgen.report_pdf(40)),
        ]
    print(f"{'file':34} {'pages':>5} {'bare pp/s':>9} {'stage pp/s':>10} {'isol. pp/s':>10} {'pdfium pp/s':>11} "
          f"{'hit ms':>7} {'stage/bare':>10} {'isol/bare':>9} {'plumber/pdfium':>14}")
    for name, raw in inputs:
        r = bench(name, raw, args.repeat)
        print(f"{r['file'][:34]:34} {r['pages']:5d} {r['bare_pps']:9.1f} {r['stage_pps']:10.1f} {r['isolated_pps']:10.1f} "
              f"{r['pdfium_pps']:11.0f} {r['cache_hit_ms']:7.1f} {r['stage_over_bare']:10.2f} {r['isolated_over_bare']:9.2f} "
              f"{r['pdfium_speedup']:14.0f}x")
    print("target: stage/bare <= 1.5 (same pages, best of runs); a cache hit never parses again")


if __name__ == "__main__":
    main()
