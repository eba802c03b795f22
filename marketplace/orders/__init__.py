"""Carts, orders and per-trainee vendor orders, fulfilment (shipping or booth pickup)."""
