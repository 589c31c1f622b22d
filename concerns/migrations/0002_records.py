from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("concerns", "0001_initial"), ("disclosures", "0007_concern_records")]

    operations = []
