"""The models moved from participation (its 0010 renamed their tables; rows are kept).

State only for the models: the tables exist already. Then two real changes: the index gets a
name of this app's own, and the content types (and so the permissions pointing at them) move
from ``participation`` to ``notifications`` instead of being left stale beside new ones.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MOVED = ("notification", "notificationsettings")


def content_types_move(apps, schema_editor, *, source: str, target: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if ContentType.objects.filter(app_label=target, model=model).exists():
            continue  # already created (by post_migrate of a run that lacked this step)
        ContentType.objects.filter(app_label=source, model=model).update(app_label=target)


def forwards(apps, schema_editor) -> None:
    content_types_move(apps, schema_editor, source="participation", target="notifications")


def backwards(apps, schema_editor) -> None:
    content_types_move(apps, schema_editor, source="notifications", target="participation")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("participation", "0010_notifications_move_to_platform"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("kind", models.CharField(max_length=30, verbose_name="kind")),
                        ("title", models.CharField(max_length=200, verbose_name="title")),
                        (
                            "url",
                            models.CharField(blank=True, max_length=500, verbose_name="link"),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(
                                default=django.utils.timezone.now, verbose_name="created at"
                            ),
                        ),
                        (
                            "read_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="read at"),
                        ),
                        (
                            "emailed_at",
                            models.DateTimeField(
                                blank=True, null=True, verbose_name="e-mailed at"
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notifications",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "notification",
                        "verbose_name_plural": "notifications",
                        "ordering": ["-created_at", "-pk"],
                        # The index as participation created it, renamed below.
                        "indexes": [
                            models.Index(
                                fields=["user", "read_at"], name="participati_user_id_1c30f4_idx"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="NotificationSettings",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "email_frequency",
                            models.CharField(
                                choices=[
                                    ("immediate", "Right away"),
                                    ("daily", "Once a day (digest)"),
                                    ("never", "No e-mail (on the site only)"),
                                ],
                                default="immediate",
                                max_length=10,
                                verbose_name="e-mail",
                            ),
                        ),
                        (
                            "user",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notification_settings",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "notification settings",
                        "verbose_name_plural": "notification settings",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RenameIndex(
            model_name="notification",
            new_name="notifications_user_unread",
            old_name="participati_user_id_1c30f4_idx",
        ),
        migrations.RunPython(forwards, backwards, elidable=True),
    ]
