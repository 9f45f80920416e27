"""The templates' environment: a template reads the environment's globals themselves (a cheap import of its macros
by another), and one given globals of its own still has them over the environment's, without changing them."""


def test_a_template_reads_the_environments_globals_and_one_added_later(app):
    environment = app.jinja_env
    template = environment.get_template("components/forms.html")
    assert template.globals is environment.globals
    environment.globals["added_later"] = "reached"
    try:
        assert environment.from_string("{{ added_later }}").render() == "reached"
    finally:
        del environment.globals["added_later"]


def test_a_templates_own_globals_stay_its_own(app):
    environment = app.jinja_env
    own = environment.from_string("{{ greeting }} {{ drawn is defined }}", globals={"greeting": "hello"})
    assert own.render() == "hello True"
    assert "greeting" not in environment.globals
