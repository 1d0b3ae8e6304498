"""The GraphQL documents the Hardcover client sends (`clients/hardcover.py`), as Hardcover's
guides write them; the stubs answer them in the shapes of
`library_pipeline_tests/contracts/hardcover/`."""

SEARCH_BOOKS = """
query SearchBooks($query: String!, $perPage: Int!) {
  search(query: $query, query_type: "Book", per_page: $perPage, page: 1) { results }
}
"""
SERIES_BOOKS = """
query GetBooksBySeries($name: String!) {
  series(where: {name: {_eq: $name}, books_count: {_gt: 0}, canonical_id: {_is_null: true}}) {
    id
    name
    slug
    author { name }
    books_count
    book_series(
      distinct_on: position
      order_by: [{position: asc}, {book: {users_count: desc}}]
      where: {
        book: {canonical_id: {_is_null: true}, compilation: {_eq: false}}
        compilation: {_eq: false}
        is_partial_book: {_eq: false}
      }
    ) {
      position
      details
      compilation
      is_partial_book
      book { id slug title release_year compilation }
    }
  }
}
"""
AUTHOR_BOOKS = """
query GetAuthorBooks($name: String!) {
  authors(where: {name: {_eq: $name}}) {
    id
    name
    slug
    books_count
    contributions(where: {contributable_type: {_eq: "Book"}}) {
      contribution
      book {
        id title slug release_year users_count compilation
        book_series { position details compilation is_partial_book series { id name } }
      }
    }
  }
}
"""
# Many books in one query: every book whose title is one of `titles` (Hasura `_in`), with its
# genres (`cached_tags`), the editions that carry ISBNs, and the audio edition's ASIN, runtime
# and narrators (its contributions).
BOOKS_BY_TITLES = """
query BooksByTitles($titles: [String!]!) {
  books(where: {title: {_in: $titles}, canonical_id: {_is_null: true}}) {
    id title subtitle release_date release_year description cached_tags
    image { url }
    contributions { contribution author { id name } }
    book_series(where: {compilation: {_eq: false}, is_partial_book: {_eq: false}}) {
      position details compilation is_partial_book featured series { id name slug }
    }
    editions {
      id isbn_10 isbn_13 asin edition_format reading_format_id audio_seconds release_date
      language { language }
      publisher { name }
      contributions { contribution author { id name } }
    }
  }
}
"""
