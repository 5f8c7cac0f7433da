"""The programme editor links programmes to consultations. It offered every consultation page,
drafts included: another agency's unpublished draft showed its title to all agencies' staff.
Now it offers published consultations, and keeps one already linked even if unpublished."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _choices(client, url):
    form = client.get(url).context["form"]
    return {page.title for page in form.fields["consultations"].queryset}


def test_the_programme_editor_offers_published_consultations_only(
    client, ndc_staff, make_program, make_consultation
):
    published = make_consultation(slug="published")
    published.title = "已公開的諮詢"
    published.save_revision().publish()
    draft = make_consultation(slug="draft", agency_code="MOI")
    draft.title = "內政部尚未公開的草案"
    draft.live = False
    draft.save()

    client.force_login(ndc_staff)
    add_url = reverse("wagtailsnippets_performance_program:add")
    assert _choices(client, add_url) == {"已公開的諮詢"}

    program = make_program(code="NDC-9")
    program.consultations.add(draft)
    program.save()
    edit_url = reverse("wagtailsnippets_performance_program:edit", args=[program.pk])
    assert _choices(client, edit_url) == {"已公開的諮詢", "內政部尚未公開的草案"}
