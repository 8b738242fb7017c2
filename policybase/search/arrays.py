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
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import reduce
from itertools import accumulate
from pickle import loads

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.fields import NUMERIC
from whoosh.formats import Positions
from whoosh.scoring import BM25FScorer, bm25
from whoosh.system import _INT_SIZE
from whoosh.util import make_binary_tree
from whoosh.util.numeric import byte_to_length, to_sortable

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
    """A term's postings in one segment, deleted documents included."""

    ids: np.ndarray
    weights: np.ndarray
    # Every posting's positions, flattened: posting i has
    # positions[offsets[i]:offsets[i + 1]]. Decoded on the first phrase check.
    offsets: np.ndarray | None = None
    positions: np.ndarray | None = None

    @property
    def nbytes(self) -> int:
        arrays_ = (self.ids, self.weights, self.offsets, self.positions)
        return sum(a.nbytes for a in arrays_ if a is not None)


NO_POSTINGS = Postings(EMPTY_IDS, np.zeros(0), np.zeros(1, dtype=np.int64), EMPTY_IDS)


class PostingsCache:
    """Decoded postings kept between searches, least recently used out first.

    Whoosh stores postings as zlib-compressed pickles of 128 postings; reading
    the 90,000 postings of a common character (数) is most of a search's time,
    and the same few thousand characters make up nearly every query. Entries
    belong to a segment, which never changes: they need no invalidation, and
    those of merged-away segments age out.
    """

    def __init__(self, budget: int):
        self.budget = budget
        self.used = 0
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key) -> Postings | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.used = 0

    def put(self, key, postings: Postings) -> None:
        with self._lock:
            if key in self._entries:
                self.used -= self._entries.pop(key).nbytes
            size = postings.nbytes
            if size > self.budget:
                return
            self._entries[key] = postings
            self.used += size
            while self.used > self.budget:
                _, dropped = self._entries.popitem(last=False)
                self.used -= dropped.nbytes


# About 40 common characters' postings at 100k clauses, 15 at 300k (bench/RESULTS.md).
POSTINGS = PostingsCache(budget=64 * 2**20)


@dataclass
class SegmentCache:
    """What never changes in a segment: facet values and sort keys per document,
    field lengths. Deletions are applied to postings, not here; the one
    exception, the facet counts of all live documents, is kept with the number
    of deleted documents it was counted for (a segment's deletions only grow)."""

    segment_id: str
    facets: dict = field(default_factory=dict)
    numbers: dict = field(default_factory=dict)
    sort_keys: dict = field(default_factory=dict)
    lengths: dict = field(default_factory=dict)
    live_counts: dict = field(default_factory=dict)


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

    def postings(self, fieldname: str, btext: bytes, positions: bool = False) -> Postings:
        """A term's postings, deleted documents included, with their positions when
        asked for."""
        if (fieldname, btext) not in self.reader:
            return NO_POSTINGS
        key = (self.cache.segment_id, fieldname, btext)
        found = POSTINGS.get(key)
        if found is None or (positions and found.positions is None):
            found = self._read_postings(fieldname, btext, positions)
            POSTINGS.put(key, found)
        return found

    def _read_postings(self, fieldname, btext, positions) -> Postings:
        format_ = self.reader.schema[fieldname].format
        matcher = self.reader._terms.matcher(fieldname, btext, format_)
        ids, weights, values = [], [], []
        while not matcher._atend:
            matcher._read_ids()
            matcher._read_weights()
            ids.append(np.asarray(matcher._ids, dtype=np.int64))
            weights.append(np.asarray(matcher._weights, dtype=np.float64))
            if positions:
                matcher._read_values()
                values.extend(matcher._values)
            matcher._next_block()
        found = Postings(np.concatenate(ids), np.concatenate(weights))
        if positions:
            found.offsets, found.positions = _decode_positions(values, format_)
        return found

    def live_ids(self, postings: Postings) -> np.ndarray:
        """The documents of ``postings`` that are not deleted (what Whoosh's matcher yields)."""
        if not len(self.deleted):
            return postings.ids
        return postings.ids[~np.isin(postings.ids, self.deleted)]

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

    def bm25(self, fieldname: str, btext: bytes, postings: Postings, ids: np.ndarray):
        """Whoosh's BM25F score of the term in each of the documents ``ids``."""
        if not len(ids):
            return np.zeros(0)
        scorer = self.weighting.scorer(self.searcher, fieldname, btext)
        if not isinstance(scorer, BM25FScorer) or not self.reader.schema[fieldname].scorable:
            raise Unsupported(f"scoring {type(scorer).__name__} on {fieldname}")
        weights = postings.weights[np.searchsorted(postings.ids, ids)]
        lengths = self.field_lengths(fieldname)[ids]
        return bm25(scorer.idf, weights, lengths, scorer.avgfl, scorer.B, scorer.K1)

    def facet(self, fieldname: str):
        """(values, per-document value codes in CSR form) of a keyword field."""
        cached = self.cache.facets.get(fieldname)
        if cached is None:
            schema_field = self.reader.schema[fieldname]
            values, docs, codes = [], [], []
            for btext in schema_field.sortable_terms(self.reader, fieldname):
                ids = self._read_postings(fieldname, btext, positions=False).ids
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

    def live_counts(self, fieldname: str) -> dict:
        """{value: live documents with it} of a keyword field: the facet of a
        search every live document matches (browsing, a common word), counted
        once per segment and state of its deletions instead of per request."""
        cached = self.cache.live_counts.get(fieldname)
        if cached is None or cached[0] != len(self.deleted):
            values, indptr, codes = self.facet(fieldname)
            per_value = np.bincount(codes, minlength=len(values))
            if len(self.deleted):
                deleted, _ = _rows(indptr, self.deleted)
                per_value -= np.bincount(codes[deleted], minlength=len(values))
            cached = (len(self.deleted), _by_value(values, per_value))
            self.cache.live_counts[fieldname] = cached
        return cached[1]

    def numbers(self, fieldname: str) -> tuple[np.ndarray, np.ndarray]:
        """Each document's value of a single-valued numeric field, in Whoosh's
        sortable form, and whether it has one; from the full-precision terms."""
        cached = self.cache.numbers.get(fieldname)
        if cached is None:
            schema_field = self.reader.schema[fieldname]
            values = np.zeros(self.doc_count, dtype=np.uint64)
            present = np.zeros(self.doc_count, dtype=bool)
            for btext in schema_field.sortable_terms(self.reader, fieldname):
                ids = self._read_postings(fieldname, btext, positions=False).ids
                if present[ids].any():
                    raise Unsupported(f"{fieldname} has several values in a document")
                values[ids] = schema_field._struct.unpack(btext[1:])[0]
                present[ids] = True
            cached = self.cache.numbers[fieldname] = (values, present)
        return cached

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
    ids = segment.live_ids(postings)
    return Matches(ids, segment.bm25(q.fieldname, btext, postings, ids) if scored else None)


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
    postings = [segment.postings(q.fieldname, w) for w in words]
    candidates = reduce(
        lambda a, b: np.intersect1d(a, b, True), (segment.live_ids(p) for p in postings)
    )
    if len(words) > 1:
        confirmed = EMPTY_IDS
        if all(CJK_CHAR.fullmatch(word) for word in q.words):
            whole = _to_bytes(segment, q.fieldname, "".join(q.words))
            if whole is not None:
                word_ids = segment.postings(q.fieldname, whole).ids
                confirmed = np.intersect1d(candidates, word_ids, True)
        unsure = np.setdiff1d(candidates, confirmed, True)
        if len(unsure):
            with_positions = [segment.postings(q.fieldname, w, positions=True) for w in words]
            found = _consecutive(unsure, with_positions)
            candidates = np.union1d(confirmed, found)
    scores = None
    if scored:
        # Whoosh scores a phrase as a binary tree of intersections of its terms.
        scores = make_binary_tree(
            np.add,
            [
                segment.bm25(q.fieldname, w, p, candidates)
                for w, p in zip(words, postings, strict=True)
            ],
        )
    return Matches(candidates, scores)


# Packs (document, position) into one integer: positions stay far below 2**32.
POSITION_SPAN = 2**33


def _consecutive(docs, postings) -> np.ndarray:
    """The documents among ``docs`` where word i of ``postings`` follows word
    i - 1 at the next position, for every i."""
    starts = None
    for i, p in enumerate(postings):
        gather, counts = _rows(p.offsets, np.searchsorted(p.ids, docs))
        keys = np.repeat(docs, counts) * POSITION_SPAN + (p.positions[gather] - i)
        starts = np.unique(keys) if starts is None else np.intersect1d(starts, keys)
        if not len(starts):
            return EMPTY_IDS
    return np.unique(starts // POSITION_SPAN)


def _rows(indptr: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(flat indices of every entry of ``rows``, entries per row) in arrays laid
    out as ``indptr`` says (row r is ``indptr[r]:indptr[r + 1]``), in one step."""
    starts = indptr[rows]
    counts = indptr[rows + 1] - starts
    return np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(counts.sum()), counts


def _decode_positions(values, format_) -> tuple[np.ndarray, np.ndarray]:
    """(offsets, flat positions) of every posting's encoded positions."""
    decode = _positions if type(format_) is Positions else format_.decode_positions
    counts = np.zeros(len(values) + 1, dtype=np.int64)
    flat = []
    for i, value in enumerate(values, 1):
        before = len(flat)
        flat.extend(decode(value))
        counts[i] = len(flat) - before
    return np.cumsum(counts), np.array(flat, dtype=np.int32)


def _positions(value: bytes):
    """``Positions.decode_positions`` without a Python step per position: the
    value is a count, then a pickled list of deltas (its final "." cut off)."""
    deltas = value[_INT_SIZE:] if value.endswith(b".") else value[_INT_SIZE:] + b"."
    return accumulate(loads(deltas))


def _numeric_range(q, segment, scored) -> Matches:
    """The documents whose value lies in the range, compared in one step.

    Whoosh ORs the range's terms (one per precision tier, which split the
    range exactly) under a constant score, the boost; reading those hundreds
    of terms cost more than the rest of a search.
    """
    ids = np.flatnonzero(_in_range(q, segment))
    if len(segment.deleted):
        ids = np.setdiff1d(ids, segment.deleted, True)
    return Matches(ids, np.full(len(ids), q.boost) if scored else None)


def _in_range(q, segment, docs: np.ndarray | None = None) -> np.ndarray:
    """Which documents (every one, deleted ones too, or those of ``docs``) have
    a value within the range of ``q``, with the bounds Whoosh's
    ``tiered_ranges`` computes."""
    schema_field = segment.reader.schema[q.fieldname]
    if not isinstance(schema_field, NUMERIC) or not schema_field.shift_step:
        raise Unsupported(repr(q))

    def sortable(x):
        x = schema_field.prepare_number(x)
        return to_sortable(schema_field.numtype, schema_field.bits, schema_field.signed, x)

    low = 0 if q.start is None else sortable(q.start) + bool(q.startexcl)
    high = 2**schema_field.bits - 1 if q.end is None else sortable(q.end) - bool(q.endexcl)
    values, present = segment.numbers(q.fieldname)
    if docs is not None:
        values, present = values[docs], present[docs]
    if low > high:
        return np.zeros(len(values), dtype=bool)
    return present & (values >= np.uint64(low)) & (values <= np.uint64(high))


def _estimate_size(q, found: Matches, segment) -> int:
    """Whoosh's size estimate of a query whose live matches are ``found``,
    which orders the sum of scores."""
    if not isinstance(q, wq.NumericRange):
        return q.estimate_size(segment.reader)
    # Whoosh sums the document frequencies of the range's terms, deleted
    # documents included (those found, and the deleted ones in range), and
    # caps a sum over several terms, an Or, at the live documents.
    size = len(found.ids) + int(_in_range(q, segment, segment.deleted).sum())
    compiled = q._compile_query(segment.reader)  # term objects only, nothing read
    if isinstance(compiled, wq.ConstantScoreQuery):
        compiled = compiled.child
    return min(size, segment.reader.doc_count()) if isinstance(compiled, wq.Or) else size


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
    sign = -1 if isinstance(q, wq.And) else 1
    weighted = sorted(
        (sign * _estimate_size(sub_q, subs[i], segment), i) for i, sub_q in enumerate(q.subqueries)
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
        if len(found.ids) == segment.doc_count - len(segment.deleted):
            found_counts = segment.live_counts(fieldname)
        else:
            values, indptr, codes = segment.facet(fieldname)
            positions, _ = _rows(indptr, found.ids)  # every code of every matching document
            found_counts = _by_value(values, np.bincount(codes[positions], minlength=len(values)))
        for value, n in found_counts.items():
            counts[value] = counts.get(value, 0) + n
    return counts


def _by_value(values: list, per_code: np.ndarray) -> dict:
    return {values[code]: n for code, n in enumerate(per_code.tolist()) if n}


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
