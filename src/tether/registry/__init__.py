"""Edits to integrations.yaml that keep every byte the user wrote, comments included."""
