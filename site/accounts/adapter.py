"""allauth hooks: sign-up goes through the accounts service."""

from types import SimpleNamespace

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings

from .services import user_signup_complete


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # Without django.contrib.sites allauth names the site by its host ("127.0.0.1:8000"
        # in the greeting); the mails name the platform, and keep the host as its address.
        request = context.get("request") or getattr(self, "request", None)
        domain = request.get_host() if request is not None else ""
        site = SimpleNamespace(name=settings.WAGTAIL_SITE_NAME, domain=domain)
        super().send_mail(template_prefix, email, {"current_site": site, **context})

    def save_user(self, request, user, form, commit=True):
        user.display_name = form.cleaned_data["display_name"]
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            user_signup_complete(user=user)
        return user


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Sign-in with a government identity: only the identity and the e-mail address are taken
    from the provider, not the real name (data minimisation; the person may add it to the
    private profile themselves)."""

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        user.first_name = ""
        user.last_name = ""
        return user
