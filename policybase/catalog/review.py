"""The curators' work queue: what needs a person's eyes, in one place for the
admin index and the admin filters alike."""

from django.db.models import Q
from django.urls import reverse

from .models import Clause, Document

VISIBLE = ~Q(review_state=Document.ReviewState.WITHDRAWN)

# Queue name → (label, documents or clauses that need work). Each is also a
# choice of the admin's 待处理 filter, so the counts link to their lists.
DOCUMENT_QUEUES = {
    "unreviewed": ("待审核的文件", Q(review_state=Document.ReviewState.INGESTED)),
    "no_date": ("缺发布日期", VISIBLE & Q(publish_date=None) & Q(has_full_text=True)),
    "no_region": ("缺地区", VISIBLE & Q(region=None)),
    "no_issuer": ("缺发文机关", VISIBLE & Q(issuers=None) & Q(has_full_text=True)),
    "warnings": ("有解析提示", VISIBLE & ~Q(warnings=[])),
}
CLAUSE_QUEUE = Q(needs_review=True) & ~Q(document__review_state=Document.ReviewState.WITHDRAWN)


def documents_in(queue: str):
    return Document.objects.filter(DOCUMENT_QUEUES[queue][1]).distinct()


def clauses_to_review():
    return Clause.objects.filter(CLAUSE_QUEUE)


def queue_counts() -> list[dict]:
    """Label, count and admin link of every queue, clauses first."""
    counts = [
        {
            "label": "待复核的条款（模型不确定）",
            "count": clauses_to_review().count(),
            "url": reverse("admin:catalog_clause_changelist") + "?needs_review__exact=1",
        }
    ]
    for name, (label, _) in DOCUMENT_QUEUES.items():
        counts.append(
            {
                "label": label,
                "count": documents_in(name).count(),
                "url": reverse("admin:catalog_document_changelist") + f"?queue={name}",
            }
        )
    return counts
