"""The platform's roles, each a Django group created by a migration.

The permissions of each role are granted by migrations too (agencies/0002
and the migrations of later apps), so a deployment's history records them.

Group names are what administrators see in the Wagtail admin, in Traditional Chinese only
(agencies/0006 renamed the bilingual ones); code refers to roles through :class:`Role` only,
never through the names.
"""

import enum

from django.utils.translation import gettext_lazy as _


class Role(enum.Enum):
    CITIZEN = "公民"
    AGENCY_STAFF = "機關人員"
    MODERATOR = "審核員"
    ANALYST = "分析師"
    ADMINISTRATOR = "管理員"

    @property
    def group_name(self) -> str:
        return self.value

    @property
    def label(self) -> str:
        """The role's name for people, in their language (the group name is Chinese only)."""
        return _ROLE_LABELS[self]


_ROLE_LABELS = {
    Role.CITIZEN: _("Citizen"),
    Role.AGENCY_STAFF: _("Agency staff"),
    Role.MODERATOR: _("Moderator"),
    Role.ANALYST: _("Analyst"),
    Role.ADMINISTRATOR: _("Administrator"),
}


def agency_group_name(agency_name_zh: str) -> str:
    """The name of the group that carries one agency's page and collection permissions: the
    agency's Chinese name (「交通部 人員」), as the admin's group list and user form show it.
    Code finds the group through ``Agency.staff_group``, never by this name."""
    return f"{agency_name_zh} 人員"
