"""The blind-labelled evaluation set (data/evaluation/) as the classifier reads
it, its figures, and ``manage.py classify --evaluate`` on it with the shipped
model (trained on first use, without the set's texts)."""

import io

import numpy as np
import pytest
from django.conf import settings
from django.core.management import call_command

from ingest.classify.data import (
    CATEGORY_COUNT,
    STRUCTURAL,
    load_evaluation,
    load_labeled,
    load_training,
)
from ingest.classify.metrics import evaluation_scores

EVALUATION = settings.EVALUATION_CLAUSES


def test_the_evaluation_set_is_read_with_its_columns():
    rows = load_evaluation(EVALUATION)
    assert len(rows) == 466
    assert sum(row.label == STRUCTURAL for row in rows) == 80
    assert sum(row.seed_label == row.label for row in rows) == 145
    assert sum(row.seed_label is not None for row in rows) == 248
    with_path = [row for row in rows if row.path]
    # Headings are joined as ingestion joins them, with spaces.
    assert with_path and all(" / " not in row.path for row in with_path)
    assert {row.doc_type for row in rows} >= {"法", "条例", "办法", "通知", ""}


def test_an_old_text_tab_label_file_still_evaluates(tmp_path):
    old = tmp_path / "old.tsv"
    old.write_text(
        "加大财政资金支持力度。\t1\n没有标签的行\n本办法自印发之日起施行。 \t14\n", encoding="utf-8"
    )
    rows = load_evaluation(old)
    assert [(row.text, row.label, row.path, row.seed_label) for row in rows] == [
        ("加大财政资金支持力度。", 1, "", None),
        ("本办法自印发之日起施行。", 14, "", None),
    ]


def test_training_leaves_the_evaluation_texts_out():
    all_texts, _ = load_labeled(settings.SEED_CLAUSES)
    texts, labels = load_training(settings.SEED_CLAUSES, EVALUATION)
    evaluated = {row.text for row in load_evaluation(EVALUATION)}
    assert not evaluated & set(texts)
    assert len(texts) == len(labels) == len(all_texts) - len(evaluated & set(all_texts)) > 10_000


def test_evaluation_scores_count_what_they_say():
    labels = [14, 14, 6, 1, 1]
    seeds = [None, None, 6, 1, 7]
    predicted = [14, 6, 14, 1, 7]
    runner_up = [6, 14, 6, 7, 1]
    proba = np.full((5, CATEGORY_COUNT), 0.01)
    for row, (first, second) in enumerate(zip(predicted, runner_up, strict=True)):
        proba[row, first], proba[row, second] = 0.6, 0.3
    scores = evaluation_scores(proba, labels, seeds)
    assert scores["accuracy"] == pytest.approx(2 / 5)
    assert scores["top2_accuracy"] == 1.0
    # Agreed: rows 2 and 3 (row 4's seed says 7, its label 1); right on row 3 only.
    assert (scores["agreed_n"], scores["agreed_accuracy"]) == (2, 0.5)
    assert scores["structural_precision"] == pytest.approx(1 / 2)
    assert scores["structural_recall"] == pytest.approx(1 / 2)
    assert scores["structural_n"] == 2


@pytest.mark.slow
def test_classify_evaluate_reports_the_figures_of_issue_25(db):
    out = io.StringIO()
    call_command("classify", "--evaluate", str(EVALUATION), stdout=out)
    lines = dict(line.split(": ", 1) for line in out.getvalue().splitlines())
    figures = {key: float(value) for key, value in lines.items() if "." in value}
    assert lines["clauses"] == "466"
    assert lines["clauses where label == seed_label"] == "145"
    assert set(figures) == {
        "accuracy",
        "macro_f1",
        "top2_accuracy",
        "ece",
        "accuracy where label == seed_label",
        "macro_f1 where label == seed_label",
        "structural (14) precision",
        "structural (14) recall",
    }
    # The issue's structural targets, met on the whole set; the other
    # figures held at what the shipped model reaches (docs/classification.md),
    # so a change that loses ground fails here.
    assert figures["structural (14) precision"] >= 0.95
    assert figures["structural (14) recall"] >= 0.90
    assert figures["ece"] <= 0.05
    assert figures["accuracy where label == seed_label"] >= 0.82
    assert figures["top2_accuracy"] >= 0.80
