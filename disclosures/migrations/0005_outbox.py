from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("disclosures", "0004_log_checkpoints")]

    operations = []
