"""One name per issuing organisation, so the issuer facet and filter count it once.

The same body signs as 国家网信办 in one document and 国家互联网信息办公室 in the
next, and a traditional-script page prints 國家數據局. Issuers are stored folded
to simplified characters (as the base is searched) and under the full name of
the organisation where a short one is common. A province's departments sign
a joint document by their level alone (省发展改革委, 省经信厅): stored with the
province's name, they are not every province's at once.
"""

import re

from policybase.search.analyzer import fold

from ..drafts import RegionRef

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


# 省发展改革委, 自治区大数据局, 市经济和信息化局, 区数据局: the level in place of
# the place's name. 市场监管局 is a body of its own, not 市 + 场监管局.
RELATIVE_NAME = re.compile(r"^(自治区|省|市(?!场)|区|县)(?=\S{2})")


def placed_issuers(names: list[str], region: RegionRef) -> list[str]:
    """Relative names (省发展改革委) with the name of the document's region at
    that level in front (浙江省发展改革委); a name whose level the region does
    not have stays as it is."""
    places = {
        "自治区": region.province if (region.province or "").endswith("自治区") else None,
        "省": region.province if (region.province or "").endswith("省") else None,
        # A municipality is a province: its 市 is the province.
        "市": region.city or (region.province if (region.province or "").endswith("市") else None),
        "区": region.district if (region.district or "").endswith("区") else None,
        "县": region.district if (region.district or "").endswith("县") else None,
    }
    placed = []
    for name in names:
        match = RELATIVE_NAME.match(name)
        place = places.get(match.group(1)) if match else None
        placed.append(place + name[match.end() :] if place else name)
    return list(dict.fromkeys(placed))
