"""Home-page panel: the drafts this committee member was named co-editor of ("Dự thảo bạn cùng soạn")."""
from ..home.panels import Panel, provider
from .coeditors import drafts_coedited_by


@provider
def coedited_drafts(user):
    if not user.is_committee_member:
        return None
    plans = drafts_coedited_by(user)
    if not plans:
        return None
    return Panel("plans/_home_coedited.html", {"plans": plans}, order=15)
