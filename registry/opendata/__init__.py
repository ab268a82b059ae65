"""Open data: exports, imports, JSON Schema, OpenAPI, feeds."""
