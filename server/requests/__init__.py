"""One module per request the server answers; ``features.py`` registers them."""
