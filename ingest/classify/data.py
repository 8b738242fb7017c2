"""Reading labelled clause files into clean training data: the seed file
(``text<TAB>label``) and the evaluation set (a header line, more columns)."""

import csv
import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

# The policy instruments 0–13 of the seed file, which the scorer learns;
# 14 非政策工具 (structural) is told by ``structure`` and by curators.
INSTRUMENT_COUNT = 14
STRUCTURAL = 14
CATEGORY_COUNT = 15


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


# The first columns of the evaluation set's header (data/evaluation/README.md).
EVALUATION_HEADER = ("text", "label")


@dataclass(frozen=True)
class LabelledClause:
    """One row of a labelled file, with what the evaluation set adds."""

    text: str
    label: int
    path: str = ""  # the heading path, headings separated by spaces
    doc_type: str = ""
    seed_label: int | None = None


def load_evaluation(path: Path | str) -> list[LabelledClause]:
    """Every usable row of a labelled file, kept as it is (no deduplication).

    Two formats: the evaluation set's, a header line naming its columns
    (``text label second path doc_type source seed_label``, only the first two
    required), and the seed file's ``text<TAB>label`` without one. Rows
    without a text or a label 0–14 are skipped.
    """
    with open(path, encoding="utf-8-sig", newline="") as handle:
        first = handle.readline()
        columns = first.rstrip("\r\n").split("\t")
        if tuple(columns[:2]) != EVALUATION_HEADER:
            handle.seek(0)
            return [
                LabelledClause(text, label)
                for line in handle
                if (pair := parse_line(line)) is not None
                for text, label in [pair]
            ]
        rows = csv.DictReader(handle, fieldnames=columns, delimiter="\t", quoting=csv.QUOTE_NONE)
        out = []
        for row in rows:
            text, label = (row.get("text") or "").strip(), (row.get("label") or "").strip()
            if not text or not label.isdigit() or not 0 <= int(label) < CATEGORY_COUNT:
                continue
            seed = (row.get("seed_label") or "").strip()
            out.append(
                LabelledClause(
                    text=text,
                    label=int(label),
                    # The file joins headings with " / "; the model reads them as ingest does.
                    path=" ".join(
                        part.strip() for part in (row.get("path") or "").split(" / ")
                    ).strip(),
                    doc_type=(row.get("doc_type") or "").strip(),
                    seed_label=int(seed) if seed.isdigit() else None,
                )
            )
        return out


def load_training(seed_path: Path | str, held_out: Path | str | None = None):
    """The seed clauses to learn from (``load_labeled``), without the texts of
    the evaluation set ``held_out``: a model that learnt them would score
    itself on its own training data there (``manage.py classify --evaluate``)."""
    texts, labels = load_labeled(seed_path)
    if held_out is None or not Path(held_out).exists():
        return texts, labels
    evaluated = {clause.text for clause in load_evaluation(held_out)}
    kept = [
        (text, label) for text, label in zip(texts, labels, strict=True) if text not in evaluated
    ]
    return [text for text, _ in kept], [label for _, label in kept]
