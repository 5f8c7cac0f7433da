"""Our Traditional Chinese for messages that allauth and django.contrib.auth own.

Their zh_Hant catalogues say 你 where this site says 您, use half-width punctuation and, in
one message, a double full stop (「成功以 某某..的身份登入」). The project's catalogue comes
first (``LOCALE_PATHS``), so translating the same msgids there replaces theirs; naming them
here keeps ``makemessages`` from dropping them as obsolete.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

OVERRIDDEN = (
    gettext_noop("Successfully signed in as %(name)s."),
    gettext_noop("Already have an account? Then please %(link)ssign in%(end_link)s."),
    gettext_noop("Password (again)"),
    gettext_noop("New Password (again)"),
    gettext_noop("Your password can’t be too similar to your other personal information."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("Your password can’t be entirely numeric."),
    gettext_noop("Your old password was entered incorrectly. Please enter it again."),
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        "min_length",
    ),
)
