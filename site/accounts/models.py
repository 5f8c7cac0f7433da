"""The platform's user: signs in with an e-mail, appears in public under a pseudonym."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .mobile import mobile_number_masked
from .validators import normalize_display_name, validate_display_name


class MinyiUserManager(UserManager):
    """Users are identified by e-mail; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):  # type: ignore[override]
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):  # type: ignore[override]
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):  # type: ignore[override]
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person using Minyi.

    ``first_name``/``last_name`` (the real name) and ``email`` are private: public pages
    only ever show :attr:`public_name`.
    """

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(  # noqa: DJ001 - NULL marks a deleted account
        _("display name"),
        max_length=30,
        null=True,  # NULL once the account is deleted; several deleted users may exist
        blank=True,
        validators=[validate_display_name],
        help_text=_("Shown publicly next to what you write. Never your real name or e-mail."),
    )
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = MinyiUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("display_name"),
                name="accounts_user_display_name_ci_unique",
                violation_error_message=_("This display name is already taken."),
            ),
        ]

    def __str__(self) -> str:
        return self.public_name

    def clean(self) -> None:
        super().clean()
        # One spelling per address: sign-in and uniqueness compare e-mails exactly.
        self.email = self.email.strip().lower()
        # Store the name as validated (NFKC, whitespace collapsed): services that create users
        # directly must not keep control characters the forms would have removed.
        if self.display_name:
            self.display_name = normalize_display_name(self.display_name)

    @property
    def public_name(self) -> str:
        """The only name other people ever see."""
        if self.deleted_at is not None or not self.display_name:
            return str(DELETED_USER_NAME)
        return self.display_name

    def get_full_name(self) -> str:
        """The name Wagtail's admin shows for a person (dashboard, workflow e-mails, history):
        the display name, as everywhere else on the site. Never the private real name, and
        not the e-mail address, which Wagtail falls back to when this is empty."""
        if self.deleted_at is not None:
            return str(DELETED_USER_NAME)
        return self.display_name or ""

    def get_short_name(self) -> str:
        """The name Wagtail's e-mails greet a person by (「某某 您好：」): the display name."""
        return self.get_full_name()

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


DELETED_USER_NAME = _("Deleted user")


# --- Identity assurance (身分驗證等級) ----------------------------------------------------------


class AssuranceLevel(models.IntegerChoices):
    """How sure the platform is that an account is one real person; each level includes the
    ones below it. Which actions need which level is a setting (MINYI_ASSURANCE_POLICY)."""

    NONE = 0, _("Not verified")
    EMAIL = 1, _("E-mail verified")
    MOBILE = 2, _("Mobile number verified")
    GOVERNMENT_ID = 3, _("Government digital identity")


class MobileNumber(models.Model):
    """An account's verified mobile number: a keyed hash (HMAC, see minyi.accounts.mobile) and
    the last three digits, never the number itself. One account per number."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="mobile_number", verbose_name=_("user")
    )
    number_hash = models.CharField(_("number (keyed hash)"), max_length=64, unique=True)
    last_digits = models.CharField(_("last three digits"), max_length=3)
    verified_at = models.DateTimeField(_("verified at"), default=timezone.now)

    class Meta:
        verbose_name = _("verified mobile number")
        verbose_name_plural = _("verified mobile numbers")

    def __str__(self) -> str:
        return mobile_number_masked(self.last_digits)


class MobileVerification(models.Model):
    """A one-time code sent by SMS to a number a person wants to verify (hashed like
    MobileNumber; the code is kept only as a keyed hash too)."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="mobile_verifications", verbose_name=_("user")
    )
    number_hash = models.CharField(_("number (keyed hash)"), max_length=64)
    last_digits = models.CharField(_("last three digits"), max_length=3)
    code_hash = models.CharField(_("code (keyed hash)"), max_length=64)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("mobile verification code")
        verbose_name_plural = _("mobile verification codes")
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{mobile_number_masked(self.last_digits)} ({self.created_at:%Y-%m-%d %H:%M})"
