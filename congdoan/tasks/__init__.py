"""Tasks (issue 6): schedule activities of an approved plan handed to the union groups (or the
committee), their status kept by the group leaders with notes and evidence, and tracked by the
committee (progress, boards, overdue list, calendar, reminders).

    models.py     Task, TaskEvent; statuses and their labels; can_view / can_update
    rules.py      pure rules: the end of a schedule period ("6, 7/2024" -> 31/07/2024), overdue
    workflow.py   the one table of status transitions and the one writer of tasks.status
    counts.py     the counts per plan, per assignee and for the union, kept up to date at write time
    people.py     the active groups, the holders of a role, an assignee's name
    operations.py handing out a plan's schedule; status changes, notes and evidence (writes)
    corrections.py  correcting or withdrawing a task already handed out
    queries.py    one task, the filtered lists, the tracking aggregates (reads)
    calendar.py   the month calendar of tasks
    charts.py     server-drawn SVG bar charts (geometry only; the templates draw)
    reminders.py  `flask tasks remind`
    routes.py     the blueprint and the lists (thin: load, check, call a service, commit once, respond);
                  task_routes.py, tracking_routes.py, assign_routes.py, correction_routes.py: the other pages
    panels.py     the home-page panel ("Việc của tổ tôi")
"""
