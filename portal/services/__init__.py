"""The domain: plain functions over a Session. No request, session cookie or template here."""
