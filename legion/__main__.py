from legion.cli import main

main()
