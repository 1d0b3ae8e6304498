"""Runs one guides crawl in its own process (the kill-and-resume test kills it half-way).

python -m library_pipeline_tests.mam.crawl_child DB_URL BASE_URL OUT_DIR WORK_DIR MIN MAX
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from library_pipeline.services.guides_crawler import GuidesCrawlerConfig, crawl_mam_guides
from library_pipeline.storage.engine import make_engine, session_scope
from library_pipeline_tests.support.stubs.mam import MamStub


async def main(argv: list[str]) -> None:
    db_url, base_url, out_dir, work_dir, min_delay, max_delay = argv
    config = GuidesCrawlerConfig(
        base_url=base_url,
        cookie=MamStub.BROWSER_COOKIE,
        output_dir=Path(out_dir),
        work_dir=Path(work_dir),
        min_delay=float(min_delay),
        max_delay=float(max_delay),
    )
    engine = make_engine(db_url)
    with session_scope(engine) as session:
        result = await crawl_mam_guides(session, config)
    print(json.dumps(result.as_dict()), flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
