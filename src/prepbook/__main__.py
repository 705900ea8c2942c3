from prepbook.cli import main

main()
