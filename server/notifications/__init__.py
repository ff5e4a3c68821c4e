"""One module per notification the server handles; ``features.py`` registers them."""
