"""Exports other projects' tools read, written with every run:

* ``datapackage.json`` — a Frictionless Data Package describing every table
  CSV and each of its columns (``frictionless validate`` passes);
* ``claimreview.jsonld`` — a schema.org ``ClaimReview`` per checked
  claim-source pair: the verdict is the ``reviewRating``, the evidence
  passage (in its source document) is the ``itemReviewed``; the JSON Schema
  of the shape we emit is ``claimreview.schema.json`` next to this module
  (documented in docs/review.md);
* ``entities.ftm.jsonl`` — mentions' entities, source documents and
  relations as FollowTheMoney entities, one JSON object a line, for Aleph /
  OpenSanctions tooling (``ftm`` CLI, ``followthemoney`` package).
"""
from __future__ import annotations

import json
import tomllib
from collections import Counter, defaultdict
from dataclasses import fields
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping

from extractors.export.report import case_meta
from extractors.export.tables import _arrow_type, atomic_write_bytes
from extractors.ids import stable_id
from extractors.model import TABLES
from extractors.review.store import effective_verdict

HERE = Path(__file__).parent
CLAIMREVIEW_SCHEMA = HERE / "claimreview.schema.json"
DATAPACKAGE_FILE = "datapackage.json"
CLAIMREVIEW_FILE = "claimreview.jsonld"
FTM_FILE = "entities.ftm.jsonl"

# Verdicts a ClaimReview is written for: the source was read and a passage found.
RATED = {"contradicted": 1, "partly_supported": 2, "supported": 3}
RATING_NAMES = {"contradicted": "Contradicted by the source",
                "partly_supported": "Partly supported by the source",
                "supported": "Supported by the source"}

DESCRIPTIONS = {
    "documents": "One row per fetched document (the article and every cited source): provenance and parse status.",
    "passages": "Located paragraphs of each document's canonical text (page, paragraph, character offsets).",
    "mentions": "Mentions of the Banjska attack and related entities in every document, with canonical ids.",
    "relations": "Entity relations (who indicted, sanctioned, condemned ... whom) with their sentence.",
    "claims": "Check-worthy and other sentences of the article, with the sources the article attributes them to.",
    "source_claims": "The source-to-claim table: one row per claim and source examined, with verdict, evidence and review.",
}
PRIMARY_KEYS = {
    "documents": ["source_id"],
    "passages": ["passage_id"],
    "mentions": ["mention_id"],
    "relations": ["relation_id"],
    "claims": ["claim_id"],
    "source_claims": ["claim_id", "source_id"],
}
COLUMN_DOCS = {
    "verdict": "supported | partly_supported | contradicted | not_found | source_unavailable | not_checkable (machine verdict)",
    "review_status": "confirmed | rejected | corrected | stale (empty: not reviewed); see docs/review.md",
    "reviewer_note": "analyst note; a correction starts with [corrected to <value>]",
    "evidence_url": "deep link to the evidence (#page=N for PDFs, a text fragment for HTML)",
    "score": "match score 0..1",
    "reasons": "checkable reasons for the verdict, joined with '; '",
    "cited_source_ids": "sources the article attributes the claim to, joined with '; '",
    "document_sha256": "sha256 of the document bytes the row was read from",
}


def _rows(rows: Iterable[Any] | None) -> list[dict[str, Any]]:
    return [dict(r) if isinstance(r, Mapping) else r.to_row() for r in rows or []]


def _write_text(path: Path, text: str) -> Path:
    atomic_write_bytes(path, text.encode("utf-8"))
    return path


# ----------------------------------------------------------------- Data Package


def _field(name: str, annotation: Any) -> dict[str, Any]:
    t = _arrow_type(annotation)
    import pyarrow as pa

    f: dict[str, Any]
    if pa.types.is_list(t):
        f = {"name": name, "type": "string", "description": "list, items joined with '; '"}
    elif pa.types.is_boolean(t):
        f = {"name": name, "type": "boolean", "trueValues": ["true"], "falseValues": ["false"]}
    elif pa.types.is_floating(t):
        f = {"name": name, "type": "number"}
    elif pa.types.is_integer(t):
        f = {"name": name, "type": "integer"}
    else:
        f = {"name": name, "type": "string"}
    if name in COLUMN_DOCS:
        f["description"] = COLUMN_DOCS[name]
    return f


def datapackage(case: Any, *, run_id: str | None = None, tables: Iterable[str] = TABLES) -> dict[str, Any]:
    meta = case_meta(case, run_id)
    resources = []
    for table in tables:
        cls = TABLES[table]
        resources.append({
            "name": table.replace("_", "-"),
            "path": f"{table}.csv",
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "description": DESCRIPTIONS.get(table, table),
            "schema": {
                "fields": [_field(f.name, f.type) for f in fields(cls)],  # type: ignore[arg-type]
                "primaryKey": PRIMARY_KEYS[table],
                "missingValues": [""],
            },
        })
    sources = [{"title": s.get("title") or s["id"], **({"path": s["url"]} if s.get("url") else {})}
               for s in meta.get("sources", [])]
    pkg = {
        "profile": "tabular-data-package",
        "name": f"claimcheck-{meta['id']}".lower(),
        "title": f"claimcheck: {meta.get('title') or meta['id']}",
        "description": ("Claims of an article checked against the primary sources it cites, "
                        "with evidence passages, mentions and entity relations. Written by claimcheck."),
        "version": run_id or "0",
        "created": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "keywords": ["fact-checking", "claims", "evidence", "Banjska"],
        "resources": resources,
    }
    if sources:
        pkg["sources"] = sources
    return pkg


# ----------------------------------------------------------------- ClaimReview


def claim_reviews(tables: Mapping[str, Iterable[Any]], case: Any, *, run_id: str | None = None,
                  date: str | None = None) -> dict[str, Any]:
    """A JSON-LD document (``@graph``) with one ClaimReview per claim-source row
    whose verdict (after review) is supported, partly_supported or
    contradicted.  Rows an analyst rejected are left out."""
    meta = case_meta(case, run_id)
    sources = {s["id"]: s for s in meta.get("sources", [])}
    docs = {d["source_id"]: d for d in _rows(tables.get("documents"))}
    claims = {c["claim_id"]: c for c in _rows(tables.get("claims"))}
    date = date or datetime.now(timezone.utc).strftime("%Y-%m-%d")
    article = meta.get("article") or ""
    appearance: dict[str, Any] = {"@type": "NewsArticle", "headline": meta.get("title") or meta["id"]}
    if str(article).startswith(("http://", "https://")):
        appearance["url"] = article
    if meta.get("published"):
        appearance["datePublished"] = meta["published"]
    graph = []
    for r in _rows(tables.get("source_claims")):
        if r.get("review_status") == "rejected":
            continue
        verdict = effective_verdict(r)
        if verdict not in RATED or not r.get("evidence_text"):
            continue
        claim = claims.get(r["claim_id"])
        if claim is None:
            continue
        src = sources.get(r["source_id"], {})
        doc = docs.get(r["source_id"], {})
        evidence: dict[str, Any] = {
            "@type": "Quotation",
            "text": r["evidence_text"],
            "isPartOf": {
                "@type": "CreativeWork",
                "@id": f"urn:claimcheck:source:{r['source_id']}",
                "name": src.get("title") or r["source_id"],
                **({"publisher": {"@type": "Organization", "name": src["publisher"]}} if src.get("publisher") else {}),
                **({"url": doc.get("final_url") or src.get("url")} if (doc.get("final_url") or src.get("url")) else {}),
                **({"datePublished": src["published"]} if src.get("published") else {}),
                **({"sha256": r["document_sha256"]} if r.get("document_sha256") else {}),
            },
        }
        if r.get("evidence_url"):
            evidence["url"] = r["evidence_url"]
        loc = []
        if r.get("evidence_page") is not None:
            loc.append(f"page {r['evidence_page']}")
        if r.get("evidence_paragraph") is not None:
            loc.append(f"paragraph {r['evidence_paragraph']}")
        if loc:
            evidence["position"] = ", ".join(loc)
        review: dict[str, Any] = {
            "@type": "ClaimReview",
            "@id": f"urn:claimcheck:{meta['id']}:{r['claim_id']}:{r['source_id']}",
            "datePublished": date,
            "author": {"@type": "Organization", "name": "claimcheck"},
            "claimReviewed": claim["text"],
            "reviewRating": {
                "@type": "Rating",
                "ratingValue": RATED[verdict],
                "bestRating": 3,
                "worstRating": 1,
                "alternateName": RATING_NAMES[verdict],
                "ratingExplanation": "; ".join(r.get("reasons") or []) or verdict,
            },
            "itemReviewed": evidence,
            "about": {"@type": "Claim", "text": claim["text"], "appearance": appearance},
            "additionalProperty": [
                {"@type": "PropertyValue", "name": "verdict", "value": verdict},
                {"@type": "PropertyValue", "name": "score", "value": r.get("score")},
                {"@type": "PropertyValue", "name": "cited", "value": bool(r.get("cited"))},
                {"@type": "PropertyValue", "name": "review_status", "value": r.get("review_status") or "unreviewed"},
            ],
        }
        graph.append(review)
    return {"@context": "https://schema.org", "@graph": graph}


def claimreview_schema() -> dict[str, Any]:
    return json.loads(CLAIMREVIEW_SCHEMA.read_text(encoding="utf-8"))


# ----------------------------------------------------------------- FollowTheMoney


@lru_cache(maxsize=1)
def _mapping() -> dict[str, Any]:
    with open(HERE / "ftm_mapping.toml", "rb") as fh:
        return tomllib.load(fh)


def _schema_for(kind: str | None) -> str:
    m = _mapping()["schemata"]
    return m.get(kind or "", m.get((kind or "").lower(), m["default"]))


def _label(canonical: str) -> str:
    return canonical.split(":", 1)[-1].replace("-", " ").title()


def ftm_entities(tables: Mapping[str, Iterable[Any]], case: Any, *, run_id: str | None = None) -> list[dict[str, Any]]:
    """Entities as FollowTheMoney dicts (``EntityProxy.to_dict()``)."""
    from followthemoney import model

    meta = case_meta(case, run_id)
    sources = {s["id"]: s for s in meta.get("sources", [])}
    docs = {d["source_id"]: d for d in _rows(tables.get("documents"))}
    out: dict[str, Any] = {}

    def document(source_id: str):
        eid = stable_id("ftm-doc", meta["id"], source_id)
        if eid in out:
            return out[eid]
        e = model.make_entity("Document")
        e.id = eid
        s, d = sources.get(source_id, {}), docs.get(source_id, {})
        e.add("title", s.get("title") or (meta.get("title") if source_id == "article" else source_id))
        e.add("sourceUrl", d.get("final_url") or s.get("url") or d.get("url"), quiet=True)
        e.add("publisher", s.get("publisher") or None, quiet=True)
        e.add("date", s.get("published") or (meta.get("published") if source_id == "article" else None), quiet=True)
        e.add("contentHash", d.get("sha256"), quiet=True)
        e.add("language", d.get("language"), quiet=True)
        out[eid] = e
        return e

    # entities from mentions (rejected mentions left out, corrections applied)
    surfaces: dict[str, Counter] = defaultdict(Counter)
    seen_in: dict[str, set[str]] = defaultdict(set)
    from extractors.review.store import effective_canonical

    for m in _rows(tables.get("mentions")):
        if m.get("review_status") == "rejected":
            continue
        canon = effective_canonical(m)
        surfaces[canon][m["surface"]] += 1
        seen_in[canon].add(m["source_id"])
    ents: dict[str, Any] = {}

    def entity(key: str, kind: str | None, names: Counter | None = None):
        eid = stable_id("ftm", key)
        if eid in out:
            return out[eid]
        e = model.make_entity(_schema_for(kind))
        e.id = eid
        # the fullest spelling seen in the documents ("Milan Radoičić"), except
        # for events, whose id says more than "Banjska" does
        label = _label(key) if ":" in key else key
        if names and not key.startswith("event:"):
            label = max(names, key=lambda n: (len(n.split()), names[n], len(n)))
        e.add("name", label)
        if names:
            e.add("alias", [n for n in names if n != label], quiet=True)
        if ":" in key:
            e.add("keywords", key, quiet=True)
        out[eid] = e
        ents[key] = e
        return e

    for canon, names in sorted(surfaces.items()):
        e = entity(canon, canon.split(":", 1)[0], names)
        for sid in sorted(seen_in[canon]):
            link = model.make_entity("Documentation")
            link.id = stable_id("ftm-documentation", canon, meta["id"], sid)
            link.add("document", document(sid).id)
            link.add("entity", e.id)
            link.add("role", "mentioned")
            out[link.id] = link

    pred_map = _mapping().get("predicates", {})
    for r in _rows(tables.get("relations")):
        if r.get("negated"):
            continue  # "did not sanction" is not a link
        subj = entity(r["subject"], r["subject_type"] or (r["subject"].split(":", 1)[0] if ":" in r["subject"] else None))
        obj = entity(r["object"], r["object_type"] or (r["object"].split(":", 1)[0] if ":" in r["object"] else None))
        spec = pred_map.get(r["predicate"])
        doc = document(r["source_id"])
        if spec and spec.get("schema") == "Sanction":
            e = model.make_entity("Sanction")
            e.id = stable_id("ftm-rel", r["relation_id"])
            e.add("entity", (obj if spec["entity_from"] == "object" else subj).id)
            e.add("authority", (subj if spec["authority_from"] == "subject" else obj).caption)
            e.add("reason", r["sentence"], quiet=True)
        else:
            e = model.make_entity("UnknownLink")
            e.id = stable_id("ftm-rel", r["relation_id"])
            e.add("subject", subj.id)
            e.add("object", obj.id)
            e.add("role", r["predicate"] + (f" ({r['modality']})" if r.get("modality") not in (None, "asserted") else ""))
            e.add("description", r["sentence"], quiet=True)
        e.add("proof", doc.id)
        e.add("sourceUrl", doc.first("sourceUrl"), quiet=True)
        out[e.id] = e
    return [e.to_dict() for e in out.values()]


# ----------------------------------------------------------------- writing


def write_exports(out_dir: Path, tables: Mapping[str, Iterable[Any]], case: Any, *,
                  run_id: str | None = None) -> dict[str, Path]:
    """Write datapackage.json, claimreview.jsonld and entities.ftm.jsonl into *out_dir*
    (next to the table CSVs, which the data package points at)."""
    out_dir = Path(out_dir)
    paths = {
        "datapackage": _write_text(out_dir / DATAPACKAGE_FILE,
                                   json.dumps(datapackage(case, run_id=run_id), indent=2, ensure_ascii=False) + "\n"),
        "claimreview": _write_text(out_dir / CLAIMREVIEW_FILE,
                                   json.dumps(claim_reviews(tables, case, run_id=run_id), indent=2, ensure_ascii=False) + "\n"),
        "ftm": _write_text(out_dir / FTM_FILE, "".join(
            json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n" for e in ftm_entities(tables, case, run_id=run_id))),
    }
    return paths


def publish_review_outputs(dirs: Iterable[Path], tables: Mapping[str, Iterable[Any]], case: Any,
                           article_text: str, *, run_id: str | None = None,
                           db_path: Path | None = None, reviews_dir: Path | None = None) -> None:
    """The flow's after-write hook: ``report.html`` and the exports into each
    of *dirs*, then the DuckDB ``reviews`` table rebuilt from the record."""
    from extractors.export.report import write_report
    from extractors.review.store import load_decisions, sync_reviews_duckdb

    decisions = load_decisions(reviews_dir, case_meta(case)["id"]) if reviews_dir else None
    for d in dirs:
        write_report(d, tables, article_text, case, run_id=run_id, decisions=decisions)
        write_exports(d, tables, case, run_id=run_id)
    if reviews_dir is not None and db_path is not None:
        sync_reviews_duckdb(reviews_dir, db_path)
