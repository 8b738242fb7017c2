from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from .pipeline import SUPPORTED_SUFFIXES

MEGABYTE = 1024 * 1024


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field taking several files (Django's documented pattern): cleans
    to a list, each file checked as a single FileField would, its errors
    naming the file they are about."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        items = data if isinstance(data, (list, tuple)) else [data]
        if not items:
            return [super().clean(None, initial)]  # "required" speaks here
        files, errors = [], []
        for item in items:
            try:
                files.append(super().clean(item, initial))
            except ValidationError as error:
                name = getattr(item, "name", "")
                errors.extend(f"“{name}”：{message}" if name else message for message in error)
        if errors:
            raise ValidationError(errors)
        return files


def accepted_suffixes() -> str:
    return "、".join(sorted(SUPPORTED_SUFFIXES))


class UploadForm(forms.Form):
    files = MultipleFileField(label="政策文件")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["files"]
        field.widget.attrs["accept"] = ",".join(sorted(SUPPORTED_SUFFIXES))
        field.help_text = (
            f"可一次选择多个文件。支持 {accepted_suffixes()}，"
            f"每个文件不超过 {settings.UPLOAD_MAX_MB} MB。"
        )

    def clean_files(self):
        # One unfit file refuses the whole upload: the operator sees every
        # problem at once and nothing is half submitted.
        files = self.cleaned_data["files"]
        errors = [error for uploaded in files if (error := file_error(uploaded))]
        if errors:
            raise ValidationError(errors)
        return files


def file_error(uploaded) -> ValidationError | None:
    suffix = Path(uploaded.name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        kind = f"{suffix} 文件" if suffix else "没有扩展名的文件"
        return ValidationError(
            "“%(name)s”无法入库：不支持%(kind)s，只接受 %(accepted)s。",
            code="unsupported",
            params={"name": uploaded.name, "kind": kind, "accepted": accepted_suffixes()},
        )
    if uploaded.size > settings.UPLOAD_MAX_MB * MEGABYTE:
        return ValidationError(
            "“%(name)s”有 %(size).1f MB，超过了 %(limit)s MB 的上限。",
            code="too_large",
            params={
                "name": uploaded.name,
                "size": uploaded.size / MEGABYTE,
                "limit": settings.UPLOAD_MAX_MB,
            },
        )
    return None
