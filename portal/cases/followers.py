"""What follows a commit that changes cases. A feature that keeps something worked out from each case (its tasks
from the legal clocks, its days lost) registers a follower; every commit that touches a case, an item or anything
else the follower names brings that case's derived rows in line in the same transaction. No feature has to
remember to call them, and the case record imports none of them."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import event
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Follower:
    # Also the key in session.info that, set False, writes without this follower (a bulk load; the follower's own
    # command brings every case in line afterwards).
    name: str
    cases_of: Callable[[Session, object], Iterable[int]]  # the cases a changed object belongs to, if any
    refresh: Callable[[Session, set[int]], object]  # what it returns (a count, say) is not used here


_FOLLOWERS: dict[str, Follower] = {}
_PENDING = "cases.followers.pending"


def _collect(session: Session, _flush_context) -> None:
    pending: dict[str, set[int]] = session.info.setdefault(_PENDING, {})
    changed = (*session.new, *session.dirty, *session.deleted)
    for follower in _FOLLOWERS.values():
        if not session.info.get(follower.name, True):
            continue
        cases = pending.setdefault(follower.name, set())
        with session.no_autoflush:  # a follower may read which cases a person has; the flush is not over
            for thing in changed:
                cases.update(case_id for case_id in follower.cases_of(session, thing) if case_id is not None)


def _refresh(session: Session) -> None:
    session.flush()  # what is still unflushed is collected too
    pending = session.info.pop(_PENDING, None) or {}
    for name, case_ids in pending.items():
        if case_ids:
            _FOLLOWERS[name].refresh(session, case_ids)


def _forget(session: Session, *_args) -> None:
    session.info.pop(_PENDING, None)


def follow(follower: Follower) -> None:
    _FOLLOWERS[follower.name] = follower
    if not event.contains(Session, "after_flush", _collect):
        event.listen(Session, "after_flush", _collect)
        event.listen(Session, "before_commit", _refresh)
        event.listen(Session, "after_rollback", _forget)
