"""Booths: venues and booth maps, markets and market days, applications, fair allocation,
assignments, fees and subsidies, and check-in on the day."""
