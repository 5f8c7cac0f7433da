"""Moderators' view of petition endorsements in the Wagtail admin: how many, how fast, how many
from verified people and from new accounts (signs of a campaign of throwaway accounts)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from moderation.admin_views import ModeratorOnly

from .forms import EarlyCloseForm
from .models import ConsultationPage, ConsultationStatus, Petition, PetitionModeration
from .selectors import (
    NEW_ACCOUNT_DAYS,
    petition_integrity,
    petition_integrity_list,
    user_can_close_early,
    user_can_respond_to_consultation,
)
from .services import consultation_close_early


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


class ConsultationCloseEarlyView(WagtailAdminTemplateMixin, FormView):
    """「提前截止」: staff of the consultation's agency close it now, saying why."""

    template_name = "participation/admin/consultation_close_early.html"
    form_class = EarlyCloseForm
    header_icon = "time"

    def dispatch(self, request, *args, **kwargs):
        self.consultation = get_object_or_404(
            ConsultationPage.objects.select_related("agency"), pk=kwargs["pk"]
        )
        if not user_can_respond_to_consultation(consultation=self.consultation, user=request.user):
            raise PermissionDenied
        if self.consultation.status != ConsultationStatus.OPEN:
            # Already closed (a second click, the back button) or not open yet: say so plainly.
            messages.info(
                request,
                _("“%(title)s” is not open for comment (%(status)s); there is nothing to close.")
                % {"title": self.consultation.title, "status": self.consultation.status.label},
            )
            return redirect(self.edit_url)
        if not user_can_close_early(consultation=self.consultation, user=request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @property
    def edit_url(self) -> str:
        return reverse("wagtailadmin_pages:edit", args=[self.consultation.pk])

    def get_page_title(self):
        return _("Close early: %(title)s") % {"title": self.consultation.title}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": self.edit_url, "label": self.consultation.title},
            {"url": "", "label": _("Close early")},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            consultation=self.consultation, edit_url=self.edit_url, **kwargs
        )

    def form_valid(self, form):
        try:
            consultation_close_early(
                consultation=self.consultation,
                user=self.request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error("reason", message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("“%(title)s” is closed for comment. You can now write the agency's response.")
            % {"title": self.consultation.title},
        )
        return redirect(self.edit_url)
