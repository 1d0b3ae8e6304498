"""Whether MAM accepts the session cookie, and is the right kind of session for its API."""

# Clients are imported inside functions so run workers start fast: docs/conventions.md

import asyncio

import dagster as dg

from library_pipeline.defs.mam.assets import mam_genres
from library_pipeline.defs.mam.resources import MamResource
from library_pipeline.defs.resources import DB_POOL, LibraryDatabase


@dg.asset_check(
    asset=mam_genres,
    blocking=False,
    pool=DB_POOL,  # the rotated cookie and the last request time live in app_state
    description="MAM's user-data endpoint accepts the API session cookie (an API-type "
    "session, not a browser-type one); the failure says which session to create.",
)
def mam_session_accepted(mam: MamResource, library_db: LibraryDatabase) -> dg.AssetCheckResult:
    return asyncio.run(_session_check(mam, library_db))


async def _session_check(mam: MamResource, library_db: LibraryDatabase) -> dg.AssetCheckResult:
    from library_pipeline.clients.http import ProviderError

    if not mam.configured:
        return dg.AssetCheckResult(passed=True, metadata={"note": "no MAM cookie set: MAM is off"})
    async with mam.client(library_db.get_engine()) as client:
        try:
            user = await client.user_data()
        except ProviderError as error:
            return dg.AssetCheckResult(
                passed=False,
                severity=dg.AssetCheckSeverity.ERROR,
                description=str(error),
                metadata={"error": str(error), "provider": client.status()},
            )
        status = client.status()
    return dg.AssetCheckResult(
        passed=True,
        metadata={
            "class": user.classname or "",
            "unsatisfied": user.unsat.count,
            "unsatisfied_limit": user.unsat.limit if user.unsat.limit is not None else -1,
            "provider": status,
        },
    )
