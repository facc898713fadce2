"""Approval by the executive committee: rounds, votes, the decision rule, comments, reminders."""
