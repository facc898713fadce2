"""One submission, one record: a form sent twice (a double tap, a resend on a slow phone) creates
what it creates once, and the second sending is shown the first one's result.

Every creating form carries a one-time token (the hidden field `submission_token`, rendered by the
`once()` macro of templates/_macros.html; a fresh one for every page that shows the form, the same one
when the form comes back with errors). The view is decorated with `@once_per_submission`: see
service.py for how the token is written in the same transaction as the record.
"""
