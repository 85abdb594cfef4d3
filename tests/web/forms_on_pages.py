"""The forms a page shows, read from its HTML as a browser would: where each posts, and the
values it would send if the person changed nothing."""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class PageForm:
    action: str
    method: str
    values: dict[str, list[str]] = field(default_factory=dict)  # what submitting it unchanged sends
    text_fields: list[str] = field(default_factory=list)  # where a person types
    choice_fields: list[str] = field(default_factory=list)  # radios, checkboxes and selects
    file_fields: list[str] = field(default_factory=list)
    pressed: bool = False  # a named submit button's value is already in `values`


TEXT_TYPES = {"text", "email", "password", "search", "number", "tel", "url", "date", None}


class _FormReader(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[PageForm] = []
        self._form: PageForm | None = None
        self._select: str | None = None
        self._first_option: str | None = None
        self._selected = False
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = PageForm(action=a.get("action") or self.page_url, method=(a.get("method") or "get").lower())
            self.forms.append(self._form)
        if tag == "option" and self._form and self._select:
            value = a.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in a:
                self._form.values.setdefault(self._select, []).append(value)
                self._selected = True
        if self._form is None or not a.get("name"):
            return
        name = a["name"]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("radio", "checkbox"):
                _add_once(self._form.choice_fields, name)
                if "checked" in a:
                    self._form.values.setdefault(name, []).append(a.get("value") or "on")
            elif kind == "file":
                _add_once(self._form.file_fields, name)
            elif kind in ("submit", "button", "image", "reset"):
                self._press(name, a)
            else:
                if kind in TEXT_TYPES and name != "csrf_token":
                    _add_once(self._form.text_fields, name)
                self._form.values.setdefault(name, []).append(a.get("value") or "")
        elif tag == "button" and (a.get("type") or "submit").lower() == "submit":
            self._press(name, a)
        elif tag == "select":
            self._select, self._first_option, self._selected = name, None, False
            _add_once(self._form.choice_fields, name)
        elif tag == "textarea":
            self._textarea = name
            _add_once(self._form.text_fields, name)
            self._form.values[name] = [""]

    def _press(self, name: str, attrs: dict) -> None:
        # A form sends the name and value of the button that submitted it: the first one.
        if not self._form.pressed:
            self._form.pressed = True
            self._form.values.setdefault(name, []).append(attrs.get("value") or "")

    def handle_data(self, data):
        if self._textarea and self._form:
            self._form.values[self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._form and self._select:
            if not self._selected and self._first_option is not None:
                self._form.values.setdefault(self._select, []).append(self._first_option)
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _add_once(names: list[str], name: str) -> None:
    if name not in names:
        names.append(name)


def forms_on(html: str, page_url: str) -> list[PageForm]:
    reader = _FormReader(page_url)
    reader.feed(html)
    return reader.forms
