"""The statistics page (统计): charts of the catalogue with their numbers as tables."""

from django import forms
from django.shortcuts import render
from django.views.decorators.http import require_GET

from policybase.catalog.models import Region

from . import statistics
from .forms import _date


class StatisticsForm(forms.Form):
    province = forms.ChoiceField(
        label="省份",
        required=False,
        error_messages={"invalid_choice": "没有名为“%(value)s”的省份，请从列表中选择。"},
    )
    date_from = _date("发布日期起")
    date_to = _date("发布日期止")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.provinces = {
            region.name: region for region in Region.objects.filter(level=Region.Level.PROVINCE)
        }
        self.fields["province"].choices = [("", "全部地区"), *((n, n) for n in self.provinces)]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError("发布日期的起始日期不能晚于截止日期。")
        return data

    def scope(self) -> statistics.Scope:
        data = self.cleaned_data
        return statistics.Scope(
            province=self.provinces.get(data["province"]),
            date_from=data["date_from"],
            date_to=data["date_to"],
        )


@require_GET
def statistics_page(request):
    form = StatisticsForm(request.GET)
    if not form.is_valid():
        return render(request, "web/statistics.html", {"form": form}, status=400)
    scope = form.scope()
    data = statistics.statistics(scope)
    context = {"form": form, "scope": scope, "data": data, "tables": statistics.tables(data, scope)}
    return render(request, "web/statistics.html", context)
