"""Word 97–2003 documents (.doc), which government sites still attach to
many notices.

The binary format is read by catdoc (Debian's package of that name), which
knows its piece tables, Unicode and 8-bit text and fields; it writes one
paragraph per line and a table row as its cells separated by tabs.
"""

import shutil
import subprocess
from pathlib import Path

from ..clean import table_line
from ..drafts import RawText, UnreadableSource

# Every OLE2 compound file (.doc, .xls, .wps) starts with these bytes.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# A policy of a few hundred pages takes catdoc well under a second; one that
# takes a minute is not a document it can read.
TIMEOUT_SECONDS = 60
SAVE_AS_DOCX = "也可在 Word 或 WPS 中另存为 .docx 后入库。"


def read_doc(path: Path) -> RawText:
    with path.open("rb") as handle:
        if handle.read(len(OLE_MAGIC)) != OLE_MAGIC:
            raise UnreadableSource(f"不是有效的 Word 97–2003（.doc）文件。{SAVE_AS_DOCX}")
    catdoc = shutil.which("catdoc")
    if catdoc is None:
        raise UnreadableSource(
            f"读取 .doc 文件需要 catdoc，本机未安装（Debian/Ubuntu：apt-get install catdoc）。{SAVE_AS_DOCX}"
        )
    try:
        done = subprocess.run(
            [catdoc, "-w", "-d", "utf-8", str(path)],
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise UnreadableSource(
            f"catdoc 在 {TIMEOUT_SECONDS} 秒内没有读完这个 .doc 文件。{SAVE_AS_DOCX}"
        ) from error
    text = done.stdout.decode("utf-8", errors="replace")
    if done.returncode != 0 or not text.strip():
        said = done.stderr.decode("utf-8", errors="replace").strip() or "文件中没有文字"
        raise UnreadableSource(f"无法读取这个 .doc 文件（catdoc：{said[:200]}）。{SAVE_AS_DOCX}")
    return RawText(path.name, tables_as_lines(text), "doc")


def tables_as_lines(text: str) -> str:
    """catdoc's text with each run of tab-separated rows written as one table
    line, as the other readers write a table (clean.table_line). A lone line
    with tabs is a paragraph aligned by them (第一条→tab→text, a signature
    and its date), not a table: its tabs become spaces."""
    lines: list[str] = []
    run: list[str] = []

    def end_run():
        if len(run) > 1:
            lines.append(table_line(row.split("\t") for row in run))
        else:
            lines.extend(row.replace("\t", " ") for row in run)
        run.clear()

    for line in text.replace("\f", "\n").split("\n"):
        if "\t" in line.strip():
            run.append(line)
            continue
        end_run()
        lines.append(line)
    end_run()
    return "\n".join(lines)
