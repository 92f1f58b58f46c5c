""""What changed": Banjska mentions and relations new or gone between two
editions of a series, and claims whose verdict changed.  Plain functions
over table rows (dicts as read from Parquet)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from extractors.textnorm import fold_str

BANJSKA = "banjska"


def _norm(text: str | None) -> str:
    return " ".join(fold_str(text or "").split())


def is_banjska(mention: dict[str, Any]) -> bool:
    """A mention of the Banjska attack or the village (canonical id names it)."""
    return BANJSKA in (mention.get("canonical") or "").lower()


def _mention_key(m: dict[str, Any]) -> tuple:
    return (m.get("canonical"), _norm(m.get("sentence")))


def _relation_key(r: dict[str, Any]) -> tuple:
    return (_norm(r.get("subject")), r.get("predicate"), _norm(r.get("object")),
            bool(r.get("negated")), r.get("modality"))


def _brief_mention(m: dict[str, Any]) -> dict[str, Any]:
    return {k: m.get(k) for k in ("source_id", "canonical", "surface", "kind", "page", "sentence")}


def _brief_relation(r: dict[str, Any]) -> dict[str, Any]:
    return {k: r.get(k) for k in ("source_id", "subject", "predicate", "object", "negated", "modality",
                                  "page", "sentence")}


@dataclass
class EditionChange:
    series: str
    old_source: str | None
    new_source: str
    new_mentions: list[dict[str, Any]] = field(default_factory=list)
    gone_mentions: list[dict[str, Any]] = field(default_factory=list)
    new_relations: list[dict[str, Any]] = field(default_factory=list)
    gone_relations: list[dict[str, Any]] = field(default_factory=list)
    verdict_changes: list[dict[str, Any]] = field(default_factory=list)


def banjska_relations(relations: Iterable[dict], mentions: Iterable[dict]) -> list[dict]:
    """Relations stated in a sentence that mentions Banjska, or naming it as subject/object."""
    sentences = {(m["source_id"], _norm(m.get("sentence"))) for m in mentions if is_banjska(m)}
    return [r for r in relations
            if (r["source_id"], _norm(r.get("sentence"))) in sentences
            or BANJSKA in _norm(r.get("subject")) or BANJSKA in _norm(r.get("object"))]


def edition_change(series: str, old_source: str | None, new_source: str, mentions: list[dict],
                   relations: list[dict], source_claims: list[dict]) -> EditionChange:
    """Compare the Banjska content of two editions (old may be None: all new)."""
    def of(sid):
        ms = [m for m in mentions if m["source_id"] == sid and is_banjska(m)]
        rs = banjska_relations([r for r in relations if r["source_id"] == sid],
                               [m for m in mentions if m["source_id"] == sid])
        return ms, rs

    old_m, old_r = of(old_source) if old_source else ([], [])
    new_m, new_r = of(new_source)
    okeys, nkeys = {_mention_key(m) for m in old_m}, {_mention_key(m) for m in new_m}
    orkeys, nrkeys = {_relation_key(r) for r in old_r}, {_relation_key(r) for r in new_r}
    change = EditionChange(series, old_source, new_source)
    change.new_mentions = _unique([_brief_mention(m) for m in new_m if _mention_key(m) not in okeys])
    change.gone_mentions = _unique([_brief_mention(m) for m in old_m if _mention_key(m) not in nkeys])
    change.new_relations = _unique([_brief_relation(r) for r in new_r if _relation_key(r) not in orkeys])
    change.gone_relations = _unique([_brief_relation(r) for r in old_r if _relation_key(r) not in nrkeys])
    # verdict of every claim against the old edition vs the new one
    old_v = {r["claim_id"]: r["verdict"] for r in source_claims if r["source_id"] == old_source}
    new_v = {r["claim_id"]: r["verdict"] for r in source_claims if r["source_id"] == new_source}
    for cid in sorted(set(old_v) | set(new_v)):
        a, b = old_v.get(cid, "not_examined"), new_v.get(cid, "not_examined")
        if a != b:
            change.verdict_changes.append({"claim_id": cid, "old": a, "new": b})
    return change


def _unique(rows: list[dict]) -> list[dict]:
    seen, out = set(), []
    for r in rows:
        k = json.dumps(r, sort_keys=True, default=str)
        if k not in seen:
            seen.add(k)
            out.append(r)
    return out


def verdict_changes(before: list[dict], after: list[dict], claims: list[dict] | None = None) -> list[dict]:
    """(claim, source) pairs whose verdict differs between two runs."""
    text = {c["claim_id"]: c.get("text") for c in (claims or [])}
    a = {(r["claim_id"], r["source_id"]): r["verdict"] for r in before}
    b = {(r["claim_id"], r["source_id"]): r["verdict"] for r in after}
    out = []
    for key in sorted(set(a) | set(b)):
        va, vb = a.get(key, "not_examined"), b.get(key, "not_examined")
        if va != vb:
            out.append({"claim_id": key[0], "source_id": key[1], "old": va, "new": vb,
                        "claim": text.get(key[0])})
    return out


def render_markdown(case_id: str, run_id: str, editions: list[dict], changes: list[EditionChange],
                    run_changes: list[dict], problems: list[str]) -> str:
    lines = [f"# What changed: {case_id}", "", f"Run `{run_id}`.", ""]
    if editions:
        lines.append("## New editions found")
        lines += [f"- {e['series']} {e['year']}: `{e['source_id']}` <{e['url']}>" for e in editions]
    else:
        lines.append("No new editions found.")
    lines.append("")
    for c in changes:
        lines.append(f"## {c.series}: {c.old_source or '(none)'} -> {c.new_source}")
        for title, rows, fmt in (
            ("Banjska mentions only in the new edition", c.new_mentions,
             lambda m: f"- p.{m['page'] or '-'} *{m['surface']}* ({m['canonical']}): {m['sentence']}"),
            ("Banjska mentions gone from the new edition", c.gone_mentions,
             lambda m: f"- p.{m['page'] or '-'} *{m['surface']}* ({m['canonical']}): {m['sentence']}"),
            ("Relations new in the new edition", c.new_relations,
             lambda r: f"- {r['subject']} --{r['predicate']}{' (negated)' if r['negated'] else ''}--> "
                       f"{r['object']} [{r['modality']}]: {r['sentence']}"),
            ("Relations gone from the new edition", c.gone_relations,
             lambda r: f"- {r['subject']} --{r['predicate']}--> {r['object']}: {r['sentence']}"),
            ("Claims whose verdict differs between the editions", c.verdict_changes,
             lambda v: f"- {v['claim_id']}: {v['old']} -> {v['new']}"),
        ):
            lines.append(f"### {title} ({len(rows)})")
            lines += [fmt(r) for r in rows] or ["- none"]
            lines.append("")
    lines.append(f"## Verdicts changed since the previous run ({len(run_changes)})")
    lines += [f"- {v['claim_id']} / {v['source_id']}: {v['old']} -> {v['new']}"
              + (f" — {v['claim'][:120]}" if v.get("claim") else "") for v in run_changes] or ["- none"]
    if problems:
        lines += ["", "## Problems"] + [f"- {p}" for p in problems]
    return "\n".join(lines) + "\n"


def summary_dict(case_id: str, run_id: str, editions: list[dict], changes: list[EditionChange],
                 run_changes: list[dict], problems: list[str]) -> dict[str, Any]:
    return {"case_id": case_id, "run_id": run_id, "new_editions": editions,
            "editions": [c.__dict__ for c in changes], "verdict_changes_since_previous_run": run_changes,
            "problems": problems}


def write_summary(out_dir: Path, name: str, markdown: str, data: dict[str, Any]) -> dict[str, Path]:
    from extractors.export.tables import atomic_write_bytes

    md, js = Path(out_dir) / f"{name}.md", Path(out_dir) / f"{name}.json"
    atomic_write_bytes(md, markdown.encode("utf-8"))
    atomic_write_bytes(js, (json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n").encode())
    return {"markdown": md, "json": js}
