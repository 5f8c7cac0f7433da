"""The notifications page (notices, 「我的追蹤」, e-mail preference) and the unsubscribe link."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from minyi.forms import form_messages, form_refuse

from .forms import EmailFrequencyForm
from .models import EmailFrequency
from .selectors import (
    email_frequency_of,
    followed_items,
    notifications_for,
    user_for_unsubscribe_token,
)
from .services import email_frequency_set, notifications_mark_read


@login_required
@require_http_methods(["GET", "POST"])
def notification_list(request: HttpRequest) -> HttpResponse:
    form = EmailFrequencyForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            email_frequency_set(user=request.user, frequency=form.cleaned_data["email_frequency"])
        except ValidationError as error:
            form_refuse(form, error)
        else:
            messages.success(request, _("Your e-mail preference is saved."))
            return redirect("notifications:list")
    errors = form_messages(form) if form.is_bound else []
    notifications = list(notifications_for(request.user)[:100])
    unread = {n.pk for n in notifications if n.read_at is None}
    notifications_mark_read(user=request.user)
    return render(
        request,
        "notifications/notification_list.html",
        {
            "notifications": notifications,
            "unread": unread,
            "follows": followed_items(request.user),
            "email_frequency": email_frequency_of(request.user),
            "frequencies": EmailFrequency.choices,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every e-mail: no sign-in needed, one click (POST) stops all e-mail."""
    user = user_for_unsubscribe_token(token)
    if user is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=404)
    if request.method == "POST":
        email_frequency_set(user=user, frequency=EmailFrequency.NEVER)
        return render(request, "notifications/unsubscribe.html", {"done": True})
    return render(request, "notifications/unsubscribe.html", {"email": user.email})
