"""Judge claim-evidence pairs in batches: the engine of ``claimcheck judge``
and of the benchmarks.

``judge_pairs(pairs, nlp)`` parses all claims and evidence texts with one
``nlp.pipe`` call, encodes all sentences with one embedding call, then
judges each pair with ``extractors.match.engine``.  Each pair is a dict with
``claim``, ``evidence`` and optionally ``title``; each result a dict with
``verdict``, ``score``, ``reasons``.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from extractors.match.engine import Features, Judgement, Parsed, decide, evidence_text, features, parse_text


def _sentences(p: Parsed) -> list[str]:
    return [f.text for f in p.frames] or [p.text]


def parse_many(nlp: Any, texts: list[str], batch_size: int = 64) -> list[Parsed]:
    uniq = list(dict.fromkeys(texts))
    docs = dict(zip(uniq, nlp.pipe(uniq, batch_size=batch_size)))
    cache = {t: parse_text(nlp, t, docs[t]) for t in uniq}
    return [cache[t] for t in texts]


def similarities(embedder: Any, claims: list[Parsed], evs: list[Parsed]) -> list[tuple[list[float], float, tuple[Any, Any]]]:
    """Per pair: cosine of the claim with each evidence frame's sentence, with
    the whole evidence, and the (claim, most similar sentence) vectors."""
    texts: list[str] = []
    for c, e in zip(claims, evs):
        texts.append(c.text)
        texts.append(e.text)
        texts.extend(_sentences(e))
    uniq = list(dict.fromkeys(texts))
    vecs = embedder.encode(uniq)
    idx = {t: i for i, t in enumerate(uniq)}
    out = []
    for c, e in zip(claims, evs):
        cv = vecs[idx[c.text]]
        sents = _sentences(e)
        sims = [float(np.dot(cv, vecs[idx[s]])) for s in sents]
        best = sents[int(np.argmax(sims))] if sims else e.text
        out.append((sims, float(np.dot(cv, vecs[idx[e.text]])), (cv, vecs[idx[best]])))
    return out


def pair_features(pairs: list[dict[str, Any]], nlp: Any, embedder: Any, same_entity: Any = None,
                  classifier: Any = None) -> list[tuple[Parsed, Parsed, Features]]:
    """Features of each pair; *classifier* (default: the bundled pair
    classifier) reads each claim with its evidence."""
    from extractors.match.pairs import best_reading, load_pair_classifier

    classifier = classifier or load_pair_classifier()
    claims = parse_many(nlp, [str(p["claim"]) for p in pairs])
    evs = parse_many(nlp, [evidence_text(str(p["evidence"]), str(p.get("kind") or "body")) for p in pairs])
    sims = similarities(embedder, claims, evs)
    out = []
    for c, e, (s, sd, vv), p in zip(claims, evs, sims, pairs):
        reading = best_reading(classifier, c.text, _sentences(e), s)
        out.append((c, e, features(c, e, s, sd, p.get("date"), vv, str(p.get("title") or ""), same_entity, reading)))
    return out


def judge_pairs(pairs: list[dict[str, Any]], nlp: Any, embedder: Any = None, model: Any = None) -> list[Judgement]:
    from extractors.match.embed import load_embedder
    from extractors.match.verdict_model import load_model

    embedder = embedder or load_embedder()
    model = model or load_model()
    return [decide(f, model) for _, _, f in pair_features(pairs, nlp, embedder)]


def read_pairs(path: Any) -> list[tuple[int, dict[str, Any] | None, str | None]]:
    """(line number, pair or None, error or None) for every non-empty line."""
    import json

    out: list[tuple[int, dict[str, Any] | None, str | None]] = []
    with open(path, encoding="utf-8", errors="replace") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                out.append((n, None, f"line {n}: not JSON ({exc.msg})"))
                continue
            if not isinstance(obj, dict):
                out.append((n, None, f"line {n}: not a JSON object"))
                continue
            missing = [k for k in ("claim", "evidence") if not isinstance(obj.get(k), str) or not obj.get(k).strip()]
            if missing:
                out.append((n, obj, f"line {n}: missing or empty {', '.join(missing)}"))
                continue
            out.append((n, obj, None))
    return out


def judge_file(src: Any, dest: Any, settings: Any, batch: int = 512) -> dict[str, int]:
    """Judge a JSONL file of pairs into a JSONL file of verdicts, one output
    line per input line, in input order."""
    import json

    from pathlib import Path

    from extractors.atomic import atomic_write_bytes
    from extractors.nlp.pipeline import build_nlp

    rows = read_pairs(src)
    good = [(n, obj) for n, obj, err in rows if err is None]
    nlp = build_nlp(settings.model, settings.gazetteer_dir) if good else None
    results: dict[int, Judgement] = {}
    for i in range(0, len(good), batch):
        chunk = good[i:i + batch]
        for (n, _), j in zip(chunk, judge_pairs([obj for _, obj in chunk], nlp)):
            results[n] = j
    lines = []
    for n, obj, err in rows:
        pid = obj.get("id") if isinstance(obj, dict) else None
        if err is not None:
            lines.append(json.dumps({"id": pid, "line": n, "error": err}, ensure_ascii=False))
            continue
        j = results[n]
        lines.append(json.dumps({"id": pid, "verdict": j.verdict, "score": j.score, "reasons": j.reasons}, ensure_ascii=False))
    atomic_write_bytes(Path(dest), ("\n".join(lines) + ("\n" if lines else "")).encode("utf-8"))
    return {"pairs": len(good), "errors": len(rows) - len(good)}
