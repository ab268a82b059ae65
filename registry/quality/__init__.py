"""Keeping records true over time: worklists and link checks."""
