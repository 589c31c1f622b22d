from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("disclosures", "0003_publication_rules")]

    operations = []
