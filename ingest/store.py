"""The only place ingestion writes to the database.

A file's documents are written in one transaction: a failure leaves nothing
behind. Storing is idempotent by the file's SHA-256: the same bytes a second
time change nothing.
"""

import hashlib
from pathlib import Path

from django.core.files import File
from django.db import transaction

from policybase.catalog.models import Category, Clause, Document, Issuer, Region
from policybase.search.tasks import schedule_reindex

from .categorize import review_flag
from .drafts import DocumentDraft, RegionRef
from .paths import readable

NATIONAL_REGION_NAME = "全国"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def store_file(path: Path, drafts: list[DocumentDraft]) -> tuple[list[Document], bool]:
    """Write the documents parsed from ``path``; returns them and whether they are new."""
    sha256 = file_sha256(path)
    known = list(Document.objects.filter(source_sha256=sha256).order_by("pk"))
    if known:
        return known, False
    known_categories = set(Category.objects.values_list("id", flat=True))
    with transaction.atomic():
        documents = [_store_document(draft, path, sha256, known_categories) for draft in drafts]
        if documents:
            _attach_source_file(documents, path, sha256)
        schedule_reindex(document_ids=[d.pk for d in documents])
    return documents, True


def previous_version(draft: DocumentDraft, sha256: str) -> Document | None:
    """The latest stored document from another file that this draft is a new version of."""
    others = Document.objects.exclude(source_sha256=sha256).order_by("-created", "-pk")
    if draft.doc_number:
        return others.filter(doc_number=draft.doc_number).first()
    if draft.issuers:
        for candidate in others.filter(title=draft.title[:300]).prefetch_related("issuers"):
            if sorted(candidate.issuer_names) == sorted(draft.issuers):
                return candidate
    return None


def _store_document(
    draft: DocumentDraft, path: Path, sha256: str, known_categories: set[int]
) -> Document:
    document = Document(
        previous_version=previous_version(draft, sha256),
        title=draft.title[:300],
        doc_number=draft.doc_number or "",
        region=resolve_region(draft.region),
        publish_date=draft.publish_date,
        effective_date=draft.effective_date,
        expiry_date=draft.expiry_date,
        doc_type=draft.doc_type or "",
        status=draft.status,
        has_full_text=draft.has_full_text,
        legislative_history=draft.legislative_history,
        warnings=draft.warnings,
        source_name=readable(path.name),
        source_sha256=sha256,
    )
    # The first line of the document's history (simple-history's reason holds 100 characters).
    document._change_reason = f"入库：{document.source_name}"[:100]
    document.save()
    document.issuers.set(
        [Issuer.objects.get_or_create(name=name[:128])[0] for name in draft.issuers]
    )
    Clause.objects.bulk_create(
        Clause(
            document=document,
            order=order,
            number=(clause.number or "")[:32],
            path=clause.path,
            text=clause.text,
            category_id=clause.category if clause.category in known_categories else None,
            confidence=clause.confidence,
            top=[list(pair) for pair in clause.top],
            needs_review=review_flag(clause.top),
        )
        for order, clause in enumerate(draft.clauses, start=1)
    )
    return document


def _attach_source_file(documents: list[Document], path: Path, sha256: str) -> None:
    # One copy of the file, named by its hash so that two files with the same
    # name never collide; every document cut from it points at it.
    with path.open("rb") as handle:
        first = documents[0]
        name = readable(path.name)
        first.source_file.save(f"{sha256[:2]}/{sha256}/{name}", File(handle), save=True)
    Document.objects.filter(pk__in=[d.pk for d in documents[1:]]).update(
        source_file=first.source_file.name
    )


def resolve_region(ref: RegionRef) -> Region | None:
    """The Region row for ``ref``, creating the missing levels of its path."""
    if ref.level == Region.Level.NATIONAL:
        return Region.objects.get_or_create(
            name=NATIONAL_REGION_NAME, parent=None, defaults={"level": Region.Level.NATIONAL}
        )[0]
    region = None
    for level in (Region.Level.PROVINCE, Region.Level.CITY, Region.Level.DISTRICT):
        name = getattr(ref, level)
        if name:
            region = Region.objects.get_or_create(
                name=name, parent=region, defaults={"level": level}
            )[0]
    return region
