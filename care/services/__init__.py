"""Writes of the care app, one module per concern. Each is atomic and writes its audit event."""
