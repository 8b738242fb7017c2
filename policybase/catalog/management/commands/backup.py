from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from policybase.backup import backup


class Command(BaseCommand):
    help = (
        "把数据库（全部表，含修改历史）和原始文件、上传文件、收件箱、分类模型备份到一个 tar.gz 文件，"
        "附清单（各表行数、每个文件的 SHA-256、迁移状态）。检索索引不备份，恢复时重建。"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="备份文件，例如 policybase-2026-11-23.tar.gz")

    def handle(self, path, **options):
        try:
            manifest = backup(path)
        except OSError as error:
            raise CommandError(f"备份未完成，未写出 {path}：{error}") from error
        rows = sum(manifest["rows"].values())
        files = len(manifest["members"]) - 1
        self.stdout.write(self.style.SUCCESS(f"已备份到 {path}：{rows} 行数据，{files} 个文件。"))
