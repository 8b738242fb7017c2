"""Two versions of a policy clause by clause: which clauses were kept, changed,
added or dropped, and inside a changed clause which characters.

Pure functions over clause texts; the view hands them the two documents'
clauses in order. Texts are compared folded (policybase.text.fold.fold:
simplified, half-width), so a traditional copy of an unchanged clause counts
as unchanged, and the pieces shown are cut from the original texts: folding
maps every character to exactly one character, so offsets carry over.
"""

from dataclasses import dataclass
from difflib import SequenceMatcher

from policybase.text.fold import fold

# Two clauses are one clause changed, not one dropped and one added, when this
# share of their character pairs (Dice on bigrams) is common to both.
MIN_SIMILARITY = 0.5
# The clauses between two unchanged ones are paired by dynamic programming over
# every pair; past this many pairs (two unrelated documents of 500 clauses
# each) the stretch is shown as dropped, then added, rather than compared.
MAX_PAIRS = 250_000
# A run of unchanged characters this short between two changes is shown as part
# of the change: 加强→完善 reads better as one replacement than as 加/完, 强/善.
MAX_GLUE_RUN = 2


# What each row is, as the page and the Word table say it.
LABELS = {"same": "未变", "changed": "修改", "added": "新增", "removed": "删除"}


@dataclass(frozen=True)
class Piece:
    kind: str  # "same", "removed" or "added"
    text: str


@dataclass(frozen=True)
class Row:
    kind: str  # "same", "changed", "removed" or "added"
    old: int | None  # index into the old clauses
    new: int | None  # index into the new clauses
    pieces: tuple[Piece, ...]


def compare(old: list[str], new: list[str]) -> list[Row]:
    """The rows of the comparison, in reading order: every clause of both
    versions appears in exactly one row."""
    old_folded, new_folded = [fold(t) for t in old], [fold(t) for t in new]
    rows = []
    blocks = SequenceMatcher(None, old_folded, new_folded, autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in blocks:
        if tag == "equal":
            rows += [
                Row("same", i, j, (Piece("same", new[j]),))
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            ]
            continue
        for i, j in _pair_up(old_folded[i1:i2], new_folded[j1:j2]):
            i = None if i is None else i + i1
            j = None if j is None else j + j1
            if i is None:
                rows.append(Row("added", None, j, (Piece("added", new[j]),)))
            elif j is None:
                rows.append(Row("removed", i, None, (Piece("removed", old[i]),)))
            else:
                rows.append(Row("changed", i, j, inline_changes(old[i], new[j])))
    return rows


def _bigrams(text: str) -> set[str]:
    return {text[k : k + 2] for k in range(len(text) - 1)} or set(text)


def _pair_up(old: list[str], new: list[str]) -> list[tuple[int | None, int | None]]:
    """Order-keeping pairs of old and new clauses (None: no partner) that
    maximise the summed similarity of the pairs, each at least MIN_SIMILARITY."""
    n, m = len(old), len(new)
    if n * m > MAX_PAIRS or not n or not m:
        return [(i, None) for i in range(n)] + [(None, j) for j in range(m)]
    old_grams, new_grams = [_bigrams(t) for t in old], [_bigrams(t) for t in new]
    # best[i][j]: the best total for old[i:] and new[j:]; filled from the end.
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            score = max(best[i + 1][j], best[i][j + 1])
            pair = _dice(old_grams[i], new_grams[j])
            if pair >= MIN_SIMILARITY:
                score = max(score, pair + best[i + 1][j + 1])
            best[i][j] = score
    pairs, i, j = [], 0, 0
    while i < n and j < m:
        pair = _dice(old_grams[i], new_grams[j])
        if pair >= MIN_SIMILARITY and best[i][j] == pair + best[i + 1][j + 1]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            pairs.append((i, None))
            i += 1
        else:
            pairs.append((None, j))
            j += 1
    pairs += [(k, None) for k in range(i, n)] + [(None, k) for k in range(j, m)]
    return pairs


def _dice(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def inline_changes(old: str, new: str) -> tuple[Piece, ...]:
    """The new text with what was dropped from the old one and what was added,
    character by character."""
    ops = SequenceMatcher(None, fold(old), fold(new), autojunk=False).get_opcodes()
    # Glue short unchanged runs between two changes into one change.
    glued = []
    for index, (tag, i1, i2, j1, j2) in enumerate(ops):
        inner = 0 < index < len(ops) - 1
        if tag == "equal" and inner and i2 - i1 <= MAX_GLUE_RUN:
            tag = "replace"
        if glued and tag != "equal" and glued[-1][0] != "equal":
            _, start_i, _, start_j, _ = glued[-1]
            glued[-1] = ("replace", start_i, i2, start_j, j2)
        else:
            glued.append((tag, i1, i2, j1, j2))
    pieces = []
    for tag, i1, i2, j1, j2 in glued:
        if tag == "equal":
            pieces.append(Piece("same", new[j1:j2]))
            continue
        if i2 > i1:
            pieces.append(Piece("removed", old[i1:i2]))
        if j2 > j1:
            pieces.append(Piece("added", new[j1:j2]))
    return tuple(pieces)


def fold_unchanged(rows: list[Row], context: int = 1) -> list[Row | int]:
    """The rows with each run of unchanged ones cut down to ``context`` rows
    beside a change; the rows left out are replaced by their number."""
    changed = [k for k, row in enumerate(rows) if row.kind != "same"]
    keep = {k + d for k in changed for d in range(-context, context + 1)}
    folded: list[Row | int] = []
    for k, row in enumerate(rows):
        if k in keep or row.kind != "same":
            folded.append(row)
        elif folded and isinstance(folded[-1], int):
            folded[-1] += 1
        else:
            folded.append(1)
    return folded


@dataclass
class Comparison:
    """The rows of ``compare`` over two lists of clauses (anything with
    ``text`` and ``pk``), in the shapes the page, the Word table and the JSON
    take."""

    old: list
    new: list
    rows: list[Row]

    @classmethod
    def of(cls, old: list, new: list) -> "Comparison":
        return cls(old, new, compare([c.text for c in old], [c.text for c in new]))

    def counts(self) -> dict[str, int]:
        return {kind: sum(row.kind == kind for row in self.rows) for kind in LABELS}

    def shown(self, show_all: bool) -> list[Row | int]:
        return self.rows if show_all else fold_unchanged(self.rows)

    def items(self, show_all: bool) -> list[dict]:
        """For the page: each row with its label and clauses, or a count of
        unchanged clauses left out."""
        items = []
        for row in self.shown(show_all):
            if isinstance(row, int):
                items.append({"skipped": row})
            else:
                old, new = self._clauses(row)
                items.append({"row": row, "label": LABELS[row.kind], "old": old, "new": new})
        return items

    def records(self) -> list[dict]:
        """For the JSON: every row, with clause ids."""
        records = []
        for row in self.rows:
            old, new = self._clauses(row)
            records.append(
                {
                    "change": row.kind,
                    "old_clause_id": old and old.pk,
                    "new_clause_id": new and new.pk,
                    "pieces": [{"kind": p.kind, "text": p.text} for p in row.pieces],
                }
            )
        return records

    def _clauses(self, row: Row):
        return (
            None if row.old is None else self.old[row.old],
            None if row.new is None else self.new[row.new],
        )
