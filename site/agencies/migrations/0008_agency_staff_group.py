"""Who belongs to an agency was kept twice: in its staff group (what the admin's user form
ticks, what lets a person edit the agency's pages) and in AgencyMembership (what the agency's
work follows: answers due, reports, notices). A person ticked into the group only could edit
the pages but got none of the work. The services now write both together
(``user_agencies_set``); here the existing data is brought into step, taking the union.

The agency also points at its group now, so the group can be named after the agency's Chinese
name (「交通部 人員」, as the user form showed it) instead of its code (「機關 MOTC 人員」).
"""

import django.db.models.deletion
from django.db import migrations, models

ROLE_AGENCY_STAFF = "機關人員"


def _group_for(Group, agency):
    new_name = f"{agency.name_zh} 人員"
    group = (
        Group.objects.filter(name=f"機關 {agency.code} 人員").first()
        or Group.objects.filter(name=new_name).first()
        or Group.objects.create(name=new_name)
    )
    if group.name != new_name and not Group.objects.filter(name=new_name).exists():
        group.name = new_name
        group.save(update_fields=["name"])
    return group


def forwards(apps, schema_editor):
    Agency = apps.get_model("agencies", "Agency")
    AgencyMembership = apps.get_model("agencies", "AgencyMembership")
    Group = apps.get_model("auth", "Group")
    User = apps.get_model("accounts", "User")
    role, _ = Group.objects.get_or_create(name=ROLE_AGENCY_STAFF)
    for agency in Agency.objects.all():
        group = _group_for(Group, agency)
        agency.staff_group = group
        agency.save(update_fields=["staff_group"])
        members = set(
            AgencyMembership.objects.filter(agency=agency).values_list("user_id", flat=True)
        )
        in_group = set(User.objects.filter(groups=group).values_list("pk", flat=True))
        for user_id in in_group - members:
            AgencyMembership.objects.create(agency=agency, user_id=user_id)
        for user in User.objects.filter(pk__in=members - in_group):
            user.groups.add(group)
    for user in User.objects.filter(agency_memberships__isnull=False).distinct():
        user.groups.add(role)
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])


def backwards(apps, schema_editor):
    Agency = apps.get_model("agencies", "Agency")
    Group = apps.get_model("auth", "Group")
    for agency in Agency.objects.exclude(staff_group=None).select_related("staff_group"):
        old_name = f"機關 {agency.code} 人員"
        if not Group.objects.filter(name=old_name).exists():
            agency.staff_group.name = old_name
            agency.staff_group.save(update_fields=["name"])


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0007_wagtail_default_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AddField(
            model_name="agency",
            name="staff_group",
            field=models.OneToOneField(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="agency",
                to="auth.group",
                verbose_name="staff group",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
