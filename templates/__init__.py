"""prepbook's default look: the handbook's and the cards' templates and stylesheets, the cheat-sheet's template,
and the fonts with their licences. A build uses them unless --templates names another folder, such as a copy
made by `prepbook templates DIR`, which leaves this file out: it is here only so that the packaging (see
pyproject.toml) can map this folder into prepbook as the package prepbook.templates.
"""
