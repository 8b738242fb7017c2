"""Latency of ``GET /api/search`` end to end, beside SQLite FTS5 on the same clauses.

    .venv/bin/python bench/search_bench.py --clauses 10000 [--rounds 10]

Uses the data dir var/bench/corpus-N that bench/ingest_bench.py fills (and
runs it first when that dir is missing or incomplete), starts the application
on it (gunicorn with one sync worker when installed, else ``runserver
--noreload``) on a free loopback port, and sends the fixed query mix below,
one request at a time, ``--rounds`` times after one warm-up round.

In the same loop, each query also runs against an FTS5 table that this bench
builds next to the data dir and loads into memory, from the same clauses, segmented with jieba's
search mode (the words of ``jieba.cut_for_search`` separated by spaces,
``unicode61`` tokenizer). One FTS5 query is what a page of results needs:
the count, the top 20 by ``bm25`` with ``snippet()``, and one facet (``GROUP BY
province``). The application answers with nine facets and the highlighted
text of each clause, over HTTP; FTS5 runs in this process. Query words are
segmented the same way as the clauses and looked up as a phrase; a single
character is a prefix query (税 → 税*), since jieba keeps few characters alone
(the application finds 税 inside any word, FTS5 only at a word's start: the
counts of both are printed side by side).

Prints p50/p95/p99 per query class and overall for both, their ratio, the
peak RSS of the web process (VmHWM of the process that served the requests,
and how much of its RSS is mapped index files),
and writes the numbers to bench/results/search-N.json for bench/growth_chart.py.
"""

import argparse
import json
import os
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from ingest_bench import COMPLETE, corpus_dir  # noqa: E402 (after sys.path)

RESULTS_DIR = REPO / "bench" / "results"
PAGE_SIZE = 20

# (class, query, filters): the mix every run sends, in this order.
QUERIES = [
    ("one character", "税", {}),
    ("one character", "云", {}),
    ("word", "数据", {}),
    ("word", "算力", {}),
    ("word", "人工智能", {}),
    ("word", "知识产权", {}),
    ("phrase", '"数据 安全"', {}),
    ("phrase", '"公共数据授权运营"', {}),
    ("boolean", "数据 AND 安全", {}),
    ("boolean", "算力 OR 数据中心", {}),
    ("boolean", "数据 -安全", {}),
    ("boolean", "金融 NOT 保险", {}),
    ("filtered", "数据", {"province": "浙江省"}),
    ("filtered", "人才", {"date_from": "2022-01-01", "date_to": "2023-12-31"}),
    ("filtered", "算力 OR 数据中心", {"province": "广东省", "date_from": "2020-01-01"}),
    ("filtered", "税", {"province": "四川省"}),
    ("browse", "", {}),
    ("browse", "", {"province": "江苏省"}),
    ("browse", "", {"date_from": "2024-01-01", "date_to": "2024-12-31"}),
]
CLASSES = list(dict.fromkeys(name for name, _, _ in QUERIES))


# --- The application -------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(data_dir: Path, port: int) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "POLICYBASE_DATA_DIR": str(data_dir), "DJANGO_DEBUG": "0"}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    if gunicorn.exists():
        command = [str(gunicorn), "policybase.wsgi", "-w", "1", "-b", f"127.0.0.1:{port}"]
        command += ["--timeout", "300", "--log-level", "warning"]
        kind = "gunicorn, 1 sync worker"
    else:
        command = [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
        kind = "runserver --noreload"
    server = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/search?q=x", timeout=60)
            return server, kind
        except OSError:
            if server.poll() is not None:
                raise SystemExit("the server exited while starting") from None
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("the server did not answer within 120 s")


def serving_pid(server: subprocess.Popen) -> int:
    """The process that answers requests: gunicorn's worker, or runserver itself."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
    pids = children.read_text().split() if children.exists() else []
    return int(pids[0]) if pids else server.pid


def memory_mb(pid: int) -> dict[str, float]:
    """Peak RSS, and the RSS now split into private memory and mapped files
    (Tantivy maps its index files: those pages count in RSS but are the page cache's,
    shared by every process and given back under memory pressure)."""
    status = Path(f"/proc/{pid}/status").read_text()
    fields = ("VmHWM", "RssAnon", "RssFile")
    return {f: int(re.search(rf"{f}:\s+(\d+) kB", status).group(1)) / 1024 for f in fields}


def app_search(port: int, query: str, filters: dict) -> tuple[float, int]:
    params = urllib.parse.urlencode({"q": query, **filters})
    started = time.perf_counter()
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/search?{params}", timeout=300) as r:
        body = json.loads(r.read())
    return time.perf_counter() - started, body["count"]


# --- SQLite FTS5 -----------------------------------------------------------------

# Clauses with their document's province (top of the region path) and date.
CLAUSE_ROWS = """
SELECT c.id, c.text, d.publish_date,
       COALESCE(p3.name, p2.name, p1.name) AS top_name,
       COALESCE(p3.level, p2.level, p1.level) AS top_level
FROM catalog_clause c
JOIN catalog_document d ON d.id = c.document_id
LEFT JOIN catalog_region p1 ON p1.id = d.region_id
LEFT JOIN catalog_region p2 ON p2.id = p1.parent_id
LEFT JOIN catalog_region p3 ON p3.id = p2.parent_id
"""


def segment(text: str) -> str:
    import jieba

    return " ".join(word for word in jieba.cut_for_search(text) if word.strip())


def build_fts(data_dir: Path) -> Path:
    """An FTS5 database of the data dir's clauses, built once."""
    path = data_dir / "fts5.sqlite3"
    if path.exists():
        return path
    import jieba

    jieba.setLogLevel(60)
    started = time.perf_counter()
    source = sqlite3.connect(data_dir / "db.sqlite3")
    building = path.with_suffix(".building")
    building.unlink(missing_ok=True)
    db = sqlite3.connect(building)
    db.executescript(
        """
        CREATE VIRTUAL TABLE clause_fts USING fts5(words, tokenize='unicode61');
        CREATE TABLE clause_meta (id INTEGER PRIMARY KEY, province TEXT, publish_date TEXT);
        CREATE INDEX clause_meta_province ON clause_meta (province);
        CREATE INDEX clause_meta_date ON clause_meta (publish_date);
        """
    )
    for pk, text, date, top_name, top_level in source.execute(CLAUSE_ROWS):
        province = top_name if top_level == "province" else None
        db.execute("INSERT INTO clause_fts (rowid, words) VALUES (?, ?)", (pk, segment(text)))
        db.execute("INSERT INTO clause_meta VALUES (?, ?, ?)", (pk, province, date))
    db.commit()
    db.close()
    building.rename(path)
    print(f"FTS5 table built in {time.perf_counter() - started:.0f} s", flush=True)
    return path


def fts_term(text: str) -> str:
    """One query word or phrase as an FTS5 expression."""
    words = [word for word in segment(text).split() if re.search(r"\w", word)]
    if len(words) == 1 and len(words[0]) == 1:
        return f'"{words[0]}" *'
    return '"' + " ".join(words) + '"'


def to_fts(query: str) -> str:
    """The application's syntax (spaces = AND, OR, -word / NOT word, "phrase") in FTS5's."""
    parts, operator = [], "AND"
    for token in re.findall(r'-?"[^"]*"|\S+', query):
        if token in ("AND", "OR", "NOT"):
            operator = token
            continue
        if token.startswith("-"):
            operator, token = "NOT", token[1:]
        term = fts_term(token.strip('"'))
        parts.append(term if not parts else f"{operator} {term}")
        operator = "AND"
    return " ".join(parts)


def fts_search(db: sqlite3.Connection, query: str, filters: dict) -> tuple[float, int]:
    """Count, top 20 by bm25 with snippets, province facet; seconds and the count."""
    where, params = [], []
    if filters.get("province"):
        where.append("m.province = ?")
        params.append(filters["province"])
    if filters.get("date_from"):
        where.append("m.publish_date >= ?")
        params.append(filters["date_from"])
    if filters.get("date_to"):
        where.append("m.publish_date <= ?")
        params.append(filters["date_to"])
    started = time.perf_counter()
    if query:
        match = to_fts(query)
        # CROSS JOIN keeps FTS5 first: left to choose, SQLite walks a province's
        # rows and runs the MATCH for each (3× slower on 100k clauses).
        base = (
            "FROM clause_fts f CROSS JOIN clause_meta m ON m.id = f.rowid WHERE clause_fts MATCH ?"
        )
        conditions = "".join(f" AND {w}" for w in where)
        args = [match, *params]
        count = db.execute(f"SELECT count(*) {base}{conditions}", args).fetchone()[0]
        db.execute(
            "SELECT f.rowid, snippet(clause_fts, 0, '<mark>', '</mark>', '…', 16) "
            f"{base}{conditions} ORDER BY bm25(clause_fts) LIMIT {PAGE_SIZE}",
            args,
        ).fetchall()
        db.execute(f"SELECT m.province, count(*) {base}{conditions} GROUP BY 1", args).fetchall()
    else:
        base = "FROM clause_meta m" + (" WHERE " + " AND ".join(where) if where else "")
        count = db.execute(f"SELECT count(*) {base}", params).fetchone()[0]
        db.execute(
            f"SELECT m.id {base} ORDER BY m.publish_date DESC LIMIT {PAGE_SIZE}", params
        ).fetchall()
        db.execute(f"SELECT m.province, count(*) {base} GROUP BY 1", params).fetchall()
    return time.perf_counter() - started, count


# --- The run ---------------------------------------------------------------------


def percentiles(samples: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {"p50": cuts[49] * 1000, "p95": cuts[94] * 1000, "p99": cuts[98] * 1000}


def ensure_corpus(clauses: int) -> Path:
    data_dir = corpus_dir(clauses)
    if not (data_dir / COMPLETE).exists():
        print(f"building {data_dir} with bench/ingest_bench.py", flush=True)
        subprocess.run(
            [sys.executable, str(REPO / "bench" / "ingest_bench.py"), "--clauses", str(clauses)],
            check=True,
        )
    return data_dir


def run(clauses: int, rounds: int) -> dict:
    data_dir = ensure_corpus(clauses)
    # In memory, as issue 23 sets the bar: no page of FTS5's ever waits for a disk.
    db = sqlite3.connect(":memory:")
    with sqlite3.connect(build_fts(data_dir)) as disk:
        disk.backup(db)
    port = free_port()
    server, kind = start_server(data_dir, port)
    try:
        samples = {"app": {name: [] for name in CLASSES}, "fts5": {name: [] for name in CLASSES}}
        counts = {}
        load = [os.getloadavg()[0]]
        for round_ in range(rounds + 1):
            for name, query, filters in QUERIES:
                app_s, app_count = app_search(port, query, filters)
                fts_s, fts_count = fts_search(db, query, filters)
                counts[(query, json.dumps(filters, ensure_ascii=False))] = (app_count, fts_count)
                if round_:  # the first round warms caches up
                    samples["app"][name].append(app_s)
                    samples["fts5"][name].append(fts_s)
            load.append(os.getloadavg()[0])
        memory = memory_mb(serving_pid(server))
    finally:
        server.terminate()
        server.wait(30)
    result = {
        "clauses": clauses,
        "rounds": rounds,
        "server": kind,
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "load_1min": {"min": min(load), "max": max(load), "mean": statistics.mean(load)},
        "web_peak_rss_mb": memory["VmHWM"],
        "web_rss_anon_mb": memory["RssAnon"],
        "web_rss_file_mb": memory["RssFile"],
        "classes": {},
        "counts": [
            {"query": q, "filters": json.loads(f), "app": a, "fts5": b}
            for (q, f), (a, b) in counts.items()
        ],
    }
    for engine in ("app", "fts5"):
        every = [s for name in CLASSES for s in samples[engine][name]]
        result[engine] = {name: percentiles(samples[engine][name]) for name in CLASSES}
        result[engine]["overall"] = percentiles(every)
    return result


def report(result: dict) -> None:
    print(
        f"\n{result['clauses']:,} clauses, {result['rounds']} rounds, {result['server']}, "
        f"load {result['load_1min']['min']:.1f}–{result['load_1min']['max']:.1f}"
    )
    print("| class | app p50 | app p95 | app p99 | FTS5 p50 | FTS5 p95 | FTS5 p99 | p95 ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name in [*CLASSES, "overall"]:
        app, fts = result["app"][name], result["fts5"][name]
        print(
            f"| {name} | {app['p50']:.0f} | {app['p95']:.0f} | {app['p99']:.0f} | "
            f"{fts['p50']:.1f} | {fts['p95']:.1f} | {fts['p99']:.1f} | "
            f"{app['p95'] / fts['p95']:.1f}× |"
        )
    print("(milliseconds)")
    print(
        f"web process peak RSS: {result['web_peak_rss_mb']:.0f} MB; at the end "
        f"{result['web_rss_anon_mb']:.0f} MB private + {result['web_rss_file_mb']:.0f} MB mapped files"
    )
    print("\n| query | filters | app count | FTS5 count |")
    print("|---|---|---:|---:|")
    for row in result["counts"]:
        filters = " ".join(f"{k}={v}" for k, v in row["filters"].items())
        print(f"| {row['query'] or '(empty)'} | {filters} | {row['app']:,} | {row['fts5']:,} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clauses", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    result = run(args.clauses, args.rounds)
    report(result)
    RESULTS_DIR.mkdir(exist_ok=True)
    out = RESULTS_DIR / f"search-{args.clauses}.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"\nwritten to {out.relative_to(REPO)}")


if __name__ == "__main__":
    main()
