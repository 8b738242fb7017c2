import json
import sys

from django.core.management.base import BaseCommand

from ingest.categorize import get_classifier
from ingest.classify.data import load_evaluation
from ingest.classify.metrics import evaluation_scores

BATCH = 1000
# What --evaluate prints, in this order (docs/classification.md explains each).
FIGURES = [
    ("accuracy", "accuracy"),
    ("macro_f1", "macro_f1"),
    ("top2_accuracy", "top2_accuracy"),
    ("ece", "ece"),
    ("agreed_accuracy", "accuracy where label == seed_label"),
    ("agreed_macro_f1", "macro_f1 where label == seed_label"),
    ("structural_precision", "structural (14) precision"),
    ("structural_recall", "structural (14) recall"),
]


class Command(BaseCommand):
    help = "为标准输入的每一行条文分类（每行输出一个 JSON）；--evaluate 评估带标签的 TSV。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--evaluate",
            metavar="FILE.tsv",
            help="带标签的文件：text<TAB>label，或带表头的评测集（text label … path doc_type … seed_label）",
        )

    def handle(self, **options):
        classifier = get_classifier()
        if options["evaluate"]:
            self.evaluate(classifier, options["evaluate"])
            return
        batch = []
        for line in sys.stdin:
            batch.append(line.rstrip("\r\n"))
            if len(batch) == BATCH:
                self.emit(classifier, batch)
                batch = []
        self.emit(classifier, batch)

    def evaluate(self, classifier, path):
        rows = load_evaluation(path)
        proba = classifier.predict_proba(
            [row.text for row in rows], [row.path for row in rows], [row.doc_type for row in rows]
        )
        scores = evaluation_scores(
            proba, [row.label for row in rows], [row.seed_label for row in rows]
        )
        self.stdout.write(f"clauses: {scores['n']}")
        for key, label in FIGURES:
            self.stdout.write(f"{label}: {scores[key]:.4f}")
        self.stdout.write(f"clauses where label == seed_label: {scores['agreed_n']}")
        self.stdout.write(f"structural (14) clauses: {scores['structural_n']}")

    def emit(self, classifier, lines):
        for prediction in classifier.predict(lines) if lines else []:
            self.stdout.write(
                json.dumps(
                    {
                        "category": prediction.category,
                        "confidence": round(prediction.confidence, 4),
                        "top": [[c, round(p, 4)] for c, p in prediction.top],
                    }
                )
            )
