"""The 引用 of a clause: where it sits, as a report names it (pure, no database)."""

import pytest

from policybase.catalog.citation import citation, locator


@pytest.mark.parametrize(
    ("path", "number", "expected"),
    [
        # A regulation: chapters add nothing to an article number.
        (["第二章 授权运营", "第八条"], "（四）", "第八条第（四）项"),
        (["第一章 总则"], "第三条第二款", "第三条第二款"),
        (["第八条", "(四)公示"], "1.", "第八条第（四）项第1目"),
        (["第二章 授权运营", "第八条"], "", "第八条"),
        # A plan: parts, items and points; half-width brackets as the PDF printed them.
        (["三、重点行动", "(四)数据要素×工业制造"], "", "第三部分第（四）项"),
        (["二、主要任务", "（一）建设多元融合算力支撑体系"], "1.", "第二部分第（一）项第1点"),
        (["一、总体要求"], "", "第一部分"),
        # A preamble sits nowhere.
        ([], "", ""),
    ],
)
def test_locator(path, number, expected):
    assert locator(path, number) == expected


def test_citation_names_the_title_and_the_document_number_when_there_is_one():
    assert (
        citation(
            "“数据要素×”三年行动计划（2024—2026年）", "国数政策〔2023〕11号", ["四、保障措施"], ""
        )
        == "《“数据要素×”三年行动计划（2024—2026年）》（国数政策〔2023〕11号）第四部分"
    )
    assert citation("济南市公共数据授权运营实施细则", "", [], "第二条") == (
        "《济南市公共数据授权运营实施细则》第二条"
    )


def test_a_title_that_names_a_title_marks_it_with_single_angle_brackets():
    assert (
        citation("关于印发《公共数据授权运营管理办法》的通知", "浙政办发〔2024〕1号", [], "第一条")
        == "《关于印发〈公共数据授权运营管理办法〉的通知》（浙政办发〔2024〕1号）第一条"
    )
