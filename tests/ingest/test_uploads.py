"""Names of uploaded files made safe to keep on disk."""

import pytest

from ingest.uploads import MAX_NAME_BYTES, safe_name


@pytest.mark.parametrize(
    "name, expected",
    [
        ("关于数据要素的通知.pdf", "关于数据要素的通知.pdf"),
        ("../../etc/passwd.txt", "etc_passwd.txt"),
        ("..\\..\\政策.docx", "政策.docx"),
        ("..", "upload"),
        (".hidden.md", "hidden.md"),
        (".txt", "upload.txt"),
        ("通知\x00\n\t.txt", "通知.txt"),
        # A right-to-left override would show "fdp.exe" as "exe.pdf".
        ("report\u202efdp.exe", "reportfdp.exe"),
        ("  spaced name .html ", "spaced name.html"),
    ],
)
def test_safe_name(name, expected):
    assert safe_name(name) == expected


def test_long_names_are_cut_on_a_character_boundary_and_keep_their_suffix():
    name = safe_name("数" * 200 + ".pdf")
    assert name.endswith(".pdf")
    assert len(name.encode()) <= MAX_NAME_BYTES
    assert set(name.removesuffix(".pdf")) == {"数"}
