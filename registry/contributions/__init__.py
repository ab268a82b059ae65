"""What the public submits: the moderated queue and its decisions."""
