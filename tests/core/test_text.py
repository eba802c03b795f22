"""core.text.normalize: examples and properties (ARCHITECTURE §4)."""

import sys
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.core.digits import ARABIC_INDIC_DIGITS, PERSIAN_DIGITS
from marketplace.core.text import normalize, search_terms, slugify


@pytest.mark.parametrize(("text", "expected"), [
    ("كتاب", "کتاب"),                          # Arabic kaf
    ("علي", "علی"),                            # Arabic yeh
    ("موسى", "موسی"),                          # alef maksura
    ("مسئله", "مسیله"),                        # yeh with hamza
    ("مدرسة", "مدرسه"),                        # teh marbuta
    ("خانۀ", "خانه"),                          # heh with yeh above
    ("مؤسسه", "موسسه"),                        # waw with hamza
    ("آب و أب و إب", "اب و اب و اب"),           # alef forms
    ("مُحَمَّد", "محمد"),                        # harakat and shadda
    ("ســـلام", "سلام"),                        # kashida
    ("فرش‌های دستباف", "فرشهای دستباف"),       # ZWNJ
    ("\u200fسلام\u200e", "سلام"),              # bidi marks
    ("\ufeffBOM", "bom"),
    ("ﻙﺘﺎﺏ", "کتاب"),                          # presentation forms (NFKC)
    ("رج ۵۰ و ٤٠", "رج 50 و 40"),              # Persian and Arabic-Indic digits
    ("Carpet, Tableau!  (Silk)", "carpet tableau silk"),
    ("ＦＵＬＬ１２", "full 12"),                 # full-width; a number is a word of its own
    ("  many   spaces\there ", "many spaces here"),
    ("تابلو‌فرش_سردرود", "تابلوفرش سردرود"),
    ("", ""),
    (None, ""),
])
def test_normalize_examples(text, expected):
    assert normalize(text) == expected


FORMAT_CHARACTERS = [chr(c) for c in range(sys.maxunicode + 1)
                     if unicodedata.category(chr(c)) == "Cf"]


@pytest.mark.parametrize("mark", ["\u061c", "\u00ad", "\u2060", "\u200e", "\u200f", "\ufeff",
                                  "\u180e", "\U000e0041"])
def test_a_format_character_inside_a_word_is_removed(mark):
    assert normalize(f"ابر{mark}یشم") == "ابریشم"


@pytest.mark.parametrize(("text", "expected"), [
    ("۶۰رج", "60 رج"), ("60رج", "60 رج"), ("رج۶۰", "رج 60"), ("A4", "a 4"),
    ("۱۲۰x۸۰cm", "120 x 80 cm"), ("۶۰ رج", "60 رج"),
])
def test_a_number_glued_to_letters_is_a_word_of_its_own(text, expected):
    assert normalize(text) == expected


def test_search_terms_are_distinct_and_ordered():
    assert search_terms("تابلو فرش تابلو  FARSH farsh") == ["تابلو", "فرش", "farsh"]
    assert search_terms(None) == []


def test_slugify_keeps_persian_letters():
    assert slugify("تابلو فرش رحیمی") == "تابلو-فرش-رحیمی"
    assert slugify("Osku Centre #1") == "osku-centre-1"
    assert len(slugify("x " * 200)) <= 80


@given(st.text())
def test_normalize_is_idempotent(text):
    once = normalize(text)
    assert normalize(once) == once


@given(st.text())
def test_normalize_output_has_no_persian_digits_or_invisible_marks(text):
    result = normalize(text)
    assert not set(result) & set(PERSIAN_DIGITS + ARABIC_INDIC_DIGITS)
    assert not set(result) & {"\u200c", "\u200d", "\u200b", "\ufeff", "\u200e", "\u200f", "\u0640"}
    assert result == result.strip() and "  " not in result


# Text full of what normalising must fold: Persian and Arabic letters, digits of three
# scripts, every format character, marks, Latin with accents and case.
folded_text = st.text(alphabet=st.one_of(
    st.characters(), st.sampled_from(FORMAT_CHARACTERS),
    st.sampled_from("ابپتکگیيكةۀأآ۰۱۲٣٤0123456789ǰßİΣς\u064e\u0640\u200c "),
))


@given(folded_text)
def test_normalize_is_idempotent_and_leaves_no_format_character(text):
    once = normalize(text)
    assert normalize(once) == once
    assert not [c for c in once if unicodedata.category(c) == "Cf"]
    for word in once.split():  # a number is always a word of its own
        assert word.isdigit() or not any(c.isdigit() for c in word)


# Persian words, and the ways the same word is typed with an Arabic keyboard or decorated.
PERSIAN_LETTERS = "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی"
ARABIC_FORMS = {"ی": ["ي", "ى"], "ک": ["ك"], "ه": ["ة", "ۀ"], "ا": ["أ", "إ", "آ"]}
DECORATIONS = ["\u064e", "\u064f", "\u0650", "\u0651", "\u0652", "\u064b", "\u0640", "\u200c",
               "\u200f"]

persian_words = st.text(alphabet=PERSIAN_LETTERS, min_size=1, max_size=12)


@st.composite
def word_and_arabic_form(draw):
    word = draw(persian_words)
    variant = []
    for letter in word:
        if letter in ARABIC_FORMS and draw(st.booleans()):
            letter = draw(st.sampled_from(ARABIC_FORMS[letter]))
        variant.append(letter)
        if draw(st.booleans()):
            variant.append(draw(st.sampled_from(DECORATIONS)))
    return word, "".join(variant)


@given(word_and_arabic_form())
def test_arabic_and_persian_forms_of_a_word_normalise_alike(pair):
    word, variant = pair
    assert normalize(variant) == normalize(word)


@given(st.integers(min_value=0, max_value=10**15))
def test_persian_and_arabic_indic_digits_become_ascii(n):
    ascii_digits = str(n)
    persian = ascii_digits.translate(str.maketrans("0123456789", PERSIAN_DIGITS))
    arabic = ascii_digits.translate(str.maketrans("0123456789", ARABIC_INDIC_DIGITS))
    assert normalize(persian) == normalize(arabic) == ascii_digits
