"""PolicyBase's search index: Tantivy (PyPI ``tantivy``) behind haystack.

haystack stays the interface: the SearchIndex declares the fields,
SearchQuerySet carries queries, filters, facets, sorts and pages, and
``update``/``remove``/``clear`` serve haystack's own commands. This module maps
them onto Tantivy, through its public Python API only:

- A field declared with ``analyzer=CHINESE`` is indexed twice (analyzer.py):
  its folded units with positions, which match (a query term is their
  phrase: an exact substring), and its words, ``<name>_words``, which rank.
  Neither is stored: the database holds the text.
- Every other field is a fast field: keywords as raw terms, numbers and dates
  as such. Filters are term and range queries on them and add nothing to the
  score; facets are terms aggregations; a sort reads one column.
- ``fingerprint`` holds a hash of everything indexed of a clause, so that
  reconcile_index compares one number per clause instead of stored fields.

On disk, ``PATH/live`` is a symbolic link to the generation being served, a
folder holding one Tantivy index named after its schema. A rebuild writes a
new generation beside it and swaps the link: searches go on meanwhile, on the
old one. Every process reads through its own reader, which reloads when the
generation or its last commit changed (one ``stat`` a search), so a web
process sees a worker's commit on its next query.

Writes need ``policybase.search.indexing.index_write_lock`` (one writer per
data dir, waiting for its turn) and take Tantivy's writer lock too (a writer
that bypassed ours fails instead of corrupting anything).
"""

import contextlib
import datetime as dt
import hashlib
import os
import secrets
import shutil
import threading
from collections import Counter
from dataclasses import dataclass
from math import log
from pathlib import Path

import tantivy
from haystack import connections
from haystack.backends import BaseEngine, BaseSearchBackend, BaseSearchQuery, SearchNode, log_query
from haystack.constants import DJANGO_ID
from haystack.exceptions import SearchBackendError
from haystack.inputs import BaseInput
from haystack.models import SearchResult
from haystack.utils import get_identifier
from tantivy import FieldType, Occur, Order, Query

from policybase.text.fold import fold

from .analyzer import CHINESE, UNIT, analyzed, key_words, units, words
from .analyzer import VERSION as ANALYSIS
from .indexing import index_write_lock

LIVE = "live"
# The unit pattern as Tantivy's tokenizer of the matching fields.
UNITS_TOKENIZER = "units"
WORDS = "_words"
FINGERPRINT = "fingerprint"
# Terms aggregations count at most this many values a facet (Tantivy's own
# limit of buckets is 65,000); the document facet of a grouped page needs
# every matching document.
FACET_SIZE = 65_000
# Memory a writer fills before it writes a segment. An ingested file is a
# few hundred clauses; a rebuild writes the whole index in few segments.
WRITER_HEAP = 50_000_000
REBUILD_HEAP = 400_000_000
# Browsing queries whose facet counts a process keeps per commit (the oldest goes).
BROWSED = 256
# Lookups on keyword fields as haystack names them; an unnamed lookup is "content".
EQUALS = ("content", "contains", "exact")


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # CHINESE, "keyword", "integer" or "date"
    multivalued: bool = False
    stored: bool = False


class TantivySearchBackend(BaseSearchBackend):
    def __init__(self, connection_alias, **connection_options):
        super().__init__(connection_alias, **connection_options)
        if "PATH" not in connection_options:
            raise SearchBackendError("the tantivy connection needs a PATH")
        self.path = Path(connection_options["PATH"])
        self.setup_complete = False

    def setup(self):
        unified = connections[self.connection_alias].get_unified_index()
        models = unified.get_indexed_models()
        if len(models) != 1:
            raise SearchBackendError("this backend indexes exactly one model")
        self.model = models[0]
        self.content_field_name, self.fields = self.build_schema(unified.all_searchfields())
        self.schema = _schema(self.fields)
        # Names the generations written with this schema: another schema
        # (an upgrade that adds a field) is written anew, never mixed.
        spec = repr(sorted(self.fields.values(), key=lambda f: f.name)) + ANALYSIS
        self.signature = hashlib.sha1(spec.encode()).hexdigest()[:12]
        self.setup_complete = True

    def build_schema(self, fields) -> tuple[str, dict[str, Field]]:
        content_field_name, found = "", {}
        for field in fields.values():
            name = field.index_fieldname
            if field.document:
                content_field_name = name
            if field.analyzer == CHINESE:
                found[name] = Field(name, CHINESE)
            elif field.field_type == "string":
                found[name] = Field(name, "keyword", field.is_multivalued, field.stored)
            elif field.field_type == "integer":
                found[name] = Field(name, "integer", stored=field.stored)
            elif field.field_type in ("date", "datetime"):
                found[name] = Field(name, "date", stored=field.stored)
            else:
                raise SearchBackendError(f"{name}: {field.field_type} fields are not supported")
        return content_field_name, found

    # --- reading ---------------------------------------------------------------

    def live_generation(self) -> Path | None:
        try:
            return self.path / os.readlink(self.path / LIVE)
        except FileNotFoundError:
            return None

    def is_current(self) -> bool:
        """Whether a generation is live and was written with this schema."""
        if not self.setup_complete:
            self.setup()
        live = self.live_generation()
        return live is not None and live.name.startswith(self.signature + "-")

    def count(self) -> int:
        opened = self._opened()
        return opened.index.searcher().num_docs if opened else 0

    def _index(self) -> tantivy.Index | None:
        opened = self._opened()
        return opened.index if opened else None

    def _opened(self) -> "_Opened | None":
        """The live generation as this process reads it, reloaded if it
        changed; None before anything was ever written."""
        if not self.setup_complete:
            self.setup()
        for _ in range(2):
            live = self.live_generation()
            if live is None:
                return None
            try:
                return _READERS.current(live)
            except (OSError, ValueError):
                # Swapped and removed by a rebuild since we read the link.
                continue
        raise SearchBackendError(f"the search index at {self.path} cannot be opened")

    @log_query
    def search(
        self,
        query_string,
        sort_by=None,
        start_offset=0,
        end_offset=None,
        facets=None,
        result_class=None,
        filters_only=False,
        **kwargs,
    ):
        """haystack's answer: ``query_string`` is the Tantivy query
        ``TantivySearchQuery.build_query`` made (or the query language, for
        haystack's ``raw_search``); ``filters_only`` says it has no words."""
        empty = {"results": [], "hits": 0, "facets": {}, "spelling_suggestion": None}
        opened = self._opened()
        if opened is None:
            return empty
        query = self._parsed(opened.index, query_string)
        searcher = opened.index.searcher()
        order_by_field, order = _sort_order(sort_by)
        limit = (searcher.num_docs if end_offset is None else end_offset) - start_offset
        found = searcher.search(
            query,
            max(limit, 1),  # Tantivy wants a positive limit even when only counting
            count=True,
            order_by_field=order_by_field,
            offset=start_offset,
            order=order,
        )
        hits = found.hits[: max(limit, 0)]
        aggregations = {}
        if facets and found.count:
            spec = {
                name: {"terms": {"field": name, "size": options.get("size", FACET_SIZE)}}
                for name, options in facets.items()
            }
            if filters_only:
                # Browsing asks the same few questions (the first page, its filter
                # links) of every clause: counted once per commit of the index.
                key = repr((query, sorted(spec.items())))
                aggregations = opened.browsed.get(key)
                if aggregations is None:
                    aggregations = opened.remember(key, searcher.aggregate(query, spec))
            else:
                aggregations = searcher.aggregate(query, spec)
        return {
            "results": self._results(searcher, hits, result_class or SearchResult),
            "hits": found.count,
            "facets": {
                "fields": {
                    name: [
                        (bucket["key"], bucket["doc_count"])
                        for bucket in aggregations.get(name, {}).get("buckets", [])
                    ]
                    for name in facets or ()
                },
                "dates": {},
                "queries": {},
            },
            "spelling_suggestion": None,
        }

    def _parsed(self, index, query) -> Query:
        if isinstance(query, Query):
            return query
        if query in ("", "*"):
            return Query.all_query()
        return index.parse_query(query, [self.content_field_name])

    def _results(self, searcher, hits, result_class) -> list:
        app_label, model_name = self.model._meta.app_label, self.model._meta.model_name
        results = []
        for score, address in hits:
            stored = searcher.doc(address).to_dict()
            pk = stored.pop(DJANGO_ID)[0]
            values = {
                name: values if self.fields[name].multivalued else values[0]
                for name, values in stored.items()
            }
            results.append(result_class(app_label, model_name, pk, score, **values))
        return results

    def more_like_text(self, text: str, top: int, terms: int = 5) -> tuple[list[int], list[str]]:
        """The ids of the ``top`` clauses most like ``text``, and the key words
        they were found by: the words of ``text`` that are frequent in it and
        rare in the index (tf·idf, a word's documents estimated by its rarest
        bigram, which is exact for two characters), each searched as the
        exact phrase it is, weighted as such."""
        index = self._index()
        if index is None:
            return [], []
        searcher = index.searcher()
        total = searcher.num_docs
        weights = {}
        for word, count in Counter(key_words(text)).items():
            documents = min(
                searcher.doc_freq(self.content_field_name + WORDS, bigram) for bigram in words(word)
            )
            if documents:
                weights[word] = count * log(1 + (total - documents + 0.5) / (documents + 0.5))
        chosen = sorted(weights, key=weights.get, reverse=True)[:terms]
        if not chosen:
            return [], []
        query = Query.boolean_query(
            [
                (
                    Occur.Should,
                    Query.boost_query(self._match(self.content_field_name, w), weights[w]),
                )
                for w in chosen
            ]
        )
        hits = searcher.search(query, top).hits
        ids = searcher.fast_field_values(DJANGO_ID, [address for _, address in hits])
        return ids, chosen

    # --- queries ---------------------------------------------------------------

    def query(self, node: SearchNode) -> Query:
        """The Tantivy query of haystack's tree of filters."""
        if not self.setup_complete:
            self.setup()
        if not node:
            return Query.all_query()
        parts = []
        for child in node.children:
            if isinstance(child, SearchNode):
                parts.append(self.query(child))
            else:
                expression, value = child
                parts.append(self._lookup(*node.split_expression(expression), value))
        occur = Occur.Should if node.connector == SearchNode.OR else Occur.Must
        query = parts[0] if len(parts) == 1 else Query.boolean_query([(occur, p) for p in parts])
        if node.negated:
            # Tantivy matches nothing with exclusions alone: exclude from everything.
            return Query.boolean_query([(Occur.Must, Query.all_query()), (Occur.MustNot, query)])
        return query

    def has_words(self, node: SearchNode) -> bool:
        """Whether the tree of filters searches any text (or only filters)."""
        if not self.setup_complete:
            self.setup()
        for child in node.children:
            if isinstance(child, SearchNode):
                if self.has_words(child):
                    return True
            else:
                name = node.split_expression(child[0])[0]
                if name == "content" or self.fields.get(name, Field(name, "")).kind == CHINESE:
                    return True
        return False

    def _lookup(self, name: str, lookup: str, value) -> Query:
        if name == "content":
            name = self.content_field_name
        field = self.fields.get(name) or self._number(name)
        if isinstance(value, BaseInput):
            value = value.query_string
        if field.kind == CHINESE and lookup in EQUALS:
            return self._text(name, str(value))
        if field.kind == "keyword" and lookup in EQUALS:
            found = Query.term_query(self.schema, name, str(value))
        elif field.kind == "keyword" and lookup == "in":
            found = Query.term_set_query(self.schema, name, [str(v) for v in value])
        elif field.kind in ("integer", "date") and lookup in (*EQUALS, "gt", "gte", "lt", "lte"):
            found = self._range(field, lookup, value)
        elif field.kind in ("integer", "date") and lookup == "range":
            found = self._range(field, "gte", value[0]).and_must_match(
                self._range(field, "lte", value[1])
            )
        else:
            raise SearchBackendError(f"{name}__{lookup} is not supported")
        # A filter keeps or drops a clause; it says nothing of how well it matches.
        return Query.const_score_query(found, 0.0)

    def _number(self, name: str) -> Field:
        if name == DJANGO_ID:
            return Field(DJANGO_ID, "integer")
        raise SearchBackendError(f"{name} is not a field of the search index")

    def _match(self, name: str, text: str) -> Query:
        """The clauses whose field ``name`` holds ``text``: the phrase of its units."""
        found = units(text)
        if not found:
            return Query.empty_query()
        if len(found) == 1:
            return Query.term_query(self.schema, name, found[0])
        return Query.phrase_query(self.schema, name, found)

    def _text(self, name: str, text: str) -> Query:
        """``_match``, scored by the words of ``text`` (a lone character by its unit)."""
        matched = self._match(name, text)
        ranking = sorted(set(words(fold(text))))
        if not ranking:
            return matched
        return Query.boolean_query(
            [
                (Occur.Must, Query.const_score_query(matched, 0.0)),
                *((Occur.Should, Query.term_query(self.schema, name + WORDS, w)) for w in ranking),
            ]
        )

    def _range(self, field: Field, lookup: str, value) -> Query:
        kind = FieldType.Date if field.kind == "date" else FieldType.Unsigned
        if field.kind == "integer" and field.name != DJANGO_ID:
            kind = FieldType.Integer
        value = _datetime(value) if field.kind == "date" else int(value)
        lower = value if lookup in (*EQUALS, "gt", "gte") else None
        upper = value if lookup in (*EQUALS, "lt", "lte") else None
        return Query.range_query(
            self.schema,
            field.name,
            kind,
            lower,
            upper,
            include_lower=lookup != "gt",
            include_upper=lookup != "lt",
        )

    # --- writing (the caller holds index_write_lock) -----------------------------

    def document(self, prepared: dict) -> tantivy.Document:
        """The Tantivy document of haystack's prepared fields of one object."""
        values = {DJANGO_ID: int(prepared[DJANGO_ID]), FINGERPRINT: self.fingerprint(prepared)}
        for name, field in self.fields.items():
            value = prepared.get(name)
            if value is None or value == "" or value == []:
                continue
            if field.kind == CHINESE:
                values[name], values[name + WORDS] = analyzed(value)
            elif field.kind == "keyword":
                values[name] = [str(v) for v in value] if field.multivalued else str(value)
            elif field.kind == "date":
                values[name] = _datetime(value)
            else:
                values[name] = int(value)
        return tantivy.Document.from_dict(values, self.schema)

    @contextlib.contextmanager
    def writing(self):
        """A ``Writer`` on the live generation, committed when the block ends,
        rolled back when it raises. A generation of another schema is never
        written to, nor replaced by an empty one here: building the index is
        ``migrate``'s (indexing.ensure_index) or a rebuild's."""
        if not self.is_current():
            raise SearchBackendError(
                f"no search index of this version in {self.path}: "
                "run manage.py migrate or manage.py reconcile_index --rebuild"
            )
        index = _READERS.current(self.live_generation()).index
        writer = index.writer(heap_size=WRITER_HEAP, num_threads=1)
        wrapper = Writer(self, writer)
        try:
            yield wrapper
            if wrapper.changed:
                writer.commit()
            else:
                # An empty commit still writes a new meta.json: every reader would reload.
                writer.rollback()
        except BaseException:
            with contextlib.suppress(Exception):
                writer.rollback()
            with contextlib.suppress(Exception):
                writer.wait_merging_threads()
            raise
        writer.wait_merging_threads()  # merges done and Tantivy's writer lock released

    def rebuild(self, prepared, progress=lambda written: None, every: int = 2000) -> int:
        """Write every prepared object of ``prepared`` into a new generation and
        make it the live one; returns how many. ``progress(written)`` every
        ``every`` objects and at the end."""
        path, index = self._new_generation()
        writer = index.writer(heap_size=REBUILD_HEAP, num_threads=1)
        written = 0
        try:
            for one in prepared:
                writer.add_document(self.document(one))
                written += 1
                if written % every == 0:
                    progress(written)
            writer.commit()
            writer.wait_merging_threads()
        except BaseException:
            with contextlib.suppress(Exception):
                writer.rollback()
                writer.wait_merging_threads()
            shutil.rmtree(path, ignore_errors=True)
            raise
        progress(written)
        self._publish(path)
        return written

    def _new_generation(self) -> tuple[Path, tantivy.Index]:
        if not self.setup_complete:
            self.setup()
        path = (
            self.path / f"{self.signature}-{dt.datetime.now():%Y%m%d%H%M%S}-{secrets.token_hex(3)}"
        )
        path.mkdir(parents=True)
        index = tantivy.Index(self.schema, path=str(path), reuse=False)
        _register_tokenizers(index)
        return path, index

    def _publish(self, path: Path) -> Path:
        """Make ``path`` the live generation (an atomic swap of the link) and
        remove the others: a reader that has one open keeps reading its files."""
        link = self.path / f".{LIVE}-{secrets.token_hex(3)}"
        link.symlink_to(path.name)
        os.replace(link, self.path / LIVE)
        for other in self.path.iterdir():
            if other.is_dir() and not other.is_symlink() and other.name != path.name:
                shutil.rmtree(other, ignore_errors=True)
        return path

    @staticmethod
    def fingerprint(prepared: dict) -> int:
        """A number that changes when anything indexed of an object changes."""
        digest = hashlib.blake2b(repr(sorted(prepared.items())).encode(), digest_size=8)
        return int.from_bytes(digest.digest(), "big")

    def indexed(self) -> list[tuple[int, int]]:
        """(id, fingerprint) of every entry of the live generation, by id."""
        index = self._index()
        if index is None:
            return []
        searcher = index.searcher()
        if not searcher.num_docs:
            return []
        hits = searcher.search(
            Query.all_query(), searcher.num_docs, order_by_field=DJANGO_ID, order=Order.Asc
        ).hits
        ids = [key for key, _ in hits]
        fingerprints = searcher.fast_field_values(FINGERPRINT, [address for _, address in hits])
        return list(zip(ids, fingerprints, strict=True))

    # --- haystack's writing API, for its commands; each takes the write lock ---

    def update(self, index, iterable, commit=True):
        with index_write_lock(), self.writing() as writer:
            for obj in iterable:
                writer.replace(index.full_prepare(obj))

    def remove(self, obj_or_string, commit=True):
        pk = int(get_identifier(obj_or_string).rsplit(".", 1)[1])
        with index_write_lock(), self.writing() as writer:
            writer.delete([pk])

    def clear(self, models=None, commit=True):
        with index_write_lock():
            self.rebuild([])


class Writer:
    """Adds, replaces and deletes entries of one commit."""

    def __init__(self, backend: TantivySearchBackend, writer: tantivy.IndexWriter):
        self.backend = backend
        self.writer = writer
        self.changed = False

    def replace(self, prepared: dict) -> None:
        """Write an object's entry, in place of the one it had."""
        self.delete([int(prepared[DJANGO_ID])])
        self.add(prepared)

    def add(self, prepared: dict) -> None:
        self.writer.add_document(self.backend.document(prepared))
        self.changed = True

    def delete(self, ids) -> None:
        self.delete_matching(DJANGO_ID, list(ids))

    def delete_matching(self, name: str, values: list) -> None:
        """Delete the entries whose field ``name`` holds any of ``values``."""
        if values:
            self.writer.delete_documents_by_query(
                Query.term_set_query(self.backend.schema, name, values)
            )
            self.changed = True


@dataclass
class _Opened:
    """A generation as this process reads it, at one commit."""

    path: Path
    index: tantivy.Index
    version: tuple
    # Facet counts of browsing queries at this commit, by query.
    browsed: dict

    def remember(self, key: str, aggregations: dict) -> dict:
        if len(self.browsed) >= BROWSED:
            self.browsed.pop(next(iter(self.browsed)))
        self.browsed[key] = aggregations
        return aggregations


class _Readers:
    """The live generation of each index folder, opened once in this process
    and reloaded when its last commit changed: haystack makes a backend per
    thread, and a threaded server a thread per request."""

    def __init__(self):
        self.lock = threading.Lock()
        self.opened: dict[Path, _Opened] = {}

    def current(self, path: Path) -> _Opened:
        version = _version(path)
        with self.lock:
            opened = self.opened.get(path.parent)
            if opened is None or opened.path != path:
                # A generation a rebuild swapped out is left to its open searchers.
                index = tantivy.Index.open(str(path))
                _register_tokenizers(index)
                index.config_reader(reload_policy="Manual")
            elif opened.version != version:
                index = opened.index
                index.reload()
            else:
                return opened
            opened = self.opened[path.parent] = _Opened(path, index, version, {})
            return opened


_READERS = _Readers()


def _version(path: Path) -> tuple:
    # Tantivy replaces meta.json (write and rename) at every commit and merge.
    stat = (path / "meta.json").stat()
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


def _register_tokenizers(index: tantivy.Index) -> None:
    units_ = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.regex(UNIT.pattern)).build()
    index.register_tokenizer(UNITS_TOKENIZER, units_)


def _schema(fields: dict[str, Field]) -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field(DJANGO_ID, stored=True, indexed=True, fast=True)
    builder.add_unsigned_field(FINGERPRINT, fast=True)
    for name, field in fields.items():
        if field.kind == CHINESE:
            builder.add_text_field(name, tokenizer_name=UNITS_TOKENIZER, index_option="position")
            builder.add_text_field(name + WORDS, tokenizer_name="whitespace", index_option="freq")
        elif field.kind == "keyword":
            builder.add_text_field(
                name, stored=field.stored, fast=True, tokenizer_name="raw", index_option="basic"
            )
        elif field.kind == "date":
            builder.add_date_field(name, stored=field.stored, indexed=True, fast=True)
        else:
            builder.add_integer_field(name, stored=field.stored, indexed=True, fast=True)
    return builder.build()


def _datetime(value) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.combine(value, dt.time())


def _sort_order(sort_by) -> tuple[str | None, Order]:
    """The one column to sort by, and its direction (Tantivy sorts by one)."""
    if not sort_by:
        return None, Order.Desc
    if len(sort_by) > 1:
        raise SearchBackendError("the tantivy backend sorts by one field: combine the keys")
    name = sort_by[0]
    return name.lstrip("-"), Order.Desc if name.startswith("-") else Order.Asc


class TantivySearchQuery(BaseSearchQuery):
    def build_query(self) -> Query:
        return self.backend.query(self.query_filter)

    def build_params(self, *args, **kwargs):
        params = super().build_params(*args, **kwargs)
        params["filters_only"] = not self.backend.has_words(self.query_filter)
        return params

    def __str__(self):
        return repr(self.query_filter)


class TantivyEngine(BaseEngine):
    backend = TantivySearchBackend
    query = TantivySearchQuery
