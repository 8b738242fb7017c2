"""The words that rank search results: character bigrams or jieba's words.

    .venv/bin/python bench/words_bench.py [--clauses 20000]

Issue 23 asks for words in the index for ranking, jieba's or character
bigrams if jieba is what bounds the indexing rate. This measures both on the
clause texts of a generated corpus (bench/generate_corpus.py), in CPU time of
this process (the machine is shared):

  analysis   what the index holds of one clause text: folding, then the
             words (bigrams: ``analyzer.words``; jieba: ``cut_for_search`` of
             each CJK run, as the Whoosh index had them)
  indexing   the same texts written into a Tantivy index of the application's
             text fields (units with positions, words with frequencies), one
             writer thread, one commit

and prints clauses per CPU second of each beside the budget: storing and
indexing together must reach 2,000 clauses per second on one core, and
storing alone takes about 0.4 ms a clause (bench/RESULTS.md).
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import generate_corpus  # noqa: E402 (after sys.path)


def jieba_words(folded: str) -> list[str]:
    import jieba

    from policybase.search.analyzer import WORD_RUN

    found = []
    for run in WORD_RUN.findall(folded):
        found.extend([run] if run.isascii() else jieba.cut_for_search(run))
    return found


def analysis_rate(texts: list[str], words) -> float:
    from policybase.text.fold import fold

    started = time.process_time()
    for text in texts:
        " ".join(words(fold(text)))
    return len(texts) / (time.process_time() - started)


def indexing_rate(texts: list[str], words) -> float:
    import tantivy

    from policybase.search.analyzer import UNIT
    from policybase.text.fold import fold

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("text", tokenizer_name="units", index_option="position")
    builder.add_text_field("text_words", tokenizer_name="whitespace", index_option="freq")
    schema = builder.build()
    with tempfile.TemporaryDirectory() as path:
        index = tantivy.Index(schema, path=path)
        units = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.regex(UNIT.pattern)).build()
        index.register_tokenizer("units", units)
        writer = index.writer(heap_size=400_000_000, num_threads=1)
        started = time.process_time()
        for text in texts:
            folded = fold(text)
            document = {"text": folded, "text_words": " ".join(words(folded))}
            writer.add_document(tantivy.Document.from_dict(document, schema))
        writer.commit()
        writer.wait_merging_threads()
        return len(texts) / (time.process_time() - started)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clauses", type=int, default=20_000)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policybase.settings")
    import jieba

    from policybase.search.analyzer import words

    jieba.setLogLevel(60)
    jieba.initialize()  # the dictionary is loaded once per process, outside the timings
    texts = [c.text for d in generate_corpus.generate(args.clauses) for c in d.clauses]
    characters = sum(map(len, texts)) / len(texts)
    print(f"load average {os.getloadavg()[0]:.2f}; {len(texts):,} clauses, {characters:.0f} chars")
    print("| words | analysis clauses/CPU s | indexing clauses/CPU s |")
    print("|---|---:|---:|")
    for name, function in (("bigrams", words), ("jieba (search mode)", jieba_words)):
        analysis = analysis_rate(texts, function)
        indexing = indexing_rate(texts, function)
        print(f"| {name} | {analysis:,.0f} | {indexing:,.0f} |")
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
