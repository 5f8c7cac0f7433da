"""Account forms: the extra sign-up fields and the profile."""

import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

from .mobile import mobile_number_normalize
from .models import User
from .validators import normalize_display_name, validate_display_name


def clean_unique_display_name(value: str, *, user: User | None = None) -> str:
    """A display name ``user`` (None when signing up) may take: valid, not an agency's, free."""
    from minyi.agencies.selectors import agency_impersonated_by

    name = normalize_display_name(value)
    validate_display_name(name)
    agency = agency_impersonated_by(name, user=user)
    if agency is not None:
        raise forms.ValidationError(
            _(
                "A display name cannot be or contain the name of a government agency "
                "(%(agency)s): readers would take what you write for the agency's word. "
                "Replies from an agency's staff are marked on the site."
            )
            % {"agency": agency.name_zh},
            code="agency",
        )
    exclude_pk = user.pk if user is not None else None
    taken = User.objects.filter(display_name__iexact=name)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise forms.ValidationError(_("This display name is already taken."), code="taken")
    return name


class SignupExtraForm(forms.Form):
    """Added to allauth's sign-up form: the public pseudonym."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=30,
        help_text=_("Shown publicly next to what you write. Never your real name or e-mail."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )

    def clean_display_name(self) -> str:
        return clean_unique_display_name(self.cleaned_data["display_name"])

    def signup(self, request, user) -> None:
        """Called by allauth; the adapter has already stored the display name."""


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "last_name", "first_name"]
        labels = {
            "display_name": _("Display name"),
            "last_name": _("Family name"),
            "first_name": _("Given name"),
        }
        help_texts = {
            "last_name": _("Never shown in public."),
            "first_name": _("Never shown in public."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["display_name"].required = True

    def clean_display_name(self) -> str:
        return clean_unique_display_name(self.cleaned_data["display_name"], user=self.instance)


class MobileNumberForm(forms.Form):
    """Step 1 of mobile verification: the number the code is sent to."""

    number = forms.CharField(
        label=_("Mobile number"),
        max_length=24,
        help_text=_("A Taiwanese mobile number, such as 0912-345-678. We text you a 6-digit code."),
        widget=forms.TextInput(
            attrs={"autocomplete": "tel", "inputmode": "tel", "placeholder": "0912-345-678"}
        ),
    )

    def clean_number(self) -> str:
        return mobile_number_normalize(self.cleaned_data["number"])


class MobileCodeForm(forms.Form):
    """Step 2: the code from the text message."""

    code = forms.CharField(
        label=_("Verification code"),
        max_length=12,
        help_text=_("The 6 digits in the text message, valid for 10 minutes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*"}
        ),
    )

    def clean_code(self) -> str:
        code = "".join(unicodedata.normalize("NFKC", self.cleaned_data["code"]).split())
        if not (len(code) == 6 and code.isdigit()):
            raise forms.ValidationError(
                _("Enter the 6-digit code from the text message."), code="format"
            )
        return code
