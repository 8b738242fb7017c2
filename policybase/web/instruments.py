"""政策对照: two to four policies side by side, instrument by instrument.

Policies on one subject from different places rarely say the same thing in
the same words or order, so a clause-by-clause alignment pairs almost
nothing (the version comparison needs half the characters in common). What
an analyst compares is what each policy does: which instruments it uses and
how (资金投入: 北京 gives up to 500万元, 上海 a fund). The classifier's
category is that alignment.
"""

from dataclasses import dataclass

from policybase.catalog.models import STRUCTURAL

from .word import finish, landscape, quote

# More columns would not fit a screen or a landscape page.
MAX_DOCUMENTS = 4
UNCLASSIFIED = "未分类"
# 非政策工具 clauses (purpose, scope, entry into force…) line nothing up: they
# come last, marked as structure, and no mix counts them.
STRUCTURE = "结构性条款，不计入政策工具构成"


@dataclass
class InstrumentRow:
    category: int | None  # the category's id, None for 未分类
    label: str  # the category's name, or 未分类
    group: str  # 供给型 / 环境型 / 需求型, "" for 未分类
    cells: list[list]  # each document's clauses of the category, in the text's order
    structural: bool = False  # the row of 非政策工具: structure, not an instrument

    @property
    def counts(self) -> list[int]:
        return [len(cell) for cell in self.cells]


def by_instrument(categories, documents_clauses: list[list]) -> list[InstrumentRow]:
    """One row per instrument (in the taxonomy's order, which keeps the three
    groups together) that any of the documents uses, then the clauses with
    no category, then the 非政策工具 ones as structure; each row holds every
    document's clauses of it."""
    categories = list(categories)
    ordered = [c for c in categories if c.pk != STRUCTURAL] + [None]
    ordered += [c for c in categories if c.pk == STRUCTURAL]
    rows = []
    for category in ordered:
        wanted = category.pk if category is not None else None
        cells = [
            [clause for clause in clauses if clause.category_id == wanted]
            for clauses in documents_clauses
        ]
        if any(cells):
            if category is None:
                rows.append(InstrumentRow(None, UNCLASSIFIED, "", cells))
            elif category.pk == STRUCTURAL:
                rows.append(InstrumentRow(category.pk, category.name, STRUCTURE, cells, True))
            else:
                group = category.get_group_display()
                rows.append(InstrumentRow(category.pk, category.name, group, cells))
    return rows


def structural_counts(rows: list[InstrumentRow], documents: int) -> list[int]:
    """How many clauses of each document the comparison shows as structure."""
    for row in rows:
        if row.structural:
            return row.counts
    return [0] * documents


def comparison_record(documents, rows: list[InstrumentRow]) -> dict:
    """The comparison for scripts: the documents in column order, and per
    row each document's clause ids."""
    return {
        "documents": [document.pk for document in documents],
        "rows": [
            {
                "category": row.category,
                "category_name": row.label,
                "group": row.group,
                "structural": row.structural,
                "clauses": [[clause.pk for clause in cell] for cell in row.cells],
            }
            for row in rows
        ],
        # Per document, the 非政策工具 clauses no instrument row or mix counts.
        "structural_left_out": structural_counts(rows, len(documents)),
    }


def comparison_docx(documents, rows: list[InstrumentRow], url: str, exported_on) -> bytes:
    """The comparison as a landscape Word table: a column per policy, a row
    per instrument, each clause with its place in bold."""
    word = landscape()
    word.add_heading("政策对照（按政策工具）", level=1)
    table = word.add_table(rows=1, cols=len(documents) + 1)
    table.style = "Table Grid"
    head = table.rows[0].cells
    head[0].paragraphs[0].add_run("政策工具").bold = True
    for cell, document in zip(head[1:], documents, strict=True):
        cell.paragraphs[0].add_run(document.title).bold = True
    for row in rows:
        first, *cells = table.add_row().cells
        first.text = f"{row.label}（{row.group}）" if row.group else row.label
        for cell, clauses in zip(cells, row.cells, strict=True):
            for index, clause in enumerate(clauses):
                quote(cell.paragraphs[0] if index == 0 else cell.add_paragraph(), clause, size=9)
    return finish(word, url, exported_on)
