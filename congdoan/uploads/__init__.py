"""Stored files (evidence photos, PDFs): checked by content, kept outside static/, served only
through views that have checked who may see them. Shared by the requests and tasks areas."""
