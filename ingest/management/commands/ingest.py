import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ingest.jobs import create_job, run_ingest_job
from ingest.models import IngestJob
from ingest.paths import readable
from ingest.pipeline import collect_files, parse_file
from policybase.catalog.models import Document
from policybase.progress import progress


class Command(BaseCommand):
    help = "解析、入库并索引政策文件（文件或文件夹）。"

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="只解析，不写数据库和索引")
        parser.add_argument("--json", action="store_true", help="每行输出一个 JSON 对象")
        parser.add_argument(
            "--if-empty", action="store_true", help="数据库里已有文件时什么也不做（用于首次启动）"
        )

    def handle(self, paths, **options):
        if options["if_empty"] and Document.objects.exists():
            return
        files = collect_files(paths)
        if not files:
            raise CommandError("没有找到可入库的文件：" + " ".join(map(str, paths)))
        run = self.dry_run if options["dry_run"] else self.ingest
        failed = run(files, options["json"])
        if failed:
            raise SystemExit(1)

    def dry_run(self, files, as_json) -> int:
        failed = 0
        for path in progress(files, "解析", unit="个文件"):
            parsed = parse_file(path)
            if parsed.error:
                failed += 1
                self.emit({"source": parsed.source, "error": parsed.error}, as_json)
                continue
            for draft in parsed.documents:
                self.emit(draft.as_contract(), as_json)
        return failed

    def ingest(self, files, as_json) -> int:
        failed = 0
        for path in progress(files, "入库", unit="个文件"):
            job = run_ingest_job(create_job(path).pk, path)
            is_failed = job.state == IngestJob.State.FAILED
            failed += is_failed
            if as_json:
                record = job.as_contract()
                if is_failed:
                    # The error line of DESIGN §4.1, on the job's line.
                    record["error"] = job.message
                self.emit(record, True)
            else:
                style = self.style.ERROR if is_failed else self.style.SUCCESS
                self.stdout.write(style(f"{readable(path.name)}: {job.message}"))
        return failed

    def emit(self, record, as_json):
        if as_json:
            self.stdout.write(json.dumps(record, ensure_ascii=False))
        elif "error" in record:
            self.stdout.write(self.style.ERROR(f"{record['source']}: {record['error']}"))
        else:
            self.stdout.write(
                f"{record['source']}: {record['title']}（{len(record['clauses'])} 条）"
            )
