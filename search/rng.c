/* Seeded random numbers: xoshiro256** 1.0 with splitmix64 seeding.
 *
 * Blackman & Vigna, "Scrambled linear pseudorandom number generators", ACM Trans. Math.
 * Softw. 47, 36 (2021), doi:10.1145/3460772; splitmix64 from Steele, Lea & Flood, OOPSLA
 * 2014, doi:10.1145/2660193.2660195.  Integer arithmetic only, so a seed gives the same
 * stream on every machine; normals use Box-Muller without caching the second value, so a
 * stream does not depend on how many normals were drawn before in another code path.
 */
#include <math.h>

#include "search/search.h"

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

void bo_rng_seed(bo_rng *r, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&x);
}

uint64_t bo_rng_next(bo_rng *r)
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

double bo_rng_uniform(bo_rng *r) { return (double)(bo_rng_next(r) >> 11) * 0x1.0p-53; }

double bo_rng_normal(bo_rng *r)
{
    double u1;
    do u1 = bo_rng_uniform(r);
    while (u1 <= 0.0);
    double u2 = bo_rng_uniform(r);
    return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

long bo_rng_below(bo_rng *r, long n)
{
    if (n <= 1) return 0;
    uint64_t un = (uint64_t)n;
    uint64_t limit = UINT64_MAX - UINT64_MAX % un; /* reject the biased tail */
    uint64_t v;
    do v = bo_rng_next(r);
    while (v >= limit);
    return (long)(v % un);
}
