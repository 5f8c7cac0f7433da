"""allauth hooks: sign-up goes through the accounts service."""

from allauth.account.adapter import DefaultAccountAdapter

from .services import user_signup_complete


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user.display_name = form.cleaned_data["display_name"]
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            user_signup_complete(user=user)
        return user
