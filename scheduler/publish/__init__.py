"""A plan as people read it: views, HTML calendars, exports (iCalendar, xlsx, csv) and
the printed summary."""
