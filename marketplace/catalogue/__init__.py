"""Categories and attributes, products, images, stock and search."""
