"""Plain records that flow through the ingestion pipeline.

Readers produce a ``RawText``; the pure functions of ``ingest`` turn it into
``DocumentDraft`` objects with their ``ClauseDraft`` children. Nothing here
knows about Django: ``ingest.store`` is the only place that writes them to the
database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


class UnreadableSource(Exception):
    """The file cannot be read at all (encrypted PDF, no text layer, binary junk).

    The message is shown to the operator as is, so it says what to do.
    """


@dataclass
class RawText:
    source: str  # file name as the operator knows it
    text: str
    format: str  # "pdf", "text", "html", "docx", "doc"
    warnings: list[str] = field(default_factory=list)
    # Metadata a web page prints as labelled fields beside the article
    # (发文机关, 发文字号, 成文日期, 发布日期), keyed as metadata.PAGE_FIELDS names them.
    fields: dict[str, str] = field(default_factory=dict)


@dataclass
class RegionRef:
    level: str | None = None  # "national" | "province" | "city" | "district" | None
    province: str | None = None
    city: str | None = None
    district: str | None = None

    def as_dict(self) -> dict:
        return {
            "level": self.level,
            "province": self.province,
            "city": self.city,
            "district": self.district,
        }


@dataclass
class ClauseDraft:
    text: str
    number: str | None = None  # "第五条", "（三）", "1." or None
    path: list[str] = field(default_factory=list)  # headings above the clause
    category: int | None = None
    confidence: float | None = None
    top: list[tuple[int, float]] = field(default_factory=list)


@dataclass
class DocumentDraft:
    source: str
    title: str
    body: str = ""  # cleaned text of the document, clauses are cut from it
    # Text around the body that carries metadata but no clauses: the notice
    # that publishes the document, its addressees and signature.
    preamble: str = ""
    # The title of the notice that published it (关于印发X的通知), when the
    # notice is its preamble; "" otherwise.
    notice_title: str = ""
    # A law's header note (题注): the dated events under its title, as printed,
    # and as read (metadata.legislation.Event.as_dict, oldest first).
    header_note: str = ""
    legislative_history: list[dict] = field(default_factory=list)
    # Where the document was found (a compilation's section, a newsletter's
    # source line); region detection falls back on it.
    filed_under: str = ""
    issuers: list[str] = field(default_factory=list)
    doc_number: str | None = None
    region: RegionRef = field(default_factory=RegionRef)
    publish_date: dt.date | None = None
    effective_date: dt.date | None = None
    expiry_date: dt.date | None = None
    doc_type: str | None = None
    status: list[str] = field(default_factory=list)
    has_full_text: bool = True
    clauses: list[ClauseDraft] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def issuer(self) -> str | None:
        return "、".join(self.issuers) or None

    def as_contract(self) -> dict:
        """The JSON object of DESIGN §4.1."""
        return {
            "source": self.source,
            "title": self.title,
            "issuer": self.issuer,
            "issuers": self.issuers,
            "doc_number": self.doc_number,
            "region": self.region.as_dict(),
            "publish_date": _iso(self.publish_date),
            "effective_date": _iso(self.effective_date),
            "expiry_date": _iso(self.expiry_date),
            "doc_type": self.doc_type,
            "status": self.status,
            "has_full_text": self.has_full_text,
            "legislative_history": self.legislative_history,
            "warnings": self.warnings,
            "clauses": [
                {
                    "number": c.number,
                    "path": c.path,
                    "text": c.text,
                    "category": c.category,
                    "confidence": c.confidence,
                }
                for c in self.clauses
            ],
        }


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None
