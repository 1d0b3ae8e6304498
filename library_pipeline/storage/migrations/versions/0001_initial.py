"""Initial schema: books, files, scan issues, corrections, catalogue, gaps, downloads, top-10,
crawler pages, app state.

Hand-written: Alembic's autogenerate does not work on duckdb-engine. JSON columns are TEXT
(see `JSONText` in models.py). Integer keys draw from explicit sequences for DuckDB.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.schema import CreateSequence, DropSequence

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TABLES = [
    "books",
    "book_files",
    "scan_issues",
    "metadata_corrections",
    "catalogue_entries",
    "missing_books",
    "downloads",
    "top10_entries",
    "crawl_pages",
    "book_decisions",
]


def _id(table: str) -> sa.Column:
    return sa.Column(
        "id", sa.Integer, sa.Sequence(f"{table}_id_seq"), primary_key=True, nullable=False
    )


def _now(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime, nullable=nullable)


def upgrade() -> None:
    for table in TABLES:
        op.execute(CreateSequence(sa.Sequence(f"{table}_id_seq")))

    op.create_table(
        "books",
        _id("books"),
        sa.Column("path", sa.String, nullable=False, unique=True),
        sa.Column("library_root", sa.String),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("abs_item_id", sa.String),
        sa.Column("title", sa.String),
        sa.Column("subtitle", sa.String),
        sa.Column("authors", sa.Text, nullable=False),
        sa.Column("narrators", sa.Text, nullable=False),
        sa.Column("series", sa.String),
        sa.Column("series_position", sa.String(32)),
        sa.Column("language", sa.String(16)),
        sa.Column("publisher", sa.String),
        sa.Column("published_date", sa.String(32)),
        sa.Column("description", sa.Text),
        sa.Column("isbn", sa.String(32)),
        sa.Column("asin", sa.String(32)),
        sa.Column("genres", sa.Text, nullable=False),
        sa.Column("duration_seconds", sa.Double),
        sa.Column("bitrate", sa.Integer),
        sa.Column("codec", sa.String(32)),
        sa.Column("cover", sa.String),
        sa.Column("metadata_source", sa.Text, nullable=False),
        sa.Column("metadata_alternatives", sa.Text),
        sa.Column("unabridged", sa.Boolean),
        sa.Column("dramatized", sa.Boolean),
        sa.Column("metadata_completeness_percent", sa.Double, nullable=False),
        sa.Column("locked_fields", sa.Text, nullable=False),
        sa.Column("fingerprint", sa.String(64)),
        sa.Column("status", sa.String(16), nullable=False),
        _now("last_enriched_at", nullable=True),
        sa.Column("enrichment_error", sa.Text),
        _now("created_at"),
        _now("updated_at"),
        _now("removed_at", nullable=True),
        sa.Column("text_repairs", sa.Text),
    )
    # DuckDB runs an UPDATE of an indexed column as delete + insert, and its foreign-key check
    # then rejects it while book_files/metadata_corrections rows reference the book ("still
    # referenced by a foreign key"): setting a book's ASIN would fail. A scan of 10k rows is
    # instant there, so only PostgreSQL gets these lookup indexes.
    if op.get_bind().dialect.name != "duckdb":
        op.create_index("ix_books_abs_item_id", "books", ["abs_item_id"])
        op.create_index("ix_books_isbn", "books", ["isbn"])
        op.create_index("ix_books_asin", "books", ["asin"])

    op.create_table(
        "book_files",
        _id("book_files"),
        sa.Column("book_id", sa.Integer, sa.ForeignKey("books.id"), nullable=False),
        sa.Column("path", sa.String, nullable=False, unique=True),
        sa.Column("size_bytes", sa.BigInteger, nullable=False),
        sa.Column("mtime_ns", sa.BigInteger, nullable=False),
        sa.Column("track_index", sa.Integer, nullable=False),
        sa.Column("format", sa.String(16)),
        sa.Column("codec", sa.String(32)),
        sa.Column("duration_seconds", sa.Double),
        sa.Column("bitrate", sa.Integer),
        sa.Column("tags", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        _now("updated_at"),
    )
    op.create_index("ix_book_files_book_id", "book_files", ["book_id"])

    op.create_table(
        "scan_issues",
        _id("scan_issues"),
        sa.Column("path", sa.String, nullable=False, unique=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("fingerprint", sa.String(64)),
        _now("first_seen"),
        _now("last_seen"),
        _now("resolved_at", nullable=True),
    )

    op.create_table(
        "metadata_corrections",
        _id("metadata_corrections"),
        sa.Column("book_id", sa.Integer, sa.ForeignKey("books.id"), nullable=False),
        sa.Column("field", sa.String(64), nullable=False),
        sa.Column("old_value", sa.Text),
        sa.Column("new_value", sa.Text),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("old_source", sa.String(32)),
        sa.Column("run_id", sa.String(64)),
        _now("created_at"),
        _now("reverted_at", nullable=True),
    )
    op.create_index("ix_metadata_corrections_book_id", "metadata_corrections", ["book_id"])
    op.create_index("ix_metadata_corrections_run_id", "metadata_corrections", ["run_id"])

    op.create_table(
        "catalogue_entries",
        _id("catalogue_entries"),
        sa.Column("provider", sa.String(32), nullable=False),
        sa.Column("provider_id", sa.String, nullable=False),
        sa.Column("query_kind", sa.String(16), nullable=False),
        sa.Column("query_value", sa.String, nullable=False),
        sa.Column("title", sa.String, nullable=False),
        sa.Column("subtitle", sa.String),
        sa.Column("authors", sa.Text, nullable=False),
        sa.Column("language", sa.String(16)),
        sa.Column("published_year", sa.Integer),
        sa.Column("series", sa.String),
        sa.Column("series_position", sa.String(32)),
        sa.Column("asin", sa.String(32)),
        sa.Column("isbn", sa.String(32)),
        sa.Column("runtime_minutes", sa.Double),
        _now("fetched_at"),
        sa.Column("text_repairs", sa.Text),
        sa.UniqueConstraint("provider", "provider_id"),
    )
    op.create_index("ix_catalogue_entries_query_value", "catalogue_entries", ["query_value"])

    op.create_table(
        "missing_books",
        _id("missing_books"),
        sa.Column("match_key", sa.String, nullable=False, unique=True),
        sa.Column("title", sa.String, nullable=False),
        sa.Column("authors", sa.Text, nullable=False),
        sa.Column("series", sa.String),
        sa.Column("series_position", sa.String(32)),
        sa.Column("series_numbering", sa.String(32)),
        sa.Column("language", sa.String(16)),
        sa.Column("published_year", sa.Integer),
        sa.Column("asin", sa.String(32)),
        sa.Column("isbn", sa.String(32)),
        sa.Column("reasons", sa.Text, nullable=False),
        sa.Column("priority", sa.Integer, nullable=False),
        sa.Column("evidence", sa.Text),
        sa.Column("catalogue_ids", sa.Text, nullable=False),
        sa.Column("runtime_minutes", sa.Double),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("discovery_source", sa.String(32), nullable=False),
        _now("first_seen"),
        _now("last_seen"),
        _now("closed_at", nullable=True),
        sa.Column("text_repairs", sa.Text),
    )
    # Same DuckDB limitation as the books indexes: with this index, setting a wanted book's
    # status ("queued", "imported") fails while a `downloads` row references it.
    if op.get_bind().dialect.name != "duckdb":
        op.create_index("ix_missing_books_status", "missing_books", ["status"])

    op.create_table(
        "downloads",
        _id("downloads"),
        sa.Column("missing_book_id", sa.Integer, sa.ForeignKey("missing_books.id")),
        sa.Column("release_title", sa.String, nullable=False),
        sa.Column("indexer", sa.String),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("score", sa.Double),
        sa.Column("score_details", sa.Text, nullable=False),
        sa.Column("link", sa.Text),
        sa.Column("infohash", sa.String(64), unique=True),
        sa.Column("size_bytes", sa.BigInteger),
        sa.Column("category", sa.String),
        sa.Column("guid", sa.Text),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("save_path", sa.String),
        sa.Column("imported_path", sa.String),
        _now("created_at"),
        _now("updated_at"),
        _now("queued_at", nullable=True),
        _now("completed_at", nullable=True),
        _now("imported_at", nullable=True),
        sa.Column("approved_by", sa.String),
        _now("approved_at", nullable=True),
        sa.Column("text_repairs", sa.Text),
    )
    op.create_index("ix_downloads_missing_book_id", "downloads", ["missing_book_id"])
    op.create_index("ix_downloads_status", "downloads", ["status"])

    op.create_table(
        "top10_entries",
        _id("top10_entries"),
        sa.Column("genre", sa.String, nullable=False),
        sa.Column("genre_id", sa.Integer),
        sa.Column("period", sa.String(8), nullable=False),
        sa.Column("captured_on", sa.Date, nullable=False),
        sa.Column("rank", sa.Integer, nullable=False),
        sa.Column("title", sa.String, nullable=False),
        sa.Column("authors", sa.Text, nullable=False),
        sa.Column("narrators", sa.Text, nullable=False),
        sa.Column("series", sa.String),
        sa.Column("series_position", sa.String(32)),
        sa.Column("torrent_id", sa.String(32), nullable=False),
        sa.Column("asin", sa.String(32)),
        sa.Column("download_link", sa.Text),
        sa.Column("size_bytes", sa.BigInteger),
        sa.Column("seeders", sa.Integer),
        sa.Column("snatched", sa.Integer),
        sa.Column("freeleech", sa.Boolean, nullable=False),
        _now("created_at"),
        sa.Column("text_repairs", sa.Text),
        sa.UniqueConstraint("genre", "period", "captured_on", "rank"),
    )

    op.create_table(
        "crawl_pages",
        _id("crawl_pages"),
        sa.Column("url", sa.String, nullable=False, unique=True),
        sa.Column("title", sa.String),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("output_path", sa.String),
        _now("fetched_at", nullable=True),
        _now("updated_at"),
    )

    op.create_table(
        "book_decisions",
        _id("book_decisions"),
        sa.Column("missing_book_id", sa.Integer, sa.ForeignKey("missing_books.id"), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("match_key", sa.String, nullable=False),
        sa.Column("title", sa.String, nullable=False),
        sa.Column("authors", sa.Text, nullable=False),
        sa.Column("series", sa.String),
        sa.Column("series_position", sa.String(32)),
        # No foreign key: DuckDB could then no longer update the download's indexed status.
        sa.Column("download_id", sa.Integer),
        sa.Column("release_title", sa.String),
        sa.Column("release_indexer", sa.String),
        sa.Column("release_guid", sa.Text),
        sa.Column("release_infohash", sa.String(64)),
        sa.Column("note", sa.Text),
        sa.Column("previous_status", sa.String(16)),
        sa.Column("decided_by", sa.String, nullable=False),
        _now("decided_at"),
        sa.Column("undone_by", sa.String),
        _now("undone_at", nullable=True),
    )
    op.create_index("ix_book_decisions_missing_book_id", "book_decisions", ["missing_book_id"])

    op.create_table(
        "app_state",
        sa.Column("key", sa.String, primary_key=True, nullable=False),
        sa.Column("value", sa.Text),
        _now("updated_at"),
    )


def downgrade() -> None:
    op.drop_table("app_state")
    for table in reversed(TABLES):
        op.drop_table(table)
        op.execute(DropSequence(sa.Sequence(f"{table}_id_seq")))
