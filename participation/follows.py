"""Following consultations and petitions, and the notices only followers get.

The notifications themselves (storing, e-mail, digest, unsubscribe) are the platform's
(:mod:`minyi.notifications`); this module keeps what is participation's own: the ``Follow``
rows, the "closing in three days" notice, and the follows shown on 「我的追蹤」.
"""

from collections import defaultdict
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minyi.accounts.models import User
from minyi.notifications.follows import FollowedItem
from minyi.notifications.services import notifications_send

from . import notification_kinds
from .models import ConsultationPage, ConsultationStatus, Follow, Petition, consultation_status_q

CLOSING_NOTICE_DAYS = 3


def follow_add(
    *, user: User, consultation: ConsultationPage | None = None, petition: Petition | None = None
) -> Follow:
    """Follow a consultation or a petition; following twice is not an error."""
    if not user.is_authenticated:
        raise ValidationError(_("Sign in to follow."))
    if (consultation is None) == (petition is None):
        raise ValueError("follow exactly one consultation or petition")
    target = {"consultation": consultation} if consultation else {"petition": petition}
    existing = Follow.objects.filter(user=user, **target).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return Follow.objects.create(user=user, **target)
    except IntegrityError:  # a concurrent request followed first
        return Follow.objects.get(user=user, **target)


def follow_remove(
    *, user: User, consultation: ConsultationPage | None = None, petition: Petition | None = None
) -> None:
    target = {"consultation": consultation} if consultation else {"petition": petition}
    Follow.objects.filter(user=user, **target).delete()


def consultation_followers(consultation: ConsultationPage):
    return User.objects.filter(follows__consultation=consultation, is_active=True).distinct()


def petition_followers(petition: Petition):
    return User.objects.filter(follows__petition=petition, is_active=True).distinct()


def participation_followed_items(user) -> list[FollowedItem]:
    """The user's consultations and petitions for 「我的追蹤」 (registered in ``apps.py``)."""
    from .selectors import follows_of

    items = []
    for follow in follows_of(user):
        if follow.consultation:
            target, kind = follow.consultation, "consultation"
            url, label = target.url or "", gettext_lazy("Consultation")
        else:
            target, kind = follow.petition, "petition"
            url, label = target.get_absolute_url(), gettext_lazy("Petition")
        items.append(
            FollowedItem(
                title=target.title,
                url=url,
                kind_label=label,
                since=follow.created_at,
                unfollow_url=reverse("participation:follow", args=[kind, target.pk]),
                unfollow_fields={"follow": "0"},
            )
        )
    return items


def consultations_closing_notify(*, now=None) -> int:
    """Tell followers of consultations that close within three days, once per follow."""
    now = now or timezone.now()
    soon = now + timedelta(days=CLOSING_NOTICE_DAYS)
    follows = (
        Follow.objects.filter(
            consultation_status_q(ConsultationStatus.OPEN, moment=now, prefix="consultation__"),
            consultation__isnull=False,
            closing_notified_at__isnull=True,
            consultation__live=True,
            consultation__closes_at__lte=soon,
        )
        .select_related("consultation", "user")
        .order_by("consultation_id")
    )
    by_consultation: dict[int, list[Follow]] = defaultdict(list)
    for follow in follows:
        by_consultation[follow.consultation_id].append(follow)
    told = 0
    for group in by_consultation.values():
        consultation = group[0].consultation.specific
        if consultation.status_at(now) != ConsultationStatus.OPEN:
            continue
        closes = timezone.localtime(consultation.closes_at)
        title = _("“%(title)s” closes for comment on %(date)s") % {
            "title": consultation.title,
            "date": f"{closes.year - 1911}年{closes.month}月{closes.day}日 {closes:%H:%M}",
        }
        with transaction.atomic():
            told += notifications_send(
                users=[follow.user for follow in group],
                kind=notification_kinds.CLOSING_SOON,
                title=title,
                url=consultation.url or "",
                email_text=title + "。" + _("There is still time to comment and vote."),
            )
            Follow.objects.filter(pk__in=[follow.pk for follow in group]).update(
                closing_notified_at=now
            )
    return told
