"""A back-office writer that is not Java: opens the database, publishes one post, commits, exits.

Usage: python3 write_post.py DATABASE BODY
"""
import sqlite3
import sys

database, body = sys.argv[1], sys.argv[2]
connection = sqlite3.connect(database, timeout=10)
try:
    with connection:  # one transaction, committed on leaving the block
        connection.execute("INSERT INTO posts(body, public) VALUES (?, 1)", (body,))
finally:
    connection.close()
