"""The platform's user: signs in with an e-mail, appears in public under a pseudonym."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

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

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


DELETED_USER_NAME = _("Deleted user")
