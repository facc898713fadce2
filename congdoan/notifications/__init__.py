"""In-app notifications (the bell) and e-mail when SMTP is configured."""
