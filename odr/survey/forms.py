"""The survey form: six questions rated 1-5 and a comment."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

SCALE = [SelectChoice(str(n), str(n)) for n in range(1, 6)]

QUESTION_LABELS = {
    "overall": _l("Overall, how satisfied are you with how your dispute was handled?"),
    "fairness": _l("How fair was the procedure?"),
    "professionalism": _l("How professional was the mediator or the arbitral tribunal?"),
    "speed": _l("How satisfied are you with how quickly it went?"),
    "cost": _l("How satisfied are you with what it cost you?"),
    "would_use_again": _l("How likely are you to use this service again?"),
}
SHORT_LABELS = {
    "overall": _l("Overall satisfaction"),
    "fairness": _l("Fairness"),
    "professionalism": _l("Professionalism"),
    "speed": _l("Speed"),
    "cost": _l("Cost"),
    "would_use_again": _l("Would use again"),
}


def _question(name):
    return RadioField(
        QUESTION_LABELS[name],
        choices=SCALE,
        validators=[InputRequired(_l("Choose a rating from 1 (not at all) to 5 (very)."))],
    )


class SurveyForm(FlaskForm):
    overall = _question("overall")
    fairness = _question("fairness")
    professionalism = _question("professionalism")
    speed = _question("speed")
    cost = _question("cost")
    would_use_again = _question("would_use_again")
    comment = TextAreaField(
        _l("Anything you want to tell us (optional)"),
        validators=[Optional(), Length(max=4000, message=_l("Keep the comment under 4000 characters."))],
    )
