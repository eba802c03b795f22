"""A trainee's trade becomes a code of the one trade list (accounts.trades, issue 20): each
free-text trade is mapped to the closest trade by the words in it (Persian or English), or
left empty ("") when none fits — the trainee chooses it on their profile. The column keeps its
type; downgrading leaves the codes (the free text is not kept).

The words are listed here, not imported: a migration must mean the same whatever the code
becomes. The most specific trades come first ("carpet pattern coding" before "carpet design"
before "carpet weaving"; clothing design before carpet design).

Revision ID: c4d8e2f1a7b3
Revises: b7c2e4a91f30
Create Date: 2026-12-08 01:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4d8e2f1a7b3'
down_revision = 'b7c2e4a91f30'
branch_labels = None
depends_on = None

CODES = ("carpet_design", "carpet_weaving", "dyeing", "pattern_coding", "pottery", "tailoring",
         "pastry", "woodwork", "computing", "business")

# (trade, words any of which in the text picks it), in the order they are tried.
WORDS = (
    ("pattern_coding", ("کدنویسی", "کد نقشه", "شطرنجی", "pattern cod", "coding")),
    ("tailoring", ("خیاط", "دوخت", "لباس", "بافتنی", "tailor", "sewing", "cloth", "knit")),
    ("carpet_design", ("طراحی نقشه", "طراحی فرش", "نقشه", "carpet design", "design")),
    ("dyeing", ("رنگرز", "رنگ‌رز", "dye")),
    ("pottery", ("سفال", "سرامیک", "کاشی", "pottery", "ceramic")),
    ("woodwork", ("منبت", "معرق", "نجار", "چوب", "wood", "marquetry", "carpent")),
    ("pastry", ("شیرینی", "قناد", "نان", "غذا", "pastry", "baking", "food")),
    ("carpet_weaving", ("فرش", "قالی", "گلیم", "جاجیم", "گبه", "carpet", "rug", "kilim",
                        "weav", "tableau")),
    ("computing", ("رایانه", "کامپیوتر", "computer", "computing")),
    ("business", ("فروش", "کسب", "بازاریابی", "business", "selling", "marketing")),
)

# Arabic letter forms and invisible joiners that Persian text is often typed with.
FOLD = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "\u200c": " ", "\u200d": ""})


def closest_trade(text):
    if not text:
        return ""
    folded = " ".join(text.translate(FOLD).lower().split())
    if folded in CODES:
        return folded
    for code, words in WORDS:
        if any(" ".join(word.translate(FOLD).lower().split()) in folded for word in words):
            return code
    return ""


def upgrade():
    trainees = sa.table("trainees", sa.column("id", sa.Integer), sa.column("trade", sa.String))
    bind = op.get_bind()
    rows = bind.execute(sa.select(trainees.c.id, trainees.c.trade)).all()
    changes = {}
    for trainee_id, trade in rows:
        code = closest_trade(trade)
        if code != trade:
            changes.setdefault(code, []).append(trainee_id)
    for code, ids in changes.items():
        for start in range(0, len(ids), 500):
            bind.execute(trainees.update().where(trainees.c.id.in_(ids[start:start + 500]))
                         .values(trade=code))


def downgrade():
    pass  # the codes stay: the free text they came from is gone
