from pharos.cli import main

main()
