import json

from django.core.management.base import BaseCommand

from ingest.models import IngestJob


class Command(BaseCommand):
    help = "列出入库任务。"

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="每行输出一个 JSON 对象")

    def handle(self, **options):
        for job in IngestJob.objects.order_by("pk").prefetch_related("documents"):
            record = job.as_contract()
            if options["json"]:
                self.stdout.write(json.dumps(record, ensure_ascii=False))
            else:
                runs = f"（第 {job.attempts} 次运行）" if job.attempts > 1 else ""
                self.stdout.write(f"#{job.pk} {job.state:8} {job.source} {job.message}{runs}")
