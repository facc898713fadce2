"""Backup and restore of a whole instance: `flask --app wsgi backup OUT`, `flask --app wsgi restore IN`.

What a union cannot re-create lives in two places: the database (every record, the audit chain, and
as bytes the signed Word documents and their PDFs, the uploaded Word templates, the signature and seal
images) and the upload folder (members' evidence and task attachments, named by `stored_files`).

- archive.py: the archive file (a .tar.gz with a manifest listing every member's SHA-256); written to
  a temporary name and renamed when complete; read back and checked before anything is written.
- database.py: a consistent snapshot of the database while the app keeps writing (SQLite's online
  backup API; pg_dump on an exported snapshot on PostgreSQL) and loading one into an empty instance.
- checks.py: what a restored instance must satisfy (counts, audit chain, stored hashes).
- service.py: the two operations, as the commands in congdoan/cli.py call them.
"""
