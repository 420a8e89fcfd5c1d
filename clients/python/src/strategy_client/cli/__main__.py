from strategy_client.cli import main

main()
