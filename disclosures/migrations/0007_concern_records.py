from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("disclosures", "0006_records_pipeline"), ("concerns", "0001_initial")]

    operations = []
