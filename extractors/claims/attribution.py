"""Link claims to the sources the article attributes them to.

Evidence, strongest first:

1. **explicit cues** in the clause, failing that in its sentence: a source's
   ``cited_as`` phrase; the speaker of a reporting verb or of "according to"
   ("the audit office found ...", "according to Reuters") matched against the
   sources' ``cited_as``, titles and publishers; a bracketed reference
   ("[3]", "[2, 4]") or a footnote marker pointing into a numbered source list;
2. **context**: a paragraph label or section heading that is a source's name
   attributes the clauses under it; a paragraph that opens by naming a source
   (in a third-party voice, not "I wrote") carries it to the following
   sentences until a sentence names another source;
3. **the article's source list**: an entry ("Agency X report - fuel
   subsidies; border closures") names sources and topics; a claim that
   mentions a topic is linked to the entry's source that best fits it.

Names are compared with rapidfuzz on folded text.  When one name fits
several sources, a year written in the sentence, then the overlap of the
sentence with each source's title, picks among them.  Topic words that run
through most of the article (its main subject) do not count as topic
evidence.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from extractors.claims.article import Article, ArticleParagraph
from extractors.claims.cues import load_cues
from extractors.model import Case, Claim
from extractors.textnorm import fold_str

_STOP = {"the", "and", "of", "for", "on", "in", "to", "a", "an", "as", "with", "by", "its", "it", "from", "at", "s",
         "that", "this", "is", "are", "was", "were", "be", "has", "have", "had", "or", "but", "not", "their", "his",
         "her", "our", "we", "they", "he", "she", "i", "new", "over", "after", "into", "about", "than", "more"}
# "how" values that mean the clause is reported from a source, not the author's voice
REPORTED = {"explicit", "reference", "carried", "section"}


@dataclass
class Draft:
    """A clause on its way to becoming a claim, with its attribution."""
    para: ArticleParagraph
    piece: Any  # segment.Piece
    topic: str | None
    sources: set[str] = field(default_factory=set)
    how: set[str] = field(default_factory=set)  # explicit | reference | carried | section | source_list
    after_question: bool = False  # an earlier sentence of its paragraph is the author's own question

    @property
    def reported(self) -> bool:
        return bool(self.how & REPORTED)

    @property
    def explicit(self) -> bool:
        """The clause's own sentence names the source."""
        return bool(self.how & {"explicit", "reference"})

    @property
    def raw(self) -> str:
        return self.para.text[self.piece.start:self.piece.end]


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[\u2019'`]", "'", fold_str(s))).strip()


def _content_tokens(s: str) -> list[str]:
    toks = re.findall(r"[a-z0-9][a-z0-9\-]*", _norm(s))
    toks += [p for t in toks if "-" in t for p in t.split("-") if len(p) >= 3 and p.isalpha()]
    return [t for t in toks if t not in _STOP and len(t) >= 2]


def _stem(t: str) -> str:
    """A light suffix stripper: plurals, -ing, -ed, -ment and a final e, so
    "deployment" and "deployed" meet but "contraction" and "contract" do not."""
    t = t.lower()
    if len(t) > 4 and t.endswith("ies"):
        t = t[:-3] + "y"
    elif len(t) > 3 and t.endswith("s") and not t.endswith(("ss", "us", "is")):
        t = t[:-1]
    for suf in ("ment", "ing", "ed"):
        if t.endswith(suf) and len(t) - len(suf) >= 4:
            t = t[: -len(suf)]
            break
    return t[:-1] if len(t) > 4 and t.endswith("e") else t


def _years(text: str) -> set[str]:
    return set(re.findall(r"\b(?:19|20)\d{2}\b", text))


# ----------------------------------------------------------------- names -> sources

def _cue_hits(case: Case, text: str, threshold: int) -> set[str]:
    """Sources whose ``cited_as`` phrase occurs (fuzzily) in *text*."""
    t = _norm(text)
    hits: dict[str, list[str]] = {}
    for src in case.sources:
        for cue in src.cited_as:
            c = _norm(cue)
            if len(c) < 4:
                continue
            need = threshold + (6 if len(c) < 25 else 0)  # short cues must match closely
            if len(c) <= len(t):
                score = fuzz.partial_ratio(c, t)
            else:
                score = fuzz.partial_ratio(t, c) if len(t) >= 0.8 * len(c) else 0
            if score >= need:
                hits.setdefault(cue, []).append(src.id)
    out: set[str] = set()
    years_in_text = _years(text)
    for cue, ids in hits.items():
        if len(ids) > 1 and years_in_text:
            keep = [i for i in ids if (case.source(i).published or "")[:4] in years_in_text]
            ids = keep or ids
        out.update(ids)
    return out


def _parts(publisher: str) -> list[str]:
    return [x for x in re.split(r"\s*(?:[,;/&()]|\band\b|\bvia\b)\s*", publisher or "") if len(x.strip()) >= 3]


def _name_scores(case: Case, name: str, threshold: int) -> dict[str, float]:
    """How well a speaker or reference-list name fits each source: one of
    its ``cited_as`` phrases, one part of its publisher, or its title (two
    or more of the name's words in the title, or the name most of the title)."""
    n = _norm(re.sub(r"^(the|a|an)\s+", "", name.strip(), flags=re.I))
    ntoks = {_stem(t) for t in _content_tokens(n)}
    if len(n) < 3 or not ntoks:
        return {}
    scores: dict[str, float] = {}
    for src in case.sources:
        best = 0.0
        for cue in src.cited_as:
            c = _norm(cue)
            if len(c) >= 4 and len(c) <= len(n) and fuzz.partial_ratio(c, n) >= threshold + (6 if len(c) < 25 else 0):
                best = max(best, 100.0)
            elif len(c) >= 4 and len(n) >= 4 and len(n) >= 0.6 * len(c):
                best = max(best, fuzz.partial_ratio(n, c))
        for part in _parts(src.publisher):
            c = _norm(part)
            if len(n) >= 0.4 * len(c) or len(c) >= 0.4 * len(n):
                best = max(best, fuzz.partial_ratio(n, c) if len(n) >= 4 else fuzz.ratio(n, c))
        ttoks = {_stem(t) for t in _content_tokens(src.title)}
        common = ntoks & ttoks
        if len(common) >= 2 and len(common) >= 0.6 * len(ntoks):
            best = max(best, 90.0 + len(common))
        elif len(ntoks) >= 2 and fuzz.token_sort_ratio(n, _norm(src.title)) >= threshold:
            best = max(best, float(fuzz.token_sort_ratio(n, _norm(src.title))))
        if best >= threshold:
            scores[src.id] = best
    return scores


def _pick(case: Case, scores: dict[str, float], context: str, prefer: set[str] | None = None) -> set[str]:
    """The best-fitting sources; ties are broken by the sources the context
    already names (*prefer*), a year in *context*, then the overlap of
    *context* with each source's title."""
    if not scores:
        return set()
    top = max(scores.values())
    ids = [i for i, v in scores.items() if v >= top - 2]
    if prefer and len(ids) > 1:
        ids = [i for i in ids if i in prefer] or ids
    if len(ids) > 1:
        years = _years(context)
        dated = [i for i in ids if (case.source(i).published or "")[:4] in years]
        ids = dated or ids
    if len(ids) > 1:
        ctoks = {_stem(t) for t in _content_tokens(context)}

        def fit(i: str) -> int:
            return len(ctoks & {_stem(t) for t in _content_tokens(case.source(i).title)})
        fits = {i: fit(i) for i in ids}
        best = max(fits.values())
        if best > 0:
            ids = [i for i in ids if fits[i] == best]
    return set(ids) if len(ids) <= 3 else set()


def _name_hits(case: Case, name: str, context: str, threshold: int, prefer: set[str] | None = None) -> set[str]:
    return _pick(case, _name_scores(case, name, threshold), context, prefer)


def _speakers(doc: Any, reporting: set[str]) -> list[Any]:
    """Noun phrases that speak in a sentence: subjects of reporting verbs
    ("the inspectors found"), objects of "according to", agents of a
    passive reporting verb ("was reported by X")."""
    out = []
    for t in doc:
        misread = t.dep_ == "ROOT" and t.tag_ == "NNS" and t.lower_[:-1] in reporting and t.i + 1 < len(doc) \
            and doc[t.i + 1].pos_ in ("DET", "PROPN")
        if t.pos_ in ("VERB", "AUX") and t.lemma_.lower() in reporting:
            for c in t.children:
                if c.dep_ == "nsubj" and c.pos_ not in ("PRON", "DET"):
                    out.append(doc[c.left_edge.i:c.i + 1])
                if c.dep_ == "agent":
                    out.extend(doc[g.left_edge.i:g.right_edge.i + 1] for g in c.children if g.dep_ == "pobj")
                # the outlet spoken to: "told Reuters", "in a statement to the BBC"
                if c.dep_ in ("dobj", "dative") and c.pos_ == "PROPN":
                    out.append(doc[c.left_edge.i:c.i + 1])
                if c.dep_ == "prep":
                    out.extend(doc[g.left_edge.i:g.i + 1] for g in c.subtree
                               if g.dep_ == "pobj" and g.pos_ == "PROPN" and g.head.lower_ in ("to", "with"))
        elif misread and t.i > 0:  # a verb misread as a noun: the phrase before it speaks
            out.append(doc[t.left_edge.i:t.i])
        if t.lower_ == "according" and t.i + 1 < len(doc) and doc[t.i + 1].lower_ == "to":
            to = doc[t.i + 1]
            out.extend(doc[g.left_edge.i:g.right_edge.i + 1] for g in to.children if g.dep_ == "pobj")
    return [s for s in out if len(s) > 0 and any(x.is_alpha for x in s)]


_AUTHOR_YEAR = re.compile(r"\((?P<name>[A-Z][^()\d]{1,60}?),?\s+(?P<year>(?:19|20)\d{2})[a-z]?\)")
_REF = re.compile(r"\[(\d{1,3}(?:\s*[,;\u2013-]\s*\d{1,3})*)\]")


def _ref_numbers(text: str) -> list[int]:
    nums: list[int] = []
    for m in _REF.finditer(text):
        for part in re.split(r"\s*[,;]\s*", m.group(1)):
            rng = re.split(r"\s*[\u2013-]\s*", part)
            if len(rng) == 2 and rng[0].isdigit() and rng[1].isdigit() and int(rng[0]) <= int(rng[1]) <= int(rng[0]) + 20:
                nums.extend(range(int(rng[0]), int(rng[1]) + 1))
            elif part.isdigit():
                nums.append(int(part))
    return nums


class _Sources:
    """The case's sources and the article's source list, with lookups."""

    def __init__(self, case: Case, article: Article, threshold: int, nlp: Any = None):
        self.case = case
        self.nlp = nlp
        self._names: dict[str, list[str]] = {}
        self.article = article
        self.thr = threshold
        self._entry_cache: dict[int, set[str]] = {}
        self.numbered = any(e.number is not None for e in article.source_list)

    def entry_sources(self, i: int) -> set[str]:
        if i not in self._entry_cache:
            e = self.article.source_list[i]
            ids = _cue_hits(self.case, e.name, self.thr) or _name_hits(self.case, e.name, e.text, self.thr)
            if not ids and e.topic:
                ids = _name_hits(self.case, e.text, e.text, self.thr)
            if not ids:
                ids = _pick(self.case, _title_scores(self.case, e.text), e.text)
            self._entry_cache[i] = ids
        return self._entry_cache[i]

    def names(self, topic: str, frequent: set[str]) -> list[str]:
        """Names in a source-list topic ("Rafale deal", "FK-3 deployment"):
        proper nouns, acronyms and model designations, not places or
        nationalities and not the article's main subject."""
        if topic not in self._names:
            out: list[str] = []
            if self.nlp is not None:
                for t in self.nlp(topic):
                    if t.ent_type_ in ("GPE", "NORP", "LOC", "DATE") or not t.is_alpha and not re.search(r"\d", t.text):
                        continue
                    if (t.pos_ == "PROPN" or t.ent_type_ in ("PRODUCT", "ORG", "PERSON", "EVENT", "LAW", "FAC")
                            or t.text.isupper() and len(t.text) > 1 or re.search(r"\d", t.text)) \
                            and _stem(_norm(t.text)) not in frequent:
                        out.append(t.text)
            self._names[topic] = out
        return self._names[topic]

    def entry_by_number(self, n: int, *, require_numbered: bool) -> set[str]:
        lst = self.article.source_list
        for i, e in enumerate(lst):
            if e.number == n:
                return self.entry_sources(i)
        if not require_numbered and not self.numbered and 1 <= n <= len(lst):
            return self.entry_sources(n - 1)
        return set()


# ----------------------------------------------------------------- explicit cues

def _explicit(src: _Sources, text: str, doc: Any, reporting: set[str], prefer: set[str] | None = None) -> set[str]:
    ids = _cue_hits(src.case, text, src.thr)
    if doc is not None:
        for sp in _speakers(doc, reporting):
            if any(x.pos_ == "PRON" and "1" in x.morph.get("Person") for x in sp):
                continue
            hit = _name_hits(src.case, sp.text, doc.text, src.thr, prefer=(prefer or set()) | ids)
            if not hit:
                hit = _generic_speaker(src.case, sp, (prefer or set()) | ids)
            ids |= hit
        # the subject of the main verb is a source's publisher or title
        # ("The Office of Rail Regulation published a consultation ...")
        for root in (t for t in doc if t.dep_ == "ROOT"):
            for c in root.children:
                if c.dep_ in ("nsubj", "nsubjpass") and c.pos_ == "PROPN":
                    keep = [t for t in c.subtree if not any(a.dep_ in ("appos", "relcl", "acl", "punct", "cc", "conj")
                                                            and a.head == c and t in a.subtree for a in c.children)]
                    name = " ".join(t.text for t in sorted(keep, key=lambda t: t.i))
                    np = _norm(re.sub(r"^(the|a|an)\s+", "", name, flags=re.I))
                    exact = {s.id: 100.0 for s in src.case.sources
                             if any(fuzz.ratio(np, _norm(x)) >= 95 for x in (*_parts(s.publisher), *s.cited_as))}
                    ids |= _pick(src.case, exact, doc.text, (prefer or set()) | ids)
    return ids


def _generic_speaker(case: Case, sp: Any, context: set[str]) -> set[str]:
    """"The report states", "the study notes": a definite common noun stands
    for the source in context whose title or kind has that noun, or for the
    only such source of the case."""
    head = sp.root
    if head.pos_ != "NOUN" or not any(c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in head.children):
        return set()
    word = _stem(head.lemma_.lower())
    cands = {s.id for s in case.sources
             if word in {_stem(t) for t in _content_tokens(s.title)} or word == _stem(s.kind.lower())}
    if cands & context:
        return cands & context
    return cands if len(cands) == 1 else set()


def _references(src: _Sources, draft: Draft, sentence_span: tuple[int, int]) -> set[str]:
    """Sources of the reference markers of the clause's sentence: "[2]"
    inside it or right after it ("... by 2030 [2]."), a bracketed label that
    closes it ("... [Globe]."), and footnote markers."""
    ids: set[str] = set()
    text = draft.para.text
    s0, s1 = sentence_span
    trail = re.match(r"^[\s.,;:]*((?:\[[\d,;\s\u2013-]+\][\s.,;:]*)+)", text[s1:])
    for n in _ref_numbers(text[s0:s1] + (trail.group(1) if trail else "")):
        ids |= src.entry_by_number(n, require_numbered=False)
    # a bracketed label the sentence splitter cut off its sentence ("... on
    # its marketplace [Globe]."): it ends that sentence, so it belongs to it
    tag = re.match(r"^\s*(\[[^\[\]\n\d]{1,40}\])\s*(?:[.;:]|$)", text[s1:])
    if tag:
        ids |= _cue_hits(src.case, tag.group(1), src.thr) or _name_hits(src.case, tag.group(1)[1:-1], text[s0:s1], src.thr)
    # author-year citations: "(Harbour Trust, 2023)", "(Owen et al. 2021)"
    for m in _AUTHOR_YEAR.finditer(text[s0:s1]):
        name = re.sub(r"\s+et al\.?$", "", m.group("name").strip())
        ids |= _name_hits(src.case, name, m.group("year"), src.thr)
    # footnote markers are sentence-local and need a numbered list
    for pos, mark in draft.para.footnote_at:
        if s0 <= pos <= s1 + 1 and mark.isdigit():
            ids |= src.entry_by_number(int(mark), require_numbered=True)
    return ids


def is_source_cue(case: Case, text: str) -> bool:
    """True when *text* (a paragraph label) is mostly a source's name."""
    t = _norm(text)
    thr = int(load_cues()["attribution"]["fuzzy_threshold"])
    for src in case.sources:
        # one source's names found in the label together make up most of it
        # ("1. Giant telescope opens to astronomers (Nature, https://...)":
        # its title, its publisher and its address)
        found = [c for c in {_norm(cue) for cue in src.cited_as} if len(c) >= 4 and fuzz.partial_ratio(c, t) >= thr]
        found = [c for c in found if not any(c != o and c in o for o in found)]  # a name inside another counts once
        if found and sum(len(c) for c in found) >= 0.5 * len(t):
            return True
    return False


# ----------------------------------------------------------------- source list topics

def _frequent_tokens(article: Article) -> set[str]:
    """Stems that run through the article (its main subject): the words of
    its title, and words present in at least a quarter of the body
    paragraphs (and in at least three)."""
    out = {_stem(t) for t in _content_tokens(article.title or "")}
    body = [p for p in article.body if p.kind == "body"]
    if len(body) < 6:
        return out
    df: dict[str, int] = {}
    for p in body:
        for t in {_stem(x) for x in _content_tokens(p.text)}:
            df[t] = df.get(t, 0) + 1
    need = max(3, math.ceil(len(body) / 4))
    return out | {t for t, n in df.items() if n >= need}


def _topic_hits(src: _Sources, text: str, context: str, frequent: set[str]) -> set[str]:
    out: set[str] = set()
    reporting = {_stem(w.lower()) for w in load_cues()["checkworthy"]["reporting_verbs"]} | {"says", "said"}
    case = src.case
    ctoks = {_stem(t) for t in _content_tokens(text)}
    for i, entry in enumerate(src.article.source_list):
        ids = src.entry_sources(i)
        if not ids or not entry.topic:
            continue
        for topic in re.split(r"\s*;\s*|,\s+", entry.topic):
            topic = re.sub(r"[\u201c\u201d\"]", "", topic)
            ttoks = [_stem(t) for t in _content_tokens(topic)]
            ttoks = [t for t in ttoks if t not in frequent] or []
            if not ttoks:
                continue
            found = sum(t in ctoks for t in ttoks)
            need = len(ttoks) if len(ttoks) <= 2 else math.ceil(0.6 * len(ttoks))
            # a name in the topic ("Rafale deal", "FK-3 deployment") is enough
            # when the clause has it; an acronym must keep its capitals
            names = src.names(topic, frequent)
            named = bool(names) and all(
                (re.search(rf"(?<![\w-]){re.escape(w)}", text) if w.isupper() and len(w) > 1
                 else _stem(_norm(w)) in ctoks) for w in names)
            if found < need and not named:
                continue

            # the entry's source that best fits the topic and the clause
            def fit(sid: str) -> float:
                spec = case.source(sid)
                own = {_stem(t) for t in _content_tokens(" ".join([spec.title, spec.id.replace("-", " "), *spec.cited_as]))}
                return sum(t in own for t in ttoks) / len(ttoks) + 0.01 * len(ctoks & own)
            scores = {sid: fit(sid) for sid in ids}
            best = max(scores, key=lambda sid: scores[sid])
            if len(ids) == 1 or (scores[best] >= 0.5 and sum(v == scores[best] for v in scores.values()) == 1):
                out.add(best)
                continue
            # no single best fit: the entry's sources published in a year the
            # paragraph names ("hardened in 2025. Parliament called out ...")
            years = _years(context or text)
            dated = [sid for sid in ids if (case.source(sid).published or "")[:4] in years]
            if 0 < len(dated) <= 3:
                out.update(dated)
        # the clause retells the title of one of the entry's sources
        for sid in ids:
            ttoks = {_stem(t) for t in _content_tokens(case.source(sid).title)} - frequent - reporting
            common = ttoks & ctoks
            # a compound and its part ("pantsir-s1", "pantsir") count once
            common = {t for t in common if not any(t != u and t in u.split("-") for u in common)}
            if len(common) >= 3 and len(common) >= 0.5 * len(ttoks):
                out.add(sid)
    return out


def _title_scores(case: Case, text: str) -> dict[str, float]:
    """A source-list line that names no known source: its words against titles."""
    toks = {_stem(t) for t in _content_tokens(text)}
    out: dict[str, float] = {}
    for s in case.sources:
        tt = {_stem(t) for t in _content_tokens(s.title)}
        if tt and len(tt & toks) >= max(2, math.ceil(0.6 * len(tt))):
            out[s.id] = 100.0 * len(tt & toks) / len(tt)
    return out


# ----------------------------------------------------------------- attribution

def _sentence_span(d: Draft) -> tuple[int, int]:
    s0 = d.para.text.find(d.piece.sentence)
    return (s0, s0 + len(d.piece.sentence)) if s0 >= 0 else (d.piece.start, d.piece.end)


def asks(sentence: str) -> bool:
    """The sentence is a question of the article's own (not one it quotes)."""
    s = sentence.rstrip()
    return s.endswith("?") and not s.lstrip().startswith(("\"", "\u201c", "'", "\u2018"))


def attribute(case: Case, article: Article, drafts: list[Draft], nlp: Any = None) -> None:
    """Fill ``sources`` and ``how`` of every draft."""
    cues = load_cues()
    thr = int(cues["attribution"]["fuzzy_threshold"])
    reporting = {w.lower() for w in cues["checkworthy"]["reporting_verbs"]}
    src = _Sources(case, article, thr, nlp)
    frequent = _frequent_tokens(article)
    sent_docs: dict[str, Any] = {}

    def parse(s: str) -> Any:
        if nlp is None:
            return None
        if s not in sent_docs:
            sent_docs[s] = nlp(s)
        return sent_docs[s]

    by_para: dict[int, list[Draft]] = {}
    for d in drafts:
        by_para.setdefault(d.para.number, []).append(d)
    # section -> the source sets named in it, and the set it carries on
    section_named: dict[str | None, list[frozenset[str]]] = {}
    section_carry: dict[str | None, set[str]] = {}
    for _, group in sorted(by_para.items()):
        para = group[0].para
        label_ids: set[str] = set()
        if group[0].topic and is_source_cue(case, group[0].topic):
            label_ids |= _cue_hits(case, group[0].topic, thr)
        if para.section and is_source_cue(case, para.section):
            label_ids |= _cue_hits(case, para.section, thr)
        # sentence-level sources, in order: explicit cues and reference markers
        sent_ids: dict[int, set[str]] = {}
        sent_refs: dict[int, set[str]] = {}
        first_voice: dict[int, bool] = {}
        questions: set[int] = set()
        for d in group:
            si = d.piece.sent_index
            if si in sent_ids:
                continue
            if asks(d.piece.sentence):
                questions.add(si)
            doc = parse(d.piece.sentence)
            sent_ids[si] = _explicit(src, d.piece.sentence, doc, reporting, label_ids)
            sent_refs[si] = _references(src, d, _sentence_span(d))
            first_voice[si] = doc is not None and any(
                t.dep_ in ("nsubj", "nsubjpass") and t.pos_ == "PRON" and "1" in t.morph.get("Person")
                and t.head.dep_ == "ROOT" for t in doc)
        named_in = {si: sent_ids[si] | sent_refs[si] for si in sent_ids}
        # a paragraph opener naming a source in a third-party voice carries it
        # through the paragraph; a section whose paragraphs name one source
        # only carries it on into its later paragraphs without a label that
        # name no other source
        sec = para.section
        first = min(named_in) if named_in else 1
        carried: set[str] = set()
        inherited = False
        if named_in.get(first) and not first_voice.get(first):
            carried = set(named_in[first])
        elif not group[0].topic and section_carry.get(sec) and not questions \
                and all(v <= section_carry[sec] for v in named_in.values()):
            # a paragraph where the author asks a question of their own is
            # the author's voice: it does not inherit the section's source
            carried, inherited = set(section_carry[sec]), True
        section_named.setdefault(sec, []).extend(
            frozenset(v) for _, v in sorted(named_in.items()) if v)
        kinds = set(section_named[sec])
        section_carry[sec] = set(next(iter(kinds))) if len(kinds) == 1 else set()
        if group[0].topic:
            # an item paragraph ("Label: ...") stands alone: it neither
            # inherits nor passes on a source
            section_carry[sec] = set()
        # the carry ends at the first later sentence that names another source
        # ... and at the author's own question: what follows answers it
        stop = min([si for si, v in named_in.items() if si > first and v - carried]
                   + [si for si in questions if si > first] or [10 ** 6])
        for d in group:
            si = d.piece.sent_index
            d.after_question = any(q < si for q in questions)
            clause_doc = parse(d.raw) if d.raw.strip() else None
            own = _explicit(src, d.raw, clause_doc, reporting, label_ids | carried | sent_ids.get(si, set()))
            refs = sent_refs.get(si, set())
            if own:
                d.sources |= own
                d.how.add("explicit")
            elif sent_ids.get(si):
                d.sources |= sent_ids[si]
                d.how.add("explicit")
            if refs:
                d.sources |= refs
                d.how.add("reference")
            if label_ids:
                d.sources |= label_ids
                d.how.add("section")
            if (si > first or inherited) and si < stop and carried and not named_in.get(si):
                d.sources |= carried
                d.how.add("carried")
        for d in group:
            th = _topic_hits(src, d.piece.text, para.text, frequent)
            if th:
                d.sources |= th
                d.how.add("source_list")
    # clauses of one item paragraph ("Item X (maker): Deal signed ...; value ...")
    # share the sources its topic was linked to through the source list
    topic_sources: dict[tuple[int, str], set[str]] = {}
    for d in drafts:
        if d.topic and "source_list" in d.how:
            topic_sources.setdefault((d.para.number, d.topic), set()).update(
                _topic_hits(src, d.piece.text, d.para.text, frequent))
    for d in drafts:
        key = (d.para.number, d.topic or "")
        if d.topic and key in topic_sources and d.piece.text.startswith(d.topic):
            d.sources |= topic_sources[key]
            d.how.add("source_list")


def attribution_table(claims: list[Claim]) -> dict[str, list[str]]:
    """source id -> claim ids citing it (for reports)."""
    out: dict[str, list[str]] = {}
    for c in claims:
        for s in c.cited_source_ids:
            out.setdefault(s, []).append(c.claim_id)
    return out


__all__ = ["Draft", "attribute", "attribution_table", "is_source_cue"]
