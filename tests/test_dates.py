"""One way of writing dates and times, for pages, emails and messages alike."""

from datetime import UTC, date, datetime

from portal.core.dates import written_date, written_moment


def test_a_day_reads_the_same_whether_it_is_a_date_or_as_a_form_keeps_it():
    assert written_date(date(2026, 12, 1)) == written_date("2026-12-01") == "1 Dec 2026"
    assert written_date(None) == written_date("") == ""
    assert written_date("next week") == "next week"


def test_a_moment_is_written_in_the_programs_time_zone_and_says_which():
    moment = datetime(2026, 12, 1, 3, 30, tzinfo=UTC)
    assert written_moment(moment, "America/Chicago") == "30 Nov 2026, 21:30 CST"
    assert written_moment(moment, "UTC") == "1 Dec 2026, 03:30 UTC"
