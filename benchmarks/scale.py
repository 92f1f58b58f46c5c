"""Scale benchmark: a synthetic corpus served on 127.0.0.1, run end to end.

    uv run python benchmarks/scale.py [--pdfs 200 --pages 25 --html 40] [--dask-docs 60]

Writes (once, into --work, default /tmp/claimcheck-scale) a corpus of
synthetic PDFs and HTML pages in our own words, with Banjska mentions and
relation sentences scattered through it, a case.toml listing every document
and a short article citing some of them; serves the folder over HTTP on
127.0.0.1; then prints:

* documents per minute and pages per second, end to end (fetch -> tables),
  for a first run on a fresh state (default in-process task runner);
* peak resident memory of this process and of its child processes;
* the time of a no-change re-run as a fraction of the first run;
* the speed-up of a Dask LocalCluster with two workers over one worker, each
  on a fresh state, over the first --dask-docs documents (the whole corpus
  with --dask-docs 0).

Figures are printed, never asserted.  The machine has two cores shared with
other work, so expect noise of 10-20 %.
"""
from __future__ import annotations

import argparse
import logging
import functools
import http.server
import json
import random
import resource
import shutil
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ACTORS = ["the Kosovo Police", "the Special Prosecution", "the European Union", "the United States",
          "the Serbian government", "KFOR", "the OSCE Mission", "the Basic Court in Pristina",
          "the Ministry of Internal Affairs", "the European Parliament"]
VERBS = ["condemned", "called on", "indicted", "sanctioned", "welcomed", "reported on", "criticised"]
TOPICS = ["the armed attack in Banjska", "the Banjska attack of 24 September 2023",
          "the attack near the Banjska monastery", "border crossings in the north",
          "the dialogue on normalisation", "public procurement", "judicial appointments",
          "energy supply to the northern municipalities", "the rule of law", "media freedom",
          "the return of displaced persons", "customs revenue", "police cooperation"]
FILLER = ["The report notes progress in some areas and delays in others.",
          "Further efforts are needed to align legislation with European standards.",
          "The administration adopted a new strategy, but its implementation is at an early stage.",
          "Civil society organisations took part in the consultations.",
          "Budget planning remained weak and capacity is limited.",
          "Statistics for the period show a moderate increase compared with the year before.",
          "Coordination between institutions improved slightly over the reporting period."]


def _sentence(rng: random.Random) -> str:
    if rng.random() < 0.45:
        return (f"In {rng.choice(['January', 'March', 'May', 'July', 'October'])} "
                f"{rng.choice([2022, 2023, 2024])}, {rng.choice(ACTORS)} {rng.choice(VERBS)} "
                f"{rng.choice(ACTORS)} over {rng.choice(TOPICS)}.")
    return rng.choice(FILLER)


def _paragraph(rng: random.Random, n: int) -> str:
    return " ".join(_sentence(rng) for _ in range(n))


def build_corpus(work: Path, n_pdf: int, pages: int, n_html: int, seed: int = 8) -> dict:
    """Write docs/ and case/ under *work*; returns counts.  Reuses a finished corpus."""
    meta_path = work / "corpus.json"
    want = {"pdfs": n_pdf, "pages_per_pdf": pages, "html": n_html, "seed": seed}
    if meta_path.exists() and json.loads(meta_path.read_text()).get("spec") == want:
        return json.loads(meta_path.read_text())
    from fpdf import FPDF

    shutil.rmtree(work, ignore_errors=True)
    docs = work / "docs"
    docs.mkdir(parents=True)
    rng = random.Random(seed)
    for i in range(n_pdf):
        pdf = FPDF()
        pdf.set_creation_date(__import__("datetime").datetime(2024, 1, 1))
        pdf.set_font("Helvetica", size=10)
        for p in range(pages):
            pdf.add_page()
            pdf.multi_cell(0, 5, f"Synthetic report {i}, section {p + 1}")
            pdf.ln(2)
            for _ in range(3):
                pdf.multi_cell(0, 5, _paragraph(rng, 4))
                pdf.ln(2)
        pdf.output(str(docs / f"report-{i:04d}.pdf"))
    for i in range(n_html):
        paras = "\n".join(f"<p>{_paragraph(rng, 4)}</p>" for _ in range(12))
        (docs / f"statement-{i:04d}.html").write_text(
            f"<!doctype html><html lang='en'><head><title>Statement {i}</title></head><body>"
            f"<nav>Home | News</nav><article><h1>Statement {i} on the situation in the north</h1>"
            f"{paras}</article><footer>Contact us</footer></body></html>", encoding="utf-8")
    counts = {"spec": want, "documents": n_pdf + n_html, "pdf_pages": n_pdf * pages,
              "html_pages": n_html, "pages": n_pdf * pages + n_html}
    meta_path.write_text(json.dumps(counts))
    return counts


def write_case(work: Path, host: str, n_pdf: int, n_html: int, limit: int | None = None) -> Path:
    case = work / ("case" if not limit else f"case-{limit}")
    shutil.rmtree(case, ignore_errors=True)
    case.mkdir(parents=True)
    blocks = []
    names = [(f"report-{i:04d}", "pdf", "report") for i in range(n_pdf)]
    names += [(f"statement-{i:04d}", "html", "statement") for i in range(n_html)]
    if limit:
        names = names[: limit // 2] + names[len(names) - (limit - limit // 2):]
    for name, fmt, kind in names:
        blocks.append(
            f'[[sources]]\nid = "{name}"\ntitle = "Synthetic {kind} {name}"\npublisher = "Bench"\n'
            f'kind = "{kind}"\nurl = "http://{host}/{name}.{fmt}"\nformat = "{fmt}"\n'
            f'published = "2024-10-01"\ncited_as = ["{name.replace("-", " ").title()}"]\n')
    cited = names[0][0].replace("-", " ").title()
    (case / "article.txt").write_text(
        "Banjska, a benchmark article\n\n"
        f"According to {cited}, the Kosovo Police condemned the armed attack in Banjska in 2023. "
        "The European Union called on the Serbian government over the Banjska attack.\n\n"
        "The Special Prosecution indicted 45 people in 2024. KFOR reported on border crossings "
        "in the north.\n", encoding="utf-8")
    (case / "case.toml").write_text(
        '[case]\nid = "bench"\ntitle = "Scale benchmark"\narticle = "article.txt"\n'
        'published = "2025-01-01"\n\n' + "\n".join(blocks), encoding="utf-8")
    return case


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(folder: Path):
    handler = functools.partial(_Quiet, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def _overrides(base: Path) -> dict:
    return {"out_dir": str(base / "outputs"), "store_dir": str(base / "store"),
            "state_dir": str(base / "state"), "allow_private_addresses": True,
            "per_host_delay": 0.0, "per_host_concurrency": 8, "retries": 1}


def timed_run(case: Path, base: Path, dask: str | None = None):
    from flows.run import run_case_flow

    t0 = time.perf_counter()
    result = run_case_flow(dask)(str(case), overrides=_overrides(base))
    elapsed = time.perf_counter() - t0
    stages = json.loads((result.run_dir / "run.json").read_text())["stages"]
    return elapsed, result, stages


def _maxrss_mb(who) -> float:
    return resource.getrusage(who).ru_maxrss / 1024.0


def main() -> None:
    logging.getLogger("distributed").setLevel(logging.WARNING)
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--work", type=Path, default=Path("/tmp/claimcheck-scale"))
    ap.add_argument("--pdfs", type=int, default=200)
    ap.add_argument("--pages", type=int, default=25)
    ap.add_argument("--html", type=int, default=40)
    ap.add_argument("--dask-docs", type=int, default=60,
                    help="documents in the Dask 1-vs-2 worker comparison (0: all)")
    ap.add_argument("--skip-dask", action="store_true")
    ap.add_argument("--dask-only", action="store_true", help="only the Dask 1-vs-2 worker comparison")
    args = ap.parse_args()

    t0 = time.perf_counter()
    counts = build_corpus(args.work, args.pdfs, args.pages, args.html)
    print(f"corpus: {counts['documents']} documents, {counts['pdf_pages']} PDF pages + "
          f"{counts['html_pages']} HTML pages = {counts['pages']} pages "
          f"(built/checked in {time.perf_counter() - t0:.1f} s)", flush=True)
    httpd = serve(args.work / "docs")
    host = f"127.0.0.1:{httpd.server_address[1]}"
    case = write_case(args.work, host, args.pdfs, args.html)

    from extractors.settings import Settings
    from flows import prefect_env

    runs = args.work / "runs"
    shutil.rmtree(runs, ignore_errors=True)
    prefect_env.configure(Settings(state_dir=runs / "prefect").state_dir)

    # start Prefect's ephemeral server and load the model before timing anything
    t1 = time.perf_counter()
    from prefect import flow as _flow

    _flow(name="warm-up")(lambda: None)()
    from extractors.nlp.pipeline import build_nlp

    build_nlp(Settings().model, Settings().gazetteer_dir)
    print(f"warm-up (Prefect ephemeral server, spaCy model): {time.perf_counter() - t1:.1f} s", flush=True)

    if args.dask_only:
        _dask_compare(args, counts, host, case, runs)
        httpd.shutdown()
        return
    first_s, result, stages = timed_run(case, runs / "default")
    n_docs = counts["documents"] + 1  # + the article
    print(f"first run: {first_s:.1f} s; {n_docs / (first_s / 60):.1f} documents/min, "
          f"{counts['pages'] / first_s:.1f} pages/s end to end "
          f"(parsed {len(stages['parse']['computed'])}, analysed {len(stages['nlp']['computed'])}, "
          f"{result.counts.get('mentions', 0)} mentions, {result.counts.get('passages', 0)} passages)",
          flush=True)
    again_s, _, stages2 = timed_run(case, runs / "default")
    recomputed = sum(len(stages2[s]["computed"]) for s in ("parse", "nlp", "claims", "match"))
    print(f"no-change re-run: {again_s:.1f} s = {100 * again_s / first_s:.1f} % of the first run "
          f"(items recomputed: {recomputed}; fetch answered 304 for "
          f"{len(stages2['fetch']['reused'])})", flush=True)
    print(f"peak memory: this process {_maxrss_mb(resource.RUSAGE_SELF):.0f} MB, "
          f"largest child process {_maxrss_mb(resource.RUSAGE_CHILDREN):.0f} MB", flush=True)

    if not args.skip_dask:
        _dask_compare(args, counts, host, case, runs)
    httpd.shutdown()


def _dask_compare(args, counts: dict, host: str, case: Path, runs: Path) -> None:
    import os

    limit = args.dask_docs or None
    sub = write_case(args.work, host, args.pdfs, args.html, limit=limit) if limit else case
    load = os.getloadavg()[0]
    one_s, _, _ = timed_run(sub, runs / "dask1", dask="local:1")
    two_s, _, _ = timed_run(sub, runs / "dask2", dask="local:2")
    print(f"dask ({limit or counts['documents']} documents, fresh state each): 1 worker {one_s:.1f} s, "
          f"2 workers {two_s:.1f} s, speed-up x{one_s / two_s:.2f} "
          f"(1-min load average before/after: {load:.1f}/{os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} cores)", flush=True)
    print(f"peak memory incl. Dask workers: largest child {_maxrss_mb(resource.RUSAGE_CHILDREN):.0f} MB")


if __name__ == "__main__":
    main()
