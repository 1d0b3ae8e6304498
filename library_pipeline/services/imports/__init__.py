"""Import finished downloads into the library, by stage:

- `placement`: one book's files hardlinked or copied into the library, atomically, confined
  (`place_book`); `staging`: the staging folder and the sweep of crash debris; `fs`: helpers;
- `records`: the `downloads` / `missing_books` rows of a torrent (pure matching of hand-added
  torrents is `domain.import_matching`);
- `audiobookshelf_scan`: the scan request and the pending-scan marker retried next run;
- `rescan`: the new folders rescanned into `books`;
- `run`: `import_completed_downloads`, the service the `imported_books` asset calls, taking
  `ImportOptions` and ready-built clients and returning an `ImportResult`.
"""

from library_pipeline.services.imports.audiobookshelf_scan import (
    PENDING_SCAN_KEY,
    read_pending_scan,
    request_audiobookshelf_scan,
)
from library_pipeline.services.imports.options import (
    CorrectFn,
    ImportOptions,
    ImportResult,
    RescanFn,
)
from library_pipeline.services.imports.placement import (
    Placement,
    PlacementError,
    place_book,
    source_path,
    target_folder,
)
from library_pipeline.services.imports.records import naming_for
from library_pipeline.services.imports.rescan import rescan_library_folders
from library_pipeline.services.imports.run import (
    import_and_correct_authors,
    import_and_correct_series,
    import_completed_downloads,
)
from library_pipeline.services.imports.staging import (
    STAGING_DIR,
    STALE_STAGING_SECONDS,
    clean_staging,
)

__all__ = [
    "PENDING_SCAN_KEY",
    "STAGING_DIR",
    "STALE_STAGING_SECONDS",
    "CorrectFn",
    "ImportOptions",
    "ImportResult",
    "Placement",
    "PlacementError",
    "RescanFn",
    "clean_staging",
    "import_and_correct_authors",
    "import_and_correct_series",
    "import_completed_downloads",
    "naming_for",
    "place_book",
    "read_pending_scan",
    "request_audiobookshelf_scan",
    "rescan_library_folders",
    "source_path",
    "target_folder",
]
