"""The fields the portal's forms share, drawn as WTForms would draw them."""

from markupsafe import Markup
from wtforms import Form, SelectChoice, SelectField
from wtforms.validators import DataRequired
from wtforms.widgets import Select, html_params

from portal.web.fields import PlainSelect, attributes

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


YES_NO = [SelectChoice(True, "Yes"), SelectChoice(False, "No")]


def test_a_plain_select_draws_flags_and_yes_or_no_as_wtforms_and_leaves_options_with_attributes_to_it():
    with_attributes = [SelectChoice("a", "A", render_kw={"disabled": True}), SelectChoice("b", "B")]

    class Odd(Form):
        flagged = SelectField("Flagged", choices=with_attributes, widget=PlainSelect())
        yes_no = SelectField("Yes or no", choices=YES_NO, coerce=bool, widget=PlainSelect())
        required = SelectField("Required", choices=CHOICES, widget=PlainSelect(), validators=[DataRequired()])

    class OddUsual(Form):
        flagged = SelectField("Flagged", choices=with_attributes, widget=Select())
        yes_no = SelectField("Yes or no", choices=YES_NO, coerce=bool, widget=Select())
        required = SelectField("Required", choices=CHOICES, widget=Select(), validators=[DataRequired()])

    plain, usual = Odd(data={"flagged": "b", "yes_no": True}), OddUsual(data={"flagged": "b", "yes_no": True})
    for name in ("flagged", "yes_no", "required"):
        assert plain[name](aria_describedby="hint") == usual[name](aria_describedby="hint")
    assert "disabled" in plain.flagged() and "required" in plain.required()


def test_attributes_are_written_as_wtforms_writes_them():
    cases = [
        {"class_": "field__input", "id": "q", "name": "q"},
        {"data_upload_limits": '{"a": 1}', "aria_describedby": "x-hint x-error", "required": True, "disabled": False},
        {"value": Markup('already "marked"'), "title": "<b> & 'quotes'", "maxlength": 100},
    ]
    for values in cases:
        assert attributes(**values) == html_params(**values)
