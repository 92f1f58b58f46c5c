"""Freeze the CLIMATE-FEVER train/test split, by claim.

    uv run python benchmarks/make_split.py /work/shared/data/climate-fever/climate-fever-dev.jsonl

A claim goes to the test split when the first eight hex digits of
sha256("claimcheck-split-1:" + claim_id), read as a fraction of 2**32, fall
below 0.25.  The five evidence sentences of a claim always share its split.
The list of test claim ids is written to benchmarks/data/climate_fever_split.json
and committed before any tuning; the training scripts and the benchmark read it.
"""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

SEED = "claimcheck-split-1:"
TEST_SHARE = 0.25
OUT = Path(__file__).resolve().parent / "data" / "climate_fever_split.json"


def in_test(claim_id: str) -> bool:
    h = hashlib.sha256((SEED + str(claim_id)).encode()).hexdigest()
    return int(h[:8], 16) / 2**32 < TEST_SHARE


def main() -> None:
    src = Path(sys.argv[1])
    ids = [json.loads(line)["claim_id"] for line in src.open(encoding="utf-8") if line.strip()]
    test = sorted((i for i in ids if in_test(i)), key=lambda x: int(x) if x.isdigit() else x)
    OUT.write_text(json.dumps({"dataset": "CLIMATE-FEVER development part (claims 1,231)", "seed": SEED,
                               "test_share": TEST_SHARE, "claims": len(ids), "test_claim_ids": test}, indent=1) + "\n",
                   encoding="utf-8")
    print(f"{len(test)} of {len(ids)} claims in the test split -> {OUT}")


if __name__ == "__main__":
    main()
