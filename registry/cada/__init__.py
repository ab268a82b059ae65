"""Access to documents: deadlines, letters and their outputs."""
