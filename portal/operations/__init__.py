"""What a platform operator watches: health endpoints, worker and queue status, the operator page."""
