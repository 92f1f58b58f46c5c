"""Embedder figures (printed, not asserted): load time, throughput, quality.

    uv run python benchmarks/embedder.py [CLIMATE_FEVER_JSONL]

For the bundled static model (extractors/match/models/minilm-l6-static),
loaded in this process with the hub switched off, prints: import and load time,
sentences per second on this machine, the AUC of cosine similarity on the
project's sentence pairs (paraphrase vs other statement, against word overlap),
and, when CLIMATE-FEVER's development file is found (argument, or
../shared/data/climate-fever/climate-fever-dev.jsonl beside the repository),
the AUC of cosine(claim, evidence) for SUPPORTS/REFUTES evidence against
NOT_ENOUGH_INFO evidence. Nothing here was tuned on either set.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import numpy as np  # noqa: E402


def main() -> None:
    t = time.perf_counter()
    from extractors.match import embed
    print(f"import extractors.match.embed: {time.perf_counter() - t:.2f}s")

    from distil_embedder import auc, load_climate_fever, load_pairs, overlap

    pairs = load_pairs()
    sets = {"sentence pairs": pairs}
    cf = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data" / "climate-fever" / "climate-fever-dev.jsonl"
    if not cf.is_file():
        cf = Path("/work/shared/data/climate-fever/climate-fever-dev.jsonl")
    if cf.is_file():
        sets["climate-fever relevance"] = load_climate_fever(cf)

    for kind in ("static",):
        t = time.perf_counter()
        emb = embed.load_embedder(kind)
        print(f"{kind} embedder {emb.version}: load {time.perf_counter() - t:.2f}s, dim {emb.dim}")
        for name, rows in sets.items():
            labels = np.array([r[0] for r in rows])
            a = [r[1] for r in rows]
            b = [r[2] for r in rows]
            t = time.perf_counter()
            va, vb = emb.encode(a), emb.encode(b)
            took = time.perf_counter() - t
            s = (va * vb).sum(1)
            o = np.array([overlap(x, y) for x, y in zip(a, b)])
            print(f"  [{name}] {len(rows)} pairs: AUC {auc(list(s[labels == 1]), list(s[labels == 0])):.3f} "
                  f"(word overlap {auc(list(o[labels == 1]), list(o[labels == 0])):.3f}); "
                  f"{2 * len(rows) / took:,.0f} sentences/s")
        texts = [r[1] for r in pairs] * 5
        t = time.perf_counter()
        for x in texts:
            emb.encode([x])
        print(f"  one sentence a call: {len(texts) / (time.perf_counter() - t):,.0f} sentences/s")


if __name__ == "__main__":
    main()
