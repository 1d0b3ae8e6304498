"""Downloads in Dagster: the `download_requests` asset turns wanted books into torrents.

- `assets.py`: `download_requests` — for the pending `missing_books` rows (series gaps, author
  gaps, wanted top-10 books), searches Prowlarr, a Torznab feed and MAM, scores the releases,
  and adds the best acceptable one to qBittorrent with the category and tags the completion
  sensor watches (`library-pipeline` + `lp-missing-<id>`). Dry run (setting or run config) only
  records the choices (status `chosen`). Metadata: counts, a table of every book's outcome with
  the chosen release and its score, the rejected releases with reasons, provider health.
- `resources.py`: `qbittorrent`, `prowlarr`, `torznab` and the `download_policy`; MAM search
  uses the `mam` resource of the MAM part.
- `review.py`: `download_review` (the choices waiting for approval, with why and the
  runners-up), `approved_downloads` (one partition per waiting book: Materialize = approve;
  the grab uses exactly the approved release) and `approve_downloads_above_score_job`.
- `decisions.py`: `book_decision_job` (not wanted, owned elsewhere, wrong release),
  `undo_book_decision_job` and `book_decisions`, the page listing every decision.
Mode (setting `download_mode`, or run config): `approve` (default) records choices as
`awaiting_approval`; `auto` grabs within the limits; `dry_run` records them as `chosen`.
"""
