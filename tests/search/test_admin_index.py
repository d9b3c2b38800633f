"""Admin edits reach the search index once the admin's transaction has committed."""

from django.contrib.auth.models import User
from django.urls import reverse

from minutes import search
from minutes.models import AgendaItem, ArchiveVersion
from minutes.search import index
from tests.archive import IndexedTestCase


def _value(value):
    if isinstance(value, list | tuple):
        return [_value(v) for v in value]
    return getattr(value, "pk", value) if value is not None else ""


def change_form_data(page) -> dict:
    """What the admin's change form posts back unchanged: the form and its inlines."""
    form = page.context["adminform"].form
    data = {
        name: _value(form.initial.get(name, field.initial)) for name, field in form.fields.items()
    }
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[f"{formset.prefix}-{name}"] = management.initial.get(name, 0)
        for sub in formset.forms:
            for name, field in sub.fields.items():
                data[f"{sub.prefix}-{name}"] = _value(sub.initial.get(name, field.initial))
    return {key: value for key, value in data.items() if value != []}


class AdminEditTests(IndexedTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.superuser = User.objects.create_superuser("beheer", password="geheim-wachtwoord-1")

    def setUp(self) -> None:
        self.client.force_login(self.superuser)
        index.rebuild()  # as the database is now: an earlier test's edits rolled back

    def test_an_edited_title_is_found_and_the_old_one_is_not(self):
        item = AgendaItem.objects.get(meeting__slug="2021-01-19", anchor="punt-3")
        self.assertEqual(search.item_ids('"Presentatie Rijksdienst"'), [item.pk])
        version = ArchiveVersion.current()
        url = reverse("admin:minutes_agendaitem_change", args=[item.pk])
        data = change_form_data(self.client.get(url))
        data["title"] = "Presentatie over de zonnewijzer"
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(url, data)
        form = response.context["adminform"].form if response.status_code == 200 else None
        self.assertEqual(response.status_code, 302, form.errors if form else "")
        self.assertEqual(search.item_ids("zonnewijzer"), [item.pk])
        self.assertNotIn(item.pk, search.item_ids('"Presentatie Rijksdienst"'))
        self.assertGreater(ArchiveVersion.current(), version)
        self.assertTrue(index.status().current)

    def test_a_deleted_item_leaves_the_index(self):
        item = AgendaItem.objects.get(meeting__slug="2021-01-19", anchor="punt-3")
        self.assertIn(item.pk, search.item_ids("Rijksdienst"))
        url = reverse("admin:minutes_agendaitem_delete", args=[item.pk])
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(url, {"post": "yes"})
        self.assertEqual(response.status_code, 302)
        self.assertNotIn(item.pk, search.item_ids("Rijksdienst"))
        self.assertEqual(index.status().documents, AgendaItem.objects.count())
