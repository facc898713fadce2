"""Home-page panel: a group leader's open and overdue tasks ("Việc của tổ tôi"); the committee's own
tasks for committee members; the union's overdue total for the chair and vice chairs."""
from ..home.panels import Panel, provider
from . import services


@provider
def my_tasks(user):
    summary = services.home_summary(user)
    if summary is None:
        return None
    return Panel("tasks/_home_panel.html", summary, order=20)
