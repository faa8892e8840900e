from jobmock.cli import main

main()
