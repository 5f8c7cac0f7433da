"""Moderators' view of petition endorsements in the Wagtail admin: how many, how fast, how many
from verified people and from new accounts (signs of a campaign of throwaway accounts)."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from moderation.admin_views import ModeratorOnly

from .models import Petition, PetitionModeration
from .selectors import NEW_ACCOUNT_DAYS, petition_integrity, petition_integrity_list


class PetitionIntegrityIndexView(ModeratorOnly, WagtailAdminTemplateMixin, TemplateView):
    template_name = "participation/admin/petition_integrity_index.html"
    page_title = gettext_lazy("Endorsement integrity")
    header_icon = "group"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            rows=petition_integrity_list(), new_account_days=NEW_ACCOUNT_DAYS, **kwargs
        )


class PetitionIntegrityView(ModeratorOnly, WagtailAdminTemplateMixin, TemplateView):
    template_name = "participation/admin/petition_integrity.html"
    header_icon = "group"

    def dispatch(self, request, *args, **kwargs):
        self.petition = get_object_or_404(
            Petition.objects.select_related("agency"),
            pk=kwargs["pk"],
            moderation_state=PetitionModeration.APPROVED,
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return self.petition.title

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse("participation_admin:petition_integrity"),
                "label": PetitionIntegrityIndexView.page_title,
            },
            {"url": "", "label": self.petition.title},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            petition=self.petition, **petition_integrity(petition=self.petition), **kwargs
        )
