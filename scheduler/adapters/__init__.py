"""Other timetabling inputs on the same OR-Tools machinery: ``ctt`` reads ITC-2007
curriculum-based course timetabling instances, solves them and scores the result."""
