from prepbook.cli import run

run()
