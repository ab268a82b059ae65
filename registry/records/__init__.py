"""Records: the field catalogue, reading, validation, writing, diffs and versions."""
