from pishkhan.cli import main

main()
