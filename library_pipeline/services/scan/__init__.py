"""The library scan, by stage (see `service.py` for the whole story).

`walk` lists the roots and groups files into books (its helper processes import only it: keep
this package's `__init__` free of imports), `books` holds a walked book and the "file unchanged"
test, `reading` reads tags (in worker processes for big reads), `scanner` compares, reads and
reconciles, `writes` stores books and files, `issues` keeps `scan_issues`, `audiobookshelf`
merges a server's items, and `service` is the entry point the `library_books` asset calls.
"""
