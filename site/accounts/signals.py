"""A government identity's claims are not kept: only the subject (``uid``, needed to sign the
person in again) stays; allauth would otherwise store every claim (real name, e-mail, …) in the
linked account's ``extra_data``. Data minimisation, as for the real name on sign-up
(minyi.accounts.adapter)."""

from allauth.socialaccount.models import SocialAccount
from django.db.models.signals import pre_save
from django.dispatch import receiver

from .selectors import government_id_providers


@receiver(pre_save, sender=SocialAccount)
def government_identity_claims_drop(sender, instance: SocialAccount, **kwargs) -> None:
    if instance.provider in government_id_providers():
        instance.extra_data = {}
