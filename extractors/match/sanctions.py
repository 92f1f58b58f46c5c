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

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
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


class _Postings:
    """Blocking key -> the entries whose names carry it, built column-wise:
    (key, entry) pairs sorted once, each key pointing at its slice."""

    def __init__(self, keys: pa.Array, rows: np.ndarray):
        if len(keys) == 0:
            self.slices: dict[str, tuple[int, int]] = {}
            self.rows = np.zeros(0, dtype=np.int64)
            return
        codes, uniques = pd.factorize(keys.to_numpy(zero_copy_only=False), sort=False)
        pairs = np.sort(codes.astype(np.int64) * (int(rows.max()) + 1) + rows)
        pairs = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))]  # sorted, deduplicated
        n = int(rows.max()) + 1
        code_sorted, self.rows = pairs // n, pairs % n
        starts = np.searchsorted(code_sorted, np.arange(len(uniques)), side="left")
        ends = np.searchsorted(code_sorted, np.arange(len(uniques)), side="right")
        self.slices = dict(zip(uniques.tolist(), zip(starts.tolist(), ends.tolist())))

    def __contains__(self, key: str) -> bool:
        return key in self.slices

    def get(self, key: str, default=()):
        se = self.slices.get(key)
        return default if se is None else self.rows[se[0]:se[1]]

    def __getitem__(self, key: str):
        se = self.slices[key]
        return self.rows[se[0]:se[1]]


class ListIndex:
    """Look-up structures over one list's designations, built once per list.

    ``exact`` maps the sorted folded words of every name and alias to its
    entries; ``postings`` maps each folded word, ``affixes`` the first and
    last four letters of each longer word ("Radoicik" still shares one with
    "Radoicic"), to the entries whose names hold it: the blocks rapidfuzz
    searches.  Words and affixes are computed column-wise with pyarrow."""

    def __init__(self, designations: Designations):
        self.designations = designations
        t = designations.table
        self.types = t.column("type").to_pylist()
        self._names = t.column("name")
        self._aliases = t.column("aliases")
        folded = t.column("name_folded").to_pylist()
        folded_aliases = t.column("aliases_folded").to_pylist()
        # per entry: its names' folded strings (0 = primary, then aliases)
        self.folded: list[list[str]] = [[nf or "", *(afs or [])] for nf, afs in zip(folded, folded_aliases)]
        self.exact: dict[str, list[tuple[int, int]]] = {}
        for row, names in enumerate(self.folded):
            for j, n in enumerate(names):
                toks = {w for w in n.split() if len(w) > 1}
                if toks:
                    self.exact.setdefault(" ".join(sorted(toks)), []).append((row, j))
        # every (word, entry) pair, then the affixes of the longer words
        n_rows = t.num_rows
        prim = pc.fill_null(t.column("name_folded").combine_chunks(), "")
        ali = t.column("aliases_folded").combine_chunks()
        names = pa.concat_arrays([prim.cast(pa.string()), pc.fill_null(pc.list_flatten(ali), "").cast(pa.string())])
        owner = np.concatenate([np.arange(n_rows, dtype=np.int64),
                                np.asarray(pc.list_parent_indices(ali), dtype=np.int64)])
        split = pc.split_pattern(names, " ")
        words = pc.list_flatten(split)
        word_rows = owner[np.asarray(pc.list_parent_indices(split), dtype=np.int64)]
        keep = np.asarray(pc.greater(pc.utf8_length(words), 1), dtype=bool) if len(words) else np.zeros(0, bool)
        words, word_rows = words.filter(pa.array(keep)), word_rows[keep]
        self.postings = _Postings(words, word_rows)
        long_ = np.asarray(pc.greater_equal(pc.utf8_length(words), 6), dtype=bool) if len(words) else np.zeros(0, bool)
        lw, lr = words.filter(pa.array(long_)), word_rows[long_]
        heads = pc.binary_join_element_wise(pc.utf8_slice_codeunits(lw, 0, 4), "<", "")
        tails = pc.binary_join_element_wise(">", pc.utf8_slice_codeunits(lw, -4), "")
        self.affixes = _Postings(pa.concat_arrays([heads, tails]), np.concatenate([lr, lr]))

    def __len__(self) -> int:
        return len(self.folded)

    def _name(self, row: int, j: int) -> tuple[str, str]:
        if j == 0:
            return self._names[row].as_py(), "primary name"
        return self._aliases[row].as_py()[j - 1], "alias"

    def _containing(self, toks: list[str]) -> list[int]:
        """Entries whose names hold every word of *toks* (postings intersected,
        rarest first)."""
        posts = sorted((self.postings.get(w, ()) for w in set(toks)), key=len)
        if not posts or not len(posts[0]):
            return []
        rows = set(posts[0].tolist())
        for p in posts[1:]:
            rows.intersection_update(p.tolist())
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
            out.update((p[:CANDIDATES] if not i else p).tolist())
        return sorted(out)

    def _whole(self, row: int, listed: list[str], toks: list[str], legal: set[str], fuzzy: bool) -> bool:
        """A person may be named without a middle name; a firm or vessel must
        be named with every word of its listed name but its legal form."""
        if self.types[row] == "individual":
            return True
        need = [w for w in listed if w not in legal]
        return all(w in toks or (fuzzy and len(w) >= 5 and any(fuzz.ratio(w, p) >= SPELLING_RATIO for p in toks))
                   for w in need)

    def lookup(self, name: str, legal: set[str] | frozenset = frozenset()) -> tuple[list[Hit], tuple[str, int, float] | None]:
        """(hits, closest) for a name as a claim writes it.  *closest* is the
        most similar listed name among the candidates ``(name, row, score)``,
        reported when nothing matches.  *legal*: legal-form words a firm's
        name may omit."""
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
                if want <= set(n.split()) and self._whole(r, n.split(), toks, legal, False):
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
            if all(p in ntoks or (len(p) >= 5 and any(fuzz.ratio(p, w) >= SPELLING_RATIO for w in ntoks)) for p in toks) \
                    and self._whole(r, ntoks, toks, legal, True):
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
    dates: list[str]  # dates the claim gives for the listing
    births: list[str]  # dates of birth the claim gives
    numbers: list[str]  # figures of four or more digits outside dates (passport, id, registration numbers)
    id_words: list[str]  # identifier words the claim uses ("passport", "registration")
    other: list[str]  # words a list cannot state
    spans: list[tuple[int, int]]  # programme phrases (offsets in the body)


def _claim_facts(nlp: Any, body: str, names: list[str], spec: SourceSpec | None, entry_words: set[str],
                 programmes: list, vocab: dict[str, Any]) -> ClaimFacts:
    listing, removal = vocab["listing"] | vocab["identifiers"], vocab["removal"]
    name_words = {w for n in names for w in name_tokens(n)}
    own = set(name_tokens(" ".join([spec.title, spec.publisher, *spec.cited_as]))) if spec else set()
    juris = {w for js in load_cues().get("sanctions_jurisdictions", {}).values() for c in js["claim"] for w in name_tokens(c)}
    cue_words = {w for c in load_cues()["sanctions_programmes"].get("list_cues", []) for w in name_tokens(c)}
    skip = name_words | own | juris | cue_words | {"usa", "uk"}
    prog_spans = [span for _p, _c, span in programmes]
    doc = nlp(body) if nlp is not None else None
    if doc is None:
        return ClaimFacts(False, [], [], [], [], [], prog_spans)

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
    births: list[str] = []
    date_tokens: set[int] = set()
    for ent in doc.ents:
        if ent.label_ != "DATE":
            continue
        anc, hops, about = ent.root.head, 0, None
        while hops < 4 and about is None:
            if anc.lemma_.lower() in vocab["birth"] or anc.lower_ in vocab["birth"]:
                about = births
            elif is_listing(anc) and anc.lemma_.lower() not in vocab["identifiers"]:
                about = dates
            if anc.head is anc:
                break
            anc, hops = anc.head, hops + 1
        if about is not None:
            about.append(ent.text)
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
    numbers = [t.text for t in doc if t.i not in date_tokens and sum(c.isdigit() for c in t.text) >= 4]
    id_words = [t.lower_ for t in doc if t.lemma_.lower() in vocab["identifiers"] and t.lemma_.lower() not in vocab["birth"]]
    return ClaimFacts(negated, dates, births, numbers, id_words, list(dict.fromkeys(other)), prog_spans)


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


def _birth_check(births: list[str], identifiers: list[str]) -> tuple[str, str] | None:
    """Dates of birth in the claim against the entry's DOB identifiers."""
    if not births:
        return None
    from extractors.claims.quantities import dates_agree, find_dates

    claimed = [d for text in births for d in find_dates(text)]
    listed = [(x, d) for x in identifiers if x.lower().startswith(("dob", "date of birth")) for d in find_dates(x)]
    if not claimed:
        return None
    if not listed:
        return "absent", f"the entry gives no date of birth (claim says {', '.join(births)})"
    for c in claimed:
        for text, d in listed:
            if dates_agree(c, d):
                return "match", f"date of birth matches '{text}'"
    return "mismatch", f"date of birth differs: listed {'; '.join(t for t, _ in listed)}, claim says '{', '.join(births)}'"


def _identifier_checks(facts: ClaimFacts, identifiers: list[str]) -> list[tuple[str, str]]:
    """Figures of the claim (passport, id, registration numbers) against the
    entry's identifiers: found, or differing from an identifier of the kind
    the claim names."""
    out = []
    flat = [(x, re.sub(r"\W", "", x.lower())) for x in identifiers]
    for num in facts.numbers:
        key = re.sub(r"\W", "", num.lower())
        found = next((x for x, f in flat if key and key in f), None)
        if found:
            out.append(("match", f"identifier '{found}' matches {num}"))
            continue
        kinds = [x for x in identifiers if any(w in x.lower() for w in facts.id_words)]
        if kinds:
            out.append(("mismatch", f"identifier differs: listed {'; '.join(kinds)}, claim says {num}"))
    return out


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

    if not doc.designations:  # a list published as prose is read as prose
        return None
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
            hits, near = index.lookup(variant, vocab["legal_forms"])
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
        checks = [_date_check(facts.dates, d.get("listed_on")), _birth_check(facts.births, d["identifiers"]),
                  *_identifier_checks(facts, d["identifiers"])]
        for other_name in names:
            if other_name == person or set(name_tokens(other_name)) <= set(name_tokens(person)):
                continue
            more, _near = index.lookup(other_name, vocab["legal_forms"])
            if any(h.row == hit.row for h in more):
                checks.append(("match", f"'{other_name}' is a name of the same entry"))
            elif more:
                checks.append(("match", f"{other_name} listed too (entry {index.designations[more[0].row]['list_id']})"))
            else:
                checks.append(("absent", f"no entry for {other_name}"))
        for dc in checks:
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
