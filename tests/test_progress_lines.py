"""A run without a terminal prints one line per stage start and end."""
from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from flows.progress import LineReporter

FIXTURES = Path(__file__).parent / "fixtures"
STAGES = ("fetch", "parse", "nlp", "claims", "match", "outputs")


def test_line_reporter_counts_items_and_reuse():
    out = io.StringIO()
    r = LineReporter(out)
    r.begin("parse")
    r.stage("parse", 3)
    r.advance("parse", "a: reused")
    r.advance("parse", "b: computed")
    r.advance("parse", "c: computed")
    r.done("parse", "3 documents")
    r.end("parse")
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[0].endswith("parse   start")
    assert re.search(r"parse +done in \d+\.\d\d s: 3 items \(2 computed, 1 reused\); 3 documents$", lines[1])


def test_run_without_a_tty_prints_a_start_and_an_end_line_per_stage(tmp_path):
    case_dir = tmp_path / "local"
    shutil.copytree(FIXTURES / "cases" / "local", case_dir)
    env = dict(os.environ, CLAIMCHECK_STATE_DIR=str(tmp_path / "state"),
               PREFECT_HOME=str(tmp_path / "prefect"), TERM="dumb")
    env.pop("PREFECT_API_URL", None)
    env.pop("FORCE_COLOR", None)
    proc = subprocess.run(
        [sys.executable, "-m", "flows.cli", "run", "--case", str(case_dir), "--out", str(tmp_path / "out"),
         "--store", str(tmp_path / "store")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=300, env=env,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    lines = proc.stdout.splitlines()
    for stage in STAGES:
        starts = [ln for ln in lines if re.match(rf"^\d\d:\d\d:\d\d {stage} +start$", ln)]
        ends = [ln for ln in lines if re.match(rf"^\d\d:\d\d:\d\d {stage} +done in \d+\.\d\d s", ln)]
        assert len(starts) == 1 and len(ends) == 1, (stage, proc.stdout[-3000:])
    # the parse and nlp lines say how many documents they went through
    parse_end = next(ln for ln in lines if re.match(r"^\S+ parse +done", ln))
    assert re.search(r"\d+ items \(\d+ computed, \d+ reused\)", parse_end), parse_end
    # stage lines come in pipeline order
    order = [next(i for i, ln in enumerate(lines) if re.match(rf"^\S+ {s} +start$", ln)) for s in STAGES]
    assert order == sorted(order), proc.stdout
