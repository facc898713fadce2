"""Tasks (issue 6): schedule activities of an approved plan handed to the union groups (or the
committee), their status kept by the group leaders with notes and evidence, and tracked by the
committee (progress, boards, overdue list, calendar, reminders).

    models.py     Task, TaskEvent; statuses and their labels; can_view / can_update
    rules.py      pure rules: the end of a schedule period ("6, 7/2024" -> 31/07/2024), overdue
    workflow.py   the one table of status transitions and the one writer of tasks.status
    counts.py     the counts per plan, per assignee and for the union, kept up to date at write time
    services.py   assigning from a plan, notes and evidence, the queries behind every page
    charts.py     server-drawn SVG bar charts (geometry only; the templates draw)
    reminders.py  `flask tasks remind`
    routes.py     the pages (thin: load, check, call a service, commit once, respond)
    panels.py     the home-page panel
"""
