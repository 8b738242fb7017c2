"""What curators do to documents and clauses, as functions the admin calls.

Each change goes through ``save()`` so that django-simple-history records it
(who, when, before and after, and what was done: its 修改原因) and the search
index follows after commit.
"""

from django.db import transaction
from django.db.models import F

from .models import Clause, Document

# Metadata a merge copies from a duplicate when the kept document lacks it.
MERGED_FIELDS = [
    "doc_number",
    "region",
    "publish_date",
    "effective_date",
    "expiry_date",
    "doc_type",
]
# Clause orders move out of the way by this much while others are renumbered.
ORDER_SHIFT = 1_000_000


@transaction.atomic
def set_review_state(documents, state: str) -> int:
    changed = 0
    for document in documents:
        if document.review_state != state:
            document.review_state = state
            document._change_reason = f"审核状态改为{document.get_review_state_display()}"
            document.save(update_fields=["review_state", "updated"])
            changed += 1
    return changed


@transaction.atomic
def confirm_categories(clauses, category_id: int | None = None) -> int:
    """A curator's decision on each clause: ``category_id`` if given, else the
    category it has. Either way the model will not change it again."""
    changed = 0
    for clause in clauses:
        if category_id is not None:
            clause.category_id = category_id
        clause.category_source = Clause.CategorySource.CURATOR
        clause.needs_review = False
        clause._change_reason = "设置类别" if category_id is not None else "确认类别"
        clause.save(update_fields=["category", "category_source", "needs_review"])
        changed += 1
    return changed


def fullness(document: Document) -> tuple:
    """How complete a copy is: full text first, then clauses, then text length."""
    texts = list(document.clauses.values_list("text", flat=True))
    return (document.has_full_text, len(texts), sum(map(len, texts)))


@transaction.atomic
def merge_duplicates(documents: list[Document]) -> Document:
    """Keep the fullest copy, give it what the others know and it lacks, and
    withdraw the others as its duplicates (nothing is deleted)."""
    ranked = sorted(documents, key=fullness, reverse=True)
    kept, others = ranked[0], ranked[1:]
    for other in others:
        for name in MERGED_FIELDS:
            if not getattr(kept, name) and getattr(other, name):
                setattr(kept, name, getattr(other, name))
        if not kept.status and other.status:
            kept.status = other.status
    kept._change_reason = "合并重复文件：保留此份"
    kept.save()
    issuers = {issuer.pk for other in others for issuer in other.issuers.all()}
    if issuers and not kept.issuers.exists():
        kept.issuers.add(*issuers)
    for other in others:
        other.duplicate_of = kept
        other.review_state = Document.ReviewState.WITHDRAWN
        other._change_reason = f"合并重复文件：并入 #{kept.pk}"
        other.save(update_fields=["duplicate_of", "review_state", "updated"])
    return kept


@transaction.atomic
def merge_clauses(clauses: list[Clause]) -> Clause:
    """Join clauses of one document into the first of them, in reading order."""
    if len(clauses) < 2:
        raise ValueError("请至少选择两条条款。")
    if len({clause.document_id for clause in clauses}) > 1:
        raise ValueError("只能合并同一文件中的条款。")
    clauses = sorted(clauses, key=lambda clause: clause.order)
    kept = clauses[0]
    kept.text = "\n".join(clause.text for clause in clauses)
    kept.needs_review = True
    kept._change_reason = "合并条款"
    kept.save()
    for clause in clauses[1:]:
        clause._change_reason = f"合并条款：并入 #{kept.pk}"
        clause.delete()
    return kept


def split_clause(clause: Clause, parts: list[str]) -> list[Clause]:
    """Cut ``clause`` into ``parts``: the first keeps the clause, the others
    follow it as new clauses under the same headings, flagged for review."""
    later = Clause.objects.filter(document_id=clause.document_id, order__gt=clause.order)
    extra = len(parts) - 1
    # Two steps, because the (document, order) pair is unique at every row update.
    later.update(order=F("order") + ORDER_SHIFT)
    Clause.objects.filter(
        document_id=clause.document_id, order__gt=clause.order + ORDER_SHIFT
    ).update(order=F("order") - ORDER_SHIFT + extra)
    clause.text = parts[0]
    clause._change_reason = "拆分条款"
    clause.save()
    created = [clause]
    for offset, text in enumerate(parts[1:], start=1):
        part = Clause(
            document_id=clause.document_id,
            order=clause.order + offset,
            path=clause.path,
            text=text,
            category_id=clause.category_id,
            confidence=clause.confidence,
            top=clause.top,
            needs_review=True,
        )
        part._change_reason = f"拆分条款：自 #{clause.pk} 拆出"
        part.save()
        created.append(part)
    return created
