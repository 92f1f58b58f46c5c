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

With ``--real`` it runs the real-size case instead (see :func:`real_size`):
the full OFAC SDN snapshot (copied at start from ``--ofac PATH`` or the
``CLAIMCHECK_BENCH_OFAC`` environment variable; nothing else reads it), a
generated UK list (UK Sanctions List layout) of ``--uk-rows`` entries, three
generated PDFs of 150 pages and 30 web pages, every run through the real CLI
in a fresh process without a terminal, as cron would start it.
``--pdf-speed`` writes only its three PDFs and prints pages/s of the PDF
parser as the parse stage runs it (isolated in a worker process), in this
process, and of bare pdfplumber and pypdfium2 loops, back to back.

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
    ap.add_argument("--real", action="store_true", help="the real-size case (lists, long PDFs), through the CLI")
    ap.add_argument("--ofac", type=Path, default=None,
                    help="OFAC SDN CSV to copy in (default: $CLAIMCHECK_BENCH_OFAC)")
    ap.add_argument("--uk-rows", type=int, default=6000)
    ap.add_argument("--pdf-speed", action="store_true",
                    help="only the PDF parse comparison of --real, on its three 150-page PDFs")
    ap.add_argument("--rounds", type=int, default=3, help="rounds of the --pdf-speed comparison")
    args = ap.parse_args()
    if args.pdf_speed:
        pdf_speed_only(args)
        return
    if args.real:
        real_size(args)
        return

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


# ----------------------------------------------------------------- real size


def _long_pdf(path: Path, pages: int, rng: random.Random, title: str) -> None:
    """A report of *pages* pages: running header, numbered sections, body
    paragraphs with Banjska mentions, footers with page numbers."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_creation_date(__import__("datetime").datetime(2024, 1, 1))
    pdf.set_auto_page_break(False)
    pdf.set_title(title)
    for p in range(pages):
        pdf.add_page()
        pdf.set_font("Helvetica", size=8)
        pdf.cell(0, 6, title)
        pdf.ln(10)
        pdf.set_font("Helvetica", "B", 13)
        pdf.multi_cell(0, 7, f"{p + 1}. Section {p + 1}")
        pdf.ln(2)
        pdf.set_font("Helvetica", size=10)
        for _ in range(4):
            pdf.multi_cell(0, 5, _paragraph(rng, 4))
            pdf.ln(2)
        pdf.set_y(-15)
        pdf.set_font("Helvetica", size=8)
        pdf.cell(0, 6, f"Page {p + 1} of {pages}", align="C")
    pdf.output(str(path))


def real_pdfs(docs: Path, rng: random.Random) -> list[Path]:
    """The real-size case's three 150-page reports, written into *docs*."""
    paths = [docs / f"annual-{i}.pdf" for i in range(3)]
    for i, path in enumerate(paths):
        _long_pdf(path, 150, rng, f"Annual report {2022 + i} on the northern municipalities")
    return paths


def build_real(work: Path, ofac: Path | None, uk_rows: int) -> dict:
    from tests.list_rows import fcdo_csv

    docs = work / "docs"
    shutil.rmtree(work, ignore_errors=True)
    docs.mkdir(parents=True)
    rng = random.Random(12)
    real_pdfs(docs, rng)
    for i in range(30):
        paras = "\n".join(f"<p>{_paragraph(rng, 4)}</p>" for _ in range(12))
        (docs / f"statement-{i:04d}.html").write_text(
            f"<!doctype html><html lang='en'><head><title>Statement {i}</title></head><body>"
            f"<nav>Home | News</nav><article><h1>Statement {i} on the situation in the north</h1>"
            f"{paras}</article><footer>Contact us</footer></body></html>", encoding="utf-8")
    uk_extra = [("GAC0001", "RADOICIC", "Milan", "Primary Name", "The Global Anti-Corruption Sanctions Regulations 2021",
                 "09/12/2022"),
                ("GAC0001", "RADOJICIC", "Milan", "Alias", "The Global Anti-Corruption Sanctions Regulations 2021",
                 "09/12/2022")]
    (docs / "uk-list.csv").write_bytes(fcdo_csv(uk_rows, uk_extra))
    lists = False
    if ofac is not None:
        shutil.copyfile(ofac, docs / "sdn.csv")  # copied once; the runs fetch it over HTTP
        lists = True
    return {"ofac_rows": sum(1 for _ in open(docs / "sdn.csv", "rb")) if lists else 0,
            "uk_rows": uk_rows, "lists": lists}


def write_real_case(work: Path, host: str, name: str, lists: bool, n_html: int = 30, n_pdf: int = 3) -> Path:
    case = work / name
    shutil.rmtree(case, ignore_errors=True)
    case.mkdir(parents=True)
    src = [(f"annual-{i}", "pdf", "report", f"Annual Report {2022 + i}") for i in range(n_pdf)]
    src += [(f"statement-{i:04d}", "html", "statement", f"Statement {i}") for i in range(n_html)]
    if lists:
        src += [("sdn", "csv", "sanctions-list", "SDN List"), ("uk-list", "csv", "sanctions-list", "UK Sanctions List")]
    blocks = [f'[[sources]]\nid = "{sid}"\ntitle = "{cited}"\npublisher = "Bench"\nkind = "{kind}"\n'
              f'url = "http://{host}/{sid}.{fmt}"\nformat = "{fmt}"\npublished = "2024-10-01"\n'
              f'cited_as = ["{cited}"]\n' for sid, fmt, kind, cited in src]
    text = ("Banjska, a benchmark article\n\n"
            "According to Annual Report 2022, the Kosovo Police condemned the armed attack in Banjska in 2023. "
            "Statement 3 says the European Union called on the Serbian government over the Banjska attack.\n\n"
            "The Special Prosecution indicted 45 people in 2024, Annual Report 2024 notes. KFOR reported on "
            "border crossings in the north, according to Statement 7.\n")
    if lists:
        text += ("\nThe United States put Milan Radoičić on the SDN List, and the United Kingdom sanctioned "
                 "Milan Radoičić in December 2022, according to the UK Sanctions List.\n")
    (case / "article.txt").write_text(text, encoding="utf-8")
    (case / "case.toml").write_text(
        f'[case]\nid = "{name}"\ntitle = "Real-size benchmark"\narticle = "article.txt"\n'
        'published = "2025-01-01"\n\n' + "\n".join(blocks), encoding="utf-8")
    return case


def cli_run(case: Path, base: Path, prefect_home: Path) -> dict:
    """One ``claimcheck run`` in a fresh process, stdout not a terminal."""
    import os
    import re
    import subprocess

    env = dict(os.environ, CLAIMCHECK_STATE_DIR=str(base / "state"), PREFECT_HOME=str(prefect_home),
               CLAIMCHECK_PER_HOST_DELAY="0", CLAIMCHECK_RETRIES="1")
    env.pop("PREFECT_API_URL", None)
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "flows.cli", "run", "--case", str(case), "--out", str(base / "out"),
         "--store", str(base / "store"), "--allow-private-addresses"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"run failed ({proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    stages = {m.group(1): float(m.group(2))
              for m in re.finditer(r"^\S+ (\w+) +done in ([\d.]+) s", proc.stdout, re.M)}
    m = re.search(r"start-up: interpreter and imports ([\d.]+) s \(prefect ([\d.]+) s of it\), "
                  r"Prefect flow start ([\d.]+) s(?: \(waiting for the server [\d.]+ s of it\))?; stages ([\d.]+) s; "
                  r"flow end ([-\d.]+) s", proc.stdout)
    start = {"imports": float(m.group(1)), "prefect_import": float(m.group(2)), "prefect_start": float(m.group(3)),
             "flow_end": float(m.group(5))} if m else {}
    return {"wall": wall, "stages": stages, "stage_sum": sum(stages.values()), "startup": start,
            "stdout": proc.stdout}


def _pdf_speed(paths: list[Path], rounds: int = 1) -> None:
    """pages/s: the parse stage's PDF parser (in a worker process, as the
    stage runs it), a bare pdfplumber extract_text loop, a bare pypdfium2 loop.

    Each round times the four one after the other and starts with no parse
    worker running, so the stage's figure includes starting one; with several
    rounds the median of the rounds' ratios is printed too.  Beside the wall
    time, the CPU seconds of each (for the stage: this process and its worker
    processes) give a ratio that other jobs on the machine hardly move."""
    import resource
    import statistics

    import pdfplumber
    import pypdfium2

    from extractors.parse import parse_document, parse_isolated
    from extractors.parse.isolate import shutdown
    from extractors.settings import Settings

    def children_cpu() -> float:
        ru = resource.getrusage(resource.RUSAGE_CHILDREN)
        return ru.ru_utime + ru.ru_stime

    ratios, inproc_ratios, cpu_ratios = [], [], []
    for r in range(rounds):
        shutdown()
        pages = 0
        c0, k0 = time.process_time(), children_cpu()
        t0 = time.perf_counter()
        detail = []
        for p in paths:
            doc = parse_isolated(p.stem, "0" * 64, p.read_bytes(), "pdf", Settings(parse_timeout=1800))
            pages += doc.pages or 0
            detail.append(doc.parser_detail)
        stage = time.perf_counter() - t0
        c1 = time.process_time()
        shutdown()  # a worker's CPU time is counted once it has exited
        stage_cpu = c1 - c0 + children_cpu() - k0
        c0 = time.process_time()
        t0 = time.perf_counter()
        for p in paths:
            parse_document(p.stem, "0" * 64, p.read_bytes(), "pdf")
        inproc = time.perf_counter() - t0
        inproc_cpu = time.process_time() - c0
        c0 = time.process_time()
        t0 = time.perf_counter()
        for p in paths:
            with pdfplumber.open(p) as pdf:
                for page in pdf.pages:
                    page.extract_text()
                    page.flush_cache()
        plumber = time.perf_counter() - t0
        plumber_cpu = time.process_time() - c0
        t0 = time.perf_counter()
        for p in paths:
            doc = pypdfium2.PdfDocument(p)
            for page in doc:
                tp = page.get_textpage()
                tp.get_text_range()
                tp.close()
                page.close()
            doc.close()
        pdfium = time.perf_counter() - t0
        ratios.append(plumber / stage)
        inproc_ratios.append(plumber / inproc)
        cpu_ratios.append(plumber_cpu / stage_cpu)
        label = f"round {r + 1}: " if rounds > 1 else ""
        print(f"{label}PDF parse, {len(paths)} PDFs, {pages} pages: stage parser {pages / stage:.1f} pages/s "
              f"({stage:.1f} s in a worker process, as the stage runs it; {pages / inproc:.1f} pages/s in this "
              f"process; {detail[0]}), bare pdfplumber extract_text {pages / plumber:.1f} pages/s "
              f"({plumber:.1f} s), bare pypdfium2 get_text_range {pages / pdfium:.1f} pages/s ({pdfium:.1f} s); "
              f"stage vs bare pdfplumber x{plumber / stage:.2f} (in-process x{plumber / inproc:.2f}); "
              f"CPU s: stage {stage_cpu:.1f}, in-process {inproc_cpu:.1f}, bare pdfplumber {plumber_cpu:.1f}, "
              f"stage vs bare pdfplumber x{plumber_cpu / stage_cpu:.2f}", flush=True)
    if rounds > 1:
        print(f"median of {rounds} rounds: stage vs bare pdfplumber x{statistics.median(ratios):.2f} "
              f"(in-process x{statistics.median(inproc_ratios):.2f}); by CPU time "
              f"x{statistics.median(cpu_ratios):.2f}", flush=True)


def pdf_speed_only(args) -> None:
    """Write the real-size case's three PDFs (nothing else) and compare parsers on them."""
    import os

    docs = (args.work if args.work != Path("/tmp/claimcheck-scale") else Path("/tmp/claimcheck-scale-pdf")) / "docs"
    shutil.rmtree(docs, ignore_errors=True)
    docs.mkdir(parents=True)
    paths = real_pdfs(docs, random.Random(12))  # the same seed as build_real: the same files
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores before", flush=True)
    _pdf_speed(paths, args.rounds)
    print(f"load average {os.getloadavg()[0]:.2f} after", flush=True)


def real_size(args) -> None:
    import os

    work = args.work if args.work != Path("/tmp/claimcheck-scale") else Path("/tmp/claimcheck-scale-real")
    ofac = args.ofac or (Path(os.environ["CLAIMCHECK_BENCH_OFAC"]) if os.environ.get("CLAIMCHECK_BENCH_OFAC")
                         else None)
    t0 = time.perf_counter()
    info = build_real(work, ofac, args.uk_rows)
    print(f"real-size corpus: 3 PDFs x 150 pages, 30 web pages, UK list {info['uk_rows']} generated entries, "
          f"OFAC SDN {'copied from ' + str(ofac) + ' (' + str(info['ofac_rows']) + ' rows)' if ofac else 'not given'}"
          f" (built in {time.perf_counter() - t0:.1f} s); load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} cores", flush=True)
    httpd = serve(work / "docs")
    host = f"127.0.0.1:{httpd.server_address[1]}"
    prefect_home = work / "prefect"
    # one Prefect home for every run, as a user has; its database is created here, not in a timed run
    cli_run(write_real_case(work, host, "warmup", lists=False, n_html=1, n_pdf=0), work / "warmup", prefect_home)

    plain = write_real_case(work, host, "real-nolists", lists=False)
    cold_plain = cli_run(plain, work / "nolists", prefect_home)
    print(f"cold run without lists: {cold_plain['wall']:.1f} s wall, stages {cold_plain['stage_sum']:.1f} s "
          f"{_fmt(cold_plain['stages'])}", flush=True)
    if info["lists"]:
        full = write_real_case(work, host, "real", lists=True)
        cold = cli_run(full, work / "full", prefect_home)
        print(f"cold run with both lists: {cold['wall']:.1f} s wall, stages {cold['stage_sum']:.1f} s "
              f"{_fmt(cold['stages'])}; the lists add {100 * (cold['wall'] / cold_plain['wall'] - 1):.1f} % "
              f"(wall; stages alone {100 * (cold['stage_sum'] / cold_plain['stage_sum'] - 1):.1f} %)", flush=True)
        base_dir, case_ = work / "full", full
    else:
        print("cold run with both lists: not measured (no OFAC file: --ofac PATH or CLAIMCHECK_BENCH_OFAC)")
        cold, base_dir, case_ = cold_plain, work / "nolists", plain
    again = cli_run(case_, base_dir, prefect_home)
    st = again["startup"]
    print(f"no-change re-run: {again['wall']:.1f} s wall = {100 * again['wall'] / cold['wall']:.1f} % of the cold "
          f"run; stages {again['stage_sum']:.2f} s {_fmt(again['stages'])}; start-up: interpreter and imports "
          f"{st.get('imports', 0):.1f} s (Prefect import {st.get('prefect_import', 0):.1f} s), Prefect flow start "
          f"{st.get('prefect_start', 0):.1f} s, flow end {st.get('flow_end', 0):.1f} s", flush=True)
    report = base_dir / "out" / case_.name / "report.html"
    print(f"report.html: {report.stat().st_size / 1e6:.2f} MB ({report})", flush=True)
    print(f"peak memory: largest run process {_maxrss_mb(resource.RUSAGE_CHILDREN):.0f} MB", flush=True)
    _pdf_speed(sorted((work / "docs").glob("annual-*.pdf")))

    small = write_real_case(work, host, "fifteen", lists=False, n_html=12, n_pdf=3)
    cli_run(small, work / "fifteen", prefect_home)
    noop = cli_run(small, work / "fifteen", prefect_home)
    st = noop["startup"]
    print(f"15-source case, no-change re-run: {noop['wall']:.1f} s wall = start-up "
          f"{noop['wall'] - noop['stage_sum']:.1f} s (interpreter and imports {st.get('imports', 0):.1f} s, "
          f"Prefect flow start {st.get('prefect_start', 0):.1f} s, flow end {st.get('flow_end', 0):.1f} s) + "
          f"stages {noop['stage_sum']:.2f} s; load average {os.getloadavg()[0]:.1f}", flush=True)
    httpd.shutdown()


def _fmt(stages: dict) -> str:
    return "(" + ", ".join(f"{k} {v:.1f}" for k, v in stages.items()) + ")"


if __name__ == "__main__":
    main()
