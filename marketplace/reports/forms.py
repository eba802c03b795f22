"""HTML forms of the reports pages."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from marketplace.accounts.trades import TRADE_LABELS
from marketplace.core.forms import Form
from marketplace.reports.skills import TermSkillData


class TermSkillForm(Form):
    term = StringField(_l("Search term"), validators=[DataRequired(), Length(max=120)])
    skill_fa = StringField(_l("Skill (Persian)"), validators=[DataRequired(), Length(max=120)])
    skill_en = StringField(_l("Skill (English)"), validators=[Length(max=120)])
    trade = SelectField(_l("Trade"), validators=[DataRequired()],
                        choices=lambda: [(k, str(v)) for k, v in TRADE_LABELS.items()])

    def data_out(self) -> TermSkillData:
        return TermSkillData(self.term.data or "", self.skill_fa.data or "",
                             self.skill_en.data or "", self.trade.data or "")
