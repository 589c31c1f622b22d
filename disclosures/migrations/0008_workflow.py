from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("disclosures", "0007_concern_records")]

    operations = []
