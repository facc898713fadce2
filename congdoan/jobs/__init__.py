"""Work done outside the web request: a transactional outbox in the app's own database.

A job row is written in the same transaction as what causes it (the signing that needs a PDF, the
notification that needs a mail): it exists exactly when that transaction commits. `flask --app wsgi
worker` claims due jobs, runs each kind's handler and retries failures with exponential backoff;
a job that fails for good is kept as failed, the administrators are told, and it can be queued
again (`flask --app wsgi jobs retry`, or the page /quan-tri/cong-viec-nen). docs/background-work.md
explains the choice and how to run the worker.
"""
