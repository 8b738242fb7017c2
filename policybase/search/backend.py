"""haystack's Whoosh backend with PolicyBase's Chinese analyzer understood.

Fields declare their analyzer in the SearchIndex (haystack passes it to
Whoosh); the only thing the stock backend cannot express is what a query term
that the analyzer splits into several tokens means. For our analyzer it is an
exact sequence, so those fields ask Whoosh for a phrase.

Facets are counted from a column of each keyword field's values per document.
Without it Whoosh rebuilds every document's values from the postings of every
facet field on every search, which costs as much for a query with three hits
as for one with all of them and grows with the index (bench/RESULTS.md).

Searches haystack would hand to Whoosh's collectors run over arrays instead
(``arrays``): the same hits, counts, facets and order, without Python work per
hit. One searcher stays open per backend (haystack keeps one backend per
thread) and is refreshed only when the index changed; what each segment's
arrays hold is kept as long as the segment lives.
"""

import logging
import math
import os

from haystack.backends import log_query
from haystack.backends.whoosh_backend import WhooshEngine, WhooshSearchBackend
from haystack.constants import DJANGO_ID
from haystack.exceptions import SearchBackendError
from whoosh import columns
from whoosh.fields import KEYWORD, TEXT
from whoosh.query import Or, Term

from . import arrays
from .analyzer import ChineseTokenizer

log = logging.getLogger(__name__)

# The index fields results are sorted by (policybase.search.query.SORTS).
SORT_KEYS = {"publish_sort", "effective_sort", "reading_sort"}
# Numbers a hit carries (stored) or is sorted by (a column), never searched.
NOT_SEARCHED = SORT_KEYS | {"document_id", "order"}


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
            if name in NOT_SEARCHED:
                # haystack indexes every number as 8 terms (one per precision
                # tier, for ranges): 40 of a clause's 177 postings, written and
                # merged for nothing. The stored value and the column are
                # written as before, so segments written before this read the
                # same; their postings of these fields stay unread.
                field.indexed = False
            elif isinstance(field, TEXT):
                # haystack makes text sortable: a column holding every clause's
                # text and title again. Nothing sorts by them.
                field.set_sortable(False)
            if type(field) is KEYWORD:
                schema.remove(name)
                schema.add(name, FacetKeyword(stored=True, commas=True, scorable=True))
        return content_field_name, schema

    def setup(self):
        super().setup()
        # Whoosh copies each file of a memory-mapped compound segment (postings,
        # term tables) into private memory when a reader opens: 187 MB per
        # process at 100k clauses, and the mapped pages it reads count in RSS
        # too. Read through the file instead: the page cache holds the index
        # once for every process.
        self.storage.supports_mmap = False
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
            if not any(kwargs.get(name) for name in UNSUPPORTED_ARGUMENTS):
                try:
                    return self._search_arrays(query_string, **kwargs)
                except arrays.Unsupported as why:
                    log.debug("searching with Whoosh's collectors: %s", why)
        return super().search(query_string, **kwargs)

    @log_query
    def _search_arrays(
        self, query_string, sort_by=None, start_offset=0, end_offset=None, facets=None, **kwargs
    ):
        """haystack's ``search`` answer, computed by ``arrays``; the empty answers
        are the ones haystack gives in the same cases."""
        if not self.setup_complete:
            self.setup()
        if len(query_string) <= 1 and query_string != "*":
            return {"results": [], "hits": 0}
        sort_fields, reverse = _sort_order(sort_by)
        searcher = self._open_searcher()
        if not searcher.doc_count():
            return {"results": [], "hits": 0, "spelling_suggestion": None}
        parsed = self.parser.parse(query_string)
        if parsed is None:
            return {"results": [], "hits": 0}
        segments = self._segments(searcher)
        matches = [arrays.evaluate(parsed, segment, not sort_fields) for segment in segments]
        total = sum(len(found.ids) for found in matches)
        page_num, page_length = self.calculate_page(start_offset, end_offset)
        # Whoosh clamps a page past the end to the last one, and haystack then
        # answers "nothing" (also for no hits at all: page 0 of 0).
        if min(math.ceil(total / page_length), page_num) < page_num:
            return {"results": [], "hits": 0, "spelling_suggestion": None}
        first = (page_num - 1) * page_length
        hits = arrays.ranked(segments, matches, sort_fields, reverse, first + page_length)[first:]
        groups = {name: arrays.facet_counts(segments, matches, name) for name in facets or ()}
        return self._process_results(
            _Page(searcher, hits, total, groups),
            query_string=query_string,
            result_class=kwargs.get("result_class"),
            facet_types=dict.fromkeys(facets or (), "fields"),
        )

    def more_like_text(self, text: str, top: int, terms: int = 5) -> tuple[list[int], list[str]]:
        """The ids of the ``top`` clauses most like ``text``, and the key terms
        they were found by: the words of ``text`` that are frequent in it and
        rare in the index (Whoosh's Bo1 model), weighted as such. What
        haystack's more_like_this does, on this backend's cached searcher and
        without its search over every clause to narrow to the one model."""
        if not self.setup_complete:
            self.setup()
        searcher = self._open_searcher()
        weighted = searcher.key_terms_from_text(self.content_field_name, text, numterms=terms)
        if not weighted:
            return [], []
        query = Or([Term(self.content_field_name, word, boost=weight) for word, weight in weighted])
        hits = searcher.search(query, limit=top)
        return [int(hit[DJANGO_ID]) for hit in hits], [word for word, _ in weighted]

    def _open_searcher(self):
        """This backend's searcher, reopened when the index changed since."""
        version = self._index_version()
        opened = getattr(self, "_opened", None)
        if opened and opened[0] is self.index and opened[1] == version:
            return opened[2]
        if opened:
            opened[2].close()
        # A new searcher, not Whoosh's refresh(): that one reuses the readers of
        # segments whose deletions changed, and keeps merged-away segments.
        searcher = self.index.searcher()
        self._opened = (self.index, version, searcher)
        return searcher

    def _index_version(self):
        # The generation alone repeats when the index is deleted and created
        # again (rebuild_index in another process): the table of contents'
        # file identity does not.
        generation = self.index.latest_generation()
        toc = os.path.join(self.path, f"_{self.index.indexname}_{generation}.toc")
        try:
            stat = os.stat(toc)
        except (OSError, TypeError):
            return (generation,)
        return (generation, stat.st_ino, stat.st_mtime_ns)

    def _segments(self, searcher) -> list[arrays.Segment]:
        caches = getattr(self, "_segment_caches", {})
        segments, kept = [], {}
        for leaf, offset in searcher.leaf_searchers():
            key = leaf.reader().segment().segment_id()
            kept[key] = caches.get(key) or arrays.SegmentCache(key)
            segments.append(arrays.Segment(leaf, offset, kept[key], searcher.weighting))
        # Segments merged away take their arrays with them.
        self._segment_caches = kept
        return segments


# Search arguments ``arrays`` does not handle: haystack and Whoosh answer those.
UNSUPPORTED_ARGUMENTS = (
    "highlight",
    "date_facets",
    "query_facets",
    "narrow_queries",
    "spelling_query",
    "within",
    "dwithin",
    "distance_point",
    "models",
    "boost",
)


def _sort_order(sort_by) -> tuple[list[str], bool]:
    """Index fields and direction, by haystack's rules: one direction for all,
    set by the first field."""
    if not sort_by:
        return [], False
    descending = [name.startswith("-") for name in sort_by]
    if any(descending) and not all(descending):
        raise SearchBackendError(
            "Whoosh requires all order_by fields to use the same sort direction"
        )
    return [name.lstrip("-") for name in sort_by], descending[0]


class _Page:
    """What haystack's ``_process_results`` reads of a Whoosh results page."""

    def __init__(self, searcher, hits, total, groups):
        self._searcher = searcher
        self._hits = hits
        self._total = total
        self.results = self
        self._groups = groups

    def __len__(self):
        return self._total

    def __iter__(self):
        return (self._searcher.stored_fields(docnum) for docnum, _ in self._hits)

    def score(self, n):
        return self._hits[n][1]

    def facet_names(self):
        return list(self._groups)

    def groups(self, name):
        return dict(self._groups[name])


class ChineseWhooshEngine(WhooshEngine):
    backend = ChineseWhooshSearchBackend
