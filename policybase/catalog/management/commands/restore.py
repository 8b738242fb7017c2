from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from policybase.backup import BackupError, restore
from policybase.progress import counting


class Command(BaseCommand):
    help = (
        "从 manage.py backup 的备份文件恢复数据库和文件，核对清单后重建检索索引。"
        "只恢复到空的数据库和数据目录；加 --force 则用备份替换现有内容。"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="manage.py backup 写出的备份文件")
        parser.add_argument(
            "--force", action="store_true", help="数据库或数据目录不是空的，也用备份替换其内容"
        )

    def handle(self, path, force, **options):
        try:
            with counting("重建索引", "条") as written:
                restored = restore(path, force=force, progress=written)
        except BackupError as error:
            raise CommandError(str(error)) from error
        created = restored.manifest["created"]
        self.stdout.write(
            self.style.SUCCESS(
                f"已从 {path}（{created} 备份）恢复 {restored.rows} 行数据、{restored.files} 个文件，"
                f"索引已重建：{restored.indexed} 条条款。"
            )
        )
