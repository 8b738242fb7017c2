"""One name per issuing organisation, so the issuer facet and filter count it once.

The same body signs as 国家网信办 in one document and 国家互联网信息办公室 in the
next, and a traditional-script page prints 國家數據局. Issuers are stored folded
to simplified characters (as the base is searched) and under the full name of
the organisation where a short one is common.
"""

from .fold import fold

# National bodies only: 发改委 or 网信办 alone could be any province's or city's.
FULL_NAMES = {
    "国家网信办": "国家互联网信息办公室",
    "中央网信办": "中央网络安全和信息化委员会办公室",
    "工信部": "工业和信息化部",
    "国家发改委": "国家发展和改革委员会",
    "国家发展改革委": "国家发展和改革委员会",
    "科技部": "科学技术部",
    "人民银行": "中国人民银行",
    "人民银行总行": "中国人民银行",
    "金融监管总局": "国家金融监督管理总局",
    "市场监管总局": "国家市场监督管理总局",
    "国家市场监管总局": "国家市场监督管理总局",
    "国家医保局": "国家医疗保障局",
    "国家卫生健康委": "国家卫生健康委员会",
    "国家卫健委": "国家卫生健康委员会",
    "国家中医药局": "国家中医药管理局",
    "中科院": "中国科学院",
    "证监会": "中国证券监督管理委员会",
    "中国证监会": "中国证券监督管理委员会",
    "国务院国资委": "国务院国有资产监督管理委员会",
    "人力资源社会保障部": "人力资源和社会保障部",
    "人社部": "人力资源和社会保障部",
}


def canonical_issuer(name: str) -> str:
    """国家网信办 → 国家互联网信息办公室, 國家數據局 → 国家数据局."""
    name = fold(name.strip())
    return FULL_NAMES.get(name, name)


def canonical_issuers(names: list[str]) -> list[str]:
    """Each issuer once, in the order the document names them."""
    return list(dict.fromkeys(canonical_issuer(name) for name in names if name.strip()))
