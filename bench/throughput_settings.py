"""Settings of `bench/throughput.py`: the portal's own, with a bench URLconf that adds the bare view."""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.throughput_urls"
