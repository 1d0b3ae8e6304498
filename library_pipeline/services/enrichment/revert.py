"""Undoing a run's corrections (`revert_run`)."""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from library_pipeline.domain.completeness import completeness_percent
from library_pipeline.domain.metadata_merge import MERGE_FIELDS, same_value
from library_pipeline.services.enrichment.results import (
    MAX_ROWS_KEPT,
    BookError,
    KeptField,
    RevertResult,
)
from library_pipeline.services.enrichment.writing import db_error
from library_pipeline.storage.models import Book, MetadataCorrection, utcnow

log = logging.getLogger(__name__)


def revert_run(session: Session, run_id: str) -> RevertResult:
    """Undo the corrections of run `run_id`, newest first, one book per transaction.

    A field is put back only if it still holds what the run wrote and is not locked now (a value
    changed since — by the user, a scan or a later run — is kept and reported as skipped).
    Its `metadata_source` entry is restored too and completeness recomputed.
    """
    corrections = session.scalars(
        select(MetadataCorrection)
        .where(MetadataCorrection.run_id == run_id, MetadataCorrection.reverted_at.is_(None))
        .order_by(MetadataCorrection.id.desc())
    ).all()
    by_book: dict[int, list[int]] = {}
    for correction in corrections:
        by_book.setdefault(correction.book_id, []).append(correction.id)
    session.commit()
    result = RevertResult(run_id)
    for book_id, ids in by_book.items():
        try:
            done, passed = _revert_book(session, book_id, ids)
            session.commit()
        except Exception as error:  # this book only: the others are reverted
            log.warning("revert: book %s failed", book_id, exc_info=True)
            session.rollback()
            result.errors.append(BookError(book_id, db_error(error)))
            continue
        result.corrections_reverted += done
        result.corrections_skipped += len(passed)
        result.books_reverted += 1 if done else 0
        result.skipped.extend(passed[: MAX_ROWS_KEPT - len(result.skipped)])
    return result


def _revert_book(
    session: Session, book_id: int, correction_ids: list[int]
) -> tuple[int, list[KeptField]]:
    book = session.get(Book, book_id)
    if book is None:
        return 0, [KeptField(book_id, "*", "book no longer exists")]
    now = utcnow()
    sources = dict(book.metadata_source or {})
    locked = set(book.locked_fields or [])
    done = 0
    passed: list[KeptField] = []
    for correction_id in correction_ids:
        correction = session.get(MetadataCorrection, correction_id)
        assert correction is not None
        name = correction.field
        current = getattr(book, name)
        if name in locked:
            passed.append(KeptField(book_id, name, "locked since"))
            continue
        if not (current == correction.new_value or same_value(name, current, correction.new_value)):
            passed.append(KeptField(book_id, name, "changed since the run"))
            continue
        setattr(book, name, correction.old_value)
        if correction.old_source:
            sources[name] = correction.old_source
        else:
            sources.pop(name, None)
        correction.reverted_at = now
        done += 1
    if done:
        book.metadata_source = sources
        values = {name: getattr(book, name) for name in MERGE_FIELDS}
        book.metadata_completeness_percent = completeness_percent(values)
    return done, passed
