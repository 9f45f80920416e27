"""The words the templates put around what people typed."""

import pytest

from portal.web.template_helpers import as_sentence


@pytest.mark.parametrize(
    "typed, shown",
    [
        ("Moved to lighter roles.", "Moved to lighter roles."),  # not "roles.."
        ("Moved to lighter roles", "Moved to lighter roles."),
        ("  Can you start Monday?  ", "Can you start Monday?"),
        ("", ""),
        (None, ""),
    ],
)
def test_typed_text_ends_as_one_sentence(typed, shown):
    assert as_sentence(typed) == shown
