import json
import sys

from django.core.management.base import BaseCommand

from ingest.categorize import get_classifier
from ingest.classify.data import load_labeled
from ingest.classify.validation import evaluate

BATCH = 1000


class Command(BaseCommand):
    help = "为标准输入的每一行条文分类（每行输出一个 JSON）；--evaluate 评估带标签的 TSV。"

    def add_arguments(self, parser):
        parser.add_argument("--evaluate", metavar="FILE.tsv", help="text<TAB>label 文件")

    def handle(self, **options):
        classifier = get_classifier()
        if options["evaluate"]:
            texts, labels = load_labeled(options["evaluate"], deduplicate=False)
            scores = evaluate(classifier, texts, labels)
            for key in ("accuracy", "macro_f1", "top2_accuracy", "ece"):
                self.stdout.write(f"{key}: {scores[key]:.4f}")
            return
        batch = []
        for line in sys.stdin:
            batch.append(line.rstrip("\r\n"))
            if len(batch) == BATCH:
                self.emit(classifier, batch)
                batch = []
        self.emit(classifier, batch)

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
