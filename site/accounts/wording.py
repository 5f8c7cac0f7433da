"""Our Traditional Chinese for messages that allauth, django.contrib.auth and Wagtail's admin own.

Their zh_Hant catalogues say 你 where this site says 您, use half-width punctuation and, in
one message, a double full stop (「成功以 某某..的身份登入」), write 驗証 for 驗證, call a live
page 「在用」 and leave the admin's help menu, searches and counters in English. The project's
catalogue comes first (``LOCALE_PATHS``), so translating the same msgids there replaces
theirs; naming them here keeps ``makemessages`` from dropping them as obsolete.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

OVERRIDDEN = (
    gettext_noop("Successfully signed in as %(name)s."),
    gettext_noop("Confirmation email sent to %(email)s."),  # theirs: 「發至 …@… 。」
    # The administrator's user form (Django's and Wagtail's wording: 用戶, 帳戶, 對象, 配置, 組)
    gettext_noop(
        "Designates whether this user should be treated as active. Unselect this instead of "
        "deleting accounts."
    ),
    gettext_noop(
        "Designates that this user has all permissions without explicitly assigning them."
    ),
    gettext_noop(
        "The groups this user belongs to. A user will get all permissions granted to each of "
        "their groups."
    ),
    gettext_noop("Administrators have full access to manage any object or setting."),
    gettext_noop("Designates whether the user can log into this admin site."),
    gettext_noop("Raw passwords are not stored, so there is no way to see the user’s password."),
    gettext_noop("Enable password-based authentication for this user by setting a password."),
    gettext_noop("groups"),
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
    # allauth's e-mail addresses page
    gettext_noop("Re-send Verification"),
    gettext_noop("Primary"),
    gettext_noop("Make Primary"),
    # Wagtail's admin, as agency staff see it
    gettext_noop("Help"),
    gettext_noop("Search all pages…"),
    gettext_noop("Search…"),
    gettext_noop("Search term"),
    gettext_noop("live"),
    gettext_noop("Wagtail %(current_version)s editor guide"),
    gettext_noop("For site menus"),
    gettext_noop("For search engines"),
    gettext_noop("Whether a link to this page will appear in automatically generated menus"),
    gettext_noop("%(start_index)s-%(end_index)s of %(items_count)s %(model_name)s"),
    gettext_noop("The page title as you'd like it to be seen by the public"),
    gettext_noop("Exploring"),
    gettext_noop("More options for '%(title)s'"),
    gettext_noop("Toggle breadcrumbs"),
    gettext_noop("Toggle checks"),
    ngettext_lazy(
        '%(total)s Page <span class="w-sr-only">created in %(site_name)s</span>',
        '%(total)s Pages <span class="w-sr-only">created in %(site_name)s</span>',
        "total",
    ),
    ngettext_lazy(
        '%(total)s Image <span class="w-sr-only">created in %(site_name)s</span>',
        '%(total)s Images <span class="w-sr-only">created in %(site_name)s</span>',
        "total",
    ),
    ngettext_lazy(
        '%(total)s Document <span class="w-sr-only">created in %(site_name)s</span>',
        '%(total)s Documents <span class="w-sr-only">created in %(site_name)s</span>',
        "total",
    ),
    # Wagtail's promote tab and its accessibility/content checker
    gettext_noop("Promote"),
    gettext_noop("slug"),
    gettext_noop(
        "The name of the page as it will appear in URLs e.g http://domain.com/blog/[my-slug]/"
    ),
    gettext_noop("title tag"),
    gettext_noop(
        "The name of the page displayed on search engine results as the clickable headline."
    ),
    gettext_noop("meta description"),
    gettext_noop("The descriptive text displayed underneath a headline in search engine results."),
    gettext_noop("Button text is empty"),
    gettext_noop("Empty heading found"),
    gettext_noop("Table header text is empty"),
    gettext_noop("Empty frame title found"),
    gettext_noop("Incorrect heading hierarchy"),
    gettext_noop("Input button text is empty"),
    gettext_noop("Link text is empty"),
    gettext_noop("Misusing paragraphs as headings"),
    gettext_noop("Image alt text has inappropriate pattern"),
    gettext_noop("Meta description is empty"),
    gettext_noop("Use meaningful text for screen reader users"),
    gettext_noop("Use a meaningful title for screen reader users"),
    gettext_noop("Avoid skipping levels"),
    gettext_noop("Use proper heading tags"),
    gettext_noop("Use meaningful text"),
    gettext_noop("Add a concise description for search engines"),
)
