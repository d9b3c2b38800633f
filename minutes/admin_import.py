"""Import minutes from the browser: upload, preview, then import what was confirmed.

Step 1 takes the uploaded .txt files and .zip archives of them, refuses what breaks
the limits, and stages the rest with `minutes.uploads`: an import run with status
"staged" that belongs to the user, its files stored and previewed once. Nothing is
imported yet. Step 2 shows that preview. Step 3 hands the files the user ticked to
the import service (`uploads.confirm` → `import_batch`, the code path
`manage.py import_minutes` uses too).

The uploaded bytes never travel back to the browser: the preview's URL names the
staged run, which only its owner can open, and the confirmation form carries only
the sha256 of each chosen file. Every chosen file's bytes are checked against the
previewed sha256 just before import, so what gets imported is what was previewed.
This module holds the forms and views; the limits come from the settings.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from minutes import uploads
from minutes.models import (
    IMPORT_PERMISSION,
    RELEASE_URL_MAX_LENGTH,
    ReleaseUrlFormField,
    Series,
)
from minutes.services import mark_interrupted_runs
from minutes.uploads import ImportLimits, SelectionInvalid, StagingUnavailable, UploadRefused

# Room for the multipart headers and form fields around the files themselves.
MULTIPART_ALLOWANCE = 64 * 1024
# The code of a form error that refuses an upload for its size or number of files.
TOO_LARGE = "too_large"


# --------------------------------------------------------------------------- forms


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that takes several files at once (Django's documented recipe)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".txt,.pdf,.zip"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, (list, tuple)):
            if not data and self.required:
                # The widget gives an empty list for no files, which FileField lets pass.
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return [single(d, initial) for d in data]
        return [single(data, initial)]


class UploadForm(forms.Form):
    files = MultipleFileField(
        label="Bestanden",
        error_messages={"required": "Kies ten minste één bestand."},
    )
    release_url = ReleaseUrlFormField(
        label=gettext_lazy("Woo-besluit (URL)"),
        required=False,
        max_length=RELEASE_URL_MAX_LENGTH,
        help_text=gettext_lazy(
            "Niet verplicht. Het webadres van het Woo-besluit waaruit deze bestanden komen; "
            "elk verslag dat u importeert of vervangt, krijgt het mee en toont het bij "
            "‘Citeren en herkomst’."
        ),
    )

    def __init__(self, *args: Any, limits: ImportLimits, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limits = limits
        self.fields["files"].help_text = (
            "Eén of meer verslagen als .txt- of .pdf-bestand, of een .zip-bestand met zulke "
            "bestanden. Een pdf met meer verslagen wordt per verslag gesplitst; pagina's "
            f"zonder tekstlaag worden met OCR gelezen (hier ten hoogste "
            f"{settings.SGO_UPLOAD_OCR_PAGES} per upload; grotere scans via import_minutes). "
            f"Maximaal {limits.max_files} bestanden en {filesizeformat(limits.max_bytes)} "
            f"per upload; uitgepakt maximaal {filesizeformat(limits.max_uncompressed_bytes)}."
        )

    def clean_files(self) -> list[UploadedFile]:
        files = self.cleaned_data["files"]
        if len(files) > self.limits.max_files:
            raise forms.ValidationError(
                f"Te veel bestanden ({len(files)}); maximaal {self.limits.max_files} per upload.",
                code=TOO_LARGE,
            )
        total = sum(f.size or 0 for f in files)
        if total > self.limits.max_bytes:
            raise forms.ValidationError(
                f"De upload is te groot ({filesizeformat(total)}); maximaal "
                f"{filesizeformat(self.limits.max_bytes)}.",
                code=TOO_LARGE,
            )
        return files

    @property
    def refusal_status(self) -> int:
        """413 if the upload was refused for its size or number of files, else 400."""
        return 413 if self.has_error("files", code=TOO_LARGE) else 400


class ConfirmForm(forms.Form):
    """Only the sha256s of the chosen files; everything else stays on the server.

    `force` holds the suspicious replacements the user confirmed, one checkbox each:
    without it such a file is logged as failed and its meeting keeps its version.
    """

    files = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": SelectionInvalid.message},
    )
    force = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": SelectionInvalid.message},
    )

    series = forms.ChoiceField(
        label="Reeks van de verslagen",
        required=False,
        help_text=(
            "Laat leeg om de reeks uit elk verslag zelf te halen (zie de kolom "
            "Vergaderdatum); wat niet herkend wordt, komt bij Overige verslagen."
        ),
    )
    new_series = forms.CharField(
        label="Of een nieuwe reeks",
        required=False,
        max_length=200,
        help_text="De naam van een reeks die nog niet bestaat, bijvoorbeeld ‘Stuurgroep X’.",
    )

    def __init__(self, *args: Any, rows: list[uploads.PreviewRow], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["series"].choices = [
            ("", "Herkennen uit het verslag"),
            *Series.objects.values_list("slug", "name"),
        ]
        self.fields["files"].choices = [(r.file.sha256, r.file.name) for r in rows if r.file.data]
        self.fields["force"].choices = [
            (r.file.sha256, r.file.name) for r in rows if r.file.data and r.suspicious
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("series") and data.get("new_series", "").strip():
            raise forms.ValidationError("Kies een bestaande reeks óf noem een nieuwe, niet beide.")
        name = data.get("new_series", "").strip()
        if name and not Series.slug_for(name):
            self.add_error("new_series", "Een reeks heeft een naam met letters of cijfers nodig.")
        return data

    def chosen_series(self) -> str:
        """The series the admin chose (a slug, or a new series' name), or "": recognise."""
        return self.cleaned_data.get("series") or self.cleaned_data.get("new_series", "").strip()


# --------------------------------------------------------------------------- views


def oversized_request_message(request: HttpRequest, limits: ImportLimits) -> str | None:
    """Refuse from Content-Length alone, before Django reads the body to disk."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if length > limits.max_bytes + MULTIPART_ALLOWANCE:
        return (
            f"De upload is te groot ({filesizeformat(length)}); maximaal "
            f"{filesizeformat(limits.max_bytes)}. Er is niets ingelezen."
        )
    return None


class MinutesImportAdminMixin:
    """Adds "Verslagen importeren" under a ModelAdmin's URLs (…/importeren/)."""

    admin_site: Any
    opts: Any

    def get_urls(self) -> list[URLPattern]:
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "importeren/",
                # CSRF is checked inside the view, after the size checks: see there.
                self.admin_site.admin_view(csrf_exempt(self.import_upload_view)),
                name=f"{name}_import",
            ),
            path(
                # Any text, so a malformed id gets the same answer as a foreign one.
                "importeren/<str:run_id>/",
                self.admin_site.admin_view(self.import_preview_view),
                name=f"{name}_import_preview",
            ),
            *super().get_urls(),  # type: ignore[misc]
        ]

    def has_import_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.has_perm(IMPORT_PERMISSION)

    def _upload_url(self) -> str:
        return reverse(f"{self.admin_site.name}:minutes_importrun_import")

    def _context(self, request: HttpRequest, title: str, **extra: Any) -> dict[str, Any]:
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "upload_url": self._upload_url(),
            **extra,
        }

    def _render_upload(
        self, request: HttpRequest, form: UploadForm, *, refusal: str = "", status: int = 200
    ) -> HttpResponse:
        context = self._context(
            request, "Verslagen importeren", form=form, limits=form.limits, refusal=refusal
        )
        return TemplateResponse(request, "admin/minutes/import/upload.html", context, status=status)

    def import_upload_view(self, request: HttpRequest) -> HttpResponse:
        """Step 1: the upload form; a valid upload is staged and shown as a preview."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        limits = ImportLimits.from_settings()
        if request.method != "POST":
            mark_interrupted_runs()
            return self._render_upload(request, UploadForm(limits=limits))
        # This view is csrf_exempt only so that an oversized body is refused before
        # anything reads it (the CSRF middleware would parse the whole upload first).
        # Nothing is changed on this path; the real work below is csrf_protect'ed.
        refusal = oversized_request_message(request, limits)
        if refusal is None:
            try:
                request.FILES  # noqa: B018 - parse now, to turn Django's own limits into a message
            except (RequestDataTooBig, TooManyFilesSent, TooManyFieldsSent, MultiPartParserError):
                refusal = (
                    f"De upload is geweigerd: te groot of te veel bestanden (maximaal "
                    f"{limits.max_files} bestanden, {filesizeformat(limits.max_bytes)})."
                )
        if refusal is not None:
            return self._render_upload(
                request, UploadForm(limits=limits), refusal=refusal, status=413
            )

        @csrf_protect
        def stage(request: HttpRequest) -> HttpResponse:
            return self._stage_upload(request, limits)

        return stage(request)

    def _stage_upload(self, request: HttpRequest, limits: ImportLimits) -> HttpResponse:
        form = UploadForm(request.POST, request.FILES, limits=limits)
        if not form.is_valid():
            return self._render_upload(request, form, status=form.refusal_status)
        try:
            run = uploads.stage_upload(
                form.cleaned_data["files"],
                user=request.user,
                limits=limits,
                release_url=form.cleaned_data["release_url"],
            )
        except UploadRefused as exc:
            form.add_error("files", str(exc))
            return self._render_upload(request, form, status=exc.status)
        return redirect(f"{self.admin_site.name}:minutes_importrun_import_preview", run.pk)

    def import_preview_view(self, request: HttpRequest, run_id: str) -> HttpResponse:
        """Step 2 (GET) shows the preview; step 3 (POST) imports the chosen files."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        try:
            run = uploads.load_staged(run_id, user=request.user)
            rows = uploads.preview_rows(run)
            form = ConfirmForm(request.POST if request.method == "POST" else None, rows=rows)
            if request.method == "POST" and form.is_valid():
                try:
                    result = uploads.confirm(
                        run,
                        chosen=form.cleaned_data["files"],
                        forced=form.cleaned_data["force"],
                        series=form.chosen_series(),
                    )
                except SelectionInvalid as exc:
                    form.add_error(None, str(exc))
                else:
                    messages.success(request, f"Import voltooid: {result.summary(labels=True)}.")
                    return redirect(f"{self.admin_site.name}:minutes_importrun_change", run.pk)
        except StagingUnavailable as exc:
            messages.error(request, str(exc))
            return HttpResponseRedirect(self._upload_url())

        if form.is_bound:
            checked = set(request.POST.getlist("files"))
            forced = set(request.POST.getlist("force"))
        else:
            # A suspicious replacement is not ticked for the user: it needs a decision.
            checked = {row.file.sha256 for row in rows if row.selectable and not row.suspicious}
            forced = set()
        context = self._context(
            request,
            "Voorvertoning import",
            form=form,
            run=run,
            rows=rows,
            checked=checked,
            forced=forced,
            selectable_count=sum(1 for row in rows if row.selectable),
            failed_count=sum(1 for row in rows if not row.selectable),
        )
        template = "admin/minutes/import/preview.html"
        return TemplateResponse(request, template, context, status=400 if form.errors else 200)
