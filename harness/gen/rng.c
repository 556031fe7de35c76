/* rng.c - splitmix64: tiny, fast, and every seed (0 too) gives a full-period sequence. */
#include "gen/rng.h"

void cf_rng_seed(cf_rng *r, uint64_t seed)
{
    r->state = seed;
}

uint64_t cf_rng_next(cf_rng *r)
{
    uint64_t z = (r->state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

uint64_t cf_rng_below(cf_rng *r, uint64_t n)
{
    /* Modulo bias is below 2^-40 for the small n used here; simplicity wins. */
    return n ? cf_rng_next(r) % n : 0;
}
