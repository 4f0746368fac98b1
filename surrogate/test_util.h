/* Shared helpers of the surrogate tests (not part of the library). */
#ifndef NNP_TEST_UTIL_H
#define NNP_TEST_UTIL_H

#include "common/test.h"
#include "common/units.h"
#include "surrogate/surrogate.h"

/* A small two-element model of the default kind (Chebyshev channels) with a four-body part:
 * r_cut 4.1 Å, 4 radial, 2 angular (l <= 2), four-body 2 radial (l <= 2), 6-5 hidden units. */
static inline nnp_model *nnp_test_small_model(int z0, int z1, int n_member, unsigned long long seed)
{
    struct nnp_model_config cfg;
    nnp_model_config_default(&cfg);
    cfg.desc.r_cut = 4.1 * LS_ANGSTROM_BOHR;
    cfg.desc.n_radial = 4;
    cfg.desc.n_angular = 2;
    cfg.desc.l_max = 2;
    cfg.desc.n_radial4 = 2;
    cfg.desc.l_max4 = 2;
    cfg.hidden[0] = 6;
    cfg.hidden[1] = 5;
    int z[2] = {z0, z1};
    nnp_model *m = NULL;
    LS_CHECK_OK(nnp_model_create(&cfg, 2, z, n_member, seed, &m));
    return m;
}

#endif
