"""The home page: what concerns the person signed in."""
