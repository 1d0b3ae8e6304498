"""The enrichment part: the `enriched_metadata` asset and its provider-health check
(`assets.py`), the jobs that correct one book and revert a run (`jobs.py`), and the
`metadata_providers` resource, also used by the gap catalogue and the importer
(`resources.py`)."""

from library_pipeline.defs.enrichment.resources import MetadataProvidersResource

__all__ = ["MetadataProvidersResource"]
