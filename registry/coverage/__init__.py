"""Transparency figures: per record, per administration, over time, as charts."""
