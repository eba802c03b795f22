"""Factory fixtures for the catalogue domain."""
