/* Tests for dft/scf/smearing.c: limits, normalisation, derivative relations, known values, the
 * variational property of F = E - TS, exact electron counts, Quantum ESPRESSO 6.7's Fermi
 * level and "smearing contrib. (-TS)" for the same eigenvalues, and the error cases. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/test.h"
#include "dft/scf/smearing.h"

static void test_registry(void)
{
    int n = 0;
    for (const struct dft_smearing *const *s = dft_smearing_registry; *s; s++) n++;
    LS_CHECK(n == 4);
    LS_CHECK(dft_smearing_find("fd") == &dft_smearing_fermi_dirac);
    LS_CHECK(dft_smearing_find("F-D") == &dft_smearing_fermi_dirac);
    LS_CHECK(dft_smearing_find("Fermi-Dirac") == &dft_smearing_fermi_dirac);
    LS_CHECK(dft_smearing_find("gauss") == &dft_smearing_gaussian);
    LS_CHECK(dft_smearing_find("gaussian") == &dft_smearing_gaussian);
    LS_CHECK(dft_smearing_find("mp") == &dft_smearing_methfessel_paxton);
    LS_CHECK(dft_smearing_find("m-p") == &dft_smearing_methfessel_paxton);
    LS_CHECK(dft_smearing_find("methfessel-paxton") == &dft_smearing_methfessel_paxton);
    LS_CHECK(dft_smearing_find("mv") == &dft_smearing_marzari_vanderbilt);
    LS_CHECK(dft_smearing_find("m-v") == &dft_smearing_marzari_vanderbilt);
    LS_CHECK(dft_smearing_find("cold") == &dft_smearing_marzari_vanderbilt);
    LS_CHECK(dft_smearing_find("marzari-vanderbilt") == &dft_smearing_marzari_vanderbilt);
    LS_CHECK(dft_smearing_find("fermi") == NULL);
    LS_CHECK(dft_smearing_find("mvx") == NULL);
    LS_CHECK(dft_smearing_find("") == NULL);
    LS_CHECK(dft_smearing_find(NULL) == NULL);
}

/* Limits, normalisation of delta (Simpson), delta = df/dx and ds/dx = x delta (central
 * differences), and s -> 0 at both ends. */
static void test_functions(void)
{
    for (const struct dft_smearing *const *p = dft_smearing_registry; *p; p++) {
        const struct dft_smearing *s = *p;
        LS_CHECK_NEAR(s->occupation(45.0), 1.0, 1e-15);
        LS_CHECK_NEAR(s->occupation(-45.0), 0.0, 1e-15);
        LS_CHECK_NEAR(s->occupation(800.0), 1.0, 1e-15); /* no overflow */
        LS_CHECK_NEAR(s->occupation(-800.0), 0.0, 1e-15);
        LS_CHECK_NEAR(s->entropy(45.0), 0.0, 1e-15);
        LS_CHECK_NEAR(s->entropy(-45.0), 0.0, 1e-15);
        LS_CHECK_NEAR(s->delta(800.0), 0.0, 1e-15);
        const int n = 24000;
        const double a = -60, b = 60, h = (b - a) / n;
        double sum = s->delta(a) + s->delta(b);
        for (int i = 1; i < n; i++) sum += (i % 2 ? 4 : 2) * s->delta(a + i * h);
        LS_CHECK_NEAR(sum * h / 3, 1.0, 1e-12);
        const double xs[] = {-3.7, -1.3, -0.4, 0.0, 0.31, 0.7071, 1.9, 4.2};
        for (int i = 0; i < 8; i++) {
            double x = xs[i], e = 1e-5;
            double df = (s->occupation(x + e) - s->occupation(x - e)) / (2 * e);
            double ds = (s->entropy(x + e) - s->entropy(x - e)) / (2 * e);
            LS_CHECK_MSG(fabs(df - s->delta(x)) < 1e-9, "%s: df/dx %.12g vs delta %.12g at %g", s->name, df, s->delta(x), x);
            LS_CHECK_MSG(fabs(ds - x * s->delta(x)) < 1e-9, "%s: ds/dx %.12g vs x delta %.12g at %g", s->name, ds, x * s->delta(x), x);
        }
    }
}

/* Values from the closed forms with independently known constants:
 * erf(1) = 0.8427007929497149, erf(1/sqrt 2) = 0.6826894921370859 (the one-sigma normal
 * probability), e^{-1/2}/sqrt(2 pi) = 0.24197072451914337 (standard normal density at 1),
 * 1/sqrt(pi) = 0.5641895835477563, e^{-1} = 0.36787944117144233 (Abramowitz & Stegun,
 * tables 7.1 and 26.1). */
static void test_known_values(void)
{
    const double rpi = 0.5641895835477563;
    const struct dft_smearing *fd = &dft_smearing_fermi_dirac, *g = &dft_smearing_gaussian,
                              *mp = &dft_smearing_methfessel_paxton, *mv = &dft_smearing_marzari_vanderbilt;
    LS_CHECK_NEAR(fd->occupation(0), 0.5, 1e-16);
    LS_CHECK_NEAR(fd->delta(0), 0.25, 1e-16);
    LS_CHECK_NEAR(fd->entropy(0), -log(2.0), 1e-16);
    LS_CHECK_NEAR(fd->occupation(-log(3.0)), 0.25, 1e-15); /* 1/(1+3) */
    LS_CHECK_NEAR(fd->entropy(log(3.0)), 0.75 * log(0.75) + 0.25 * log(0.25), 1e-15);
    LS_CHECK_NEAR(g->occupation(1.0), 0.5 * (1 + 0.8427007929497149), 1e-15);
    LS_CHECK_NEAR(g->delta(0), rpi, 1e-16);
    LS_CHECK_NEAR(g->entropy(0), -0.5 * rpi, 1e-16);
    LS_CHECK_NEAR(g->entropy(1.0), -0.5 * rpi * 0.36787944117144233, 1e-16);
    LS_CHECK_NEAR(mp->occupation(0), 0.5, 1e-16);
    LS_CHECK_NEAR(mp->occupation(1.0), 0.5 * (1 + 0.8427007929497149) + 0.5 * rpi * 0.36787944117144233, 1e-15);
    LS_CHECK_NEAR(mp->delta(0), 1.5 * rpi, 1e-15);
    LS_CHECK_NEAR(mp->entropy(0), -0.25 * rpi, 1e-16);
    LS_CHECK_NEAR(mp->entropy(1.0), 0.25 * rpi * 0.36787944117144233, 1e-16);
    LS_CHECK_NEAR(mv->occupation(0), 0.5 - 0.5 * 0.6826894921370859 + 0.24197072451914337, 1e-15);
    LS_CHECK_NEAR(mv->occupation(sqrt(0.5)), 0.5 + 0.3989422804014327, 1e-15); /* 1/sqrt(2 pi) */
    LS_CHECK_NEAR(mv->delta(sqrt(2.0)), 0.0, 1e-15);                             /* maximum of f */
    LS_CHECK_NEAR(mv->occupation(sqrt(2.0)), 1 + 0.5 * 0.6826894921370859 + 0.24197072451914337 - 0.5, 1e-15);
    LS_CHECK_NEAR(mv->entropy(0), -sqrt(0.5) * 0.24197072451914337, 1e-16);
}

/* A deterministic, untidy band structure: n_kpt k-points, n_band bands, spin optional. */
#define NK 5
#define NB 7
static const double wk5[NK] = {0.125, 0.25, 0.1875, 0.3125, 0.125};
static void make_bands(double *eig, int n_spin)
{
    unsigned s = 12345;
    for (int i = 0; i < n_spin * NK * NB; i++) {
        s = s * 1103515245u + 12345u;
        eig[i] = -0.3 + 0.11 * (i % NB) + 0.05 * ((s >> 8) % 10000) / 10000.0 + (i >= NK * NB ? 0.013 : 0);
    }
    /* sort each k-point ascending */
    for (int k = 0; k < n_spin * NK; k++)
        for (int i = 1; i < NB; i++)
            for (int j = i; j > 0 && eig[k * NB + j] < eig[k * NB + j - 1]; j--) {
                double t = eig[k * NB + j];
                eig[k * NB + j] = eig[k * NB + j - 1];
                eig[k * NB + j - 1] = t;
            }
}

static double free_energy(const struct dft_smearing *sm, double sigma, int n_spin, const double *eig,
                          double max_occ, double nel, double *occ, double *mu)
{
    double ts, e = 0;
    if (dft_smearing_occupy(sm, sigma, NK, n_spin, NB, eig, wk5, max_occ, nel, mu, occ, &ts) != LS_OK) return NAN;
    for (int is = 0; is < n_spin; is++)
        for (int ik = 0; ik < NK; ik++)
            for (int ib = 0; ib < NB; ib++) e += wk5[ik] * occ[(is * NK + ik) * NB + ib] * eig[(is * NK + ik) * NB + ib];
    return e + ts;
}

/* dF/de_i = w_i occ_i at fixed electron count (F = sum w occ e - TS, mu adjusting), and the
 * exact electron count, for every smearing, with and without spin. */
static void test_variational(void)
{
    for (const struct dft_smearing *const *p = dft_smearing_registry; *p; p++)
        for (int n_spin = 1; n_spin <= 2; n_spin++) {
            double eig[2 * NK * NB], occ[2 * NK * NB], tmp[2 * NK * NB], mu;
            double max_occ = n_spin == 1 ? 2.0 : 1.0, nel = 5.37, sigma = 0.0213;
            make_bands(eig, n_spin);
            double f0 = free_energy(*p, sigma, n_spin, eig, max_occ, nel, occ, &mu);
            LS_CHECK(isfinite(f0));
            double n = 0;
            for (int is = 0; is < n_spin; is++)
                for (int ik = 0; ik < NK; ik++)
                    for (int ib = 0; ib < NB; ib++) n += wk5[ik] * occ[(is * NK + ik) * NB + ib];
            LS_CHECK_MSG(fabs(n - nel) < 1e-13, "%s: %.17g electrons, want %.17g", (*p)->name, n, nel);
            const int states[] = {2, 9, 17, 23, 30, 33};
            for (int k = 0; k < 6; k++) {
                int i = states[k] + (n_spin == 2 ? NK * NB / 2 : 0), ik = (i / NB) % NK;
                const double h = 1e-6;
                double e2[2 * NK * NB], m2;
                memcpy(e2, eig, sizeof e2);
                e2[i] += h;
                double fp = free_energy(*p, sigma, n_spin, e2, max_occ, nel, tmp, &m2);
                e2[i] -= 2 * h;
                double fm = free_energy(*p, sigma, n_spin, e2, max_occ, nel, tmp, &m2);
                double d = (fp - fm) / (2 * h);
                LS_CHECK_MSG(fabs(d - wk5[ik] * occ[i]) < 1e-8, "%s spin %d state %d: dF/de %.12g, w occ %.12g",
                             (*p)->name, n_spin, i, d, wk5[ik] * occ[i]);
            }
        }
}

/* At fixed eigenvalues the grand potential Omega(mu) = sum w occ (e - mu) - TS has
 * dOmega/dmu = -N(mu): the -TS contribution is consistent with the occupations. */
static void test_grand_potential(void)
{
    double eig[NK * NB];
    make_bands(eig, 1);
    for (const struct dft_smearing *const *p = dft_smearing_registry; *p; p++) {
        const struct dft_smearing *s = *p;
        const double sigma = 0.031, mu = 0.17, h = 1e-6;
        double om[2], n = 0;
        for (int k = 0; k < 2; k++) {
            double m = mu + (k ? -h : h), sum = 0;
            for (int ik = 0; ik < NK; ik++)
                for (int ib = 0; ib < NB; ib++) {
                    double x = (m - eig[ik * NB + ib]) / sigma;
                    sum += 2 * wk5[ik] * (s->occupation(x) * (eig[ik * NB + ib] - m) + sigma * s->entropy(x));
                }
            om[k] = sum;
        }
        for (int ik = 0; ik < NK; ik++)
            for (int ib = 0; ib < NB; ib++) n += 2 * wk5[ik] * s->occupation((mu - eig[ik * NB + ib]) / sigma);
        LS_CHECK_MSG(fabs((om[0] - om[1]) / (2 * h) + n) < 1e-8, "%s: dOmega/dmu %.12g, -N %.12g", s->name,
                     (om[0] - om[1]) / (2 * h), -n);
    }
}

/* Fermi level and -TS against pw.x 6.7 (Debian 6.7-2) for fcc Al (a = 4.04 A, PseudoDojo
 * Al.upf, ecutwfc 20 Ry, nbnd 6, 3x3x3 shifted mesh -> 6 k-points, degauss 0.05 Ry), one SCF
 * run per smearing ('gaussian', 'mp', 'mv', 'fd'), run for this test.  Eigenvalues (Ha),
 * <fermi_energy> and <demet> (Ha) are from each run's data-file-schema.xml; the k-point
 * weights are 4, 12, 12, 12, 12, 2 / 54 (the XML prints them to 13 digits only). */
static const double al_wk[6] = {4.0 / 54, 12.0 / 54, 12.0 / 54, 12.0 / 54, 12.0 / 54, 2.0 / 54};
static const double al_ref[4][2] = {
    {3.068593793766710e-1, -1.674018467542291e-3}, /* gaussian: fermi_energy, demet (Ha) */
    {3.176751377866069e-1, 3.778064858744854e-4},  /* mp */
    {2.978791742592125e-1, 1.625937847730432e-3},  /* mv */
    {2.969726015566682e-1, -1.979562062599239e-2}, /* fd */
};
static const double al_eig[4][36] = {
    {
        -9.001965614554170e-2, 5.384184443702097e-1, 7.128943415906770e-1, 7.128943810193280e-1, 8.308468051838879e-1, 8.876061004328280e-1,
        5.565990131425441e-2, 2.668893865043489e-1, 4.815678514132776e-1, 6.522371956952706e-1, 7.219532618265802e-1, 8.446667084987691e-1,
        -1.669470558409359e-2, 4.039773418543909e-1, 5.877063657543431e-1, 6.137691989756742e-1, 6.473982790044818e-1, 8.295517935913825e-1,
        1.261735142905470e-1, 3.310409003934993e-1, 3.482938498161249e-1, 5.239283131142024e-1, 5.781713146598838e-1, 7.705678539243311e-1,
        1.919343389462647e-1, 2.016740051389850e-1, 4.038559247633058e-1, 4.249775635005540e-1, 8.118661453003558e-1, 8.285641525671748e-1,
        1.234140299257405e-1, 1.310253903544049e-1, 7.161943888566303e-1, 7.161944728006791e-1, 7.164556271968724e-1, 7.164556329594687e-1,
    },
    {
        -9.003075932406668e-2, 5.383995116107334e-1, 7.128691356115625e-1, 7.128691751709757e-1, 8.308240971414097e-1, 8.875604642866231e-1,
        5.564790063270593e-2, 2.668743211383847e-1, 4.815511555639130e-1, 6.522142204527648e-1, 7.219320937237100e-1, 8.446409353511282e-1,
        -1.670630283552389e-2, 4.039609625770108e-1, 5.876842785912141e-1, 6.137586710008999e-1, 6.473706706068516e-1, 8.295235119658356e-1,
        1.261609659657472e-1, 3.310347501959641e-1, 3.482707630625674e-1, 5.239072121740377e-1, 5.781510768252870e-1, 7.705426849650795e-1,
        1.919302385899989e-1, 2.016511163371137e-1, 4.038541068394616e-1, 4.249447874560077e-1, 8.118385319664601e-1, 8.285414883148983e-1,
        1.234116902691822e-1, 1.310013129133143e-1, 7.161893533878803e-1, 7.161894368278082e-1, 7.164130353917350e-1, 7.164130413033063e-1,
    },
    {
        -9.000124035856356e-2, 5.384452284062381e-1, 7.129254090966112e-1, 7.129254479870674e-1, 8.308788674539628e-1, 8.876583367295318e-1,
        5.567914978053318e-2, 2.669122357636100e-1, 4.815903007703829e-1, 6.522661285871612e-1, 7.219814329381059e-1, 8.446983605329335e-1,
        -1.667583678810480e-2, 4.040017488845616e-1, 5.877340169075302e-1, 6.137856247420994e-1, 6.474341423710044e-1, 8.295822209741830e-1,
        1.261936207583992e-1, 3.310534976997093e-1, 3.483243801927323e-1, 5.239548505409042e-1, 5.781998455936794e-1, 7.705969473974985e-1,
        1.919446343351041e-1, 2.017060227854611e-1, 4.038624703833834e-1, 4.250175190248576e-1, 8.119000047408536e-1, 8.285944183163513e-1,
        1.234220087082440e-1, 1.310584670602707e-1, 7.162047562902006e-1, 7.162048394768842e-1, 7.165046650042587e-1, 7.165046707665476e-1,
    },
    {
        -9.004169462520082e-2, 5.383914452016169e-1, 7.128695372116368e-1, 7.128695764879611e-1, 8.308165565288222e-1, 8.875723764432138e-1,
        5.563764744950546e-2, 2.668643789444374e-1, 4.815476915731710e-1, 6.522135456656283e-1, 7.219289249879312e-1, 8.446419923504655e-1,
        -1.671684737169621e-2, 4.039510616291508e-1, 5.876838687687968e-1, 6.137512208646465e-1, 6.473676065330523e-1, 8.295329807132838e-1,
        1.261501823807975e-1, 3.310230884633284e-1, 3.482666842959717e-1, 5.239065764088238e-1, 5.781437000096423e-1, 7.705503224234239e-1,
        1.919180609131901e-1, 2.016422490258773e-1, 4.038445920849199e-1, 4.249472215485670e-1, 8.118411102574914e-1, 8.285372566705401e-1,
        1.233999730747178e-1, 1.309935443113560e-1, 7.161791308210764e-1, 7.161792165591433e-1, 7.164232608225202e-1, 7.164232666017892e-1,
    },
};

static void test_qe_reference(void)
{
    const char *names[4] = {"gaussian", "mp", "mv", "fd"};
    for (int k = 0; k < 4; k++) {
        const struct dft_smearing *sm = dft_smearing_find(names[k]);
        double mu, ts, occ[36];
        LS_CHECK(sm != NULL);
        if (!sm) continue;
        LS_CHECK_OK(dft_smearing_occupy(sm, 0.025, 6, 1, 6, al_eig[k], al_wk, 2.0, 3.0, &mu, occ, &ts));
        /* QE stops its bisection at |N - N_el| < 1e-10, so its Fermi level is uncertain by
         * about 1e-10 / DOS; -TS follows with d(-TS)/dmu = sum w x delta.  Measured: mu within
         * 1.1e-11 Ha, -TS within 1e-12 Ha for all four. */
        LS_CHECK_MSG(fabs(mu - al_ref[k][0]) < 5e-11, "%s: mu %.15g, QE %.15g, diff %.3g Ha", names[k], mu,
                     al_ref[k][0], mu - al_ref[k][0]);
        LS_CHECK_MSG(fabs(ts - al_ref[k][1]) < 5e-12, "%s: -TS %.15g, QE %.15g, diff %.3g Ha", names[k], ts,
                     al_ref[k][1], ts - al_ref[k][1]);
    }
}

/* A Methfessel-Paxton case with a non-monotonic N(mu): one level, one electron, f overshoots
 * 1 above the level and comes back to it, so N(mu) = 1 at a finite mu.  The count must be
 * exact and the level found must be that root. */
static void test_nonmonotonic(void)
{
    double eig[1] = {0.3}, wk[1] = {1.0}, mu, occ[4], ts;
    LS_CHECK_OK(dft_smearing_occupy(&dft_smearing_methfessel_paxton, 0.01, 1, 1, 1, eig, wk, 1.0, 1.0, &mu, occ, &ts));
    LS_CHECK_NEAR(occ[0], 1.0, 1e-13);
    LS_CHECK(mu > 0.3 && mu < 0.33);
    /* Two spin channels sharing one Fermi level with cold smearing in a gap. */
    double e2[4] = {-0.2, 0.4, -0.19, 0.41};
    LS_CHECK_OK(dft_smearing_occupy(&dft_smearing_marzari_vanderbilt, 0.02, 1, 2, 2, e2, wk, 1.0, 2.0, &mu, occ, &ts));
    LS_CHECK_NEAR(occ[0] + occ[1] + occ[2] + occ[3], 2.0, 1e-13);
    LS_CHECK(mu > -0.19 && mu < 0.4);
}

static void test_fixed(void)
{
    /* Two k-points, 4 bands, 6 electrons without spin: 3 bands full. */
    double eig[8] = {-0.5, -0.1, 0.2, 0.45, -0.4, 0.0, 0.25, 0.5}, occ[8], homo, lumo;
    double ne = 6.0;
    LS_CHECK_OK(dft_occupations_fixed(2, 1, 4, eig, &ne, 2.0, occ, &homo, &lumo));
    LS_CHECK(occ[0] == 2 && occ[2] == 2 && occ[3] == 0 && occ[6] == 2 && occ[7] == 0);
    LS_CHECK_NEAR(homo, 0.25, 0);
    LS_CHECK_NEAR(lumo, 0.45, 0);
    /* Spin: 3 up and 2 down electrons, one k-point. */
    double es[8] = {-0.5, -0.1, 0.2, 0.45, -0.45, -0.05, 0.3, 0.5}, nes[2] = {3, 2};
    LS_CHECK_OK(dft_occupations_fixed(1, 2, 4, es, nes, 1.0, occ, &homo, &lumo));
    LS_CHECK(occ[2] == 1 && occ[3] == 0 && occ[5] == 1 && occ[6] == 0);
    LS_CHECK_NEAR(homo, 0.2, 0);
    LS_CHECK_NEAR(lumo, 0.3, 0);
    /* All bands full: no LUMO. */
    ne = 8.0;
    LS_CHECK_OK(dft_occupations_fixed(2, 1, 4, eig, &ne, 2.0, occ, &homo, &lumo));
    LS_CHECK(isinf(lumo) && lumo > 0);
}

static void test_errors(void)
{
    double eig[8] = {-0.5, -0.1, 0.2, 0.45, -0.4, 0.0, 0.25, 0.5}, occ[8], homo, lumo, mu, ts;
    double ne = 7.0; /* odd count without spin */
    LS_CHECK(dft_occupations_fixed(2, 1, 4, eig, &ne, 2.0, occ, &homo, &lumo) == LS_ERR_INPUT);
    LS_CHECK(strstr(ls_error_message(), "smearing") != NULL);
    LS_CHECK(strstr(ls_error_message(), "spin") != NULL);
    ne = 5.5;
    double nes[2] = {3.0, 2.5};
    LS_CHECK(dft_occupations_fixed(1, 2, 4, eig, nes, 1.0, occ, &homo, &lumo) == LS_ERR_INPUT);
    LS_CHECK(strstr(ls_error_message(), "smearing") != NULL);
    ne = 10.0; /* more than 4 bands */
    LS_CHECK(dft_occupations_fixed(2, 1, 4, eig, &ne, 2.0, occ, &homo, &lumo) == LS_ERR_INPUT);
    LS_CHECK(strstr(ls_error_message(), "bands") != NULL);
    double unsorted[4] = {0.1, -0.2, 0.3, 0.4};
    ne = 2.0;
    LS_CHECK(dft_occupations_fixed(1, 1, 4, unsorted, &ne, 2.0, occ, &homo, &lumo) == LS_ERR_INPUT);
    double wk2[2] = {0.5, 0.6};
    LS_CHECK(dft_smearing_occupy(&dft_smearing_gaussian, 0.01, 2, 1, 4, eig, wk2, 2.0, 4.0, &mu, occ, &ts) == LS_ERR_INPUT);
    double wk[2] = {0.5, 0.5};
    LS_CHECK(dft_smearing_occupy(&dft_smearing_gaussian, 0.0, 2, 1, 4, eig, wk, 2.0, 4.0, &mu, occ, &ts) == LS_ERR_INPUT);
    LS_CHECK(dft_smearing_occupy(&dft_smearing_gaussian, 0.01, 2, 1, 4, eig, wk, 2.0, 8.0, &mu, occ, &ts) == LS_ERR_INPUT);
    LS_CHECK(strstr(ls_error_message(), "add bands") != NULL);
    LS_CHECK(dft_smearing_occupy(&dft_smearing_fermi_dirac, 0.01, 2, 1, 4, eig, wk, 2.0, 8.5, &mu, occ, &ts) == LS_ERR_INPUT);
    LS_CHECK(strstr(ls_error_message(), "add bands") != NULL);
    LS_CHECK(dft_smearing_occupy(NULL, 0.01, 2, 1, 4, eig, wk, 2.0, 4.0, &mu, occ, &ts) == LS_ERR_INPUT);
}

int main(void)
{
    LS_RUN(test_registry);
    LS_RUN(test_functions);
    LS_RUN(test_known_values);
    LS_RUN(test_variational);
    LS_RUN(test_grand_potential);
    LS_RUN(test_qe_reference);
    LS_RUN(test_nonmonotonic);
    LS_RUN(test_fixed);
    LS_RUN(test_errors);
    return ls_test_summary("test_smearing");
}
