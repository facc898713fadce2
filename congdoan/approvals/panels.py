"""Home-page panel: plans waiting for this committee member's vote ("Chờ bạn biểu quyết")."""
from ..home.panels import Panel, provider
from . import services


@provider
def waiting_votes(user):
    if not user.is_committee_member:
        return None
    return Panel("approvals/_home_panel.html", {"items": services.waiting_for(user)}, order=10)
