"""The platform's roles, each a Django group created by a migration.

The permissions of each role are granted by migrations too (agencies/0002
and the migrations of later apps), so a deployment's history records them.

Group names are what administrators see in the Wagtail admin; code refers to
roles through :class:`Role` only, never through the names.
"""

import enum


class Role(enum.Enum):
    CITIZEN = "公民 Citizen"
    AGENCY_STAFF = "機關人員 Agency staff"
    MODERATOR = "審核員 Moderator"
    ANALYST = "分析師 Analyst"
    ADMINISTRATOR = "管理員 Administrator"

    @property
    def group_name(self) -> str:
        return self.value


def agency_group_name(agency_code: str) -> str:
    """The group that carries one agency's page and collection permissions."""
    return f"機關 {agency_code} Agency staff"
