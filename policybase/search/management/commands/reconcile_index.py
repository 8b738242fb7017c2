import json

from django.core.management.base import BaseCommand

from policybase.progress import counting, progress
from policybase.search.indexing import rebuild_index, reconcile_index


class Command(BaseCommand):
    help = (
        "比对数据库（可见文件的条款）与搜索索引：补写缺失或内容过期的条款，删除多余的条目，"
        "并输出汇总。--dry-run 只比对不修改；--rebuild 清空索引后按数据库重写全部条款。"
    )

    def add_arguments(self, parser):
        # A dry run asked of a rebuild would otherwise empty the index.
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--dry-run", action="store_true", help="只比对，不修改索引")
        mode.add_argument(
            "--rebuild",
            action="store_true",
            help="清空索引并重写全部条款（升级增加索引字段后使用；大批量提交，持有索引写锁）",
        )
        parser.add_argument("--json", action="store_true", help="以一个 JSON 对象输出汇总")

    def handle(self, dry_run, rebuild, **options):
        if rebuild:
            # Not haystack's rebuild_index: that one writes outside the index
            # lock a running worker takes, and commits every 200 clauses.
            with counting("重建索引", "条") as written:
                total = rebuild_index(progress=written)
            if options["json"]:
                self.stdout.write(json.dumps({"rebuilt": total}))
            else:
                self.stdout.write(self.style.SUCCESS(f"已重建索引：{total} 条条款。"))
            return
        drift = reconcile_index(
            dry_run, progress=lambda items, total: progress(items, "比对索引", total, "条")
        )
        if options["json"]:
            self.stdout.write(json.dumps({**drift.as_dict(), "dry_run": dry_run}))
            return
        counts = (
            f"应有 {drift.expected} 条，索引中 {drift.indexed} 条；"
            f"缺失 {len(drift.missing)}，过期 {len(drift.stale)}，多余 {len(drift.extra)}"
        )
        if not drift.total:
            self.stdout.write(self.style.SUCCESS(f"索引与数据库一致：{counts}。"))
        elif dry_run:
            self.stdout.write(self.style.WARNING(f"索引与数据库不一致（未修改）：{counts}。"))
        else:
            self.stdout.write(self.style.SUCCESS(f"已修复索引：{counts}。"))
