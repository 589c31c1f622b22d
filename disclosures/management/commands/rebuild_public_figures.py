"""Recompute the summary rows of the public figures and the stored index columns of the requests (what
the public index sorts and filters on), and write missing search keys of declared sources.

New data is maintained as it is written (`services.summary`, `declare_sources`); run this once after
upgrading a database that already held requests, or to repair the figures.
"""

from django.core.management.base import BaseCommand

from disclosures.models import DeclaredSource, SourceSearch
from disclosures.search import search_keys
from disclosures.services.summary import rebuild_figures

BATCH = 2000


class Command(BaseCommand):
    help = (
        "Recompute the public figures' summary rows and the requests' index columns, and index declared "
        "sources that have no search keys."
    )

    def handle(self, *args, **options):
        counted = rebuild_figures()
        self.stdout.write(f"Counted {counted} issued requests and rewrote their index columns.")
        missing = (
            DeclaredSource.objects.filter(search__isnull=True)
            .select_related("version__request__developer")
            .order_by("pk")
        )
        written = 0
        batch: list[SourceSearch] = []
        for source in missing.iterator(chunk_size=BATCH):
            request = source.version.request
            names = (request.developer.name_ja, request.developer.name_en)
            batch.append(search_keys(source, developer_names=names, model_name=request.model_name))
            if len(batch) >= BATCH:
                SourceSearch.objects.bulk_create(batch)
                written, batch = written + len(batch), []
        SourceSearch.objects.bulk_create(batch)
        self.stdout.write(f"Indexed {written + len(batch)} declared sources.")
