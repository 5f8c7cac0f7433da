"""Columns of the Wagtail admin's lists that several apps share.

Dates in the admin's lists read as on the public pages: 民國 in Chinese (「115年12月6日」), not
Django's Gregorian 「2026年12月6日」 beside a 「105年第4季」 on the same row.
"""

import datetime as dt

from django.db import models
from wagtail.admin.ui.tables import Column

from minyi.home.dates import format_reader_date


class MinguoDateColumn(Column):
    """A date or time field in the reader's calendar; "—" when there is none."""

    def __init__(self, name: str, *, with_time: bool = False, **kwargs):
        self.with_time = with_time
        super().__init__(name, **kwargs)

    def get_value(self, instance):
        value = super().get_value(instance)
        if not isinstance(value, dt.date):
            return "—"
        return format_reader_date(value, with_time=self.with_time)


def minguo_date_column(
    model: type[models.Model], field: str, *, with_time: bool = False
) -> MinguoDateColumn:
    """The column of ``model.field``, labelled and sorted as Wagtail would label and sort it."""
    return MinguoDateColumn(
        field,
        label=model._meta.get_field(field).verbose_name,
        sort_key=field,
        with_time=with_time,
    )
