"""Notification and NotificationSettings move to minyi.notifications (issue 17).

Only the state leaves participation; the database keeps the tables and their rows and renames
them to the new app's default names (``notifications_*``), so that nothing in the schema still
says "participation" for a platform feature and no ``db_table`` override is needed. The new
app's 0001 takes the models over in its state (and depends on this migration).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("participation", "0009_notification_kind_reply"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name="notification", table="notifications_notification"),
                migrations.AlterModelTable(
                    name="notificationsettings", table="notifications_notificationsettings"
                ),
            ],
            state_operations=[
                migrations.DeleteModel(name="Notification"),
                migrations.DeleteModel(name="NotificationSettings"),
            ],
        ),
    ]
