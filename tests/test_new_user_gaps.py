"""More of what a new user trips on: a file the tool could not read ending in an internal
error, one mistake giving two messages, problems of one file listed over several runs, a
message pointing at the wrong line. Messages are checked verbatim.
"""
from __future__ import annotations

import pytest

from test_bad_input import edit, fails

CASE = "cases/sebnem-korur-fincanci.yaml"


# --------------------------------------------------------------------------- files that cannot be read

@pytest.mark.parametrize("name, content, where", [
    # Windows-1252 'é' in the language's letter
    ("letter.j2", "Dear reader,\n\nJe t\xe9l\xe9phone {{ case.name }}.\n".encode("cp1252"),
     "letter_templates/en/letter.j2:3: is not UTF-8 text: byte 0xE9 ('é' in Windows-1252 or Latin-1) at column 5"),
    # garbage (an image saved under the name of a case's own letter)
    ("sebnem-korur-fincanci.j2", b"\x00\x01ok\n\x89PNG\r\n\x1a\n\xff\xd8",
     "letter_templates/en/sebnem-korur-fincanci.j2:2: is not UTF-8 text: byte 0x89 ('‰' in Windows-1252 or "
     "Latin-1) at column 1"),
])
def test_letter_template_that_is_not_utf8_names_line_and_byte(cli, kit, name, content, where):
    (kit / "letter_templates/en" / name).write_bytes(content)
    message = f"{where}; save the file as UTF-8"
    assert fails(cli, kit) == [message]
    r = cli("case", "sebnem-korur-fincanci", "--lang", "en", "--project", kit)
    assert r.exit_code == 1 and r.stderr.splitlines() == [message, "1 problem found; nothing was written."]


def test_included_template_that_is_not_utf8_names_its_own_line(cli, kit):
    (kit / "letter_templates/en/letter.j2").write_text('{% include "en/part.j2" %}\n', encoding="utf-8")
    (kit / "letter_templates/en/part.j2").write_bytes("Hello,\nJe t\xe9l\xe9phone.\n".encode("cp1252"))
    assert fails(cli, kit) == ["letter_templates/en/part.j2:2: is not UTF-8 text: byte 0xE9 ('é' in "
                               "Windows-1252 or Latin-1) at column 5; save the file as UTF-8"]
