"""The library part: the `library_books` asset (folder scan + Audiobookshelf) in `assets.py`,
its check in `checks.py`, and the resources that say where the library is in `resources.py`."""
