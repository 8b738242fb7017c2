from haystack import indexes

from policybase.catalog.models import LAPSED_VALIDITY, Clause, Document

from .analyzer import CHINESE

# Sort keys hold the clause id below the date, so that one column sorts by
# both: ids stay below 2**36 (68 billion clauses).
CLAUSE_IDS = 2**36


class ClauseIndex(indexes.SearchIndex, indexes.Indexable):
    # Searched, never stored: the database holds the text.
    text = indexes.CharField(document=True, model_attr="text", analyzer=CHINESE, stored=False)
    title = indexes.CharField(model_attr="document__title", analyzer=CHINESE, stored=False)
    doc_number = indexes.CharField(
        model_attr="document__doc_number", analyzer=CHINESE, stored=False
    )
    document_id = indexes.IntegerField(model_attr="document_id")
    # The same id as a keyword, to count matching clauses per document (a facet).
    document = indexes.MultiValueField(stored=False)
    order = indexes.IntegerField(model_attr="order")
    # Every region on the document's path, so a province finds its cities and districts.
    regions = indexes.MultiValueField()
    level = indexes.MultiValueField()
    province = indexes.MultiValueField()
    city = indexes.MultiValueField()
    district = indexes.MultiValueField()
    issuer = indexes.MultiValueField()
    category = indexes.MultiValueField()
    doc_type = indexes.MultiValueField()
    status = indexes.MultiValueField()
    year = indexes.MultiValueField()
    publish_date = indexes.DateField(model_attr="document__publish_date", null=True)
    effective_date = indexes.DateField(model_attr="document__effective_date", null=True)
    expiry_date = indexes.DateField(model_attr="document__expiry_date", null=True)
    # What a curator recorded that the dates cannot tell (query.standing_filter).
    validity = indexes.MultiValueField()
    # Sort keys, newest first: the date as YYYYMMDD (0 when unknown, so the
    # undated come last), then the clauses of a day in reading order (they
    # are stored in reading order, so ids grow along the text).
    publish_sort = indexes.IntegerField(stored=False)
    effective_sort = indexes.IntegerField(stored=False)

    def get_model(self):
        return Clause

    def index_queryset(self, using=None):
        return (
            Clause.objects.exclude(document__review_state=Document.ReviewState.WITHDRAWN)
            .select_related("document__region__parent__parent")
            .prefetch_related("document__issuers")
            .order_by("document_id", "order")
        )

    def prepare_regions(self, clause):
        return self.shared(clause.document)["regions"]

    def prepare_level(self, clause):
        return self.shared(clause.document)["level"]

    def prepare_province(self, clause):
        return self.shared(clause.document)["province"]

    def prepare_city(self, clause):
        return self.shared(clause.document)["city"]

    def prepare_district(self, clause):
        return self.shared(clause.document)["district"]

    def prepare_issuer(self, clause):
        return self.shared(clause.document)["issuer"]

    def prepare_document(self, clause):
        return [str(clause.document_id)]

    def prepare_category(self, clause):
        return _present(clause.category_id)

    def prepare_doc_type(self, clause):
        return _present(clause.document.doc_type)

    def prepare_status(self, clause):
        return list(clause.document.status)

    def prepare_validity(self, clause):
        return self.shared(clause.document)["validity"]

    def prepare_publish_sort(self, clause):
        return _sort_key(clause.document.publish_date, clause.pk)

    def prepare_effective_sort(self, clause):
        return _sort_key(clause.document.effective_date, clause.pk)

    def prepare_year(self, clause):
        date = clause.document.publish_date
        return _present(date and date.year)

    # Indexing hands a document's clauses the same document object, one after
    # another: what they hold alike is worked out once for all of them.
    _shared_by = None

    def shared(self, document: Document) -> dict:
        """The fields every clause of ``document`` holds alike."""
        if self._shared_by is not document:
            region = document.region
            ref = document.region_ref()
            # What a curator recorded that the dates cannot tell (query.standing_filter).
            recorded = document.validity in LAPSED_VALIDITY or (
                document.validity == Document.Validity.NOT_YET and not document.effective_date
            )
            self._shared = {
                "regions": [r.name for r in region.lineage()] if region else [],
                "level": [region.level] if region else [],
                "province": _present(ref["province"]),
                "city": _present(ref["city"]),
                "district": _present(ref["district"]),
                "issuer": document.issuer_names,
                "validity": [document.validity] if recorded else [],
            }
            self._shared_by = document
        return self._shared


def _present(value) -> list[str]:
    return [] if value in (None, "") else [str(value)]


def _sort_key(date, pk: int) -> int:
    day = date.year * 10_000 + date.month * 100 + date.day if date else 0
    return day * CLAUSE_IDS + CLAUSE_IDS - 1 - pk
