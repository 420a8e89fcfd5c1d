"""Children's Services strategy service."""

import gc

# The collector's young pass every 50,000 new container objects rather than CPython's 700, from the moment the
# package loads (the service keeps it: api/main.py's lifespan). Importing the app makes some 170,000 objects that live
# as long as the process, and at 700 the collector walked them again and again: 0.2 s of a worker's or a command's
# 1.1 s start-up on the benchmark machine.
YOUNG_COLLECTION_EVERY = 50_000
gc.set_threshold(YOUNG_COLLECTION_EVERY, *gc.get_threshold()[1:])
