"""A guided form, one question a page: each page's form reads and writes its part of a draft's answers."""

from datetime import date

from flask_wtf import FlaskForm
from wtforms import DateField


class StepForm(FlaskForm):
    """A step's fields map one to one onto the draft's keys, unless a step says otherwise."""

    def load(self, data: dict) -> None:
        for field in self:
            if field.name in data and field.name != "csrf_token":
                field.data = (
                    date.fromisoformat(data[field.name])
                    if isinstance(field, DateField) and data[field.name]
                    else data[field.name]
                )

    def values(self) -> dict:
        return {
            field.name: field.data.isoformat() if isinstance(field.data, date) else (field.data or "")
            for field in self
            if field.name != "csrf_token"
        }
