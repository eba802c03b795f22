"""Factory fixtures for the orders domain."""
