"""haystack's Whoosh backend with PolicyBase's Chinese analyzer understood.

Fields declare their analyzer in the SearchIndex (haystack passes it to
Whoosh); the only thing the stock backend cannot express is what a query term
that the analyzer splits into several tokens means. For our analyzer it is an
exact sequence, so those fields ask Whoosh for a phrase.
"""

from haystack.backends.whoosh_backend import WhooshEngine, WhooshSearchBackend

from .analyzer import ChineseTokenizer

# The index fields results are sorted by (policybase.search.query.SORTS).
SORT_KEYS = {"publish_sort", "effective_sort", "reading_sort"}


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
        return content_field_name, schema

    def search(self, query_string, **kwargs):
        # haystack asks for everything with "*", a wildcard our analyzer reduces
        # to nothing; Whoosh's own match-all is "*:*" (and cheaper than a wildcard).
        if query_string == "*":
            query_string = "*:*"
        return super().search(query_string, **kwargs)


class ChineseWhooshEngine(WhooshEngine):
    backend = ChineseWhooshSearchBackend
