from django.core.management.base import BaseCommand

from ingest.training import models_to_train, retraining_due, train_and_install, training_data
from policybase.progress import steps


class Command(BaseCommand):
    help = "用种子数据和审核员修正的类别重新训练条款分类模型，并重新分类模型标注的条款。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--folds", type=int, default=5, help="交叉验证折数（0 表示不做交叉验证）"
        )
        parser.add_argument(
            "--if-changed",
            action="store_true",
            help="只在训练数据（种子数据和审核员修正的类别）与在用模型学过的不同时训练",
        )

    def handle(self, **options):
        folds = options["folds"]
        data = training_data()
        if options["if_changed"] and not retraining_due(data):
            self.stdout.write("在用模型已学过当前的种子数据和全部审核员修正，无需重新训练。")
            return
        # Each cross-validation fold and the final model take about half a minute.
        trained = steps("训练模型", models_to_train(folds), "个模型")
        version = train_and_install(data, folds, trained=trained)
        scores = version.scores
        summary = ", ".join(
            f"{key} {scores[key]:.3f}"
            for key in ("macro_f1", "top2_accuracy", "ece")
            if key in scores
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"模型已更新：{version.seed_samples} 条种子样本 + {version.curated_samples} 条审核员样本"
                f"{'；' + summary if summary else ''}；重新分类 {version.relabelled} 条条款"
            )
        )
