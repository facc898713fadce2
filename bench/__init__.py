"""`make bench`: a large union in a fresh database, served by gunicorn, measured with wrk."""
