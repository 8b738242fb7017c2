"""How consistent the seed labels are, beside how right the shipped model is.

Two measures of the labelling itself, then the model beside them:

1. Exact repeats: texts that appear more than once in the raw file, and how
   many of them carry more than one label.
2. Near repeats: for every clause (duplicates merged, as for training), its
   most similar clause in the *other* folds of the stratified 5-fold split
   (char 1-3 TF-IDF cosine). By similarity band: how often that neighbour's
   label equals the clause's own, and how often the shipped classifier,
   trained without the clause's fold, gets the clause right.

If near-identical clauses were exchangeable draws of one label distribution
p, two of them would agree with probability sum(p^2) and no model could be
right more often than max(p) <= sqrt(sum(p^2)); the last column is that bound
for the band (Jensen over its clauses), given only where the clauses are
near-identical (the two lines of a pair differ by a word or two: 建立 /
推动建立, 全省 / 全市). Prints a Markdown table (~1 min).

    .venv/bin/python bench/label_noise.py
"""

import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedKFold

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ingest.classify.data import load_labeled  # noqa: E402 (after sys.path)
from ingest.classify.validation import out_of_fold_proba  # noqa: E402

TSV = REPO / "data" / "labeled_clauses.tsv"
BANDS = [0.9, 0.8, 0.7, 0.6, 0.5, 0.0]
NEAR_IDENTICAL = 0.8
FOLDS, SEED = 5, 0


def exact_repeats(path) -> tuple[int, int]:
    """(texts seen more than once, of which with more than one label)."""
    labels_of = defaultdict(Counter)
    for text, label in zip(*load_labeled(path, deduplicate=False), strict=True):
        labels_of[text][label] += 1
    repeated = [c for c in labels_of.values() if sum(c.values()) > 1]
    return len(repeated), sum(len(c) > 1 for c in repeated)


def nearest_in_other_folds(texts, labels) -> tuple[np.ndarray, np.ndarray]:
    """Cosine similarity and label of each clause's nearest clause outside its fold."""
    vectors = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)
    matrix = vectors.fit_transform(texts)
    similarity = np.zeros(len(texts))
    neighbour = np.zeros(len(texts), dtype=int)
    splitter = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    for train, test in splitter.split(texts, labels):
        sims = (matrix[test] @ matrix[train].T).toarray()
        best = sims.argmax(axis=1)
        similarity[test] = sims[np.arange(len(test)), best]
        neighbour[test] = labels[train][best]
    return similarity, neighbour


def main():
    repeated, conflicting = exact_repeats(TSV)
    print(f"exact repeats: {repeated} texts, {conflicting} with conflicting labels")
    texts, labels = load_labeled(TSV)
    labels = np.asarray(labels)
    similarity, neighbour = nearest_in_other_folds(texts, labels)
    predicted = out_of_fold_proba(texts, labels, folds=FOLDS, seed=SEED).argmax(axis=1)
    print("| nearest other-fold clause | clauses | same label as it | model right | bound |")
    print("|---|---|---|---|---|")
    for low in BANDS:
        band = similarity >= low
        agreement = (neighbour[band] == labels[band]).mean()
        bound = f"{np.sqrt(agreement):.3f}" if low >= NEAR_IDENTICAL else "–"
        print(
            f"| cosine ≥ {low} | {band.sum():,} | {agreement:.3f} "
            f"| {(predicted[band] == labels[band]).mean():.3f} | {bound} |"
        )


if __name__ == "__main__":
    main()
