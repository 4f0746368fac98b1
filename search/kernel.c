/* Stationary kernels as functions of the scaled distance r = sqrt(sum_d ((x_d - x'_d)/l_d)^2):
 *
 *   Matern 1/2   g = exp(-r)
 *   Matern 3/2   g = (1 + sqrt3 r) exp(-sqrt3 r)
 *   Matern 5/2   g = (1 + sqrt5 r + 5 r^2 / 3) exp(-sqrt5 r)
 *   squared exp. g = exp(-r^2 / 2)
 *
 * Rasmussen & Williams, Gaussian Processes for Machine Learning (MIT Press, 2006), eqs.
 * 4.9, 4.16 and 4.17, doi:10.7551/mitpress/3206.001.0001.  The covariance is s^2 g(r);
 * ARD means one length scale l_d per input.  A new kernel is one table and one registry line.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "search/search.h"

static void matern12(double r, double *g, double *dg)
{
    double e = exp(-r);
    *g = e;
    *dg = -e;
}

static void matern32(double r, double *g, double *dg)
{
    const double s3 = 1.7320508075688772;
    double e = exp(-s3 * r);
    *g = (1.0 + s3 * r) * e;
    *dg = -3.0 * r * e;
}

static void matern52(double r, double *g, double *dg)
{
    const double s5 = 2.23606797749979;
    double e = exp(-s5 * r);
    *g = (1.0 + s5 * r + 5.0 / 3.0 * r * r) * e;
    *dg = -5.0 / 3.0 * r * (1.0 + s5 * r) * e;
}

static void sqexp(double r, double *g, double *dg)
{
    double e = exp(-0.5 * r * r);
    *g = e;
    *dg = -r * e;
}

static const bo_kernel kernel_matern12 = {"matern12", "Matern nu=1/2 (exponential): rough, continuous", matern12};
static const bo_kernel kernel_matern32 = {"matern32", "Matern nu=3/2: once differentiable", matern32};
static const bo_kernel kernel_matern52 = {"matern52", "Matern nu=5/2: twice differentiable (default)", matern52};
static const bo_kernel kernel_se = {"se", "squared exponential (RBF): infinitely smooth", sqexp};

const bo_kernel *const bo_kernels[] = {&kernel_matern12, &kernel_matern32, &kernel_matern52, &kernel_se, NULL};

int bo_kernel_find(const char *name, const bo_kernel **out)
{
    *out = NULL;
    for (int i = 0; bo_kernels[i]; i++)
        if (strcmp(bo_kernels[i]->name, name) == 0) {
            *out = bo_kernels[i];
            return LS_OK;
        }
    LS_ERROR(LS_ERR_INPUT, "unknown kernel '%s' (fix: use one of matern12, matern32, matern52, se)", name);
}
