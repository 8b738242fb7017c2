from django import forms

from policybase.catalog.models import Region
from policybase.search.query import Filters


class SearchForm(forms.Form):
    """Every parameter of the search page and of ``/api/search`` (DESIGN §4.2)."""

    q = forms.CharField(required=False, max_length=500, strip=True)
    scope = forms.ChoiceField(required=False, choices=[("text", "全文"), ("title", "标题")])
    province = forms.CharField(required=False, max_length=64)
    city = forms.CharField(required=False, max_length=64)
    level = forms.ChoiceField(required=False, choices=[("", "全部"), *Region.Level.choices])
    category = forms.IntegerField(required=False, min_value=0, max_value=13)
    doc_type = forms.CharField(required=False, max_length=16)
    status = forms.CharField(required=False, max_length=16)
    date_from = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    date_to = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000)
    format = forms.ChoiceField(required=False, choices=[("json", "JSON"), ("csv", "CSV")])

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError("起始日期不能晚于截止日期。")
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            province=data["province"],
            city=data["city"],
            level=data["level"],
            category=data["category"],
            doc_type=data["doc_type"],
            status=data["status"],
            date_from=data["date_from"],
            date_to=data["date_to"],
        )

    @property
    def page_number(self) -> int:
        return self.cleaned_data["page"] or 1

    @property
    def scope_name(self) -> str:
        return self.cleaned_data["scope"] or "text"
