"""All UI text goes through gettext: templates hold no bare words, and Babel finds the messages."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir

from web.templating import TEMPLATES, build_environment

TAG = re.compile(r"<[^>]*>", re.DOTALL)
# attribute fragments outside a tag, as a macro that adds aria-* attributes writes them
ATTRIBUTE = re.compile(r'[a-z-]+="[^"]*"')
ENTITY = re.compile(r"&[a-z]+;|&#\d+;")
LETTERS = re.compile(r"[A-Za-zÄÖÜäöüß]{2,}")


def _bare_text(template: Path) -> list[str]:
    environment = build_environment()
    source = template.read_text(encoding="utf-8")
    # Keep the literal text, put a neutral mark where Jinja code stands, then drop the HTML tags.
    parts = [
        value if token == "data" else ("" if token.endswith(("_begin", "_end")) else "0")
        for _, token, value in environment.lex(source)
    ]
    text = ATTRIBUTE.sub(" ", ENTITY.sub(" ", TAG.sub(" ", "".join(parts))))
    return LETTERS.findall(text)


def test_templates_have_no_untranslated_words():
    offenders = {str(t.relative_to(TEMPLATES)): words for t in TEMPLATES.rglob("*.html") if (words := _bare_text(t))}
    assert offenders == {}


def test_the_check_catches_a_bare_word(tmp_path):
    sample = tmp_path / "sample.html"
    sample.write_text('<p class="x">{{ _("Gut") }} Schlecht</p>', encoding="utf-8")
    assert _bare_text(sample) == ["Schlecht"]


def test_babel_extracts_template_and_python_messages():
    root = Path(__file__).resolve().parent.parent
    messages = {
        message
        for _filename, _lineno, message, _comments, _context in extract_from_dir(
            str(root / "web"),
            method_map=[("**.html", "jinja2"), ("**.py", "python")],
            options_map={"**.html": {"extensions": "jinja2.ext.i18n"}},
            keywords={"_": None, "gettext": None, "ngettext": (1, 2), "N_": None},
        )
    }
    assert "Zum Inhalt springen" in messages
    assert "Benutzername oder Passwort ist falsch." in messages
    assert "Ausschüsse" in messages


def test_babel_extracts_the_domain_messages_the_forms_show():
    root = Path(__file__).resolve().parent.parent
    messages = {
        entry[2]
        for entry in extract_from_dir(str(root / "council"), method_map=[("**.py", "python")], keywords={"N_": None})
    }
    assert "Dieser Benutzername ist bereits vergeben." in messages
    assert "Das Passwort muss mindestens 10 Zeichen lang sein." in messages
