"""The curators' work queue: what needs a person's eyes, in one place for the
admin index and the admin filters alike."""

import functools
import re
from collections import defaultdict

from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Window
from django.urls import reverse

from policybase.text.fold import fold

from .models import Clause, Document, doubt_below

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

# A doubtful clause is worth a curator's decision when its two shown
# candidates hold at least this much of the probability: the decision is the
# choice the page shows (资金投入 or 金融支持?), and the choice is usually
# right there (docs/classification.md, "The review queue"). Below it the model
# has no real candidate — a fragment, a table cell, a text the taxonomy barely
# fits — and a curator's time buys little.
CHOICE_MASS = 0.65


def worth_reviewing(top, threshold: float) -> bool:
    """Whether a model-labelled clause with guesses ``top`` ([[category,
    probability], …], best first) goes to the review queue: shown in doubt
    (its best probability below the curators' 存疑阈值 ``threshold``) and
    decidable (its two candidates together hold CHOICE_MASS). A clause stored
    without a guess always goes: nothing was decided for it."""
    if not top:
        return True
    best = top[0][1]
    runner_up = top[1][1] if len(top) > 1 else 0.0
    return best < threshold and best + runner_up >= CHOICE_MASS


def review_flag(top) -> bool:
    """``worth_reviewing`` with the curators' threshold of the moment."""
    return worth_reviewing(top, doubt_below())


REFLAG_BATCH = 2000


def reflag_model_clauses(threshold: float) -> int:
    """Flag every model-labelled clause by ``threshold`` (a curator changed
    it): those now worth reviewing join the queue, the others leave it.
    Returns how many changed."""
    changed = 0
    clauses = Clause.objects.filter(category_source=Clause.CategorySource.MODEL).order_by("pk")
    last_pk = 0
    while batch := list(
        clauses.filter(pk__gt=last_pk).only("pk", "top", "needs_review")[:REFLAG_BATCH]
    ):
        last_pk = batch[-1].pk
        flips = [c for c in batch if worth_reviewing(c.top, threshold) != c.needs_review]
        with transaction.atomic():
            for wanted in (True, False):
                pks = [c.pk for c in flips if c.needs_review != wanted]
                Clause.objects.filter(pk__in=pks).update(needs_review=wanted)
        changed += len(flips)
    return changed


def documents_in(queue: str):
    return Document.objects.filter(DOCUMENT_QUEUES[queue][1]()).distinct()


def clauses_to_review():
    return Clause.objects.filter(CLAUSE_QUEUE)


IMPACT_ORDER = ["-wording_copies", "document_clauses", "confidence", "pk"]


def by_impact(clauses):
    """The queue, the decisions that change most first: a wording shared by
    more waiting clauses (one decision settles them all: 设置类别 in bulk, and
    the retrained model learns it), then the clause of a smaller document
    (one clause moves its instrument mix more), then the less sure. Adds
    ``wording_copies`` and ``document_clauses`` to each clause."""
    document_clauses = (
        Clause.objects.filter(document=OuterRef("document"))
        .order_by()
        .values("document")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return clauses.annotate(
        wording_copies=Window(Count("pk"), partition_by=[F("text")]),
        document_clauses=Subquery(document_clauses),
    ).order_by(*IMPACT_ORDER)


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
