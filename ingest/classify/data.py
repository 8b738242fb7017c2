"""Reading the labelled clause file (``text<TAB>label``) into clean training data."""

import hashlib
from collections import Counter, defaultdict
from pathlib import Path

CATEGORY_COUNT = 14


def parse_line(line: str) -> tuple[str, int] | None:
    """One ``text<TAB>label`` line, or None when it carries no usable pair.

    The seed file has spaces before the tab on some lines; the label is the
    text after the last tab, so a tab inside the text does not break it.
    """
    text, sep, label = line.rstrip("\r\n").rpartition("\t")
    text = text.strip()
    label = label.strip()
    if not sep or not text or not label.isdigit():
        return None
    value = int(label)
    if not 0 <= value < CATEGORY_COUNT:
        return None
    return text, value


def resolve_duplicates(pairs: list[tuple[str, int]]) -> tuple[list[str], list[int]]:
    """One row per distinct text, labelled by majority vote; ties are dropped.

    A text seen twice with the same label counts once (repeating it would
    only weigh it double and leak across cross-validation folds); a text whose
    labels tie (e.g. once 3, once 4) tells the model nothing and is left out.
    Order is that of first appearance, so results are reproducible.
    """
    votes: dict[str, Counter] = defaultdict(Counter)
    for text, label in pairs:
        votes[text][label] += 1
    texts, labels = [], []
    for text, counter in votes.items():
        ranked = counter.most_common(2)
        if len(ranked) == 2 and ranked[0][1] == ranked[1][1]:
            continue
        texts.append(text)
        labels.append(ranked[0][0])
    return texts, labels


def load_labeled(path: Path | str, deduplicate: bool = True) -> tuple[list[str], list[int]]:
    """Texts and labels of a ``text<TAB>label`` file; bad lines are skipped.

    With ``deduplicate`` (the default, for training) duplicate texts are
    merged by majority vote and ties dropped; without it (for evaluating a
    held-out file) every usable line is kept as it is.
    """
    with open(path, encoding="utf-8-sig") as handle:
        pairs = [pair for line in handle if (pair := parse_line(line)) is not None]
    if deduplicate:
        return resolve_duplicates(pairs)
    return [text for text, _ in pairs], [label for _, label in pairs]


def labels_digest(texts: list[str], labels: list[int]) -> str:
    """A fingerprint of labelled texts, the same whatever order they come in:
    a model version records the one of the data it learnt from."""
    lines = sorted(f"{text}\t{label}\n" for text, label in zip(texts, labels, strict=True))
    return hashlib.sha256("".join(lines).encode()).hexdigest()
