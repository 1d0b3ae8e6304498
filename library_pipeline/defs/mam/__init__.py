"""MyAnonamouse in Dagster: genres, per-genre top-10 lists, wanted top-10 books, guides crawler.

- `assets.py`: `mam_genres` (MAM's audiobook genres; keeps the dynamic partitions of
  `top10_lists` in step with them), `top10_lists` (one genre's top-10 of the period, stored per
  day so trends show), `top10_wanted_books` (the genre's top-10 books the user neither owns nor
  already wants become `missing_books` rows, for the genres the user opted into).
- `checks.py`: whether MAM accepts the session cookie (and is the right kind of session).
- `guides.py`: `mam_guides` (MAM's guides as Markdown, crawl4ai + Chromium) and its
  status/reset jobs.
- `automation.py`: the weekly genres refresh, then one top-10 run per genre; both skip, saying
  why, while no MAM cookie is set. `mam_genre_partitions_seed` gives a fresh install the
  genre partitions (MAM's published list) so "Materialize all" can start before MAM is asked.
- `resources.py`: the `mam` resource (cookies, pacing), used by the downloads part too.

Why dynamic partitions: the genre list is MAM's, not ours, and it changes; static partitions
would need a code change for every new or renamed category, and would keep dead genres
forever. `mam_genres` is the single place that changes the set once MAM has answered; MAM off or
failing never removes a partition nor the last good list (the seed sensor only fills an empty
set). Without a MAM cookie every MAM asset is green with `skipped` naming the setting; a
configured MAM that fails is a red top-10 run and a failing `mam_session_accepted` check.
"""
