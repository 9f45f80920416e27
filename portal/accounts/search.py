"""Search conditions shared by the lists. Each is an index range, never a LIKE with a leading
wildcard, so that a search costs the same on a thousand rows as on a million."""

from sqlalchemy import and_, select

from portal.accounts.models import NameWord, name_words


def starts_with(column, prefix: str):
    # A range rather than LIKE, so that both SQLite and PostgreSQL use the column's index.
    return and_(column >= prefix, column < prefix + "\uffff")


def named(user_id, term: str) -> list:
    """Conditions on a column of user ids: every word of ``term`` starts a word of the person's
    name ("jo smi" finds Jordan Smith)."""
    words = name_words(term) or {term.lower()}
    return [user_id.in_(select(NameWord.user_id).where(starts_with(NameWord.word, word))) for word in sorted(words)]
