"""Bad input through the real ``manage.py ingest``, as an operator runs it.

One folder holds every kind of bad file the issue lists beside good ones:
empty, random bytes, corrupt / encrypted / scanned PDFs, a 1,000-page PDF, a
50 MB text file, a 5 MB single line, GBK / GB18030 / Big5 / UTF-16 text, a
page full of scripts and iframes, odd file names and the same file twice. The
command runs in a child process on a fresh data dir (migrate, then ingest),
so its exit status, its output, the absence of tracebacks and its peak memory
are the real ones. Each unreadable file must come out as one error line
(DESIGN §4.1) and one failed job with a message an operator can act on; every
good file must be stored and findable through ``/api/search``.
"""

import io
import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from ingest.drafts import UnreadableSource
from ingest.readers import MAX_TEXT_BYTES, read

from ..conftest import seed_path
from ..ops.servers import Postgres, postgres_bin

REPO = Path(__file__).resolve().parents[2]
WEBPAGE = "004_webpage_data_elements_x_plan_traditional.txt"
# Peak memory of one ingest run; a file read whole is fine, a file copied
# per page or per line many times over is not.
MEMORY_LIMIT = int(1.5 * 2**30)
# The child reports the peak RSS of its own child (the command) on its last
# stderr line: ru_maxrss of RUSAGE_CHILDREN, in KiB on Linux.
MEASURE = (
    "import resource, subprocess, sys\n"
    "code = subprocess.call(sys.argv[1:])\n"
    "print('peak-rss-kib', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, "
    "file=sys.stderr)\n"
    "sys.exit(code)\n"
)

pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))


def policy_text(city: str) -> str:
    """A small policy of the given city: title and three articles."""
    return (
        f"{city}公共数据管理办法\n"
        f"第一条 为了规范{city}公共数据管理，促进公共数据依法有序流动，根据有关法律法规，制定本办法。\n"
        f"第二条 本办法适用于{city}行政区域内公共数据的收集、共享、开放和安全管理活动。\n"
        f"第三条 {city}公共数据主管部门负责统筹协调本办法的实施，各部门按照职责做好相关工作。\n"
    )


# Big5 has no simplified characters.
TRADITIONAL_POLICY = (
    "臺中市公共數據管理辦法\n"
    "第一條 為了規範臺中市公共數據管理，促進公共數據依法有序流動，根據有關法律法規，制定本辦法。\n"
    "第二條 本辦法適用於臺中市行政區域內公共數據的收集、共享、開放和安全管理活動。\n"
)


def write_pdf(path: Path, pages: list[list[str]], encrypt: str | None = None) -> None:
    pdf = canvas.Canvas(str(path), pagesize=A4, encrypt=encrypt)
    width, height = A4
    for number, lines in enumerate(pages, start=1):
        pdf.setFont("STSong-Light", 12)
        y = height - 100
        for line in lines:
            pdf.drawString(72, y, line)
            y -= 24
        pdf.setFont("STSong-Light", 9)
        pdf.drawCentredString(width / 2, 30, f"- {number} -")
        pdf.showPage()
    pdf.save()


def thousand_page_pdf(path: Path) -> None:
    """A 办法 of 1,000 articles, one per page, behind its title on page one."""
    pages = [
        [f"第{n}条 台州市公共数据平台应当按照第{n}号目录归集数据，保障数据质量和安全。"]
        for n in range(1, 1001)
    ]
    pages[0].insert(0, "台州市公共数据归集管理办法")
    write_pdf(path, pages)


def scanned_pdf(path: Path) -> None:
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.rect(100, 100, 300, 500, fill=1)  # a page that is only a picture
    pdf.showPage()
    pdf.save()


SCRIPTED_PAGE = """<!DOCTYPE html>
<html><head><title>金华市公共数据管理办法_政策文件_金华市人民政府门户网站</title>
<style>p { color: red } /* 样式里的文字 */</style>
<script>var tracker = "头部脚本文字"; document.write("<p>写入的文字</p>");</script>
</head>
<body onload="alert('载入时的脚本')">
<!-- 注释里的文字 -->
<iframe src="https://example.com/ad">框架里的文字</iframe>
<nav>首页 | 政务公开 | 互动交流</nav>
<div id="content">
<h1>金华市公共数据管理办法</h1>
<script type="text/javascript">/*<![CDATA[*/ var inline = "正文脚本文字"; /*]]>*/</script>
<p onclick="alert('点击时的脚本')">第一条 为了规范金华市公共数据管理，促进公共数据依法有序流动，根据有关法律法规，制定本办法。</p>
<p>第二条 本办法适用于金华市行政区域内公共数据的收集、共享、开放和安全管理活动。<img src="x.png" onerror="alert('图片脚本')"></p>
<video src="解读.mp4">您的浏览器不支持视频播放</video>
<object data="flash.swf">请安装插件查看</object>
<p>第三条 金华市公共数据主管部门负责统筹协调本办法的实施，各部门按照职责做好相关工作。</p>
<iframe srcdoc="&lt;p&gt;内嵌文档的文字&lt;/p&gt;"></iframe>
<noscript>请启用脚本</noscript>
</div>
<footer>版权所有 金华市人民政府</footer>
</body></html>
"""
# Text of the page that must not reach a clause: scripts, styles, frames,
# comments, navigation and the fallback text of embedded media.
PAGE_NOISE = [
    "脚本",
    "样式",
    "写入的文字",
    "注释",
    "框架",
    "内嵌文档",
    "政务公开",
    "版权所有",
    "不支持视频",
    "插件",
    "alert",
    "<",
]


def long_name(prefix: str, suffix: str) -> str:
    """A name of exactly 255 bytes in UTF-8, the most Linux allows."""
    room = 255 - len((prefix + suffix).encode())
    return prefix + "政" * (room // 3) + "x" * (room % 3) + suffix


# A file name in GBK bytes (公共数据) plus a byte that is no encoding at all,
# as an archive made on Windows unpacks on Linux.
NON_UTF8_NAME = os.fsdecode("宁波市".encode() + b"\xb9\xab\xb9\xb2\xca\xfd\xbe\xdd\xff.txt")


def build_batch(folder: Path) -> dict:
    """Write the batch; returns what each file should become."""
    folder.mkdir()
    bad = {}  # file name → words its error message must contain
    good = {}  # file name → (title, a query that finds it)

    def text_file(name, data: bytes, title=None, query=None):
        (folder / name).write_bytes(data)
        if title:
            good[name] = (title, query)

    text_file("empty.txt", b"")
    bad["empty.txt"] = "空"
    text_file("random.txt", random.Random(10).randbytes(64 * 1024))
    bad["random.txt"] = "不是文本文件"
    (folder / "corrupt.pdf").write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 500)
    bad["corrupt.pdf"] = "损坏"
    write_pdf(folder / "encrypted.pdf", [policy_text("丽水市").split("\n")], encrypt="secret")
    bad["encrypted.pdf"] = "加密"
    scanned_pdf(folder / "scan.pdf")
    bad["scan.pdf"] = "OCR"
    # 5 MB of sentences on one line, no title and no numbering: nothing a
    # policy is recognised by.
    sentence = "推进公共数据资源开发利用，提升数据要素市场化配置水平，"
    line = sentence * (5_000_000 // len(sentence.encode()))
    text_file("one_line_5mb.txt", line.encode())
    bad["one_line_5mb.txt"] = "没有找到政策"

    thousand_page_pdf(folder / "thousand_pages.pdf")
    good["thousand_pages.pdf"] = ("台州市公共数据归集管理办法", "台州市")
    # A policy, then 50 MB of the spaces a converter padded it with: lines of
    # a million each (a pattern quadratic in a run of spaces never ends on
    # them) and short lines of ideographic spaces.
    padding = (" " * 999_999 + "\n") * 25 + ("\u3000" * 40 + "\r\n") * (25_000_000 // 122)
    text_file(
        "padded_50mb.txt",
        (policy_text("丽水市") + padding).encode(),
        "丽水市公共数据管理办法",
        "丽水市",
    )
    text_file("gbk.txt", policy_text("温州市").encode("gbk"), "温州市公共数据管理办法", "温州市")
    text_file(
        "gb18030.txt",
        (policy_text("嘉兴市") + "第四条 生僻字䶮𠀾不影响读取。\n").encode("gb18030"),
        "嘉兴市公共数据管理办法",
        "嘉兴市",
    )
    text_file("big5.txt", TRADITIONAL_POLICY.encode("big5"), "臺中市公共數據管理辦法", "臺中市")
    text_file(
        "utf16.txt", policy_text("绍兴市").encode("utf-16"), "绍兴市公共数据管理办法", "绍兴市"
    )
    text_file(
        "utf16le_no_bom.txt",
        policy_text("湖州市").encode("utf-16-le"),
        "湖州市公共数据管理办法",
        "湖州市",
    )
    (folder / "scripted.html").write_text(SCRIPTED_PAGE, encoding="utf-8")
    good["scripted.html"] = ("金华市公共数据管理办法", "金华市")

    text_file(
        "政策 文件 (副本) .txt", policy_text("衢州市").encode(), "衢州市公共数据管理办法", "衢州市"
    )
    text_file(
        "..舟山市..政策...txt", policy_text("舟山市").encode(), "舟山市公共数据管理办法", "舟山市"
    )
    text_file(
        long_name("湖南省", ".txt"),
        policy_text("长沙市").encode(),
        "长沙市公共数据管理办法",
        "长沙市",
    )
    text_file(NON_UTF8_NAME, policy_text("宁波市").encode(), "宁波市公共数据管理办法", "宁波市")

    shutil.copy(seed_path(WEBPAGE), folder / WEBPAGE)
    good[WEBPAGE] = (None, "数据要素")
    shutil.copy(seed_path(WEBPAGE), folder / "zz 再次上传的同一文件.txt")
    return {"bad": bad, "good": good, "duplicate": "zz 再次上传的同一文件.txt"}


def run_manage(data_dir: Path, *args, timeout=900, database_url=None) -> tuple[int, str, str, int]:
    """Run ``manage.py`` in a child on ``data_dir`` (and SQLite there, unless
    ``database_url`` names another database): status, stdout, stderr, peak RSS in bytes."""
    env = {
        **os.environ,
        "POLICYBASE_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "policybase.settings",
        # Strict UTF-8 output, as on a server's terminal or a log pipe: a file
        # name that is not UTF-8 must not reach it as it is.
        "PYTHONIOENCODING": "utf-8",
    }
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, sys.executable, "manage.py", *map(str, args)],
        cwd=REPO,
        env=env,
        capture_output=True,
        timeout=timeout,
    )
    stderr = result.stderr.decode("utf-8", "replace")
    *rest, last = stderr.rstrip("\n").split("\n")
    assert last.startswith("peak-rss-kib "), stderr
    return (
        result.returncode,
        result.stdout.decode("utf-8"),
        "\n".join(rest),
        int(last.split()[1]) * 1024,
    )


# What the child prints about the stored documents and their search hits.
REPORT = """
import json
from django.test import Client
from policybase.catalog.models import Document
client = Client()
report = {"documents": [], "search": {}}
for document in Document.objects.prefetch_related("clauses"):
    report["documents"].append({
        "id": document.pk,
        "title": document.title,
        "source_name": document.source_name,
        "source_file": document.source_file.name,
        "clauses": [clause.text for clause in document.clauses.all()],
    })
for query in QUERIES:
    response = client.get("/api/search", {"q": query})
    report["search"][query] = [hit["document_id"] for hit in response.json()["results"]]
print(json.dumps(report, ensure_ascii=False))
"""


@pytest.fixture
def empty_data_dir(tmp_path, db):
    """A fresh data dir holding the session's trained classifier (training
    again would take minutes)."""
    from ingest.categorize import get_classifier

    get_classifier()
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    shutil.copy(settings.CLASSIFIER_PATH, data_dir / settings.CLASSIFIER_PATH.name)
    return data_dir


@pytest.fixture
def data_dir(empty_data_dir):
    """The fresh data dir, its SQLite database migrated by the real command."""
    status, _, stderr, _ = run_manage(empty_data_dir, "migrate", "--noinput", "-v0")
    assert status == 0, stderr
    return empty_data_dir


@pytest.mark.slow
def test_a_batch_of_bad_input(tmp_path, data_dir):
    expected = build_batch(tmp_path / "batch")
    bad, good, duplicate = expected["bad"], expected["good"], expected["duplicate"]

    status, stdout, stderr, peak = run_manage(data_dir, "ingest", tmp_path / "batch", "--json")

    assert status == 1  # some files failed (DESIGN §4.1)
    assert "Traceback" not in stderr
    assert peak < MEMORY_LIMIT, f"peak RSS {peak / 2**20:.0f} MiB"
    lines = [json.loads(line) for line in stdout.splitlines()]
    by_name = {Path(line["source"]).name: line for line in lines}
    assert len(lines) == len(by_name) == len(bad) + len(good) + 1

    # One error line per bad file, saying what is wrong in Chinese.
    errors = {name: line["error"] for name, line in by_name.items() if "error" in line}
    assert set(errors) == set(bad)
    for name, words in bad.items():
        assert words in errors[name], (name, errors[name])
        assert by_name[name]["state"] == "failed"
        assert by_name[name]["message"] == errors[name]
        assert "Traceback" not in errors[name]

    # The jobs, as ingest_jobs reports them.
    status, stdout, stderr, _ = run_manage(data_dir, "ingest_jobs", "--json")
    assert status == 0, stderr
    jobs = {Path(job["source"]).name: job for job in map(json.loads, stdout.splitlines())}
    assert {name for name, job in jobs.items() if job["state"] == "failed"} == set(bad)
    for name in bad:
        assert jobs[name]["message"] == errors[name] and not jobs[name]["documents"]

    # The duplicate is a job of its own that writes nothing.
    assert jobs[duplicate]["state"] == "done"
    assert "已入库过" in jobs[duplicate]["message"]
    assert jobs[duplicate]["documents"] == jobs[WEBPAGE]["documents"]

    # Every good file is stored under a name the database can hold, and found.
    readable_non_utf8 = os.fsencode(NON_UTF8_NAME).decode("utf-8", "replace")
    queries = [query for _, query in good.values()]
    script = f"QUERIES = {queries!r}\n{REPORT}"
    status, stdout, stderr, _ = run_manage(data_dir, "shell", "-c", script)
    assert status == 0, stderr
    report = json.loads(stdout.splitlines()[-1])  # after the shell's notes on its imports
    documents = {d["id"]: d for d in report["documents"]}
    for name, (title, query) in good.items():
        stored_name = readable_non_utf8 if name == NON_UTF8_NAME else name
        assert jobs[stored_name]["state"] == "done", jobs[stored_name]
        ids = jobs[stored_name]["documents"]
        assert ids, name
        for pk in ids:
            assert documents[pk]["source_name"] == stored_name
            assert documents[pk]["clauses"], name
        if title:
            assert [documents[pk]["title"] for pk in ids] == [title]
        assert set(report["search"][query]) & set(ids), (name, query)

    (page,) = jobs["scripted.html"]["documents"]
    clauses = "\n".join(documents[page]["clauses"])
    assert "第一条" in clauses and "第三条" in clauses
    for noise in PAGE_NOISE:
        assert noise not in clauses, noise

    (thousand,) = jobs["thousand_pages.pdf"]["documents"]
    assert len(documents[thousand]["clauses"]) == 1000


# The same failures, fast and one at a time, in-process.


def ingest_lines(*args) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("ingest", *args, stdout=out)
        status = 0
    except SystemExit as exit:
        status = exit.code
    return status, out.getvalue()


def test_ingest_json_gives_an_unreadable_file_the_error_line(search_index, media_dir, tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "gbk.txt").write_bytes(policy_text("温州市").encode("gbk"))
    status, out = ingest_lines(tmp_path, "--json")
    empty, gbk = map(json.loads, out.splitlines())
    assert status == 1
    assert empty["state"] == "failed" and empty["error"] == empty["message"] == "文件是空的。"
    assert gbk["state"] == "done" and "error" not in gbk


def test_a_name_that_is_not_utf8_reaches_no_output_as_it_is(search_index, media_dir, tmp_path):
    (tmp_path / NON_UTF8_NAME).write_bytes(policy_text("宁波市").encode())
    shown = os.fsencode(NON_UTF8_NAME).decode("utf-8", "replace")
    for args in (["--dry-run"], ["--dry-run", "--json"], []):
        status, out = ingest_lines(tmp_path, *args)
        assert status == 0
        out.encode("utf-8")  # a lone surrogate cannot be written to a UTF-8 terminal
        assert shown in out


def test_a_page_full_of_scripts_gives_its_article_and_nothing_else(tmp_path):
    path = tmp_path / "scripted.html"
    path.write_text(SCRIPTED_PAGE, encoding="utf-8")
    text = read(path).text
    assert "第一条" in text and "第三条" in text
    for noise in PAGE_NOISE:
        assert noise not in text, noise


def test_a_file_without_any_policy_fails_instead_of_passing_silently(search_index, tmp_path):
    # Sentences on one line: no title, no numbered article, nothing to store.
    path = tmp_path / "one_line.txt"
    path.write_text("推进公共数据资源开发利用，提升数据要素市场化配置水平，" * 2000)
    status, out = ingest_lines(path, "--dry-run", "--json")
    assert status == 1
    assert json.loads(out)["error"].startswith("文件里没有找到政策文件")
    status, out = ingest_lines(path, "--json")
    (job,) = map(json.loads, out.splitlines())
    assert status == 1 and job["state"] == "failed" and "没有找到政策文件" in job["error"]


def test_utf8_with_a_few_broken_bytes_is_still_read(tmp_path):
    policy = policy_text("温州市").encode()
    # Cut off inside the last character, and a stray byte inside the title.
    broken = tmp_path / "truncated.txt"
    broken.write_bytes(policy[:9] + b"\xff" + policy[9:-2])
    raw = read(broken)
    assert "第二条 本办法适用于温州市行政区域内" in raw.text
    assert raw.warnings == ["有 2 处字节不是有效的 utf-8 编码，已替换为 \ufffd"]


def test_a_replacement_character_the_file_holds_is_text_not_a_broken_byte(tmp_path):
    # A page copied from a site that had already mangled one character.
    policy = policy_text("温州市").replace("温州市行政区域", "温州市\ufffd行政区域", 1)
    clean = tmp_path / "held.txt"
    clean.write_text(policy, encoding="utf-8")
    assert read(clean).warnings == []
    # One broken byte beside it is counted, the held character is not.
    broken = tmp_path / "held_and_broken.txt"
    broken.write_bytes(policy.encode() + b"\xff")
    assert read(broken).warnings == ["有 1 处字节不是有效的 utf-8 编码，已替换为 \ufffd"]
    page = tmp_path / "gbk.html"
    page.write_bytes(
        f"<html><body><h1>温州市数据条例</h1><p>{policy}</p></body></html>".encode("gb18030")
    )
    assert read(page).warnings == ["按 gb18030 编码读取"]


def test_gbk_that_is_mostly_ascii_is_read_as_chinese(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes(("Data policy 2024, section 1 to 40: " * 40 + "温州市数据条例").encode("gbk"))
    raw = read(path)
    assert raw.text.endswith("温州市数据条例")
    assert raw.warnings == ["按 gb18030 编码读取"]


def test_a_text_file_beyond_the_limit_is_refused_before_it_is_read(tmp_path):
    for name in ("huge.txt", "huge"):  # named, and found by sniffing its first bytes
        path = tmp_path / name
        with path.open("wb") as handle:
            handle.write("某市数据条例\n".encode())
            handle.truncate(MAX_TEXT_BYTES + 1)  # sparse: no disk, no time
        with pytest.raises(UnreadableSource, match="文件过大（64 MB）"):
            read(path)


@pytest.mark.servers
@pytest.mark.skipif(not postgres_bin(), reason="needs PostgreSQL (apt-get install postgresql)")
def test_odd_names_and_control_characters_are_stored_in_postgresql(tmp_path, empty_data_dir):
    """PostgreSQL text holds neither lone surrogates nor NUL, where SQLite takes both."""
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / NON_UTF8_NAME).write_bytes(policy_text("宁波市").encode())
    (folder / long_name("湖南省", ".txt")).write_bytes(policy_text("长沙市").encode())
    # A NUL past the first 4 KiB, where the binary check does not look.
    with_nul = (
        policy_text("温州市") + "（注）" * 1500 + "数据\x00安全\x0c第四条 本办法自印发之日起施行。"
    )
    (folder / "政策 文件 (nul) .txt").write_bytes(with_nul.encode())
    postgres = Postgres().start()
    try:
        postgres.execute("CREATE DATABASE hardening")
        url = postgres.url("hardening")
        status, _, stderr, _ = run_manage(empty_data_dir, "migrate", "--noinput", database_url=url)
        assert status == 0, stderr
        status, stdout, stderr, _ = run_manage(
            empty_data_dir, "ingest", folder, "--json", database_url=url
        )
        assert status == 0 and "Traceback" not in stderr, stdout + stderr
        jobs = [json.loads(line) for line in stdout.splitlines()]
        assert [job["state"] for job in jobs] == ["done"] * 3, jobs
        names = postgres.execute(
            "SELECT source_name FROM catalog_document ORDER BY source_name", "hardening"
        )
    finally:
        postgres.stop()
    assert sorted(name for (name,) in names) == sorted(
        os.fsencode(name).decode("utf-8", "replace")
        for name in (NON_UTF8_NAME, long_name("湖南省", ".txt"), "政策 文件 (nul) .txt")
    )
