"""Our Traditional Chinese for the task queue's admin (django-tasks and django-tasks-db ship no
zh_Hant catalogue): what an administrator reads on the queue Wagtail links to. Naming the
messages here keeps ``makemessages`` from dropping them (see minyi.accounts.wording)."""

from django.utils.translation import gettext_noop, pgettext_lazy

TRANSLATED = (
    gettext_noop("Task Result"),
    gettext_noop("Task Results"),
    gettext_noop("status"),
    gettext_noop("enqueued at"),
    gettext_noop("started at"),
    gettext_noop("finished at"),
    gettext_noop("args kwargs"),
    gettext_noop("priority"),
    gettext_noop("task path"),
    gettext_noop("worker id"),
    gettext_noop("queue name"),
    gettext_noop("backend name"),
    gettext_noop("run after"),
    gettext_noop("return value"),
    gettext_noop("exception class path"),
    gettext_noop("traceback"),
    gettext_noop("Task queue"),
    pgettext_lazy("Task", "Ready"),
    pgettext_lazy("Task", "Running"),
    pgettext_lazy("Task", "Failed"),
    pgettext_lazy("Task", "Successful"),
)
