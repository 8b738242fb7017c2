"""haystack's Whoosh backend with PolicyBase's Chinese analyzer understood.

Fields declare their analyzer in the SearchIndex (haystack passes it to
Whoosh); the only thing the stock backend cannot express is what a query term
that the analyzer splits into several tokens means. For our analyzer it is an
exact sequence, so those fields ask Whoosh for a phrase.

Facets are counted from a column of each keyword field's values per document.
Without it Whoosh rebuilds every document's values from the postings of every
facet field on every search, which costs as much for a query with three hits
as for one with all of them and grows with the index (bench/RESULTS.md).
"""

import logging

from haystack.backends.whoosh_backend import WhooshEngine, WhooshSearchBackend
from whoosh import columns
from whoosh.fields import KEYWORD

from .analyzer import ChineseTokenizer

log = logging.getLogger(__name__)

# The index fields results are sorted by (policybase.search.query.SORTS).
SORT_KEYS = {"publish_sort", "effective_sort", "reading_sort"}


class TextListColumn(columns.VarBytesListColumn):
    """Each document's list of values as text: written from text, read back as
    text (a segment merge copies what it reads straight to the new writer)."""

    class Writer(columns.VarBytesListColumn.Writer):
        def add(self, docnum, values):
            super().add(docnum, [value.encode("utf-8") for value in values])

    class Reader(columns.VarBytesListColumn.Reader):
        def __getitem__(self, docnum):
            return [value.decode("utf-8") for value in super().__getitem__(docnum)]


class FacetKeyword(KEYWORD):
    """haystack's keyword field for a multi-valued field ("试行,征求意见稿"), with
    its values in a list column for facet counting."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.column_type = TextListColumn()

    def to_column_value(self, value):
        return [part.strip() for part in value.split(",") if part.strip()]


class ChineseWhooshSearchBackend(WhooshSearchBackend):
    def build_schema(self, fields):
        content_field_name, schema = super().build_schema(fields)
        for name in schema.names():
            field = schema[name]
            if isinstance(getattr(field, "analyzer", None), ChineseTokenizer):
                field.multitoken_query = "phrase"
            if name in SORT_KEYS:
                # A column of values per document: sorting reads it instead of
                # rebuilding a sort cache from the terms in every new searcher.
                field.set_sortable(True)
            if type(field) is KEYWORD:
                schema.remove(name)
                schema.add(name, FacetKeyword(stored=True, commas=True, scorable=True))
        return content_field_name, schema

    def setup(self):
        super().setup()
        if not self._has_facet_columns():
            # Written before facet fields had columns: a segment without one
            # would count as having no values. Count from the postings, as
            # before, and write no columns until the index is rebuilt.
            log.warning("search index has no facet columns: rebuild it for faster facets")
            for name in self.schema.names():
                if isinstance(self.schema[name], FacetKeyword):
                    self.schema[name].column_type = None

    def _has_facet_columns(self) -> bool:
        names = [
            name for name in self.schema.names() if isinstance(self.schema[name], FacetKeyword)
        ]
        with self.index.reader() as reader:
            segments = [leaf for leaf, _ in reader.leaf_readers() if leaf.doc_count_all()]
            return all(leaf.has_column(name) for leaf in segments for name in names)

    def search(self, query_string, **kwargs):
        # haystack asks for everything with "*", a wildcard our analyzer reduces
        # to nothing; Whoosh's own match-all is "*:*" (and cheaper than a wildcard).
        if query_string == "*":
            query_string = "*:*"
        if len(self.build_models_list()) == 1:
            # Clauses are all the index holds: haystack's narrowing to the model
            # would run one more search over every entry and filter out nothing.
            kwargs.update(models=None, limit_to_registered_models=False)
        return super().search(query_string, **kwargs)


class ChineseWhooshEngine(WhooshEngine):
    backend = ChineseWhooshSearchBackend
