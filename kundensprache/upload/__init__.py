"""The upload web app: sales hand over call notes, CRM exports and emails in the browser.

``create_app`` builds the ASGI app, ``serve`` runs it with uvicorn, ``hash_password`` makes
the entries of ``[upload] users``.
"""

from kundensprache.upload.app import create_app
from kundensprache.upload.passwords import hash_password
from kundensprache.upload.server import serve

__all__ = ["create_app", "hash_password", "serve"]
