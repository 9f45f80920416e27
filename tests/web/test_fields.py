"""The fields the portal's forms share, drawn as WTForms would draw them."""

from wtforms import Form, SelectChoice, SelectField
from wtforms.widgets import Select

from portal.web.fields import PlainSelect

CHOICES = [
    SelectChoice(value, label)
    for value, label in (
        ("", "Anyone"),
        ("none", "Unassigned"),
        (9, "A number"),
        ("7", 'Robin "Bo" O\'Neil & <Co>'),
        ("8", "Sam Lee"),
    )
]


class Plain(Form):
    assignee = SelectField("Assignee", choices=CHOICES, widget=PlainSelect())


class Usual(Form):
    assignee = SelectField("Assignee", choices=CHOICES, widget=Select())


def test_a_plain_select_draws_the_same_markup_as_wtforms_select_with_the_choice_kept_and_names_escaped():
    for chosen in ("", "none", "7", "not a choice"):
        plain, usual = Plain(data={"assignee": chosen}), Usual(data={"assignee": chosen})
        assert plain.assignee(class_="field__input") == usual.assignee(class_="field__input")
    drawn = Plain(data={"assignee": "7"}).assignee()
    assert '<option selected value="7">Robin &#34;Bo&#34; O&#39;Neil &amp; &lt;Co&gt;</option>' in drawn
