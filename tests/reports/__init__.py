"""Tests of the reports domain (issue 19)."""
