"""Helpers for the wizard's HTTP tests (walking the journey like a browser)."""
