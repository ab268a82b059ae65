"""The build: records -> database, search index and export files, published atomically."""
