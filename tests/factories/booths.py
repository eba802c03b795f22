"""Factory fixtures for the booths domain."""
