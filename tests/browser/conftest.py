"""Browser fixtures (`browser`, `page`, `mobile`) live in tests/conftest.py: one Playwright
per test process, shared by every browser test of the suite."""
