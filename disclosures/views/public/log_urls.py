from django.urls import path, re_path

from disclosures.views.public import log

# C2SP tlog-tiles paths: a level 0 to 63, an index as x-prefixed 3-digit groups, an optional partial width.
INDEX = r"(?P<index>(?:x[0-9]{3}/)*[0-9]{3})(?:\.p/(?P<width>[1-9][0-9]?|1[0-9]{2}|2[0-4][0-9]|25[0-5]))?"

urlpatterns = [
    path("log/", log.key, name="log"),
    path("log/checkpoint", log.checkpoint, name="log_checkpoint"),
    re_path(rf"^log/tile/entries/{INDEX}$", log.entries, name="log_entries"),
    re_path(rf"^log/tile/(?P<level>[0-9]|[1-5][0-9]|6[0-3])/{INDEX}$", log.tile, name="log_tile"),
    path("log/head.json", log.head, name="log_head"),
    path("log/entries/<int:index>.json", log.entry, name="log_entry"),
    path("log/consistency/<int:first>/<int:second>.json", log.consistency, name="log_consistency"),
]
