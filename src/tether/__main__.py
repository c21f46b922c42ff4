from tether.entry import main

main()
