"""The comparison page (对比): two to six regions side by side on one query."""

from django import forms
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import compare
from .forms import SearchForm

# Text boxes for region names on the form, besides the quick-pick checkboxes.
BOXES = 4


class RegionNamesField(forms.Field):
    """The repeated ``region`` parameter: names in the order given, blanks and
    repeats dropped (an empty input box or a name both ticked and typed)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        names = [name.strip() for name in value or [] if name.strip()]
        return list(dict.fromkeys(names))


class CompareForm(forms.Form):
    q = SearchForm.base_fields["q"]
    region = RegionNamesField(label="地区", required=False)

    def clean_region(self):
        names = self.cleaned_data["region"]
        if len(names) < compare.MIN_REGIONS:
            raise forms.ValidationError(
                f"请选择至少 {compare.MIN_REGIONS} 个地区进行对比（当前 {len(names)} 个）。"
            )
        if len(names) > compare.MAX_REGIONS:
            raise forms.ValidationError(
                f"最多对比 {compare.MAX_REGIONS} 个地区（当前 {len(names)} 个），请去掉一些。"
            )
        errors = [unknown_region(name) for name in names if compare.find_region(name) is None]
        if errors:
            raise forms.ValidationError(errors)
        return names


def unknown_region(name: str) -> forms.ValidationError:
    if close := compare.close_names(name):
        return forms.ValidationError(
            "没有名为“%(name)s”的地区。您是不是要找：%(close)s？",
            params={"name": name, "close": "、".join(close)},
        )
    return forms.ValidationError(
        "没有名为“%(name)s”的地区，请从列表中选择（国家级文件请选“国家”）。",
        params={"name": name},
    )


@require_GET
def compare_page(request):
    # Until regions are asked for, the page is the empty form, not an error.
    form = CompareForm(request.GET) if "region" in request.GET else None
    context = {"form": form, **choice_context(request)}
    if form is None:
        return render(request, "web/compare.html", context)
    if not form.is_valid():
        return render(request, "web/compare.html", context, status=400)
    context["comparison"] = compare.compare(form.cleaned_data["q"], form.cleaned_data["region"])
    return render(request, "web/compare.html", context)


def choice_context(request) -> dict:
    """What the form offers: ticks for the national level and the provinces with
    most documents, boxes (with every known name to pick from) for the rest."""
    chosen = RegionNamesField().to_python(request.GET.getlist("region"))
    quick = [compare.NATIONAL, *compare.top_provinces()]
    typed = [name for name in chosen if name not in quick]
    # Without JavaScript no box can be added: offer enough for a comparison of
    # cities alone, and always one more while there is room.
    empty_boxes = min(max(BOXES - len(typed), 1), compare.MAX_REGIONS - len(typed))
    return {
        "q": request.GET.get("q", ""),
        "quick_picks": [(name, name in chosen) for name in quick],
        "region_boxes": typed + [""] * empty_boxes,
        "region_names": compare.region_names(),
    }
