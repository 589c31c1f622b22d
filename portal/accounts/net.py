def client_ip(request) -> str | None:
    """The client address as the WSGI server saw it; a trusted proxy is expected to set REMOTE_ADDR."""
    return request.META.get("REMOTE_ADDR") or None
