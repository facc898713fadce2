"""Signing in and out, passwords, lock-out after repeated failures."""
