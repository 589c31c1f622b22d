from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("disclosures", "0002_postgresql")]

    operations = []
