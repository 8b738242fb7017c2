"""How an analyst cites a clause in a report: 《title》（文号）第八条第（四）项.

Pure functions over a clause's heading path and number, so that the 引用
button of the document page copies what one would otherwise type by hand.
"""

from policybase.text.numbering import marker_of

# A regulation's articles hold 款 (numbered 第三条第二款 by the parser), 项
# （一） and 目 1.; a plan's parts 一、 hold items （一） and points 1.
IN_ARTICLE = {"paren": "项", "arabic": "目", "paren_arabic": "目"}
IN_PLAN = {"outline": "部分", "paren": "项", "arabic": "点", "paren_arabic": "点"}


def locator(path: list[str], number: str) -> str:
    """Where the clause sits: 第三条第二款, 第八条第（四）项, 第二部分第（一）项第1点."""
    parts = [mark for mark in map(marker_of, path) if mark]
    if number:
        level = marker_of(number)
        parts.append((level[0] if level else "", number))
    articles = [i for i, (level, _) in enumerate(parts) if level == "article"]
    if articles:
        # Articles are numbered through the whole text: chapters add nothing.
        (_, article), *items = parts[articles[-1] :]
        return article + "".join(_named(level, token, IN_ARTICLE) for level, token in items)
    return "".join(_named(level, token, IN_PLAN) for level, token in parts)


def citation(title: str, doc_number: str, path: list[str], number: str) -> str:
    # A title inside 《》 marks its own titles with 〈〉 (GB/T 15834):
    # 《关于印发〈数据安全管理办法〉的通知》.
    title = title.replace("《", "〈").replace("》", "〉")
    where = f"（{doc_number}）" if doc_number else ""
    return f"《{title}》{where}{locator(path, number)}"


def _named(level: str, token: str, words: dict[str, str]) -> str:
    """（四） → 第（四）项; a chapter or section (第二章) stays as it is."""
    if level not in words:
        return token
    token = token.replace("(", "（").replace(")", "）").rstrip(".．、")
    return f"第{token}{words[level]}"
