"""Links to pages, for notifications written by services (which may run from the CLI or a test,
outside any request)."""
from flask import current_app, has_request_context, url_for


def link(endpoint: str, **values) -> str:
    """The path of a page, e.g. link("plans.detail", plan_id=3) -> "/ke-hoach/3"."""
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context(base_url=current_app.config.get("BASE_URL") or "http://localhost"):
        return url_for(endpoint, **values)
