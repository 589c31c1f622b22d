from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("disclosures", "0008_workflow")]

    operations = []
