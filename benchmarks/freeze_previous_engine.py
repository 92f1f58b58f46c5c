"""Verdicts of the previous engine (rule-based, commit 9f9fbc0) on the frozen
CLIMATE-FEVER test split, saved once so that benchmarks/claim_evidence.py can
compare against it without keeping the old code alive.

    uv run python benchmarks/freeze_previous_engine.py /work/shared/data/climate-fever/climate-fever-dev.jsonl

Each pair is judged as the `run` stage judged a cited source: the evidence
sentence is the source's only passage (the Wikipedia article title is the
document title) and the claim is forced checkworthy.  Output:
benchmarks/data/climate_fever_previous_engine.json ({pair id: verdict}).
This script only works on a checkout of that commit (the old engine's
modules are gone afterwards).
"""
from __future__ import annotations

import json
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

OUT = ROOT / "benchmarks" / "data" / "climate_fever_previous_engine.json"


def main() -> None:
    from extractors.claims import claim_from_text
    from extractors.match import match_claims
    from extractors.model import Case, DocumentRow, ParsedDoc, Passage, SourceSpec
    from extractors.nlp.pipeline import build_nlp
    from extractors.registry.gazetteer import load_gazetteer

    split = json.loads((ROOT / "benchmarks" / "data" / "climate_fever_split.json").read_text())
    test = set(split["test_claim_ids"])
    nlp, gaz = build_nlp(), load_gazetteer()
    out: dict[str, str] = {}
    t0 = time.time()
    for line in Path(sys.argv[1]).open(encoding="utf-8"):
        rec = json.loads(line)
        if rec["claim_id"] not in test:
            continue
        for k, ev in enumerate(rec["evidences"]):
            pid = f"{rec['claim_id']}:{k}"
            spec = SourceSpec(id="evidence", title=ev["article"], publisher="", kind="report")
            case = Case(id="pairs", title="pairs", article="", published=None, root=ROOT, sources=(spec,))
            text = ev["evidence"]
            doc = ParsedDoc(source_id="evidence", sha256="0" * 64, parser="pairs", text=text,
                            passages=[Passage("p1", "evidence", "0" * 64, None, 1, 0, len(text), "body", text)],
                            title=ev["article"])
            row = DocumentRow("evidence", status="ok", sha256="0" * 64, content_type="text")
            claim = replace(claim_from_text("pairs", rec["claim"], nlp, gaz, cited=["evidence"]), checkworthy=True)
            rows = match_claims(case, [claim], {"evidence": (row, doc)}, nlp, gaz, check_all=False)
            out[pid] = rows[0].verdict
    OUT.write_text(json.dumps({"engine": "rule-based engine at commit 9f9fbc0", "verdicts": out}, indent=0) + "\n")
    print(f"{len(out)} pairs in {time.time() - t0:.0f}s -> {OUT}")


if __name__ == "__main__":
    main()
