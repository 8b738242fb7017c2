import dataclasses
import re

from django import forms

from policybase.catalog.models import Region, Standing
from policybase.search.query import SORTS, Filters

# Control characters: no query means one, and XML 1.0 (the Atom feed that
# names its query) cannot carry them.
CONTROL = re.compile(r"[\x00-\x1f\x7f]")

SORT_LABELS = {
    "relevance": "相关度",
    "newest": "发布日期（新→旧）",
    "effective": "施行日期（新→旧）",
    "ingested": "入库时间（新→旧）",
}


# Other spellings of a value that a hand-typed or remembered URL uses:
# ?group=documents lists by document as ?group=document does.
SYNONYMS = {"group": {"documents": "document", "clauses": "clause"}}


def _date(label):
    return forms.DateField(
        label=label,
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "日期格式应为 YYYY-MM-DD，例如 2024-01-31。"},
    )


class SearchForm(forms.Form):
    """Every parameter of the search page and of ``/api/search`` (DESIGN §4.2)."""

    q = forms.CharField(
        label="检索词",
        required=False,
        max_length=500,
        strip=True,
        error_messages={"max_length": "检索词太长（最多 %(limit_value)d 个字符），请缩短后再试。"},
    )
    scope = forms.ChoiceField(
        label="检索范围", required=False, choices=[("text", "全文"), ("title", "标题")]
    )
    sort = forms.ChoiceField(
        label="排序", required=False, choices=[(name, SORT_LABELS[name]) for name in SORTS]
    )
    group = forms.ChoiceField(
        label="显示方式", required=False, choices=[("clause", "按条款"), ("document", "按文件")]
    )
    province = forms.CharField(label="省份", required=False, max_length=64)
    city = forms.CharField(label="城市", required=False, max_length=64)
    district = forms.CharField(label="区县", required=False, max_length=64)
    level = forms.ChoiceField(
        label="层级", required=False, choices=[("", "全部"), *Region.Level.choices]
    )
    # 0–13 the policy instruments, 14 非政策工具 (DESIGN §2).
    category = forms.IntegerField(label="政策工具", required=False, min_value=0, max_value=14)
    doc_type = forms.CharField(label="文种", required=False, max_length=16)
    status = forms.CharField(label="状态", required=False, max_length=16)
    issuer = forms.CharField(label="发文机关", required=False, max_length=128)
    date_from = _date("发布日期起")
    date_to = _date("发布日期止")
    effective_from = _date("施行日期起")
    effective_to = _date("施行日期止")
    standing = forms.ChoiceField(
        label="效力", required=False, choices=[("", "全部"), *Standing.choices]
    )
    page = forms.IntegerField(label="页码", required=False, min_value=1, max_value=10_000)
    format = forms.ChoiceField(
        label="格式", required=False, choices=[("json", "JSON"), ("csv", "CSV"), ("xlsx", "Excel")]
    )

    def __init__(self, data=None, *args, **kwargs):
        if data is not None:
            # The form's data, not only its cleaned value: the page's select shows the choice.
            data = data.copy()
            for name, spelled in SYNONYMS.items():
                if data.get(name) in spelled:
                    data[name] = spelled[data[name]]
        super().__init__(data, *args, **kwargs)

    def clean_q(self) -> str:
        return CONTROL.sub(" ", self.cleaned_data["q"]).strip()

    def clean(self):
        data = super().clean()
        for start, end, what in [
            ("date_from", "date_to", "发布日期"),
            ("effective_from", "effective_to", "施行日期"),
        ]:
            if data.get(start) and data.get(end) and data[start] > data[end]:
                raise forms.ValidationError(f"{what}的起始日期不能晚于截止日期。")
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(**{f.name: data[f.name] for f in dataclasses.fields(Filters)})

    @property
    def page_number(self) -> int:
        return self.cleaned_data["page"] or 1

    @property
    def scope_name(self) -> str:
        return self.cleaned_data["scope"] or "text"

    @property
    def sort_name(self) -> str:
        return self.cleaned_data["sort"] or "relevance"

    @property
    def group_name(self) -> str:
        # A title matches every clause of its document: list such hits once per document.
        return self.cleaned_data["group"] or (
            "document" if self.scope_name == "title" else "clause"
        )

    @property
    def by_document(self) -> bool:
        return self.group_name == "document"
