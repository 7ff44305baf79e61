"""Date and time formats, one per language, used by every page (settings
FORMAT_MODULE_PATH): ``{{ value|date }}`` for a day, ``{{ value|date:
"DATETIME_FORMAT" }}`` for a moment. The short formats are the same, so a
page that asks for them shows the same thing. Day, month in words, year:
never ambiguous between languages (5/12 is May in one, December in another),
and 24-hour times."""
