"""Sanctions lists at real size: parse time and peak memory, name look-up
time, and the size of report.html for a case citing the full OFAC list.

    uv run python benchmarks/lists.py [--sdn PATH] [--skip-run]

* parse: the real OFAC SDN snapshot (``--sdn``, default
  ``../shared/data/ofac/sdn.csv``; read only here, never by the tests) and
  generated lists of 100,000 entries in the OFAC and UK (FCDO) layouts.  Each
  parse runs in a fresh process; peak memory is that process's maximum RSS,
  printed with the RSS after imports so the parse's own share is visible.
* look-up: index build time, then the time per name over names that are
  primary names, aliases, misspellings and absent names.
* report: the real flow (Prefect, spaCy, HTTP on 127.0.0.1) on the example
  case ``tests/fixtures/cases/mini`` with its list replaced by the full
  snapshot; prints report.html's size, the list's rows in each table and the
  stage timings, next to the same case with its 9-row sample list.

Prints figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_SDN = ROOT.parent.parent / "shared" / "data" / "ofac" / "sdn.csv"
if not DEFAULT_SDN.exists():
    DEFAULT_SDN = Path("/work/shared/data/ofac/sdn.csv")

_CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from extractors.parse import parse_document
from extractors.match.sanctions import list_index
import extractors.parse.sanctions, pandas, pyarrow  # imports before the baseline
raw = open(sys.argv[2], "rb").read()
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
doc = parse_document("bench", "sha-bench", raw, "csv")
parse_s = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
idx = list_index(doc)
index_s = time.perf_counter() - t0
print(json.dumps({"entries": len(doc.designations), "bytes": len(raw), "parse_s": parse_s, "index_s": index_s,
                  "rss_after_imports_mb": base / 1024, "peak_rss_mb": peak / 1024,
                  "peak_with_index_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "passages": len(doc.passages), "text_chars": len(doc.text)}))
"""


def parse_in_child(path: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", _CHILD, str(ROOT), str(path)], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def print_parse(label: str, r: dict) -> None:
    print(f"{label}: {r['entries']:,} entries from {r['bytes'] / 1e6:.1f} MB; parse {r['parse_s']:.2f} s; "
          f"index build {r['index_s']:.2f} s; peak RSS {r['peak_rss_mb']:.0f} MB "
          f"(after imports {r['rss_after_imports_mb']:.0f} MB; with index {r['peak_with_index_mb']:.0f} MB); "
          f"passages {r['passages']}")


def lookup_figures(label: str, doc, n: int = 2000) -> None:
    from extractors.match.sanctions import list_index

    idx = list_index(doc)
    rnd = random.Random(3)
    rows = [doc.designations[rnd.randrange(len(doc.designations))] for _ in range(n // 4)]

    def as_written(name: str) -> str:
        if "," in name:
            sur, given = name.split(",", 1)
            return f"{given.strip().title()} {sur.strip().title()}"
        return name.title()

    def misspell(name: str) -> str:
        i = max(1, len(name) // 2)
        return name[:i] + name[i + 1:]

    names = [as_written(d["name"]) for d in rows]
    names += [as_written(d["aliases"][0]) if d["aliases"] else as_written(d["name"]) for d in rows]
    names += [misspell(as_written(d["name"])) for d in rows]
    names += [f"Nonexistent Person{i} Examplevic" for i in range(len(rows))]
    found = 0
    t0 = time.perf_counter()
    for nm in names:
        hits, _ = idx.lookup(nm)
        found += bool(hits)
    dt = time.perf_counter() - t0
    print(f"{label}: look-up {dt / len(names) * 1e6:.0f} µs per name over {len(names):,} names "
          f"(primary, alias, misspelt, absent: a quarter each); {found:,} found")


def run_case_with_list(sdn: Path | None, tmp: Path) -> dict:
    """The real flow on the mini example case, its list replaced by *sdn*."""
    import pyarrow.parquet as pq

    from extractors.settings import Settings
    from flows import prefect_env
    from tests.conftest import FIXTURES, LocalServer, materialise_case

    docs = tmp / "docs"
    shutil.copytree(FIXTURES / "cases" / "mini" / "docs", docs)
    if sdn is not None:
        shutil.copyfile(sdn, docs / "sdn-sample.csv")
    server = LocalServer(docs)
    try:
        case_dir = materialise_case(FIXTURES / "cases" / "mini", tmp / "case", server)
        settings = Settings(out_dir=tmp / "outputs", store_dir=tmp / "store", state_dir=tmp / "state")
        prefect_env.configure(settings.state_dir)
        from flows.run import run_case

        overrides = {"out_dir": str(settings.out_dir), "store_dir": str(settings.store_dir),
                     "state_dir": str(settings.state_dir), "allow_private_addresses": True, "read_timeout": 30.0,
                     "retries": 1, "backoff_base": 0.01, "per_host_delay": 0.0}
        t0 = time.perf_counter()
        result = run_case(str(case_dir), overrides=overrides)
        wall = time.perf_counter() - t0
    finally:
        server.close()

    def from_list(table: str) -> int:
        rows = pq.read_table(result.out_dir / f"{table}.parquet", columns=["source_id"]).column("source_id").to_pylist()
        return sum(1 for s in rows if s == "ofac-sdn-list")

    return {"wall_s": wall, "report_bytes": (result.out_dir / "report.html").stat().st_size,
            "designations": pq.read_metadata(result.out_dir / "designations.parquet").num_rows,
            "passages": from_list("passages"), "mentions": from_list("mentions"), "relations": from_list("relations"),
            "relations_total": result.counts["relations"], "timings": result.timings,
            "verdicts": {r: n for r, n in sorted(result.verdicts.items())}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sdn", type=Path, default=DEFAULT_SDN)
    ap.add_argument("--skip-run", action="store_true", help="skip the flow runs (report size)")
    args = ap.parse_args()
    from tests.list_rows import fcdo_csv, ofac_csv

    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        gen_ofac, gen_uk = tmp / "gen-ofac-100k.csv", tmp / "gen-uk-100k.csv"
        gen_ofac.write_bytes(ofac_csv(100_000))
        gen_uk.write_bytes(fcdo_csv(100_000))
        print("== parse (fresh process each)")
        if args.sdn.exists():
            print_parse(f"OFAC SDN snapshot {args.sdn.name}", parse_in_child(args.sdn))
        else:
            print(f"OFAC SDN snapshot: {args.sdn} not found, skipped")
        print_parse("generated OFAC layout, 100,000 rows", parse_in_child(gen_ofac))
        print_parse("generated UK FCDO layout, 100,000 people (125,000 name rows)", parse_in_child(gen_uk))

        from extractors.parse import parse_document

        print("== look-up")
        if args.sdn.exists():
            lookup_figures("OFAC SDN snapshot", parse_document("sdn", "sha-sdn", args.sdn.read_bytes(), "csv"))
        lookup_figures("generated OFAC layout, 100,000 rows", parse_document("gen", "sha-gen", gen_ofac.read_bytes(), "csv"))

        if args.skip_run or not args.sdn.exists():
            return
        print("== report.html (real flow on the mini example case)")
        for label, sdn in (("9-row sample list", None), (f"full {args.sdn.name}", args.sdn)):
            sub = tmp / label.replace(" ", "-")
            sub.mkdir()
            r = run_case_with_list(sdn, sub)
            print(f"{label}: report.html {r['report_bytes']:,} bytes; designations {r['designations']:,}; "
                  f"from the list: passages {r['passages']}, mentions {r['mentions']}, relations {r['relations']} "
                  f"(relations in all {r['relations_total']}); run {r['wall_s']:.1f} s; "
                  f"stages {json.dumps(r['timings'])}; verdicts {json.dumps(r['verdicts'])}")


if __name__ == "__main__":
    main()
