"""Index one stored corpus with Whoosh and with Xapian, both through haystack.

    apt-get install python3-xapian          # Xapian's bindings: Debian only, not on PyPI
    .venv/bin/pip install xapian-haystack==4.0.0
    .venv/bin/python bench/backend_index.py var/bench/corpus-10000 [--batch 10000]

Issue 9 asks, where Whoosh cannot reach a goal, for one other haystack
backend measured. Elasticsearch, OpenSearch and Solr are servers this machine
cannot install; Xapian is a C++ library in Debian with a haystack backend on
PyPI. Each engine indexes every clause ``ClauseIndex.index_queryset`` yields
into a fresh directory beside the corpus, in its own process (so peak RSS is
its own), and is then asked how many entries it holds and which hold one word:

- whoosh: ``policybase.search.indexing.rebuild_index`` (the application's
  rebuild: our analyzer, commits of ``--batch`` clauses, a 512 MB pool);
- xapian: haystack's ``backend.update()`` per ``--batch`` clauses, the texts
  given as jieba words between spaces (xapian-haystack also adds every
  space-separated piece as a term, and a whole Chinese sentence exceeds
  Xapian's 245-byte term limit).

Xapian's index is not the application's (no facet columns, no folding of
traditional characters): the figure is what the engine costs, not a drop-in
replacement. Results go to bench/results/backend_index-N.json.
"""

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import generate_corpus  # noqa: E402 (after sys.path)

# Debian installs the bindings for its own Python; the venv's Python 3.11 has the same ABI.
DEBIAN_PACKAGES = "/usr/lib/python3/dist-packages"
ENGINES = {
    "whoosh": "policybase.search.backend.ChineseWhooshEngine",
    "xapian": "xapian_backend.XapianEngine",
}
# A word jieba keeps whole: both indexes hold it as a term, so both answer the
# same (longer queries do not compare: Xapian's parser splits CJK text into
# n-grams that jieba-word terms do not match).
QUERY = "补贴"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--engine", choices=ENGINES, help="(internal) index with this engine only")
    args = parser.parse_args()
    if args.engine:
        print(json.dumps(index_with(args.engine, args.data_dir.resolve(), args.batch)))
        return
    results = {}
    for engine in ENGINES:
        command = [sys.executable, __file__, str(args.data_dir), "--batch", str(args.batch)]
        out = subprocess.run([*command, "--engine", engine], capture_output=True, text=True)
        if out.returncode:
            raise SystemExit(f"{engine} failed:\n{out.stderr}")
        results[engine] = json.loads(out.stdout.splitlines()[-1])
        print(engine, results[engine], flush=True)
    clauses = results["whoosh"]["clauses"]
    target = REPO / "bench" / "results" / f"backend_index-{clauses}.json"
    target.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    print(f"written to {target.relative_to(REPO)}")


def index_with(engine: str, data_dir: Path, batch: int) -> dict:
    if engine == "xapian":
        sys.path.append(DEBIAN_PACKAGES)
    generate_corpus.setup_django(data_dir)
    from haystack import connections
    from haystack.query import SearchQuerySet

    path = data_dir / f"bench-index-{engine}"
    shutil.rmtree(path, ignore_errors=True)
    connections.connections_info["default"] = {
        "ENGINE": ENGINES[engine],
        "PATH": str(path),
        "SILENTLY_FAIL": False,
    }
    connections.reload("default")
    started, cpu = time.perf_counter(), time.process_time()
    clauses = whoosh_rebuild(batch) if engine == "whoosh" else haystack_update(batch)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    everything = SearchQuerySet().using("default")
    found = {"indexed": everything.count(), QUERY: everything.auto_query(QUERY).count()}
    size = sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return {
        "clauses": clauses,
        "seconds": round(seconds, 1),
        "cpu_seconds": round(cpu, 1),
        "clauses_per_second": round(clauses / seconds),
        "clauses_per_cpu_second": round(clauses / cpu),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "index_mb": round(size / 2**20),
        "found": found,
    }


def whoosh_rebuild(batch: int) -> int:
    from policybase.search.indexing import rebuild_index

    return rebuild_index(batch)


def haystack_update(batch: int) -> int:
    from haystack import connections

    from policybase.catalog.models import Clause

    index = connections["default"].get_unified_index().get_index(Clause)
    index.prepare_text = lambda clause: words(clause.text)
    index.prepare_title = lambda clause: words(clause.document.title)
    index.prepare_doc_number = lambda clause: words(clause.document.doc_number)
    backend = connections["default"].get_backend()
    written, pending = 0, []
    for clause in index.index_queryset().iterator(chunk_size=2000):
        pending.append(clause)
        if len(pending) == batch:
            backend.update(index, pending)
            written, pending = written + len(pending), []
    if pending:
        backend.update(index, pending)
    return written + len(pending)


def words(text: str) -> str:
    import jieba

    # A run of digits or Latin longer than a term may be is cut, not refused.
    return " ".join(word[:60] for word in jieba.cut(text) if not word.isspace())


if __name__ == "__main__":
    main()
