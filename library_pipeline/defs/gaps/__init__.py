"""The gaps part: the `gap_catalogue` asset and the `series_gaps` / `author_gaps` assets
(`assets.py`), their checks (`checks.py`: no missing book is owned; every series and author
could be checked), and the `gap_policy` resource with the finder's settings (`resources.py`)."""
