"""Children's Services strategy service."""

import gc

# The collector's young pass every 50,000 new container objects rather than CPython's 700, from the moment the
# package loads. Importing the app makes some 170,000 objects that live as long as the process, and at 700 the
# collector walked them again and again: 0.2 s of a worker's or a command's 1.1 s start-up on the benchmark machine.
# A request makes many too: a pack some hundreds of thousands, alive until it is answered, which at 700 were copied up
# a generation many times over and brought full collections with them (the large council's CSMT pack: 26 ms of
# collection a pack, 4.6 ms at 50,000; a page of actions 0.4 ms, then none).
YOUNG_COLLECTION_EVERY = 50_000
gc.set_threshold(YOUNG_COLLECTION_EVERY, *gc.get_threshold()[1:])
