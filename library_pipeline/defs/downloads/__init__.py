"""Downloads in Dagster: the `download_requests` asset turns wanted books into torrents.

- `assets.py`: `download_requests` — for the pending `missing_books` rows (series gaps, author
  gaps, wanted top-10 books), searches Prowlarr, a Torznab feed and MAM, scores the releases,
  and adds the best acceptable one to qBittorrent with the category and tags the completion
  sensor watches (`library-pipeline` + `lp-missing-<id>`). Dry run (setting or run config) only
  records the choices (status `chosen`). Metadata: counts, a table of every book's outcome with
  the chosen release and its score, the rejected releases with reasons, provider health.
- `resources.py`: `qbittorrent`, `prowlarr`, `torznab` and the `download_policy`; MAM search
  uses the `mam` resource of the MAM part.
"""
