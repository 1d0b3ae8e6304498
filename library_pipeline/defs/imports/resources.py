"""The import's own settings as a typed resource."""

from typing import TYPE_CHECKING

import dagster as dg
from pydantic import Field

from library_pipeline.defs.resources import from_settings, settings

if TYPE_CHECKING:
    from library_pipeline.services.imports import ImportOptions


def default_library_root() -> str:
    """Where imports go by default: the import root, else the first library root, else none."""
    configured = settings()
    root = configured.import_root or (
        configured.library_roots[0] if configured.library_roots else None
    )
    return str(root) if root else ""


class ImportOptionsResource(dg.ConfigurableResource):
    """Where and how finished downloads are imported (empty `library_root`: nowhere)."""

    library_root: str = Field(default_factory=default_library_root)
    naming_template: str = from_settings("naming_template")
    hardlink: bool = from_settings("import_hardlink")
    max_runs_per_tick: int = from_settings("import_max_runs_per_tick")

    def options(self, *, category: str, abs_library_id: str = "") -> "ImportOptions":
        """The service's options; the qBittorrent category and Audiobookshelf library come from
        their own resources."""
        from pathlib import Path

        from library_pipeline.services.imports import ImportOptions

        return ImportOptions(
            library_root=Path(self.library_root) if self.library_root else None,
            naming_template=self.naming_template,
            category=category,
            hardlink=self.hardlink,
            abs_library_id=abs_library_id.strip(),
        )


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(resources={"import_options": ImportOptionsResource()})
