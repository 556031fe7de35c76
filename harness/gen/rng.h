/* rng.h - a small seeded pseudo-random generator (splitmix64) whose state the caller holds. */
#ifndef CF_RNG_H
#define CF_RNG_H

#include <stdint.h>

/* Memory: a plain value; copy it to fork a sequence. Zero-initialised is a valid state (seed
 * 0). The same seed gives the same sequence on every platform. */
typedef struct {
    uint64_t state;
} cf_rng;

/* Cannot fail. */
void cf_rng_seed(cf_rng *r, uint64_t seed);
uint64_t cf_rng_next(cf_rng *r);
/* Uniform in [0, n); 0 when n is 0. */
uint64_t cf_rng_below(cf_rng *r, uint64_t n);

#endif
