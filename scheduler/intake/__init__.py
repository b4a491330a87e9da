"""Forms out, forms back: the order forms (点单表) communities fill in and the menu forms
(菜单表) departments fill in (``forms``), read back and merged into a scenario
(``collect``), which is written as YAML keeping the reference file's comments
(``scenario_yaml``). ``layout`` is what both sides agree on: sheets, columns, choices.
Builds on the scenario workbook (``scheduler.domain.workbook``) for cells and places."""
