"""Notices to people: one service, `notify(recipient, event, context)`, that every domain calls
in its transaction; after the commit each notice is written to the recipient's in-app feed
(the bell) and sent by mail and SMS as the recipient chose per kind of event, in their
language. It sits above accounts (it reads users) and below catalogue, so every domain that
sells, books or pays may call it.
"""
