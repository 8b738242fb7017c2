from django.core.management.base import BaseCommand, CommandError

from ingest.models import WebSource
from ingest.tasks import check_sources


class Command(BaseCommand):
    help = "抓取网页来源（默认所有启用定时抓取的来源），每个来源输出一行结果。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--source",
            type=int,
            action="append",
            metavar="ID",
            help="只抓取这个编号的来源（可重复；停用的来源也会抓取）",
        )

    def handle(self, **options):
        ids = options["source"]
        if ids:
            missing = set(ids) - set(
                WebSource.objects.filter(pk__in=ids).values_list("pk", flat=True)
            )
            if missing:
                raise CommandError(f"没有这些编号的网页来源：{' '.join(map(str, sorted(missing)))}")
        styles = {
            WebSource.Status.FAILED: self.style.ERROR,
            WebSource.Status.PARTIAL: self.style.WARNING,
        }
        failed = False
        for run in check_sources(ids):
            failed |= run.status == WebSource.Status.FAILED
            self.stdout.write(styles.get(run.status, self.style.SUCCESS)(run.line()))
        if failed:
            raise SystemExit(1)
