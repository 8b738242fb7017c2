"""Printing a document page (or saving it as PDF from the browser's print
dialogue) gives the policy as paper: its title, metadata and clauses, none
of the site's navigation, outline or buttons."""

import pypdfium2 as pdfium
import pytest
from playwright.sync_api import expect

from .test_document_ui import open_x_plan

pytestmark = pytest.mark.browser

# What acts only on screen: the header's links, the outline's title and the
# words on every clause's buttons.
SCREEN_ONLY = ("检索", "统计", "对比", "目录", "相似条款", "摘编", "下载原文", "Word 文本")


def printed_text(page) -> str:
    pdf = pdfium.PdfDocument(page.pdf(format="A4"))
    try:
        return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()


def test_a_printed_document_is_its_text_without_the_screen_s_controls(page):
    open_x_plan(page)
    clause = page.locator("li.clause").filter(has_text="創新研發模式").first
    expect(clause.locator("button.cite")).to_be_visible()
    page.emulate_media(media="print")
    expect(clause.locator("button.cite")).to_be_hidden()
    expect(page.get_by_role("navigation", name="文件目录")).to_be_hidden()

    text = printed_text(page).replace("\r", "")
    flat = text.replace("\n", "")
    assert "三年行動計劃" in flat
    assert "國數政策〔2023〕11号" in flat
    assert "創新研發模式" in flat
    assert "(十八)加強數據安全保障" in flat  # the headings stay
    for word in SCREEN_ONLY:
        assert word not in flat, flat[max(0, flat.find(word) - 60) : flat.find(word) + 20]
