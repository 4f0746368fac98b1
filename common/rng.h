/* Seeded random numbers, one module for every subsystem: the same stream for the same seed on
 * every machine (integer arithmetic only).
 *
 *   SplitMix64 (Steele, Lea & Flood, OOPSLA 2014, doi:10.1145/2660193.2660195): a one-word state
 *   that is advanced by a constant, so that a stream can be started anywhere from a seed
 *   (starting wavefunctions, network weights, test streams).
 *   xoshiro256** 1.0 (Blackman & Vigna, ACM Trans. Math. Softw. 47, 36 (2021),
 *   doi:10.1145/3460772), seeded through SplitMix64: the general-purpose generator (Bayesian
 *   search, molecular dynamics).
 *
 * Uniform doubles take the top 53 bits of a 64-bit output: [0, 1) with every value a multiple of
 * 2^-53.  Normals use Box-Muller without caching the second value, so that a stream does not
 * depend on how many normals another code path drew before.
 */
#ifndef LS_RNG_H
#define LS_RNG_H

#include <stdint.h>

/* The next output of a SplitMix64 stream (advances *state). */
uint64_t ls_splitmix64(uint64_t *state);
/* Its uniform double in [0, 1). */
double ls_splitmix64_uniform(uint64_t *state);

/* xoshiro256**: the state is four words (seed it with ls_rng_seed). */
typedef struct ls_rng {
    uint64_t s[4];
} ls_rng;

void ls_rng_seed(ls_rng *r, uint64_t seed);
uint64_t ls_rng_next(ls_rng *r);
double ls_rng_uniform(ls_rng *r);     /* [0, 1), 53 random bits */
double ls_rng_normal(ls_rng *r);      /* standard normal (Box-Muller, no cached pair) */
long ls_rng_below(ls_rng *r, long n); /* uniform integer in [0, n), unbiased; 0 for n <= 1 */

#endif
