"""The 22 counties and cities, and who may edit programs.

Agency staff may add, change and delete programs and KPIs (the admin limits them to their own
agencies' programs); administrators may also manage reporting periods.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

COUNTIES = {
    "63000": ("臺北市", "Taipei City"),
    "65000": ("新北市", "New Taipei City"),
    "68000": ("桃園市", "Taoyuan City"),
    "66000": ("臺中市", "Taichung City"),
    "67000": ("臺南市", "Tainan City"),
    "64000": ("高雄市", "Kaohsiung City"),
    "10002": ("宜蘭縣", "Yilan County"),
    "10004": ("新竹縣", "Hsinchu County"),
    "10005": ("苗栗縣", "Miaoli County"),
    "10007": ("彰化縣", "Changhua County"),
    "10008": ("南投縣", "Nantou County"),
    "10009": ("雲林縣", "Yunlin County"),
    "10010": ("嘉義縣", "Chiayi County"),
    "10013": ("屏東縣", "Pingtung County"),
    "10014": ("臺東縣", "Taitung County"),
    "10015": ("花蓮縣", "Hualien County"),
    "10016": ("澎湖縣", "Penghu County"),
    "10017": ("基隆市", "Keelung City"),
    "10018": ("新竹市", "Hsinchu City"),
    "10020": ("嘉義市", "Chiayi City"),
    "09020": ("金門縣", "Kinmen County"),
    "09007": ("連江縣", "Lienchiang County"),
}

STAFF = [
    f"{action}_{model}"
    for model in ("program", "kpi")
    for action in ("add", "change", "delete", "view")
]
# Each role under its first (bilingual) name and the name agencies/0006 gave it: on a fresh
# database that rename may run before or after this migration.
ROLE_PERMISSIONS = {
    ("機關人員 Agency staff", "機關人員"): [*STAFF, "view_reportingperiod"],
    ("管理員 Administrator", "管理員"): [
        *STAFF,
        *(f"{action}_reportingperiod" for action in ("add", "change", "delete", "view")),
    ],
}


def forwards(apps, schema_editor):
    County = apps.get_model("performance", "County")
    for code, (name_zh, name_en) in COUNTIES.items():
        County.objects.update_or_create(
            code=code, defaults={"name_zh": name_zh, "name_en": name_en}
        )

    app_config = apps.get_app_config("performance")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for names, codenames in ROLE_PERMISSIONS.items():
        group = Group.objects.filter(name__in=names).first()
        if group is None:
            group = Group.objects.create(name=names[0])
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="performance", codename__in=codenames
            )
        )


def backwards(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    names = [name for pair in ROLE_PERMISSIONS for name in pair]
    for group in Group.objects.filter(name__in=names):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="performance"))


class Migration(migrations.Migration):
    dependencies = [
        ("performance", "0001_initial"),
        ("agencies", "0002_roles"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
