from haystack import indexes

from policybase.catalog.models import LAPSED_VALIDITY, Clause, Document

from .analyzer import ChineseAnalyzer


class ClauseIndex(indexes.SearchIndex, indexes.Indexable):
    text = indexes.CharField(document=True, model_attr="text", analyzer=ChineseAnalyzer())
    title = indexes.CharField(model_attr="document__title", analyzer=ChineseAnalyzer())
    doc_number = indexes.CharField(model_attr="document__doc_number", analyzer=ChineseAnalyzer())
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
    # Sort keys: the date as YYYYMMDD, 0 when unknown, so newest-first puts the
    # undated last (Whoosh would put a missing date first).
    publish_sort = indexes.IntegerField(stored=False)
    effective_sort = indexes.IntegerField(stored=False)
    # Ties in a newest-first sort read in document order: clauses are stored in
    # reading order, so a descending sort on minus the id lists them as written.
    reading_sort = indexes.IntegerField(stored=False)

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
        region = clause.document.region
        return [r.name for r in region.lineage()] if region else []

    def prepare_level(self, clause):
        return [clause.document.region.level] if clause.document.region else []

    def prepare_province(self, clause):
        return _present(clause.document.region_ref()["province"])

    def prepare_city(self, clause):
        return _present(clause.document.region_ref()["city"])

    def prepare_district(self, clause):
        return _present(clause.document.region_ref()["district"])

    def prepare_issuer(self, clause):
        return clause.document.issuer_names

    def prepare_document(self, clause):
        return [str(clause.document_id)]

    def prepare_category(self, clause):
        return _present(clause.category_id)

    def prepare_doc_type(self, clause):
        return _present(clause.document.doc_type)

    def prepare_status(self, clause):
        return list(clause.document.status)

    def prepare_validity(self, clause):
        document = clause.document
        if document.validity in LAPSED_VALIDITY or (
            document.validity == Document.Validity.NOT_YET and not document.effective_date
        ):
            return [document.validity]
        return []

    def prepare_publish_sort(self, clause):
        return _date_key(clause.document.publish_date)

    def prepare_effective_sort(self, clause):
        return _date_key(clause.document.effective_date)

    def prepare_reading_sort(self, clause):
        return -clause.pk

    def prepare_year(self, clause):
        date = clause.document.publish_date
        return _present(date and date.year)


def _present(value) -> list[str]:
    return [] if value in (None, "") else [str(value)]


def _date_key(date) -> int:
    return int(date.strftime("%Y%m%d")) if date else 0
