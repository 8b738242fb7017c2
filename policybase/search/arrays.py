"""Count, facets and one page of a Whoosh query, computed over arrays.

Whoosh finds, scores and categorises hits one at a time in Python, so a query
with 75,000 hits (数据 at 100k clauses) took seconds: every hit's phrase
positions were checked, every hit scored, and nine facet columns read for
each (bench/RESULTS.md). Here each segment's postings are read block by block
into numpy arrays and combined with set operations; facets are counted with
``bincount`` over per-segment arrays of each document's values, built once per
segment from the postings; a page sorted by a column needs no scores at all.

The answers are Whoosh's own: the same documents, BM25F scores computed with
Whoosh's formula and statistics and summed in the order its matchers sum them,
ties broken by document number as its collectors do. Queries with a node this
module does not know raise ``Unsupported``, and the caller lets Whoosh run them.
"""

import re
from dataclasses import dataclass, field
from functools import reduce

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.scoring import BM25FScorer, bm25
from whoosh.util import make_binary_tree
from whoosh.util.numeric import byte_to_length

EMPTY_IDS = np.zeros(0, dtype=np.int64)
# One CJK ideograph: a phrase of these may be confirmed by the word term (see _phrase).
CJK_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


class Unsupported(Exception):
    """A query node (or a schema) this module does not evaluate."""


@dataclass
class Matches:
    """Sorted segment-local document numbers, with their scores when asked for."""

    ids: np.ndarray
    scores: np.ndarray | None = None


@dataclass
class Postings:
    ids: np.ndarray
    weights: np.ndarray
    values: list | None = None


@dataclass
class SegmentCache:
    """What never changes in a segment: facet values and sort keys per document,
    field lengths. Deletions are applied to postings, not here."""

    facets: dict = field(default_factory=dict)
    sort_keys: dict = field(default_factory=dict)
    lengths: dict = field(default_factory=dict)


class Segment:
    """One leaf searcher of a Whoosh searcher, with its cache and live documents."""

    def __init__(self, leaf_searcher, offset, cache: SegmentCache, weighting):
        self.searcher = leaf_searcher
        self.reader = leaf_searcher.reader()
        self.offset = offset
        self.cache = cache
        self.weighting = weighting
        self.doc_count = self.reader.doc_count_all()
        self.deleted = (
            np.fromiter(sorted(self.reader.deleted_docs_set), dtype=np.int64)
            if self.reader.has_deletions()
            else EMPTY_IDS
        )

    def live(self) -> np.ndarray:
        return np.setdiff1d(np.arange(self.doc_count, dtype=np.int64), self.deleted, True)

    def postings(self, fieldname: str, btext: bytes, values: bool = False) -> Postings:
        """A term's postings without deleted documents (what Whoosh's matcher yields)."""
        if (fieldname, btext) not in self.reader:
            return Postings(EMPTY_IDS, np.zeros(0), [] if values else None)
        matcher = self.reader._terms.matcher(fieldname, btext, self.reader.schema[fieldname].format)
        ids, weights, vals = [], [], []
        while not matcher._atend:
            matcher._read_ids()
            matcher._read_weights()
            ids.append(np.asarray(matcher._ids, dtype=np.int64))
            weights.append(np.asarray(matcher._weights, dtype=np.float64))
            if values:
                matcher._read_values()
                vals.extend(matcher._values)
            matcher._next_block()
        result = Postings(np.concatenate(ids), np.concatenate(weights), vals if values else None)
        if len(self.deleted):
            keep = ~np.isin(result.ids, self.deleted)
            result.ids, result.weights = result.ids[keep], result.weights[keep]
            if values:
                result.values = [v for v, k in zip(vals, keep, strict=True) if k]
        return result

    def field_lengths(self, fieldname: str) -> np.ndarray:
        """Each document's length of ``fieldname`` as BM25F sees it (1 when unknown)."""
        cached = self.cache.lengths.get(fieldname)
        if cached is None:
            column = self.reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            table = np.array([byte_to_length(b) if b else 1 for b in range(256)], dtype=np.int64)
            raw = (
                np.fromiter(column, dtype=np.uint8, count=self.doc_count)
                if column is not None
                else np.zeros(self.doc_count, dtype=np.uint8)
            )
            cached = self.cache.lengths[fieldname] = table.astype(np.int32)[raw]
        return cached

    def bm25(self, fieldname: str, btext: bytes, postings: Postings, at: np.ndarray) -> np.ndarray:
        """Whoosh's BM25F score of the term for the postings at indexes ``at``."""
        scorer = self.weighting.scorer(self.searcher, fieldname, btext)
        if not isinstance(scorer, BM25FScorer) or not self.reader.schema[fieldname].scorable:
            raise Unsupported(f"scoring {type(scorer).__name__} on {fieldname}")
        ids = postings.ids[at]
        lengths = self.field_lengths(fieldname)[ids]
        return bm25(scorer.idf, postings.weights[at], lengths, scorer.avgfl, scorer.B, scorer.K1)

    def facet(self, fieldname: str):
        """(values, per-document value codes in CSR form) of a keyword field."""
        cached = self.cache.facets.get(fieldname)
        if cached is None:
            schema_field = self.reader.schema[fieldname]
            values, docs, codes = [], [], []
            for btext in schema_field.sortable_terms(self.reader, fieldname):
                ids = self._all_postings_ids(fieldname, btext)
                docs.append(ids)
                codes.append(np.full(len(ids), len(values), dtype=np.int64))
                values.append(schema_field.from_bytes(btext))
            docs = np.concatenate(docs) if docs else EMPTY_IDS
            codes = np.concatenate(codes) if codes else EMPTY_IDS
            order = np.argsort(docs, kind="stable")
            indptr = np.zeros(self.doc_count + 1, dtype=np.int64)
            np.cumsum(np.bincount(docs, minlength=self.doc_count), out=indptr[1:])
            # 32-bit codes: these arrays stay in memory as long as the segment.
            cached = (values, indptr, codes[order].astype(np.int32))
            self.cache.facets[fieldname] = cached
        return cached

    def _all_postings_ids(self, fieldname, btext) -> np.ndarray:
        # Deleted documents included: the facet arrays outlive deletions.
        matcher = self.reader._terms.matcher(fieldname, btext, self.reader.schema[fieldname].format)
        ids = []
        while not matcher._atend:
            matcher._read_ids()
            ids.append(np.asarray(matcher._ids, dtype=np.int64))
            matcher._next_block()
        return np.concatenate(ids) if ids else EMPTY_IDS

    def sort_key(self, fieldname: str) -> np.ndarray:
        cached = self.cache.sort_keys.get(fieldname)
        if cached is None:
            if not self.reader.has_column(fieldname):
                raise Unsupported(f"no column to sort by {fieldname}")
            column = self.reader.column_reader(fieldname, translate=False)
            cached = self.cache.sort_keys[fieldname] = np.fromiter(
                column, dtype=np.int64, count=self.doc_count
            )
        return cached


# --- Matching and scoring, node by node ----------------------------------------


def evaluate(q, segment: Segment, scored: bool) -> Matches:
    """The documents of ``segment`` that ``q`` matches, scored as Whoosh would."""
    if isinstance(q, wq.Term):
        return _term(q, segment, scored)
    if isinstance(q, wq.Phrase):
        return _phrase(q, segment, scored)
    if isinstance(q, wq.Every) and q.fieldname in (None, "", "*"):
        ids = segment.live()
        return Matches(ids, np.full(len(ids), q.boost) if scored else None)
    if isinstance(q, wq.NumericRange) and q.constantscore:
        return _numeric_range(q, segment, scored)
    if isinstance(q, wq.Not):
        # Whoosh's InverseMatcher: every live document the child misses, weight 1.
        ids = np.setdiff1d(segment.live(), evaluate(q.query, segment, False).ids, True)
        return Matches(ids, np.ones(len(ids)) if scored else None)
    if isinstance(q, (wq.And, wq.Or)) and type(q) in (wq.And, wq.Or):
        return _compound(q, segment, scored)
    raise Unsupported(repr(q))


def _term(q, segment, scored) -> Matches:
    if q.boost != 1.0 or q.minquality:
        raise Unsupported(repr(q))
    btext = _to_bytes(segment, q.fieldname, q.text)
    if btext is None or (q.fieldname, btext) not in segment.reader:
        return Matches(EMPTY_IDS, np.zeros(0) if scored else None)
    postings = segment.postings(q.fieldname, btext)
    every = np.arange(len(postings.ids))
    scores = segment.bm25(q.fieldname, btext, postings, every) if scored else None
    return Matches(postings.ids, scores)


def _phrase(q, segment, scored) -> Matches:
    """Words at consecutive positions (the analyzer's one unit per character).

    A document holding the whole phrase as one indexed word (jieba's 数据) holds
    it as consecutive characters too: the analyzer adds a word only where its
    characters are, so those documents need no position check. The rest of
    the documents with every word are checked position by position.
    """
    if q.slop != 1 or q.boost != 1.0:
        raise Unsupported(repr(q))
    words = [_to_bytes(segment, q.fieldname, word) for word in q.words]
    if any(w is None or (q.fieldname, w) not in segment.reader for w in words):
        return Matches(EMPTY_IDS, np.zeros(0) if scored else None)
    postings = [segment.postings(q.fieldname, w, values=len(words) > 1) for w in words]
    candidates = reduce(lambda a, b: np.intersect1d(a, b, True), (p.ids for p in postings))
    if len(words) > 1:
        confirmed = EMPTY_IDS
        if all(CJK_CHAR.fullmatch(word) for word in q.words):
            whole = _to_bytes(segment, q.fieldname, "".join(q.words))
            if whole is not None:
                word_ids = segment.postings(q.fieldname, whole).ids
                confirmed = np.intersect1d(candidates, word_ids, True)
        unsure = np.setdiff1d(candidates, confirmed, True)
        found = _check_positions(unsure, postings, segment.reader.schema[q.fieldname].format)
        candidates = np.union1d(confirmed, found)
    scores = None
    if scored:
        # Whoosh scores a phrase as a binary tree of intersections of its terms.
        scores = make_binary_tree(
            np.add,
            [
                segment.bm25(q.fieldname, w, p, np.searchsorted(p.ids, candidates))
                for w, p in zip(words, postings, strict=True)
            ],
        )
    return Matches(candidates, scores)


def _check_positions(docs, postings, format_) -> np.ndarray:
    if not len(docs):
        return EMPTY_IDS
    decode = format_.decode_positions
    at = [np.searchsorted(p.ids, docs).tolist() for p in postings]
    found = []
    for k, doc in enumerate(docs.tolist()):
        starts = set(decode(postings[0].values[at[0][k]]))
        for i in range(1, len(postings)):
            starts &= {pos - i for pos in decode(postings[i].values[at[i][k]])}
            if not starts:
                break
        else:
            found.append(doc)
    return np.array(found, dtype=np.int64)


def _numeric_range(q, segment, scored) -> Matches:
    # Whoosh ORs the range's terms (one per tier) under a constant score: the boost.
    ids = [segment.postings(q.fieldname, btext).ids for btext in _range_terms(q, segment.reader)]
    # A document has one value: the terms' documents never overlap.
    ids = np.unique(np.concatenate(ids)) if ids else EMPTY_IDS
    return Matches(ids, np.full(len(ids), q.boost) if scored else None)


def _range_terms(q, reader):
    """The indexed terms of a numeric range: its tiers' terms and term ranges."""
    for leaf in q._compile_query(reader).leaves():
        if isinstance(leaf, wq.Term):
            yield leaf.text
        elif isinstance(leaf, wq.MultiTerm):
            yield from leaf._btexts(reader)
        else:
            raise Unsupported(repr(leaf))


def _compound(q, segment, scored) -> Matches:
    if q.boost != 1.0 or (isinstance(q, wq.Or) and (q.minmatch or q.scale)):
        raise Unsupported(repr(q))
    subs = [evaluate(sub, segment, scored) for sub in q.subqueries]
    if not subs:
        return Matches(EMPTY_IDS, np.zeros(0) if scored else None)
    if len(subs) == 1:
        return subs[0]
    combine = _intersect if isinstance(q, wq.And) else _union
    if not scored or len(subs) == 2:
        # Two scores add up the same in either order.
        return reduce(combine, subs)
    # The order Whoosh adds scores in: a tree weighted by estimated size.
    reader = segment.reader
    sign = -1 if isinstance(q, wq.And) else 1
    weighted = sorted(
        ((sign * sub_q.estimate_size(reader), i) for i, sub_q in enumerate(q.subqueries)),
    )
    nodes = [(weight, subs[i]) for weight, i in weighted]
    while len(nodes) > 1:
        (wa, a), (wb, b) = nodes.pop(0), nodes.pop(0)
        merged = (wa + wb, combine(a, b))
        position = next((j for j, (w, _) in enumerate(nodes) if w > merged[0]), len(nodes))
        nodes.insert(position, merged)
    return nodes[0][1]


def _intersect(a: Matches, b: Matches) -> Matches:
    ids, ia, ib = np.intersect1d(a.ids, b.ids, assume_unique=True, return_indices=True)
    scores = a.scores[ia] + b.scores[ib] if a.scores is not None else None
    return Matches(ids, scores)


def _union(a: Matches, b: Matches) -> Matches:
    ids = np.union1d(a.ids, b.ids)
    scores = None
    if a.scores is not None:
        scores = np.zeros(len(ids))
        scores[np.searchsorted(ids, a.ids)] += a.scores
        scores[np.searchsorted(ids, b.ids)] += b.scores
    return Matches(ids, scores)


def _to_bytes(segment, fieldname, text):
    if fieldname not in segment.reader.schema:
        raise Unsupported(f"no field {fieldname}")
    try:
        return segment.reader.schema[fieldname].to_bytes(text)
    except ValueError:
        return None


# --- Counting, facets and ordering ---------------------------------------------


def facet_counts(segments: list[Segment], matches: list[Matches], fieldname: str) -> dict:
    """{value: matching documents with it} over all segments; documents without a
    value are not counted (as Whoosh's column facets do)."""
    counts: dict = {}
    for segment, found in zip(segments, matches, strict=True):
        if not len(found.ids):
            continue
        values, indptr, codes = segment.facet(fieldname)
        starts, ends = indptr[found.ids], indptr[found.ids + 1]
        lengths = ends - starts
        total = int(lengths.sum())
        if not total:
            continue
        # Every code of every matching document, gathered in one step.
        positions = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(total)
        for code, n in enumerate(np.bincount(codes[positions], minlength=len(values)).tolist()):
            if n:
                counts[values[code]] = counts.get(values[code], 0) + n
    return counts


def ranked(segments, matches, sort_fields: list[str] | None, reverse: bool, stop: int | None):
    """(global docnum, score or sort key) of the first ``stop`` hits in result order."""
    docnums = np.concatenate([m.ids + s.offset for s, m in zip(segments, matches, strict=True)])
    if sort_fields:
        keys = [
            np.concatenate(
                [s.sort_key(name)[m.ids] for s, m in zip(segments, matches, strict=True)]
            )
            for name in sort_fields
        ]
        # Whoosh sorts (key, docnum) pairs, reversed as a whole when asked.
        order = np.lexsort([docnums, *reversed(keys)])
        if reverse:
            order = order[::-1]
        order = order[:stop]
        return [(int(docnums[i]), tuple(int(key[i]) for key in keys)) for i in order.tolist()]
    scores = np.concatenate([m.scores for m in matches])
    # Highest score first; equal scores in document order.
    order = np.lexsort([docnums, -scores])[:stop]
    return [(int(docnums[i]), float(scores[i])) for i in order.tolist()]
