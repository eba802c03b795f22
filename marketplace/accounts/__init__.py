"""Users, roles, training centres, trainees, municipalities, staff and API tokens."""
