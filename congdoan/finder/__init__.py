"""One search box across plans (their whole text), tasks, requests and people (issue 16, point 12).

`keys.py` turns text into the folded search text stored beside each plan, task and request (written by
the area's own writers, rebuilt by `flask --app wsgi search reindex`); `queries.py` finds, through each
area's own visibility rule, what the signed-in person may see; `highlight.py` marks the hits in the
original text; `routes.py` is the page /tim-kiem; `fts.py` is SQLite's FTS5 index that narrows the rows
read. See docs/search.md.
"""
