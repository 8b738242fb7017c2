"""One name per issuing organisation, so the issuer facet and filter count it once.

The same body signs as 国家网信办 in one document and 国家互联网信息办公室 in the
next, and a traditional-script page prints 國家數據局. Issuers are stored folded
to simplified characters (as the base is searched) and under the full name of
the organisation where a short one is common. A province's departments sign
a joint document by their level alone (省发展改革委, 省经信厅): stored with the
province's name, they are not every province's at once.
"""

import re

from ..drafts import RegionRef

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
