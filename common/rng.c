/* Seeded random numbers (see rng.h). */
#include "common/rng.h"

#include <math.h>

uint64_t ls_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

double ls_splitmix64_uniform(uint64_t *state) { return (double)(ls_splitmix64(state) >> 11) * 0x1.0p-53; }

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

void ls_rng_seed(ls_rng *r, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++) r->s[i] = ls_splitmix64(&x);
}

uint64_t ls_rng_next(ls_rng *r)
{
    uint64_t *s = r->s;
    const uint64_t result = rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double ls_rng_uniform(ls_rng *r) { return (double)(ls_rng_next(r) >> 11) * 0x1.0p-53; }

double ls_rng_normal(ls_rng *r)
{
    double u1;
    do u1 = ls_rng_uniform(r);
    while (u1 <= 0.0);
    double u2 = ls_rng_uniform(r);
    return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

long ls_rng_below(ls_rng *r, long n)
{
    if (n <= 1) return 0;
    uint64_t un = (uint64_t)n;
    uint64_t limit = UINT64_MAX - UINT64_MAX % un; /* reject the biased tail */
    uint64_t v;
    do v = ls_rng_next(r);
    while (v >= limit);
    return (long)(v % un);
}
