"""The buyer's path from cart to paid order: orchestration of catalogue, orders and payments."""
