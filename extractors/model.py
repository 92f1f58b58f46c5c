"""Frozen dataclasses that cross stage boundaries.

Every table of DESIGN.md has one row type here; ``to_row()`` gives the dict
written to CSV/Parquet/DuckDB with the contract's column order.  Lists become
Python lists here and are joined with ``"; "`` only by the CSV writer.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

SOURCE_KINDS = ("report", "resolution", "statement", "news", "sanctions-list")
FORMATS = ("pdf", "html", "csv", "xml", "text")
VERDICTS = (
    "supported",
    "partly_supported",
    "contradicted",
    "not_found",
    "source_unavailable",
    "not_checkable",
)
CLAIM_TYPES = ("event", "quantity", "date", "quote", "attribution", "assessment")
PASSAGE_KINDS = ("body", "heading", "footnote", "table", "list-entry")
MENTION_KINDS = ("name", "variant", "indirect")
MODALITIES = ("asserted", "demanded", "reported", "hypothetical")
DOC_STATUSES = ("ok", "failed", "skipped")


class Row:
    """Mixin: ``to_row()`` returns the table row in contract column order."""

    def to_row(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}  # type: ignore[arg-type]

    @classmethod
    def columns(cls) -> list[str]:
        return [f.name for f in fields(cls)]  # type: ignore[arg-type]


# --------------------------------------------------------------------------- case


@dataclass(frozen=True)
class SourceSpec:
    id: str
    title: str
    publisher: str
    kind: str
    url: str | None = None
    path: str | None = None
    mirrors: tuple[str, ...] = ()
    format: str | None = None
    published: str | None = None
    cited_as: tuple[str, ...] = ()
    series: str | None = None
    # how newer editions of a series are found; free-form table
    editions: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class Case:
    id: str
    title: str
    article: str  # path relative to the case dir, or a URL
    published: str | None
    root: Path  # the case directory
    sources: tuple[SourceSpec, ...]
    case_file: Path | None = None

    def source(self, source_id: str) -> SourceSpec:
        for s in self.sources:
            if s.id == source_id:
                return s
        raise KeyError(source_id)


# --------------------------------------------------------------------------- tables


@dataclass
class DocumentRow(Row):
    """`documents` table.  Fetch fills the first half, parse the rest."""

    source_id: str
    url: str | None = None
    final_url: str | None = None
    status: str = "skipped"  # ok | failed | skipped
    http_status: int | None = None
    content_type: str | None = None  # sniffed format: pdf | html | csv | xml | text
    bytes: int | None = None
    sha256: str | None = None
    fetched_at: str | None = None  # ISO 8601 UTC
    parser: str | None = None
    pages: int | None = None
    chars: int | None = None
    language: str | None = None
    error: str | None = None


@dataclass
class Passage(Row):
    """`passages` table: one located paragraph of a document's canonical text."""

    passage_id: str
    source_id: str
    document_sha256: str
    page: int | None
    paragraph: int  # 1-based, counted within the page for PDFs, within the document otherwise
    char_start: int  # offsets into the document's canonical text
    char_end: int
    kind: str  # body | heading | footnote | table | list-entry
    text: str


@dataclass
class ParsedDoc:
    """What a parser returns for one document version."""

    source_id: str
    sha256: str
    parser: str  # versioned parser id, e.g. "pdfplumber.v1"
    text: str  # canonical text; passages' offsets point into it
    passages: list[Passage]
    pages: int | None = None
    language: str | None = None
    title: str | None = None
    published: str | None = None
    # sanctions lists: the designations (name, aliases, folded forms, type, programme, dates, identifiers, list id)
    designations: Any = field(default_factory=list)  # a parse.designations.Designations table, or []
    warnings: list[str] = field(default_factory=list)
    # how the parser read the document when ``parser`` names more than one
    # route (e.g. PDF pages read by pdfium or by pdfplumber)
    parser_detail: str | None = None


@dataclass
class Mention(Row):
    mention_id: str
    source_id: str
    document_sha256: str
    page: int | None
    paragraph: int | None
    char_start: int
    char_end: int
    surface: str
    canonical: str  # e.g. event:banjska-attack-2023, place:banjska
    kind: str  # name | variant | indirect
    sentence: str
    # analyst review, filled from review decisions by extractors.review
    review_status: str | None = None
    reviewer_note: str | None = None


@dataclass
class Relation(Row):
    relation_id: str
    source_id: str
    subject: str
    subject_type: str
    predicate: str
    object: str
    object_type: str
    negated: bool
    modality: str  # asserted | demanded | reported | hypothetical
    sentence: str
    page: int | None
    char_start: int
    char_end: int


@dataclass
class Claim(Row):
    claim_id: str
    case_id: str
    paragraph: int
    sentence: int
    char_start: int
    char_end: int
    text: str
    claim_type: str
    checkworthy: bool
    cited_source_ids: list[str] = field(default_factory=list)
    entities: list[str] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    # the claim as a stand-alone sentence: a borrowed subject or item label
    # prefixed, a pronoun followed by the person it names ("him [A. B.]");
    # ``text`` stays the article's own words between char_start and char_end
    resolved_text: str | None = None


@dataclass
class SourceClaim(Row):
    claim_id: str
    source_id: str
    cited: bool
    verdict: str
    score: float
    evidence_text: str | None = None
    evidence_page: int | None = None
    evidence_paragraph: int | None = None
    evidence_char_start: int | None = None
    evidence_char_end: int | None = None
    evidence_url: str | None = None
    reasons: list[str] = field(default_factory=list)
    document_sha256: str | None = None
    review_status: str | None = None
    reviewer_note: str | None = None


TABLES: dict[str, type[Row]] = {
    "documents": DocumentRow,
    "passages": Passage,
    "mentions": Mention,
    "relations": Relation,
    "claims": Claim,
    "source_claims": SourceClaim,
}


def as_dict(obj: Any) -> dict[str, Any]:
    return asdict(obj)
