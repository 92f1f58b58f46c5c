"""The gazetteer: canonical entities with their aliases, relation verb classes
and the cue words of the NLP stage, read from ``corpus/gazetteer/``.

Nothing here knows a name: every alias, ending and cue word comes from the
data files (see ``corpus/gazetteer/README.md``).  Names are compared after
folding (case and diacritics removed, :mod:`extractors.textnorm`) and after
stripping a case ending when what is left is a known gazetteer word, so
"Radoičića", "RADOJICIC" and "Banjskoj" all resolve.
"""
from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from extractors.errors import RegistryError
from extractors.textnorm import fold_str

ENTITY_FILE = "entities.jsonl"
DATA_FILES = (ENTITY_FILE, "matching.toml", "events.toml", "relation_verbs.toml")

# spaCy entity label per gazetteer type, unless an entity sets ``spacy_label``
DEFAULT_SPACY_LABELS = {
    "person": "PERSON",
    "org": "ORG",
    "place": "GPE",
    "event": "EVENT",
    "weapon": "PRODUCT",
    "programme": "LAW",
}

_WORD = re.compile(r"\w+", re.UNICODE)
_ID = re.compile(r"^[a-z]+:[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class Entity:
    id: str
    type: str
    label: str
    aliases: list[str]  # every name: primary names first, then variant spellings
    names: list[str] = field(default_factory=list)  # the primary names (mention kind "name")
    case_sensitive: list[str] = field(default_factory=list)
    spacy_label: str = "MISC"


@dataclass
class Gazetteer:
    directory: Path
    entities: dict[str, Entity]
    verb_classes: dict[str, str]
    phrasal_verbs: dict[str, str]
    matching: dict[str, Any]
    events: dict[str, Any]
    relation_cues: dict[str, Any]
    version: str
    # folded word -> folded word it stands for; built from every alias
    _forms: set[str] = field(default_factory=set, repr=False)
    _stems: dict[str, str] = field(default_factory=dict, repr=False)
    _index: dict[str, str] = field(default_factory=dict, repr=False)  # folded key -> id
    _exact: dict[str, str] = field(default_factory=dict, repr=False)  # case-sensitive alias -> id

    # ------------------------------------------------------------------ words
    def normalise_word(self, word: str, *, capitalised: bool | None = None) -> str:
        """Fold one word and map an inflected form ("radoicica", "banjskoj")
        to the gazetteer word it inflects; other words come back folded."""
        f = fold_str(word)
        if f in self._forms:
            return f
        if capitalised is None:
            capitalised = word[:1].isupper() or word[:1].isdigit()
        if not capitalised:
            return f
        min_stem = int(self.matching.get("min_stem", 4))
        for suffix in self._suffixes:
            if len(f) - len(suffix) >= min_stem and f.endswith(suffix):
                hit = self._stems.get(f[: -len(suffix)])
                if hit:
                    return hit
        return f

    @property
    def _suffixes(self) -> list[str]:
        return self.matching["suffixes_sorted"]

    def key(self, name: str) -> str:
        """Lookup key of a name: folded, inflection removed, punctuation dropped."""
        out: list[str] = []
        for chunk in name.split():
            chunk = chunk.strip("()[],;:'\"“”‘’")
            if not chunk:
                continue
            whole = self.normalise_word(chunk)  # "Mi-35s" -> "mi-35" as one token first
            if whole != fold_str(chunk):
                out.extend(_WORD.findall(whole))
            else:
                out.extend(self.normalise_word(w) for w in _WORD.findall(chunk))
        if out and out[0] == "the":
            out = out[1:]
        return " ".join(out)

    # ----------------------------------------------------------------- lookup
    def lookup(self, name: str) -> str | None:
        """Canonical id for *name* in any spelling, case, diacritics or
        inflection; ``None`` when the gazetteer does not know it."""
        if not name or not name.strip():
            return None
        name = " ".join(name.split())
        hit = self._exact.get(name)
        if hit:
            return hit
        if name.startswith("the "):
            hit = self._exact.get(name[4:])
            if hit:
                return hit
        return self._index.get(self.key(name))

    def label(self, id: str) -> str:
        ent = self.entities.get(id)
        return ent.label if ent else id

    def type_of(self, id: str) -> str:
        ent = self.entities.get(id)
        return ent.type if ent else ""

    def spacy_label(self, id: str) -> str:
        ent = self.entities.get(id)
        return ent.spacy_label if ent else "MISC"


# ---------------------------------------------------------------------- loading


def _read_entities(path: Path) -> dict[str, Entity]:
    entities: dict[str, Entity] = {}
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise RegistryError(f"{path}:{lineno}: not JSON: {exc}", hint="one JSON object per line") from exc
        unknown = set(raw) - {"id", "type", "label", "aliases", "variants", "case_sensitive", "spacy_label", "note"}
        if unknown:
            raise RegistryError(f"{path}:{lineno}: unknown keys {sorted(unknown)}")
        eid = raw.get("id", "")
        if not _ID.match(eid):
            raise RegistryError(f"{path}:{lineno}: bad id {eid!r}", hint="ids look like type:lowercase-slug")
        typ = raw.get("type") or eid.split(":", 1)[0]
        if eid in entities:
            raise RegistryError(f"{path}:{lineno}: duplicate id {eid}")
        names = [raw.get("label", eid)] + list(raw.get("aliases", []))
        aliases = list(dict.fromkeys(list(raw.get("aliases", [])) + list(raw.get("variants", []))))
        entities[eid] = Entity(
            id=eid,
            type=typ,
            label=raw.get("label", eid),
            aliases=aliases,
            names=list(dict.fromkeys(names)),
            case_sensitive=list(raw.get("case_sensitive", [])),
            spacy_label=raw.get("spacy_label") or DEFAULT_SPACY_LABELS.get(typ, "MISC"),
        )
    return entities


def _version(directory: Path) -> str:
    h = hashlib.sha256()
    # every data file; documentation (*.md) does not change extraction
    for name in sorted(p.name for p in directory.iterdir() if p.is_file() and p.suffix != ".md"):
        h.update(name.encode())
        h.update(b"\0")
        h.update((directory / name).read_bytes())
    return h.hexdigest()[:16]


def _build_indexes(gaz: Gazetteer) -> None:
    vowels = tuple(gaz.matching.get("stem_vowels", []))
    min_stem = int(gaz.matching.get("min_stem", 4))
    for ent in gaz.entities.values():
        for alias in [ent.label, *ent.aliases]:
            for w in _WORD.findall(alias):
                gaz._forms.add(fold_str(w))
            for w in alias.split():  # whole tokens such as "mi-35" too
                w = w.strip("()[],;:'\"")
                if w:
                    gaz._forms.add(fold_str(w))
    for form in sorted(gaz._forms):
        gaz._stems.setdefault(form, form)
        if form.endswith(vowels) and len(form) - 1 >= min_stem:
            gaz._stems.setdefault(form[:-1], form)
    for ent in gaz.entities.values():
        for alias in [ent.label, *ent.aliases]:
            if alias in ent.case_sensitive:
                gaz._exact.setdefault(alias, ent.id)
                continue
            gaz._index.setdefault(gaz.key(alias), ent.id)


def read_gazetteer(directory: Path) -> Gazetteer:
    directory = Path(directory)
    if not directory.is_dir():
        raise RegistryError(f"gazetteer directory {directory} not found", hint="set CLAIMCHECK_GAZETTEER_DIR")
    missing = [f for f in DATA_FILES if not (directory / f).is_file()]
    if missing:
        raise RegistryError(f"gazetteer {directory} lacks {', '.join(missing)}")

    def toml(name: str) -> dict[str, Any]:
        try:
            return tomllib.loads((directory / name).read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise RegistryError(f"{directory / name}: {exc}") from exc

    matching = toml("matching.toml").get("fold", {})
    matching["suffixes_sorted"] = sorted(
        {fold_str(s) for s in matching.get("suffixes", [])}, key=lambda s: (-len(s), s)
    )
    verbs = toml("relation_verbs.toml")
    gaz = Gazetteer(
        directory=directory,
        entities=_read_entities(directory / ENTITY_FILE),
        verb_classes={k.lower(): v for k, v in verbs.get("verbs", {}).items()},
        phrasal_verbs={k.lower(): v for k, v in verbs.get("phrasal", {}).items()},
        matching=matching,
        events=toml("events.toml"),
        relation_cues={k: v for k, v in verbs.items() if k not in ("verbs", "phrasal")},
        version=_version(directory),
    )
    _build_indexes(gaz)
    return gaz


@lru_cache(maxsize=8)
def _cached(directory: str, version: str) -> Gazetteer:
    return read_gazetteer(Path(directory))


def load_gazetteer(directory: Path | None = None) -> Gazetteer:
    """Read (and cache) the gazetteer in *directory*, by default
    ``Settings().gazetteer_dir``.  The cache is keyed on the files' bytes, so
    an edited gazetteer is re-read."""
    if directory is None:
        from extractors.settings import Settings

        directory = Settings.from_env().gazetteer_dir
    directory = Path(directory).resolve()
    if not directory.is_dir():
        raise RegistryError(f"gazetteer directory {directory} not found", hint="set CLAIMCHECK_GAZETTEER_DIR")
    return _cached(str(directory), _version(directory))
