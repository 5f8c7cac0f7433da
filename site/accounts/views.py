"""A citizen's own account: profile, data download, deletion."""

import json

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from minyi.agencies.selectors import agencies_for_user, user_roles
from minyi.forms import next_url_safe
from minyi.ratelimit import RateLimited

from .forms import MobileCodeForm, MobileNumberForm, ProfileForm
from .mobile import mobile_number_masked
from .models import AssuranceLevel, MobileNumber
from .selectors import (
    government_id_providers,
    user_abilities,
    user_assurance_level,
    user_data_export,
)
from .services import (
    mobile_verification_confirm,
    mobile_verification_pending,
    mobile_verification_start,
    user_delete,
    user_update_profile,
)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user_update_profile(
            user=request.user,
            display_name=form.cleaned_data["display_name"],
            first_name=form.cleaned_data["first_name"],
            last_name=form.cleaned_data["last_name"],
        )
        messages.success(request, _("Your profile has been saved."))
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "assurance_level": user_assurance_level(request.user),
            "abilities": user_abilities(request.user),
            "levels": AssuranceLevel,
            "mobile_number": MobileNumber.objects.filter(user=request.user).first(),
            "roles": user_roles(request.user),
            "agencies": agencies_for_user(request.user).filter(memberships__user=request.user),
        },
    )


@login_required
@require_GET
def data_export(request: HttpRequest) -> HttpResponse:
    """Everything Minyi holds about the signed-in person, as one JSON file."""
    payload = json.dumps(
        user_data_export(request.user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
    )
    response = HttpResponse(payload, content_type="application/json; charset=utf-8")
    filename = f"minyi-my-data-{timezone.localdate():%Y%m%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("I understand that my account cannot be restored."),
        required=True,
        error_messages={
            "required": gettext_lazy(
                "Tick the box to confirm that you understand your account cannot be restored."
            )
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not user.has_usable_password():
            del self.fields["password"]

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."), code="wrong_password")
        return password


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user_delete(user=request.user)
        logout(request)
        messages.success(request, _("Your account has been deleted."))
        return redirect("/")
    return render(request, "accounts/delete.html", {"form": form})


# --- Identity assurance: mobile number (L2) ---------------------------------------------------


def _next_url(request: HttpRequest) -> str:
    """Where to go once verified: ``?next=`` when it is one of our pages, else the account."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    return next_url_safe(request, target) or reverse("accounts:profile")


def _with_next(url: str, request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    return f"{url}?{urlencode({'next': _next_url(request)})}" if target else url


def _client_ip(request: HttpRequest) -> str:
    from allauth.account.adapter import get_adapter

    return get_adapter(request).get_client_ip(request)


@login_required
@require_http_methods(["GET", "POST"])
def mobile_verify(request: HttpRequest) -> HttpResponse:
    """Step 1: the number; a code is texted to it."""
    form = MobileNumberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            mobile_verification_start(
                user=request.user,
                number=form.cleaned_data["number"],
                ip_address=_client_ip(request),
            )
        except RateLimited:
            raise  # answered with 429 by minyi.security.RateLimitMiddleware
        except forms.ValidationError as error:
            form.add_error("number", error)
        else:
            return redirect(_with_next(reverse("accounts:mobile_code"), request))
    current = MobileNumber.objects.filter(user=request.user).first()
    return render(
        request,
        "accounts/mobile_verify.html",
        {
            "form": form,
            "next": _next_url(request),
            "current": mobile_number_masked(current.last_digits) if current else "",
            "government_id": bool(government_id_providers()),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def mobile_code(request: HttpRequest) -> HttpResponse:
    """Step 2: the code from the text message; then back where the person came from."""
    pending = mobile_verification_pending(user=request.user)
    form = MobileCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            mobile_verification_confirm(user=request.user, code=form.cleaned_data["code"])
        except forms.ValidationError as error:
            form.add_error("code", error)
        else:
            messages.success(request, _("Your mobile number is verified."))
            return redirect(_next_url(request))
    return render(
        request,
        "accounts/mobile_code.html",
        {
            "form": form,
            "next": _next_url(request),
            "pending": pending,
            "masked": (
                format_html(
                    '<span class="masked-number">{}</span>',
                    mobile_number_masked(pending.last_digits),
                )
                if pending
                else ""
            ),
            "restart_url": _with_next(reverse("accounts:mobile_verify"), request),
        },
        status=400 if form.errors else 200,
    )


@require_GET
def admin_login(request: HttpRequest) -> HttpResponse:
    """Where Wagtail and Django send whoever may not use their admin. Signing in goes through
    allauth (its rate limits); a signed-in person without the role is told so, instead of
    being sent to sign in, which sent them back to the admin, and round again."""
    if request.user.is_authenticated:
        return render(request, "403.html", status=403)
    query = request.META.get("QUERY_STRING", "")
    return redirect(reverse("account_login") + (f"?{query}" if query else ""))
