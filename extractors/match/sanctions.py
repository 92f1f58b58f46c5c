"""Claims against sanctions lists: listing facts only, by indexed look-up.

A list entry states listing facts: that a name is listed, on which list,
under which programme or regime, since when, with which aliases and
identifiers.  :func:`check_listing` judges only those parts of a claim:

* the claim's people and entities are looked up in a :class:`ListIndex`
  (exact on folded names and aliases, then the names that contain every
  word of the claim's name, then rapidfuzz on the entries that share a word
  with it), never by scanning the list or parsing it with the NLP pipeline;
* a programme, a date or a list the claim names is compared with the
  entry's; a mismatch is ``contradicted`` with both values in the reasons;
* any other part of the claim ("was acquitted", "organised the attack") is
  not something a list states: on its own it gives ``not_found``, next to a
  confirmed listing ``partly_supported``, never ``supported``;
* a name close to a listed one but not on the list is ``not_found`` with the
  closest entry in the reasons.

Listing vocabulary lives in ``corpus/gazetteer/listing.toml``; programme
phrases and jurisdictions in ``claim_cues.toml``.
"""
from __future__ import annotations

import re
import tomllib
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from extractors.claims.cues import load_cues
from extractors.match.verdict import Decision
from extractors.model import Claim, ParsedDoc, Passage, SourceClaim, SourceSpec
from extractors.parse.designations import Designations, as_designations
from extractors.textnorm import fold_str

GAZETTEER_DIR = Path(__file__).resolve().parents[2] / "corpus" / "gazetteer"
# most entries rapidfuzz compares a name with: the entries sharing the name's
# rarest word, widened by its next rarest words while the block stays this small
CANDIDATES = 2000
SPELLING_RATIO = 85  # rapidfuzz ratio for two spellings of one word (>= 5 letters)

__all__ = ["ListIndex", "check_listing", "is_list", "list_index", "list_passages", "mentions_listing"]


# ------------------------------------------------------------------ vocabulary


def _vocab(gazetteer: Any = None) -> dict[str, Any]:
    directory = Path(getattr(gazetteer, "directory", None) or GAZETTEER_DIR)
    path = directory / "listing.toml"
    if not path.exists():
        path = GAZETTEER_DIR / "listing.toml"
    return _read_toml(str(path))


_TOML: dict[str, dict[str, Any]] = {}


def _read_toml(path: str) -> dict[str, Any]:
    if path not in _TOML:
        with open(path, "rb") as fh:
            raw = tomllib.load(fh)
        _TOML[path] = {k: set(v) if isinstance(v, list) else v for k, v in raw.items()}
    return _TOML[path]


def name_tokens(s: str) -> list[str]:
    """Folded words of a name (diacritics and case removed); "U.S." -> "usa"."""
    s = re.sub(r"\bU\.S\.(?=\W|$)|\bUS\b", "usa", s)
    s = re.sub(r"\bU\.K\.(?=\W|$)", "uk", s)
    return [t for t in re.findall(r"\w+", fold_str(s)) if len(t) > 1]


def is_list(doc: ParsedDoc | None, spec: SourceSpec | None) -> bool:
    return bool(doc is not None and doc.designations) or (spec is not None and spec.kind == "sanctions-list")


def mentions_listing(view: Any) -> bool:
    """The claim names a list or a listing (cheap filter for uncited lists)."""
    cues = load_cues()["sanctions_programmes"].get("list_cues", [])
    low = fold_str(view.body.lower())
    return any(re.search(r"(?<![\w])" + re.escape(c) + r"(?![\w])", low) for c in cues)


# ------------------------------------------------------------------ index


def _affixes(word: str) -> tuple[str, ...]:
    return (word[:4] + "<", ">" + word[-4:]) if len(word) >= 6 else ()


@dataclass
class Hit:
    row: int
    name: str  # as listed
    kind: str  # "primary name" | "alias"
    how: str  # "exact" | "all words" | "spelling variant"


class ListIndex:
    """Look-up structures over one list's designations, built once per list.

    ``exact`` maps the sorted folded words of every name and alias to its
    entries; ``postings`` maps each folded word to the entries whose names
    contain it (the blocks rapidfuzz searches)."""

    def __init__(self, designations: Designations):
        self.designations = designations
        t = designations.table
        self.primary = t.column("name").to_pylist()
        self.aliases = t.column("aliases").to_pylist()
        folded = t.column("name_folded").to_pylist()
        folded_aliases = t.column("aliases_folded").to_pylist()
        self.exact: dict[str, list[tuple[int, int]]] = {}
        self.postings: dict[str, list[int]] = {}
        # the first and last four letters of each longer word: a misspelt
        # word ("Radoicik") still shares one with the listed spelling
        self.affixes: dict[str, list[int]] = {}
        # per entry: its names' folded strings (0 = primary, then aliases)
        self.folded: list[list[str]] = []
        for row, (nf, afs) in enumerate(zip(folded, folded_aliases)):
            names = [nf or "", *(afs or [])]
            self.folded.append(names)
            seen: set[str] = set()
            for j, n in enumerate(names):
                toks = [w for w in n.split() if len(w) > 1]
                if not toks:
                    continue
                self.exact.setdefault(" ".join(sorted(set(toks))), []).append((row, j))
                for w in toks:
                    if w not in seen:
                        seen.add(w)
                        self.postings.setdefault(w, []).append(row)
                    for key in _affixes(w):
                        if key not in seen:
                            seen.add(key)
                            self.affixes.setdefault(key, []).append(row)

    def __len__(self) -> int:
        return len(self.primary)

    def _name(self, row: int, j: int) -> tuple[str, str]:
        if j == 0:
            return self.primary[row], "primary name"
        return self.aliases[row][j - 1], "alias"

    def _containing(self, toks: list[str]) -> list[int]:
        """Entries whose names hold every word of *toks* (postings intersected,
        rarest first)."""
        posts = sorted((self.postings.get(w, ()) for w in set(toks)), key=len)
        if not posts or not posts[0]:
            return []
        rows = set(posts[0])
        for p in posts[1:]:
            rows.intersection_update(p)
            if not rows:
                break
        return sorted(rows)

    def _candidates(self, toks: list[str]) -> list[int]:
        """The block rapidfuzz searches: entries sharing the claim name's
        rarest words, up to CANDIDATES entries (a common word such as "llc"
        or a frequent given name only widens a small block)."""
        keys = set(toks)
        posts = sorted([self.postings[w] for w in keys if w in self.postings]
                       + [self.affixes[k] for w in keys for k in _affixes(w) if k in self.affixes], key=len)
        out: set[int] = set()
        for i, p in enumerate(posts):
            if i and len(out) + len(p) > CANDIDATES:
                break
            out.update(p[:CANDIDATES] if not i else p)
        return sorted(out)

    def lookup(self, name: str) -> tuple[list[Hit], tuple[str, int, float] | None]:
        """(hits, closest) for a name as a claim writes it.  *closest* is the
        most similar listed name among the candidates ``(name, row, score)``,
        reported when nothing matches."""
        toks = name_tokens(name)
        if not toks:
            return [], None
        key = " ".join(sorted(set(toks)))
        exact = self.exact.get(key, [])
        if exact:
            return [Hit(r, *self._name(r, j), "exact") for r, j in exact], None
        if len(toks) < 2:
            # one word is too little to identify a person or firm by inclusion
            return [], None
        hits: list[Hit] = []
        want = set(toks)
        for r in self._containing(toks):
            for j, n in enumerate(self.folded[r]):
                if want <= set(n.split()):
                    hits.append(Hit(r, *self._name(r, j), "all words"))
                    break
        if hits:
            return hits, None
        cands = self._candidates(toks)
        choices = {(r, j): n for r in cands for j, n in enumerate(self.folded[r]) if n}
        query = " ".join(toks)
        best = process.extract(query, choices, scorer=fuzz.token_sort_ratio, limit=10, score_cutoff=50)
        for _n, score, (r, j) in best:
            ntoks = choices[(r, j)].split()
            if all(p in ntoks or (len(p) >= 5 and any(fuzz.ratio(p, w) >= SPELLING_RATIO for w in ntoks)) for p in toks):
                hits.append(Hit(r, *self._name(r, j), "spelling variant"))
        if hits:
            return hits, None
        if best:
            _n, score, (r, j) = best[0]
            return [], (self._name(r, j)[0], r, float(score))
        return [], None


_INDEXES: OrderedDict[tuple[str, str, int], ListIndex] = OrderedDict()


def list_index(doc: ParsedDoc) -> ListIndex:
    """The index of *doc*'s designations, built once per list version."""
    des = as_designations(doc.designations)
    key = (doc.sha256, doc.parser, len(des))
    idx = _INDEXES.get(key)
    if idx is None:
        idx = ListIndex(des)
        _INDEXES[key] = idx
        while len(_INDEXES) > 4:
            _INDEXES.popitem(last=False)
    else:
        _INDEXES.move_to_end(key)
    return idx


# ------------------------------------------------------------------ claim side


def _jurisdictions(text: str, field: str) -> set[str]:
    low = " " + fold_str(text.lower()) + " "
    out = set()
    for key, spec in load_cues().get("sanctions_jurisdictions", {}).items():
        if any(re.search(r"(?<![\w.])" + re.escape(w) + r"(?![\w])", low) for w in spec[field]):
            out.add(key)
    return out


def _list_jurisdiction(spec: SourceSpec | None, doc: ParsedDoc) -> set[str]:
    des = as_designations(doc.designations)
    first = des.table.column("list_name")[0].as_py() if len(des) else ""
    names = " ".join(filter(None, [spec.publisher if spec else "", spec.title if spec else "", first or ""]))
    return _jurisdictions(names, "list")


def _named_programmes(body: str, vocab: dict[str, Any]) -> list[tuple[str, list[str], tuple[int, int]]]:
    """Programme phrases the claim names *as programmes*: the phrase is written
    as a code ("GLOMAG") or stands next to a programme word ("Russia
    sanctions", "the Ukraine-related programme", "under Global Anti-Corruption"),
    so that "an ally of Russia" names no programme.  Offsets are in *body*."""
    words = "|".join(re.escape(w) for w in sorted(vocab["programme_words"], key=len, reverse=True))
    out = []
    for phrase, codes in load_cues()["sanctions_programmes"].items():
        if phrase == "list_cues" or not isinstance(codes, list):
            continue
        for m in re.finditer(r"(?<![\w])" + re.escape(phrase) + r"(?![\w])", body, re.I):
            written = m.group(0)
            is_code = written.isupper() and any(written.lower() == c.lower() for c in codes)
            after = re.match(r"[\s-]+(?:\w+[\s-]+){0,2}?(?:" + words + r")\b", body[m.end():], re.I)
            before = re.search(r"\bunder (?:the |its |their )?$", body[:m.start()], re.I)
            if is_code or after or before:
                out.append((phrase, [c.lower() for c in codes], m.span()))
                break
    return out


def _programme_match(expected: list[str], listed: list[str]) -> bool:
    listed_l = [p.lower() for p in listed]
    return any(e == p or (len(e) > 6 and e in p) for e in expected for p in listed_l)


@dataclass
class ClaimFacts:
    """What a claim says, sorted into listing facts and the rest."""

    negated: bool  # "is not listed", "was delisted"
    dates: list[str]  # ISO dates the claim gives for the listing
    other: list[str]  # words a list cannot state
    spans: list[tuple[int, int]]  # programme phrases (offsets in the body)


def _claim_facts(nlp: Any, body: str, names: list[str], spec: SourceSpec | None, entry_words: set[str],
                 programmes: list, vocab: dict[str, Any]) -> ClaimFacts:
    listing, removal = vocab["listing"], vocab["removal"]
    name_words = {w for n in names for w in name_tokens(n)}
    own = set(name_tokens(" ".join([spec.title, spec.publisher, *spec.cited_as]))) if spec else set()
    juris = {w for js in load_cues().get("sanctions_jurisdictions", {}).values() for c in js["claim"] for w in name_tokens(c)}
    cue_words = {w for c in load_cues()["sanctions_programmes"].get("list_cues", []) for w in name_tokens(c)}
    skip = name_words | own | juris | cue_words | {"usa", "uk"}
    prog_spans = [span for _p, _c, span in programmes]
    doc = nlp(body) if nlp is not None else None
    if doc is None:
        return ClaimFacts(False, [], [], prog_spans)

    def is_listing(tok) -> bool:
        return tok.lemma_.lower() in listing or tok.lower_ in listing or fold_str(tok.lower_) in cue_words

    negated = False
    for tok in doc:
        if tok.lemma_.lower() in removal:
            negated = True
        if tok.dep_ == "neg" or tok.lower_ in ("never", "no longer"):
            head = tok.head
            near = [head, *head.children, *(g for c in head.children if c.dep_ == "prep" for g in c.children)]
            if any(is_listing(t) for t in near):
                negated = True
    dates: list[str] = []
    date_tokens: set[int] = set()
    for ent in doc.ents:
        if ent.label_ != "DATE":
            continue
        anc, hops, about_listing = ent.root.head, 0, False
        while hops < 4:
            if is_listing(anc):
                about_listing = True
                break
            if anc.head is anc:
                break
            anc, hops = anc.head, hops + 1
        if about_listing:
            dates.append(ent.text)
            date_tokens.update(range(ent.start, ent.end))
    other = []
    for tok in doc:
        if tok.i in date_tokens or tok.is_stop or tok.is_punct or tok.is_space or tok.pos_ in ("ADV", "AUX", "DET",
                                                                                               "PRON", "ADP", "CCONJ", "SCONJ", "PART"):
            continue
        if any(a <= tok.idx < b for a, b in prog_spans):
            continue
        words = name_tokens(tok.text)
        if not words or all(w in skip or w in entry_words for w in words):
            continue
        if is_listing(tok) or tok.lemma_.lower() in removal:
            continue
        if tok.ent_type_ in ("GPE", "NORP") and all(w in juris for w in words):
            continue
        other.append(tok.text)
    return ClaimFacts(negated, dates, list(dict.fromkeys(other)), prog_spans)


def _date_check(claim_dates: list[str], listed_on: str | None) -> tuple[str, str] | None:
    """("match" | "mismatch" | "absent", reason) for the dates a claim gives a listing."""
    if not claim_dates:
        return None
    from extractors.claims.quantities import find_dates

    vals = [d for text in claim_dates for d in find_dates(text) if d.precision in ("year", "month", "day")]
    if not vals:
        return None
    if not listed_on:
        return "absent", f"the list gives no designation date (claim says {', '.join(claim_dates)})"
    for d in vals:
        if listed_on.startswith(d.iso[: {"year": 4, "month": 7, "day": 10}[d.precision]]):
            return "match", f"designation date {listed_on} matches '{claim_dates[0]}'"
    return "mismatch", f"date differs: listed on {listed_on}, claim says '{', '.join(claim_dates)}'"


def _claim_names(view: Any, spec: SourceSpec | None, gazetteer: Any) -> list[str]:
    """The people and entities a claim names, as full names (the gazetteer's
    label for a known person, "Radoicic" -> "Milan Radoicic")."""
    own = set(name_tokens(" ".join([spec.title, spec.publisher, *spec.cited_as]))) if spec else set()
    juris = {w for js in load_cues().get("sanctions_jurisdictions", {}).values() for c in js["claim"] for w in name_tokens(c)}
    out: list[str] = []
    for a in view.actors:
        pid = gazetteer.lookup(a) if gazetteer is not None else None
        if pid and pid.startswith("person:"):
            a = gazetteer.label(pid)
        toks = name_tokens(a)
        if not toks or all(t in own or t in juris for t in toks):
            continue
        if a not in out:
            out.append(a)
    return out


def _variants(name: str, gazetteer: Any) -> list[str]:
    """The name, then its other spellings known to the gazetteer."""
    out = [name]
    pid = gazetteer.lookup(name) if gazetteer is not None else None
    ent = gazetteer.entities.get(pid) if pid else None
    for a in (ent.aliases if ent else []):
        if a not in out and len(name_tokens(a)) >= 2:
            out.append(a)
    return out


def check_listing(claim: Claim, view: Any, spec: SourceSpec | None, doc: ParsedDoc, gazetteer: Any = None,
                  nlp: Any = None) -> tuple[Decision, Passage | None] | None:
    """The verdict of a list on a claim, or None when the claim names nobody."""
    from extractors.parse.sanctions import designation_passage

    names = _claim_names(view, spec, gazetteer)
    if not names:
        return None
    vocab = _vocab(gazetteer)
    reasons = list(view.resolutions)
    want, have = _jurisdictions(view.body, "claim"), _list_jurisdiction(spec, doc)
    if want and have and not (want & have):
        return Decision("not_found", 0.0, reasons + [
            f"claim is about the {'/'.join(sorted(want)).upper()} list; this is the {'/'.join(sorted(have)).upper()} list"]), None
    index = list_index(doc)
    programmes = _named_programmes(view.body, vocab)
    listing_claim = mentions_listing(view)
    closest: tuple[str, int, float] | None = None
    for person in names:
        hit: Hit | None = None
        for variant in _variants(person, gazetteer):
            hits, near = index.lookup(variant)
            if hits:
                hit = hits[0]
                how = f"{hit.kind} '{hit.name}'" + ("" if hit.how == "exact" else f" ({hit.how})")
                if variant != person:
                    how += f" (as '{variant}')"
                break
            if near and (closest is None or near[2] > closest[2]):
                closest = near
        if hit is None:
            continue
        d = index.designations[hit.row]
        passage = designation_passage(doc, d)
        entry_words = set(name_tokens(" ".join([d["name"], *d["aliases"], *d["identifiers"], d.get("remarks") or "",
                                                d.get("type") or "", d.get("programme") or ""])))
        facts = _claim_facts(nlp, view.body, names, spec, entry_words, programmes, vocab)
        r = reasons + [f"{person} listed as {how} (entry {d['list_id']}, {d['list_name']})"]
        progs = list(d.get("programmes") or [])
        if facts.negated:
            return Decision("contradicted", 0.85, r + ["the claim says the name is not (or no longer) listed"]), passage
        bad: list[str] = []
        good: list[str] = []
        open_: list[str] = []
        if programmes:
            phrase, expected, _span = programmes[0]
            if _programme_match(expected, progs):
                good.append(f"programme {', '.join(progs)} matches '{phrase}'")
            else:
                bad.append(f"programme differs: listed under {', '.join(progs) or 'no programme'}, claim says '{phrase}'")
        else:
            good.append(f"listed under {', '.join(progs) or 'no programme named'}; the claim names no programme")
        dc = _date_check(facts.dates, d.get("listed_on"))
        if dc is not None:
            (good if dc[0] == "match" else bad if dc[0] == "mismatch" else open_).append(dc[1])
        if facts.other:
            open_.append("a list states listing facts only; not stated by the entry: " + ", ".join(f"'{w}'" for w in facts.other[:8]))
        if bad:
            return Decision("contradicted", 0.85, r + bad + good + open_), passage
        if not listing_claim and not programmes:
            return Decision("not_found", 0.0, r + open_ + ["the claim states no listing fact"]), None
        if open_:
            return Decision("partly_supported", 0.5, r + good + open_), passage
        return Decision("supported", 0.95 if programmes else 0.85, r + good), passage
    n = len(index)
    out = reasons + [f"no entry for {', '.join(names)} among {n} designations (names and aliases, diacritics folded)"]
    if closest is not None:
        d = index.designations[closest[1]]
        out.append(f"closest entry: '{closest[0]}' (entry {d['list_id']}, similarity {closest[2]:.0f}/100) is another name")
    if listing_claim:
        facts = _claim_facts(nlp, view.body, names, spec, set(), programmes, vocab)
        if facts.negated:
            return Decision("supported", 0.7, out + ["the claim says the name is not listed, and it is not"]), None
    return Decision("not_found", 0.0, out), None


def list_passages(parsed: dict[str, ParsedDoc], rows: list[SourceClaim]) -> list[Passage]:
    """The ``list-entry`` passages that claim-source rows cite as evidence
    (one per entry), so the passages table holds exactly the entries some
    claim was matched to."""
    from extractors.parse.sanctions import designation_passage

    out: dict[str, Passage] = {}
    for r in rows:
        doc = parsed.get(r.source_id)
        if doc is None or not doc.designations or r.evidence_char_start is None:
            continue
        des = as_designations(doc.designations)
        starts = des.table.column("char_start")
        import pyarrow.compute as pc

        i = pc.index(starts, r.evidence_char_start).as_py()
        if i is None or i < 0:
            continue
        p = designation_passage(doc, des[i])
        out.setdefault(p.passage_id, p)
    return list(out.values())
