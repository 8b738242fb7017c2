"""The curators' work queue: what needs a person's eyes, in one place for the
admin index and the admin filters alike."""

import functools
import re
from collections import defaultdict

from django.db.models import Q
from django.urls import reverse

from policybase.search.analyzer import fold

from .models import Clause, Document

VISIBLE = ~Q(review_state=Document.ReviewState.WITHDRAWN)
# Spaces and punctuation that differ between two copies of one title.
NOT_TITLE_CHAR = re.compile(r"[\W_]+")


# Every document page compares its title with every other (other_copies): the
# keys of titles already seen are remembered, not folded again per request.
@functools.lru_cache(maxsize=1 << 16)
def title_key(title: str) -> str:
    """Equal for the same title in either script, width or punctuation."""
    return NOT_TITLE_CHAR.sub("", fold(title))


def _identity_keys(title: str, doc_number: str) -> list[tuple[str, str]]:
    keys = [("title", title_key(title))]
    if doc_number:
        keys.append(("number", title_key(doc_number)))
    return keys


def possible_duplicates() -> Q:
    """Visible documents sharing a title or a 文号 with another visible one:
    the same policy arriving from two sources (a newsletter excerpt and the
    full text, a compilation listing it twice)."""
    groups = defaultdict(set)
    rows = Document.objects.filter(VISIBLE).values_list("pk", "title", "doc_number")
    for pk, title, doc_number in rows:
        for key in _identity_keys(title, doc_number):
            groups[key].add(pk)
    return Q(pk__in={pk for pks in groups.values() if len(pks) > 1 for pk in pks})


def other_copies(document: Document) -> list[Document]:
    """The visible documents ``possible_duplicates`` would group with this one,
    full texts first: the same policy from another source."""
    keys = set(_identity_keys(document.title, document.doc_number))
    rows = Document.objects.filter(VISIBLE).exclude(pk=document.pk)
    matches = [
        pk
        for pk, title, doc_number in rows.values_list("pk", "title", "doc_number")
        if keys.intersection(_identity_keys(title, doc_number))
    ]
    return list(
        Document.objects.filter(pk__in=matches).order_by("-has_full_text", "-publish_date", "pk")
    )


# Queue name → (label, condition). Each is also a choice of the admin's 待处理
# filter, so the counts on the admin index link to their lists.
DOCUMENT_QUEUES = {
    "unreviewed": ("待审核的文件", lambda: Q(review_state=Document.ReviewState.INGESTED)),
    "duplicates": ("疑似重复", possible_duplicates),
    "no_date": ("缺发布日期", lambda: VISIBLE & Q(publish_date=None, has_full_text=True)),
    "no_region": ("缺地区", lambda: VISIBLE & Q(region=None)),
    "no_issuer": ("缺发文机关", lambda: VISIBLE & Q(issuers=None, has_full_text=True)),
    "warnings": ("有解析提示", lambda: VISIBLE & ~Q(warnings=[])),
}
CLAUSE_QUEUE = Q(needs_review=True) & ~Q(document__review_state=Document.ReviewState.WITHDRAWN)


def documents_in(queue: str):
    return Document.objects.filter(DOCUMENT_QUEUES[queue][1]()).distinct()


def clauses_to_review():
    return Clause.objects.filter(CLAUSE_QUEUE)


def queue_counts() -> list[dict]:
    """Label, count and admin link of every queue, clauses first."""
    counts = [
        {
            "label": "待复核的条款（模型不确定）",
            "count": clauses_to_review().count(),
            "url": reverse("admin:catalog_clause_changelist") + "?queue=review",
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
