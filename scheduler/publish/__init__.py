"""A plan as people read it: views, HTML calendars, exports (iCalendar, xlsx, csv) and
the printed summary."""

# the export formats, here so that the command line can offer them without loading the
# exporters (icalendar, openpyxl: about 0.2 s of every command's start otherwise)
FORMATS = ("ics", "xlsx", "csv")
