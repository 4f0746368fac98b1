/* Tests of campaign/hull.c: convex-hull distances worked by hand. */
#include <math.h>

#include "campaign/hull.h"
#include "common/err.h"
#include "common/test.h"

/* Binary A-B: AB (x_B = 0.5, -0.200), A3B (0.25, -0.050), AB3 (0.75, -0.150), a second AB
 * polymorph (-0.180).  Hull: A (0) - AB (-0.2) - AB3 (-0.15) - B (0).  A3B: the hull at 0.25 is
 * -0.1, so 0.05 above; AB3: on the hull (the A-B line through AB gives -0.1 at 0.75, above it);
 * polymorph 0.02 above. */
static void test_binary(void)
{
    double x[] = {0.5, 0.5, 0.75, 0.25, 0.25, 0.75, 0.5, 0.5, 1, 0};
    double f[] = {-0.200, -0.050, -0.150, -0.180, 0.0};
    double e[5];
    LS_CHECK_OK(campaign_hull_distances(5, 2, x, f, e));
    LS_CHECK_NEAR(e[0], 0.0, 1e-12);
    LS_CHECK_NEAR(e[1], 0.05, 1e-12);
    LS_CHECK_NEAR(e[2], 0.0, 1e-12);
    LS_CHECK_NEAR(e[3], 0.02, 1e-12);
    LS_CHECK_NEAR(e[4], 0.0, 1e-12); /* the element itself */
    /* The decomposition of A3B: half AB and half A. */
    double w[5], h = 0;
    LS_CHECK_OK(campaign_hull_energy(5, 2, x, f, x + 2, &h, w));
    LS_CHECK_NEAR(h, -0.1, 1e-12);
    LS_CHECK_NEAR(w[0], 0.5, 1e-12);
}

/* Ternary A-B-C: AB (-0.3), BC (-0.1), ABC at (1/3, 1/3, 1/3) with -0.15.  Competing at ABC:
 * 2/3 AB + 1/3 C gives -0.2, so ABC is 0.05 above; unknown energies (NaN) neither compete nor
 * get a distance; a phase below every combination is on the hull. */
static void test_ternary(void)
{
    double t = 1.0 / 3;
    double x[] = {0.5, 0.5, 0, 0, 0.5, 0.5, t, t, t, t, t, t, 0.25, 0.25, 0.5};
    double f[] = {-0.3, -0.1, -0.15, NAN, -0.4};
    double e[5];
    LS_CHECK_OK(campaign_hull_distances(4, 3, x, f, e));
    LS_CHECK_NEAR(e[0], 0.0, 1e-12);
    LS_CHECK_NEAR(e[1], 0.0, 1e-12);
    LS_CHECK_NEAR(e[2], 0.05, 1e-12);
    LS_CHECK(isnan(e[3]));
    /* With AB2C... at (1/4, 1/4, 1/2) -0.4: ABC's hull energy is now 2/3 of the way... the LP
     * finds the best mixture: ABC = 1/3 AB + 2/3 (A1/4 B1/4 C1/2) at -0.1 - 0.2667 = -0.3667. */
    double e5[5];
    LS_CHECK_OK(campaign_hull_distances(5, 3, x, f, e5));
    LS_CHECK_NEAR(e5[2], -0.15 - (-0.3 / 3 - 0.4 * 2 / 3), 1e-12);
    LS_CHECK_NEAR(e5[4], 0.0, 1e-12);
}

int main(void)
{
    LS_RUN(test_binary);
    LS_RUN(test_ternary);
    return ls_test_summary("test_hull");
}
