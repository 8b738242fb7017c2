"""Documents and clauses as the plain records of the API and exports (DESIGN §4.1, §4.2)."""

from policybase.catalog.models import STRUCTURAL, Clause, Document, category_names


def iso_date(date) -> str | None:
    return date.isoformat() if date else None


def document_record(document: Document, with_clauses: bool = True) -> dict:
    issuers = document.issuer_names
    record = {
        "id": document.pk,
        "source": document.source_name,
        "title": document.title,
        "issuer": "、".join(issuers) or None,
        "issuers": issuers,
        "doc_number": document.doc_number or None,
        "region": document.region_ref(),
        "publish_date": iso_date(document.publish_date),
        "effective_date": iso_date(document.effective_date),
        "expiry_date": iso_date(document.expiry_date),
        "doc_type": document.doc_type or None,
        "status": document.status,
        "has_full_text": document.has_full_text,
        "legislative_history": document.legislative_history,
        "review_state": document.review_state,
        "validity": document.validity or None,
        # In force today (in_force / not_yet / lapsed), from the dates and validity.
        "standing": document.standing,
        "warnings": document.warnings,
        # Withdrawn versions are not the public's to follow.
        "previous_version": (
            document.previous_version_id
            if document.previous_version and document.previous_version.is_visible
            else None
        ),
        "later_versions": [d.pk for d in document.later_versions.visible()],
    }
    if with_clauses:
        record["clauses"] = [
            {
                "clause_id": clause.pk,
                "number": clause.number or None,
                "path": clause.path,
                "text": clause.text,
                "citation": clause.citation,
                "category": clause.category_id,
                "confidence": clause.confidence,
                "category_source": clause.category_source,
                "needs_review": clause.needs_review,
                **doubt_fields(clause),
            }
            for clause in document.clauses.all()
        ]
    return record


def clause_record(clause: Clause, highlight: str) -> dict:
    document = clause.document
    return {
        "clause_id": clause.pk,
        "document_id": document.pk,
        "title": document.title,
        "doc_number": document.doc_number or None,
        "region": document.region_ref(),
        "publish_date": iso_date(document.publish_date),
        "effective_date": iso_date(document.effective_date),
        "doc_type": document.doc_type or None,
        "status": document.status,
        "review_state": document.review_state,
        "standing": document.standing,
        "number": clause.number or None,
        "path": clause.path,
        "category": clause.category_id,
        "confidence": clause.confidence,
        "text": clause.text,
        "highlight": highlight,
        "citation": clause.citation,
        **doubt_fields(clause),
    }


def doubt_fields(clause: Clause) -> dict:
    """What a clause is shown as (added beside ``category``, which stays the
    model's or curator's single answer): its two likeliest categories when the
    model is below the curators' 存疑阈值, and whether it is an instrument."""
    return {
        "categories": clause.shown_category_ids,
        "second_category": clause.second_category_id,
        "doubtful": clause.doubtful,
        "structural": clause.category_id == STRUCTURAL,
    }


CSV_COLUMNS = [
    "clause_id",
    "document_id",
    "title",
    "doc_number",
    "province",
    "city",
    "district",
    "level",
    "publish_date",
    "effective_date",
    "doc_type",
    "status",
    "standing",
    "number",
    "path",
    "category",
    "category_name",
    "confidence",
    "text",
    # Last, so that the positions of the columns before it hold for old scripts.
    "citation",
    # Added after citation for the same reason: the runner-up shown when the
    # model is in doubt (empty otherwise), and the two together as shown.
    "second_category",
    "second_category_name",
    "doubtful",
    "shown_categories",
    # Added for issue 27, at the end as well: the issuers (、-joined) and the
    # clause's address on the site.
    "issuer",
    "url",
]


def clause_csv_row(clause: Clause, site: str) -> list:
    """The scripts' CSV row; ``site`` is the address the clause's URL starts with."""
    document = clause.document
    second = clause.second_category_id
    region = document.region_ref()
    return [
        clause.pk,
        document.pk,
        document.title,
        document.doc_number,
        region["province"] or "",
        region["city"] or "",
        region["district"] or "",
        region["level"] or "",
        iso_date(document.publish_date) or "",
        iso_date(document.effective_date) or "",
        document.doc_type,
        "、".join(document.status),
        document.standing or "",
        clause.number,
        " / ".join(clause.path),
        clause.category_id if clause.category_id is not None else "",
        clause.category.name if clause.category else "",
        clause.confidence if clause.confidence is not None else "",
        clause.text,
        clause.citation,
        "" if second is None else second,
        "" if second is None else category_names().get(second, ""),
        "是" if second is not None else "",
        clause.shown_category_name,
        "、".join(document.issuer_names),
        site + clause.get_absolute_url(),
    ]
