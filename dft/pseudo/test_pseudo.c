/* Tests of dft/pseudo*.c: Simpson's rule, Bessel functions, UPF v1/v2 and GTH readers,
 * form factors, their q-derivatives, the interpolation table, and the documented errors.
 * Reference data (all in the repository): inputs/pseudo/pd04-pbe-sr (PseudoDojo v0.4 trim600) and its
 * HINTS.tsv; three original (untrimmed) files in dft/testdata/pd04-orig (H, Si, Cu), or all 30 in
 * $LODESTONE_PSEUDO_ORIG (validation/pseudo/originals.sh); dft/testdata/GTH_POTENTIALS, the Si and
 * Fe entries of CP2K's file (Debian cp2k-data 2023.1-2); dft/testdata/Si.v1.upf (tools/upf2to1.py).
 * Sources and licences in dft/testdata/README.md. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/test.h"
#include "common/textio.h"
#include "dft/pseudo/pseudo.h"
#include "dft/pseudo/pseudo_impl.h"

#define GTH_FILE "dft/testdata/GTH_POTENTIALS"

static const char *trim600(char *buf, size_t n, const char *el)
{
    snprintf(buf, n, "inputs/pseudo/pd04-pbe-sr/%s.upf", el);
    return buf;
}

/* The original (untrimmed) PseudoDojo file of `el`: all 30 in $LODESTONE_PSEUDO_ORIG when it is set
 * (validation/pseudo/originals.sh), else the three in dft/testdata/pd04-orig (NULL for the others). */
static const char *original(char *buf, size_t n, const char *el)
{
    const char *dir = getenv("LODESTONE_PSEUDO_ORIG");
    if (dir && *dir) snprintf(buf, n, "%s/%s.upf", dir, el);
    else if (!strcmp(el, "H") || !strcmp(el, "Si") || !strcmp(el, "Cu"))
        snprintf(buf, n, "dft/testdata/pd04-orig/%s.upf", el);
    else return NULL;
    return buf;
}

static dft_pseudo *load(const char *el)
{
    char buf[512];
    dft_pseudo *p = NULL;
    LS_CHECK_OK(dft_pseudo_read_upf(trim600(buf, sizeof buf, el), &p));
    return p;
}

static int have_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f) fclose(f);
    return f != NULL;
}

/* ---- Simpson ------------------------------------------------------------------------ */
static void test_simpson(void)
{
    double f[41], rab[41];
    /* uniform mesh h = 0.1 on [0, 4]: Simpson is exact for cubics, int_0^2 x^3 = 4 */
    for (int i = 0; i < 41; i++) f[i] = pow(0.1 * i, 3), rab[i] = 0.1;
    LS_CHECK_NEAR(dft_radial_simpson(21, f, rab), 4.0, 1e-13);
    LS_CHECK_NEAR(dft_radial_simpson(41, f, rab), 64.0, 1e-12);
    /* QE 6.7: an even count ignores the last point */
    LS_CHECK(dft_radial_simpson(22, f, rab) == dft_radial_simpson(21, f, rab));
    LS_CHECK(dft_radial_simpson(2, f, rab) == 0.0);
    LS_CHECK(dft_radial_simpson(1, f, rab) == 0.0);
    /* weights 1/3 4/3 2/3 ... 4/3 1/3 */
    for (int i = 0; i < 5; i++) f[i] = i == 2 ? 1.0 : 0.0, rab[i] = 1.0;
    LS_CHECK_NEAR(dft_radial_simpson(5, f, rab), 2.0 / 3.0, 1e-16);
    /* logarithmic mesh r = e^{x}, rab = r dx: int_{r0}^{R} r^2 e^{-r} dr */
    int n = 2001;
    double *lf = malloc(n * sizeof *lf), *lr = malloc(n * sizeof *lr), x0 = log(1e-6), dx = (log(40.0) - x0) / (n - 1);
    for (int i = 0; i < n; i++) {
        double r = exp(x0 + i * dx);
        lf[i] = r * r * exp(-r);
        lr[i] = r * dx;
    }
    LS_CHECK_NEAR(dft_radial_simpson(n, lf, lr), 2.0, 1e-9); /* tail beyond 40 is 1e-14 */
    free(lf);
    free(lr);
}

/* ---- Bessel functions ------------------------------------------------------------------ */
/* Reference values: mpmath 1.3.0, 40 digits, sqrt(pi/2x) J_{l+1/2}(x) and its derivative
 * (mpmath.diff) at the double nearest to each x, rounded to 17 digits. */
static const double bessel_x[] = {1e-4, 0.03, 0.4999, 0.7, 1.9999, 2.3, 3.7, 6.1, 17.3, 63.2};
static const double bessel_ref[5][10] = {
    {9.99999998333333306e-01, 9.99850006749855358e-01, 9.58867329367938614e-01, 9.20310981768130087e-01, 4.54692253094044652e-01, 3.24219657468139300e-01, -1.43198957002295485e-01, -2.98627056183763777e-02, -5.77904295417925457e-02, 5.69441681288200465e-03},
    {3.33333332999999999e-05, 9.99910002892808944e-03, 1.62506159855367538e-01, 2.22098277833773783e-01, 4.35395848701395971e-01, 4.30650295107810166e-01, 1.90513803975165541e-01, -1.66087072796878843e-01, -4.56816402979413633e-03, -1.46724909338640415e-02},
    {6.66666666190476235e-10, 5.99961429535701099e-05, 1.63646761653732375e-02, 3.15387803766147209e-02, 1.98434176279518010e-01, 2.37498118759439270e-01, 2.97669608874051361e-01, -5.18194613309083049e-02, 5.69982623689958764e-02, -6.39089581290719615e-03},
    {9.52380951851851974e-15, 2.57130000262983957e-07, 1.17333769787549306e-03, 3.17872485633136906e-03, 6.07143975097095834e-02, 8.56499630648838994e-02, 2.11742424233011928e-01, 1.23612104492855646e-01, 2.10416502636079743e-02, 1.41668820879061932e-02},
    {1.05820105772005796e-19, 8.57107792814679140e-10, 6.53376076382644540e-05, 2.48468186698972858e-04, 1.40768405553072622e-02, 2.31756818728161042e-02, 1.02924166701917133e-01, 1.93669417306316427e-01, -4.84842998345880252e-02, 7.96001249985883209e-03},
};
static const double bessel_dref[4][10] = {
    {-3.33333332999999999e-05, -9.99910002892808944e-03, -1.62506159855367538e-01, -2.22098277833773783e-01, -4.35395848701395971e-01, -4.30650295107810166e-01, -1.90513803975165541e-01, 1.66087072796878843e-01, 4.56816402979413633e-03, 1.46724909338640415e-02},
    {3.33333332333333343e-01, 3.33243338154649404e-01, 3.08712659012397417e-01, 2.85744473671633525e-01, 1.92746335116695464e-02, -5.02588600169130775e-02, -2.46179391583466051e-01, 2.45920723478134130e-02, -5.72623180932614328e-02, 6.15873614623213203e-03},
    {1.33333333142857155e-05, 3.99948573357107769e-03, 6.42984613234217212e-02, 8.69320762197106911e-02, 1.37729700974732638e-01, 1.20870140204193732e-01, -5.08399329497409291e-02, -1.40602091814464925e-01, -1.44522557700824377e-02, -1.43691256262893328e-02},
    {2.85714285449735462e-10, 2.57121429185055828e-05, 6.97609686650952319e-03, 1.33746383404354657e-02, 7.69993095167607056e-02, 8.85416612552933358e-02, 6.87588799734979300e-02, -1.32876579031141528e-01, 5.21331409207628216e-02, -7.28753391973670228e-03},
};

static void test_bessel(void)
{
    double worst = 0.0, worst_d = 0.0;
    for (int l = 0; l <= 4; l++)
        for (int i = 0; i < 10; i++) {
            double ref = bessel_ref[l][i], v = dft_sph_bessel(l, bessel_x[i]);
            double e = fabs(v - ref) / fabs(ref);
            worst = e > worst ? e : worst;
            LS_CHECK_MSG(e < 4e-15, "j_%d(%g) = %.17g, mpmath %.17g (rel %.2g)", l, bessel_x[i], v, ref, e);
            if (l <= 3) {
                double dr = bessel_dref[l][i], dv = dft_sph_bessel_deriv(l, bessel_x[i]);
                double ed = fabs(dv - dr) / fabs(dr);
                worst_d = ed > worst_d ? ed : worst_d;
                LS_CHECK_MSG(ed < 2e-14, "j_%d'(%g) = %.17g, mpmath %.17g (rel %.2g)", l, bessel_x[i], dv, dr, ed);
            }
        }
    printf("  j_l max relative error vs mpmath: %.2g (derivatives %.2g)\n", worst, worst_d);
    LS_CHECK(dft_sph_bessel(0, 0.0) == 1.0);
    for (int l = 1; l <= 4; l++) LS_CHECK(dft_sph_bessel(l, 0.0) == 0.0);
    LS_CHECK_NEAR(dft_sph_bessel_deriv(1, 0.0), 1.0 / 3.0, 1e-16);
    LS_CHECK(dft_sph_bessel_deriv(0, 0.0) == 0.0 && dft_sph_bessel_deriv(2, 0.0) == 0.0);
    /* series and closed form agree on both sides of every switch point */
    for (int l = 0; l <= 4; l++) {
        double xs[] = {0.5, 2.0, 2.5, 3.0, 4.0};
        double a = dft_sph_bessel(l, nextafter(xs[l], 0.0)), b = dft_sph_bessel(l, xs[l]);
        LS_CHECK_MSG(fabs(a - b) < 4e-15 * fabs(b), "j_%d jumps at the switch x = %g: %.3g", l, xs[l], (a - b) / b);
    }
}

/* ---- Reading the 30 PseudoDojo files ---------------------------------------------------- */
static int expected_nbeta(const char *el)
{
    if (!strcmp(el, "H")) return 3;
    const char *four[] = {"Li", "B", "C", "N", "Na", "Mg"};
    for (int i = 0; i < 6; i++)
        if (!strcmp(el, four[i])) return 4;
    if (!strcmp(el, "O") || !strcmp(el, "F")) return 5;
    if (!strcmp(el, "Pt")) return 8;
    return 6;
}

static void test_read_all(void)
{
    char buf[512], line[512];
    FILE *f = fopen("inputs/pseudo/pd04-pbe-sr/HINTS.tsv", "r");
    LS_CHECK(f != NULL);
    if (!f) return;
    int n_read = 0, n_orig = 0;
    double worst_norm = 0.0, worst_orig = 0.0, worst_full = 0.0;
    char worst_el[8] = "", worst_el_o[8] = "";
    while (fgets(line, sizeof line, f)) {
        char el[8];
        double zv;
        if (sscanf(line, "%7s %lf", el, &zv) != 2) continue; /* header line */
        dft_pseudo *p = load(el);
        if (!p) continue;
        n_read++;
        LS_CHECK_MSG(p->z_valence == zv, "%s: z_valence %g, HINTS.tsv %g", el, p->z_valence, zv);
        LS_CHECK_MSG(!strcmp(p->element, el), "%s: element '%s'", el, p->element);
        LS_CHECK(!strcmp(p->functional, "PBE"));
        LS_CHECK(p->n_mesh == 600 && p->n_mesh_int == 599);
        LS_CHECK_MSG(p->n_beta == expected_nbeta(el), "%s: %d projectors", el, p->n_beta);
        int no_nlcc = !strcmp(el, "H") || !strcmp(el, "Li") || !strcmp(el, "Na") || !strcmp(el, "Mg");
        LS_CHECK_MSG(p->has_nlcc == !no_nlcc && (p->rho_core != NULL) == !no_nlcc, "%s: nlcc", el);
        LS_CHECK(p->l_max == (!strcmp(el, "Pt") ? 3 : p->l_max) && p->l_max <= 3);
        LS_CHECK(p->z > 0 && p->rho_atom != NULL);
        for (int ib = 0; ib < p->n_beta; ib++) LS_CHECK(p->beta_n_mesh[ib] >= 100 && p->beta_n_mesh[ib] <= 300);
        /* the atomic density integrates to z_valence up to what the file holds */
        double q0 = 0.0, na;
        LS_CHECK_OK(dft_pseudo_atom_q(p, 1, &q0, &na));
        double dev = fabs(na - zv) / zv;
        if (dev > worst_norm) worst_norm = dev, snprintf(worst_el, sizeof worst_el, "%s", el);
        /* trim600 cuts the density at 5.99 bohr; the original file (same first 600 points,
         * mesh to 9-19 bohr, QE integrates to r > 10 bohr) holds the rest */
        dft_pseudo *o = NULL;
        if (original(buf, sizeof buf, el)) LS_CHECK_OK(dft_pseudo_read_upf(buf, &o));
        if (o) {
            n_orig++;
            double no;
            LS_CHECK_OK(dft_pseudo_atom_q(o, 1, &q0, &no));
            double devo = fabs(no - zv) / zv;
            if (devo > worst_orig) worst_orig = devo, snprintf(worst_el_o, sizeof worst_el_o, "%s", el);
            LS_CHECK_MSG(devo < 2e-3, "%s (original): int rho_atom = %.10g, z_valence %g", el, no, zv);
            /* over the whole original mesh the density holds Z to the precision of the file (~1e-6 relative) */
            double *f4 = malloc(o->n_mesh * sizeof *f4);
            for (int i = 0; i < o->n_mesh; i++) f4[i] = 4 * M_PI * o->r[i] * o->r[i] * o->rho_atom[i];
            double full = dft_radial_simpson(o->n_mesh, f4, o->rab);
            worst_full = fmax(worst_full, fabs(full - zv) / zv);
            LS_CHECK_MSG(fabs(full - zv) < 1e-6 * zv, "%s (original, whole mesh): int rho_atom = %.10g", el, full);
            free(f4);
            LS_CHECK_MSG(o->n_mesh > 600 && !memcmp(o->rho_atom, p->rho_atom, 600 * sizeof(double)), "%s", el);
            LS_CHECK_MSG(na < no && dev < 0.05, "%s: trim600 int rho_atom = %.10g, original %.10g", el, na, no);
        }
        dft_pseudo_destroy(o);
        dft_pseudo_destroy(p);
    }
    fclose(f);
    LS_CHECK(n_read == 30);
    const char *orig_dir = getenv("LODESTONE_PSEUDO_ORIG");
    LS_CHECK_MSG(n_orig == (orig_dir && *orig_dir ? 30 : 3), "%d original files read", n_orig);
    printf("  read %d trim600 files; |int rho_atom - Z|/Z: trim600 (r < 5.99) up to %.2e (%s); %d original files "
           "cut at r > 10 bohr as QE does up to %.2e (%s); whole original mesh up to %.1e\n",
           n_read, worst_norm, worst_el, n_orig, worst_orig, worst_el_o, worst_full);
}

/* ---- UPF v1 == v2 --------------------------------------------------------------------- */
static void test_v1_equals_v2(void)
{
    dft_pseudo *a = load("Si"), *b = NULL;
    LS_CHECK_OK(dft_pseudo_read_upf("dft/testdata/Si.v1.upf", &b));
    if (!a || !b) goto done;
    LS_CHECK(!strcmp(a->element, b->element) && !strcmp(a->functional, b->functional));
    LS_CHECK(a->z_valence == b->z_valence && a->has_nlcc == b->has_nlcc && a->l_max == b->l_max);
    LS_CHECK(a->n_mesh == b->n_mesh && a->n_mesh_int == b->n_mesh_int && a->n_beta == b->n_beta);
    int n = a->n_mesh;
    LS_CHECK(!memcmp(a->r, b->r, n * sizeof(double)) && !memcmp(a->rab, b->rab, n * sizeof(double)));
    LS_CHECK(!memcmp(a->vloc, b->vloc, n * sizeof(double)));
    LS_CHECK(!memcmp(a->rho_core, b->rho_core, n * sizeof(double)));
    LS_CHECK(!memcmp(a->rho_atom, b->rho_atom, n * sizeof(double)));
    LS_CHECK(!memcmp(a->dij, b->dij, sizeof a->dij));
    for (int ib = 0; ib < a->n_beta; ib++) {
        LS_CHECK(a->beta_l[ib] == b->beta_l[ib] && a->beta_n_mesh[ib] == b->beta_n_mesh[ib]);
        LS_CHECK(!memcmp(a->beta[ib], b->beta[ib], n * sizeof(double)));
    }
    double q[3] = {0.0, 1.3, 7.7}, va[3], vb[3];
    LS_CHECK_OK(dft_pseudo_vloc_q(a, 3, q, va));
    LS_CHECK_OK(dft_pseudo_vloc_q(b, 3, q, vb));
    LS_CHECK(!memcmp(va, vb, sizeof va));
    /* values straight from the file: D_11 = 1.0337930497E+01 Ry, PP_LOCAL(1) = -9.5328633012 Ry */
    LS_CHECK(b->dij[0] == 0.5 * 10.337930497 && b->vloc[0] == 0.5 * -9.5328633012);
    LS_CHECK(dft_pseudo_n_proj(b) == 18);
done:
    dft_pseudo_destroy(a);
    dft_pseudo_destroy(b);
}

/* ---- Local part ---------------------------------------------------------------------- */
static void test_vloc(void)
{
    dft_pseudo *p = load("Si");
    if (!p) return;
    /* q = 0 equals the direct alpha-Z integral 4 pi int r^2 (V + Z/r) dr over msh points */
    int n = p->n_mesh_int;
    double *aux = malloc(n * sizeof *aux), az = 0.0, v0;
    for (int i = 0; i < n; i++) aux[i] = p->r[i] * p->r[i] * p->vloc[i] + p->z_valence * p->r[i];
    az = 4.0 * M_PI * dft_radial_simpson(n, aux, p->rab);
    double q0 = 0.0;
    LS_CHECK_OK(dft_pseudo_vloc_q(p, 1, &q0, &v0));
    LS_CHECK_NEAR(v0, az, 1e-12 * fabs(az));
    /* small q: V(q) + 4 pi Z/q^2 -> V(0) (the erf part contributes pi Z, the erfc part -pi Z) */
    double qs[2] = {2e-3, 1e-3}, vq[2];
    LS_CHECK_OK(dft_pseudo_vloc_q(p, 2, qs, vq));
    double d1 = vq[0] + 4 * M_PI * p->z_valence / (qs[0] * qs[0]) - v0;
    double d2 = vq[1] + 4 * M_PI * p->z_valence / (qs[1] * qs[1]) - v0;
    LS_CHECK_MSG(fabs(d2) < 1e-3 && fabs(d2) < 0.3 * fabs(d1), "V(q)+4piZ/q^2-V(0): %.3g at q=2e-3, %.3g at 1e-3", d1, d2);
    /* large q: V_loc(r) is smooth at r = 0, so V(q) decays much faster than the 4 pi Z/q^2 of
     * the erf correction it contains (cancellation test of the analytic part) */
    double qb = 25.0, vb;
    LS_CHECK_OK(dft_pseudo_vloc_q(p, 1, &qb, &vb));
    LS_CHECK_MSG(fabs(vb) < 1e-3 * 4 * M_PI * p->z_valence / (qb * qb), "V(25) = %.3g", vb);
    free(aux);
    dft_pseudo_destroy(p);
}

/* ---- Projectors ------------------------------------------------------------------------ */
static void test_beta_decay(void)
{
    const char *els[] = {"Si", "Fe", "Pt"};
    for (int e = 0; e < 3; e++) {
        dft_pseudo *p = load(els[e]);
        if (!p) continue;
        for (int ib = 0; ib < p->n_beta; ib++) {
            double q[101], v[101], big = 0.0, qt[3] = {30.0, 40.0, 50.0}, vt[3];
            for (int i = 0; i <= 100; i++) q[i] = 0.1 * i;
            LS_CHECK_OK(dft_pseudo_beta_q(p, ib, 101, q, v));
            for (int i = 0; i <= 100; i++) big = fabs(v[i]) > big ? fabs(v[i]) : big;
            LS_CHECK_OK(dft_pseudo_beta_q(p, ib, 3, qt, vt));
            for (int i = 0; i < 3; i++)
                LS_CHECK_MSG(fabs(vt[i]) < 2e-3 * big, "%s beta %d: |beta(%g)| = %.3g vs max %.3g", els[e], ib + 1,
                             qt[i], fabs(vt[i]), big);
            if (p->beta_l[ib] > 0) LS_CHECK(v[0] == 0.0); /* j_l(0) = 0 for l > 0 */
        }
        dft_pseudo_destroy(p);
    }
}

/* ---- Derivatives against central finite differences -------------------------------------- */
typedef int (*ff_fn)(const dft_pseudo *, int, const double *, double *);
typedef int (*ffb_fn)(const dft_pseudo *, int, int, const double *, double *);

static double fd_err(const dft_pseudo *p, ff_fn f, ff_fn df, ffb_fn fb, ffb_fn dfb, int ib, double qv)
{
    const double h = 1e-4;
    double q3[3] = {qv - h, qv + h, qv}, v[3], d;
    if (fb) {
        LS_CHECK_OK(fb(p, ib, 2, q3, v));
        LS_CHECK_OK(dfb(p, ib, 1, q3 + 2, &d));
    } else {
        LS_CHECK_OK(f(p, 2, q3, v));
        LS_CHECK_OK(df(p, 1, q3 + 2, &d));
    }
    double fd = (v[1] - v[0]) / (2 * h);
    return fabs(fd - d) / (fabs(d) > 1e-3 ? fabs(d) : 1e-3);
}

static void check_derivatives(dft_pseudo *p, const char *label, double tol)
{
    /* not at multiples of 0.01, where the tabulated interpolant has kinks */
    double qs[] = {0.373, 1.9047, 4.4061, 8.3029}, worst = 0.0;
    for (int i = 0; i < 4; i++) {
        double e = fd_err(p, dft_pseudo_vloc_q, dft_pseudo_vloc_dq, NULL, NULL, 0, qs[i]);
        LS_CHECK_MSG(e < tol, "%s vloc_dq at q = %g: rel %.2g", label, qs[i], e);
        worst = e > worst ? e : worst;
        if (p->has_nlcc) {
            e = fd_err(p, dft_pseudo_core_q, dft_pseudo_core_dq, NULL, NULL, 0, qs[i]);
            LS_CHECK_MSG(e < tol, "%s core_dq at q = %g: rel %.2g", label, qs[i], e);
            worst = e > worst ? e : worst;
        }
        for (int ib = 0; ib < p->n_beta; ib++) {
            e = fd_err(p, NULL, NULL, dft_pseudo_beta_q, dft_pseudo_beta_dq, ib, qs[i]);
            LS_CHECK_MSG(e < tol, "%s beta_dq %d at q = %g: rel %.2g", label, ib + 1, qs[i], e);
            worst = e > worst ? e : worst;
        }
    }
    printf("  %s: d/dq vs central differences (h = 1e-4), worst relative %.2g\n", label, worst);
}

static void test_derivatives(void)
{
    const char *els[] = {"Si", "Fe", "Pt"};
    for (int e = 0; e < 3; e++) {
        dft_pseudo *p = load(els[e]);
        if (p) check_derivatives(p, els[e], 1e-6);
        dft_pseudo_destroy(p);
    }
    double q0 = 0.0, d;
    dft_pseudo *p = load("Si");
    if (!p) return;
    LS_CHECK_OK(dft_pseudo_vloc_dq(p, 1, &q0, &d));
    LS_CHECK(d == 0.0);
    LS_CHECK_OK(dft_pseudo_core_dq(p, 1, &q0, &d));
    LS_CHECK(d == 0.0);
    /* with the table, beta_dq is the derivative of the interpolant (QE gen_us_dj) */
    LS_CHECK_OK(dft_pseudo_tabulate(p, 10.0));
    check_derivatives(p, "Si (tabulated beta)", 1e-6);
    dft_pseudo_destroy(p);
}

/* ---- Interpolation table vs direct integration ---------------------------------------------- */
static void test_table(void)
{
    const char *els[] = {"Si", "Fe", "Pt", "O"};
    for (int e = 0; e < 4; e++) {
        dft_pseudo *p = load(els[e]), *t = load(els[e]);
        if (!p || !t) goto next;
        LS_CHECK_OK(dft_pseudo_tabulate(t, 12.0));
        LS_CHECK(t->tab_n == 1205 && t->tab_dq == 0.01);
        double worst = 0.0, worst_d = 0.0;
        for (int ib = 0; ib < p->n_beta; ib++) {
            enum { NQ = 400 };
            double q[NQ], a[NQ], b[NQ], da[NQ], db[NQ], big = 0.0, bigd = 0.0;
            for (int i = 0; i < NQ; i++) q[i] = 12.0 * (i + 0.5 + 0.37 * sin(3.1 * i)) / NQ;
            LS_CHECK_OK(dft_pseudo_beta_q(p, ib, NQ, q, a));
            LS_CHECK_OK(dft_pseudo_beta_q(t, ib, NQ, q, b));
            LS_CHECK_OK(dft_pseudo_beta_dq(p, ib, NQ, q, da));
            LS_CHECK_OK(dft_pseudo_beta_dq(t, ib, NQ, q, db));
            for (int i = 0; i < NQ; i++) big = fmax(big, fabs(a[i])), bigd = fmax(bigd, fabs(da[i]));
            for (int i = 0; i < NQ; i++) {
                worst = fmax(worst, fabs(a[i] - b[i]) / big);
                worst_d = fmax(worst_d, fabs(da[i] - db[i]) / bigd);
            }
            /* at the nodes the table is the direct integral, bit for bit */
            double qn = 3.0 * 0.01 * 117, vn, vd;
            LS_CHECK_OK(dft_pseudo_beta_q(t, ib, 1, &qn, &vn));
            LS_CHECK_OK(dft_pseudo_beta_q(p, ib, 1, &qn, &vd));
            LS_CHECK_NEAR(vn, vd, 1e-14 * big);
            /* beyond the table: direct integration */
            double qf = 20.0;
            LS_CHECK_OK(dft_pseudo_beta_q(t, ib, 1, &qf, &vn));
            LS_CHECK_OK(dft_pseudo_beta_q(p, ib, 1, &qf, &vd));
            LS_CHECK(vn == vd);
        }
        printf("  %s: QE table (dq = 0.01, 4-point Lagrange) vs direct: max error %.2g of max|beta|, "
               "derivative %.2g of max|dbeta/dq|\n", els[e], worst, worst_d);
        LS_CHECK(worst < 1e-7);
        LS_CHECK(worst_d < 1e-4);
    next:
        dft_pseudo_destroy(p);
        dft_pseudo_destroy(t);
    }
}

/* ---- Malformed UPF files ----------------------------------------------------------------- */
static char *si_text(void)
{
    char buf[512], *text = NULL;
    size_t len;
    LS_CHECK_OK(ls_file_read_all(trim600(buf, sizeof buf, "Si"), &text, &len));
    return text;
}

/* Write text with [from, to) replaced by `with` to the scratch file `name`; return its path. */
static const char *fixture(const char *text, const char *from, const char *to, const char *with, const char *name,
                           char *path, size_t n)
{
    ls_test_tmp_path(path, n, name);
    FILE *f = fopen(path, "w");
    LS_CHECK(f != NULL && from != NULL && to != NULL);
    if (!f || !from || !to) return path;
    fwrite(text, 1, (size_t)(from - text), f);
    fputs(with, f);
    fputs(to, f);
    fclose(f);
    return path;
}

static void expect_error(const char *path, int code, const char *needle1, const char *needle2)
{
    dft_pseudo *p = NULL;
    ls_error_clear();
    int s = dft_pseudo_read_upf(path, &p);
    LS_CHECK_MSG(s == code, "%s: status %d, expected %d (%s)", path, s, code, ls_error_message());
    LS_CHECK(p == NULL);
    const char *m = ls_error_message();
    LS_CHECK_MSG(strstr(m, ls_path_basename(path)) != NULL, "message does not name the file: %s", m);
    LS_CHECK_MSG(strstr(m, needle1) != NULL && (!needle2 || strstr(m, needle2) != NULL), "message: %s", m);
    dft_pseudo_destroy(p);
}

static void test_upf_errors(void)
{
    char *t = si_text(), path[512];
    if (!t) return;
    /* truncated in the middle of PP_LOCAL */
    char *loc = strstr(t, "<PP_LOCAL");
    fixture(t, loc + 2000, t + strlen(t), "", "trunc.upf", path, sizeof path);
    expect_error(path, LS_ERR_INPUT, "PP_LOCAL", "truncated");
    /* PP_LOCAL removed */
    char *loc_end = strstr(t, "</PP_LOCAL>") + strlen("</PP_LOCAL>");
    fixture(t, loc, loc_end, "", "noloc.upf", path, sizeof path);
    expect_error(path, LS_ERR_INPUT, "<PP_LOCAL> is missing", NULL);
    /* a bad number in PP_LOCAL, on line 251 of the file */
    char *num = strstr(loc, "-9.5280374024E+00");
    fixture(t, num, num + strlen("-9.5280374024E+00"), "-9.528037x024E+00", "badnum.upf", path, sizeof path);
    expect_error(path, LS_ERR_INPUT, "badnum.upf:251:", "-9.528037x024E+00");
    /* mesh_size does not match the data */
    char *ms = strstr(t, "mesh_size=\"   600\"");
    fixture(t, ms, ms + strlen("mesh_size=\"   600\""), "mesh_size=\"601\"", "mesh.upf", path, sizeof path);
    expect_error(path, LS_ERR_INPUT, "PP_R", "mesh_size = 601");
    /* ultrasoft */
    char *pt = strstr(t, "pseudo_type=\"NC\"");
    fixture(t, pt, pt + strlen("pseudo_type=\"NC\""), "pseudo_type=\"US\"", "us.upf", path, sizeof path);
    expect_error(path, LS_ERR_UNSUPPORTED, "norm-conserving", NULL);
    /* not a UPF at all */
    fixture(t, t, t + strlen(t), "hello\n", "hello.upf", path, sizeof path);
    expect_error(path, LS_ERR_INPUT, "not a UPF file", NULL);
    /* missing file */
    dft_pseudo *p = NULL;
    LS_CHECK(dft_pseudo_read_upf("dft/testdata/nonexistent.upf", &p) == LS_ERR_IO && p == NULL);
    free(t);

    /* UPF v1: a bad number and a truncated file */
    char buf[512], *v1 = NULL;
    size_t len;
    LS_CHECK_OK(ls_file_read_all("dft/testdata/Si.v1.upf", &v1, &len));
    if (!v1) return;
    char *beta = strstr(v1, "<PP_BETA>");
    char *val = strstr(beta, "3.1595742775E-02");
    fixture(v1, val, val + 3, "3.x", "v1bad.upf", buf, sizeof buf);
    expect_error(buf, LS_ERR_INPUT, "v1bad.upf:635:", "<PP_BETA>");
    fixture(v1, beta + 300, v1 + strlen(v1), "", "v1trunc.upf", buf, sizeof buf);
    expect_error(buf, LS_ERR_INPUT, "unexpected end of file", NULL);
    char *h = strstr(v1, "<PP_HEADER>");
    fixture(v1, h, strstr(v1, "</PP_HEADER>") + 12, "", "v1nohead.upf", buf, sizeof buf);
    expect_error(buf, LS_ERR_INPUT, "before <PP_HEADER>", NULL);
    free(v1);
}

/* The points QE 6.7 ignores, found by perturbing Si.upf and rerunning pw.x (dft/testdata/README.md):
 * PP_LOCAL, PP_NLCC, PP_RHOATOM point 600 (msh = 599) and PP_BETA point 196 = kkbeta (Simpson
 * with an even count) change nothing; PP_LOCAL 599 and PP_BETA 195 change the energy.  Our form
 * factors must behave the same way. */
static void test_qe_ignored_points(void)
{
    char *t = si_text(), path[512];
    if (!t) return;
    dft_pseudo *a = load("Si");
    struct { const char *sec, *old, *new_; int ignored; } cases[] = {
        {"<PP_LOCAL", "-1.3355598779E+00", "5.0E+01", 1},     /* point 600 */
        {"<PP_LOCAL", "-1.3377932581E+00", "-1.0E+00", 0},    /* point 599 */
        {"<PP_BETA.5", "8.5006340559E-05", "1.0E+00", 1},     /* point 196 */
        {"<PP_BETA.5", "-3.1611776860E-06", "1.0E-02", 0},    /* point 195 */
        {"<PP_NLCC", "0.0000000000E+00\n</PP_NLCC>", "1.0E+00\n</PP_NLCC>", 1},
        {"<PP_RHOATOM", "4.9371413917E-02\n</PP_RHOATOM>", "1.0E+01\n</PP_RHOATOM>", 1},
    };
    for (int c = 0; c < 6 && a; c++) {
        char *sec = strstr(t, cases[c].sec), *at = sec ? strstr(sec, cases[c].old) : NULL;
        fixture(t, at, at ? at + strlen(cases[c].old) : NULL, cases[c].new_, "perturbed.upf", path, sizeof path);
        dft_pseudo *b = NULL;
        LS_CHECK_OK(dft_pseudo_read_upf(path, &b));
        if (!b) continue;
        double q[3] = {0.0, 0.77, 3.3}, fa[4][3], fb[4][3];
        LS_CHECK_OK(dft_pseudo_vloc_q(a, 3, q, fa[0]));
        LS_CHECK_OK(dft_pseudo_vloc_q(b, 3, q, fb[0]));
        LS_CHECK_OK(dft_pseudo_beta_q(a, 4, 3, q, fa[1]));
        LS_CHECK_OK(dft_pseudo_beta_q(b, 4, 3, q, fb[1]));
        LS_CHECK_OK(dft_pseudo_core_q(a, 3, q, fa[2]));
        LS_CHECK_OK(dft_pseudo_core_q(b, 3, q, fb[2]));
        LS_CHECK_OK(dft_pseudo_atom_q(a, 3, q, fa[3]));
        LS_CHECK_OK(dft_pseudo_atom_q(b, 3, q, fb[3]));
        int same = !memcmp(fa, fb, sizeof fa);
        LS_CHECK_MSG(same == cases[c].ignored, "%s %s -> %s: form factors %s", cases[c].sec, cases[c].old,
                     cases[c].new_, same ? "unchanged" : "changed");
        dft_pseudo_destroy(b);
    }
    /* pw.x 6.7 on the same Si.upf, 2 atoms: "starting charge 7.90557" = 2 rho_a(q = 0) */
    double q0 = 0.0, na = 0.0;
    if (a) LS_CHECK_OK(dft_pseudo_atom_q(a, 1, &q0, &na));
    LS_CHECK_NEAR(2.0 * na, 7.90557, 5e-6);
    dft_pseudo_destroy(a);
    free(t);
}

/* Untidy but valid v2: attributes reordered and split over lines, Fortran D exponents. */
static void test_upf_untidy(void)
{
    char *t = si_text(), path[512];
    if (!t) return;
    char *h = strstr(t, "<PP_HEADER"), *he = strstr(h, "/>") + 2;
    const char *header = "<PP_HEADER number_of_proj='6'\n   mesh_size=\"\n 600\"  z_valence  =  \"4.0D0\"\n"
                         " functional=\"PBE\" core_correction=\".true.\" pseudo_type=\"NC\" element=\"Si\" l_max=\"2\"\n/>";
    char *mod = malloc(strlen(t) + 1000);
    sprintf(mod, "%.*s%s%s", (int)(h - t), t, header, he);
    /* PP_LOCAL numbers with D exponents */
    char *loc = strstr(mod, "<PP_LOCAL"), *le = strstr(loc, "</PP_LOCAL>");
    for (char *c = loc + 10; c < le; c++)
        if (*c == 'E') *c = 'D';
    fixture(mod, mod, mod, "", "untidy.upf", path, sizeof path);
    dft_pseudo *a = load("Si"), *b = NULL;
    LS_CHECK_OK(dft_pseudo_read_upf(path, &b));
    if (a && b) {
        LS_CHECK(b->z_valence == 4.0 && b->n_mesh == 600 && b->has_nlcc && b->n_beta == 6);
        LS_CHECK(!memcmp(a->vloc, b->vloc, 600 * sizeof(double)));
    }
    dft_pseudo_destroy(a);
    dft_pseudo_destroy(b);
    free(mod);
    free(t);
}

/* ---- GTH ---------------------------------------------------------------------------------- */
static void test_gth_read(void)
{
    LS_CHECK_MSG(have_file(GTH_FILE), "no %s: run the tests from the project root", GTH_FILE);
    if (!have_file(GTH_FILE)) return;
    dft_pseudo *p = NULL;
    /* Si GTH-PBE-q4, lines 2644-2650 of the Debian file */
    LS_CHECK_OK(dft_pseudo_read_gth(GTH_FILE, "Si", "GTH-PBE-q4", &p));
    if (p) {
        LS_CHECK(p->kind == DFT_PSEUDO_GTH && p->z == 14 && p->z_valence == 4.0 && !strcmp(p->functional, "PBE"));
        LS_CHECK(p->gth_rloc == 0.44 && p->gth_n_c == 1 && p->gth_c[0] == -6.26928833);
        LS_CHECK(p->gth_n_l == 2 && p->gth_n_proj[0] == 2 && p->gth_n_proj[1] == 1 && p->n_beta == 3);
        LS_CHECK(p->gth_h[0][0][1] == -2.70627082 && p->gth_h[0][1][0] == -2.70627082 && p->gth_h[0][1][1] == 3.49378060);
        LS_CHECK(p->dij[0 * 3 + 1] == -2.70627082 && p->dij[2 * 3 + 2] == 2.43127673 && p->dij[0 * 3 + 2] == 0.0);
        LS_CHECK(dft_pseudo_n_proj(p) == 5 && !p->has_nlcc && p->rho_atom == NULL);
        double q = 1.0, v;
        LS_CHECK(dft_pseudo_atom_q(p, 1, &q, &v) == LS_ERR_UNSUPPORTED);
        LS_CHECK_OK(dft_pseudo_core_q(p, 1, &q, &v));
        LS_CHECK(v == 0.0);
    }
    dft_pseudo_destroy(p);
    p = NULL;
    /* the alias GTH-PBE selects the same entry; "FILE:EL:NAME" spec */
    LS_CHECK_OK(dft_pseudo_read(GTH_FILE ":Si:GTH-PBE", &p));
    LS_CHECK(p && p->gth_rloc == 0.44 && p->z_valence == 4.0);
    dft_pseudo_destroy(p);
    p = NULL;
    /* Fe GTH-PBE-q16, lines 2753-2761 */
    LS_CHECK_OK(dft_pseudo_read_gth(GTH_FILE, "Fe", "GTH-PBE-q16", &p));
    if (p) {
        LS_CHECK(p->z_valence == 16.0 && p->gth_n_c == 2 && p->gth_c[1] == -0.22883251 && p->gth_n_l == 3);
        LS_CHECK(p->gth_h[0][1][1] == -10.21581002 && p->gth_h[1][1][1] == -9.10730654 && p->gth_h[2][0][0] == -12.38579937 && p->n_beta == 5);
        LS_CHECK(p->beta_l[4] == 2 && dft_pseudo_n_proj(p) == 2 + 6 + 5);
    }
    dft_pseudo_destroy(p);
    p = NULL;
    /* errors */
    LS_CHECK(dft_pseudo_read_gth(GTH_FILE, "Si", "GTH-PBE-q99", &p) == LS_ERR_INPUT && p == NULL);
    LS_CHECK_MSG(strstr(ls_error_message(), "GTH-PBE-q99") && strstr(ls_error_message(), "GTH-PBE-q4"), "%s",
                 ls_error_message());
    LS_CHECK(dft_pseudo_read_gth(GTH_FILE, "Og", "GTH-PBE", &p) == LS_ERR_INPUT && p == NULL);
    LS_CHECK(strstr(ls_error_message(), "no GTH potential for element 'Og'") != NULL);
    LS_CHECK(dft_pseudo_read_gth(GTH_FILE, "Xq", "GTH-PBE", &p) == LS_ERR_INPUT);
    LS_CHECK(dft_pseudo_read_gth("dft/testdata/none", "Si", "GTH-PBE", &p) == LS_ERR_IO);
    LS_CHECK(dft_pseudo_read("Si.psp8", &p) == LS_ERR_INPUT);
}

/* A truncated entry: the h matrix continuation line is missing. */
static void test_gth_errors(void)
{
    char path[512];
    ls_test_tmp_path(path, sizeof path, "GTH_BAD");
    FILE *f = fopen(path, "w");
    if (!f) return;
    fputs("# test\nSi GTH-BAD-q4\n    2    2\n     0.44  1  -6.26928833\n    2\n"
          "     0.43563383    2     8.95174150    -2.70627082\n     0.49794218    1     2.43127673\n#\n", f);
    fputs("C GTH-BAD-q4\n    2    2\n     0.34  x  -8.5\n", f);
    fclose(f);
    dft_pseudo *p = NULL;
    LS_CHECK(dft_pseudo_read_gth(path, "Si", "GTH-BAD-q4", &p) == LS_ERR_INPUT && p == NULL);
    LS_CHECK_MSG(strstr(ls_error_message(), "GTH_BAD:7:") != NULL, "%s", ls_error_message());
    LS_CHECK(dft_pseudo_read_gth(path, "C", "GTH-BAD-q4", &p) == LS_ERR_INPUT);
    LS_CHECK_MSG(strstr(ls_error_message(), "GTH_BAD:11:") && strstr(ls_error_message(), "n_c"), "%s",
                 ls_error_message());
}

/* Analytic GTH form factors against numerical radial integration of the real-space formulas. */
static void test_gth_numeric(void)
{
    if (!have_file(GTH_FILE)) return;
    const char *el[] = {"Si", "Fe"}, *nm[] = {"GTH-PBE-q4", "GTH-PBE-q16"};
    const int n = 30001;
    const double h = 0.0005; /* r up to 15 bohr */
    double *r = malloc(n * sizeof *r), *rab = malloc(n * sizeof *rab), *f = malloc(n * sizeof *f);
    for (int i = 0; i < n; i++) r[i] = i * h, rab[i] = h;
    for (int e = 0; e < 2; e++) {
        dft_pseudo *p = NULL;
        LS_CHECK_OK(dft_pseudo_read_gth(GTH_FILE, el[e], nm[e], &p));
        if (!p) continue;
        double worst = 0.0, z = p->z_valence;
        double qs[] = {0.0, 0.3, 1.7, 4.1, 9.5};
        for (int k = 0; k < 5; k++) {
            double g = qs[k], a, num;
            /* local: 4 pi int r^2 [V + Z erf(r)/r] j0 - 4 pi Z e^{-q^2/4}/q^2, or alpha Z at q = 0 */
            for (int i = 0; i < n; i++) {
                double lr = r[i] > 0 ? (g > 0 ? erf(r[i]) / r[i] : 1.0 / r[i]) : 2.0 / sqrt(M_PI);
                double rr = r[i] > 0 ? r[i] * r[i] * (dft_gth_vloc_r(p, r[i]) + z * lr) : 0.0;
                f[i] = rr * dft_sph_bessel(0, g * r[i]);
            }
            num = 4 * M_PI * dft_radial_simpson(n, f, rab) - (g > 0 ? 4 * M_PI * z * exp(-g * g / 4) / (g * g) : 0.0);
            LS_CHECK_OK(dft_pseudo_vloc_q(p, 1, &g, &a));
            LS_CHECK_MSG(fabs(a - num) < 1e-8 * fmax(1.0, fabs(a)), "%s vloc(%g): analytic %.12g numeric %.12g", el[e], g, a, num);
            worst = fmax(worst, fabs(a - num) / fmax(1.0, fabs(a)));
            for (int ib = 0; ib < p->n_beta; ib++) {
                int l = p->beta_l[ib];
                for (int i = 0; i < n; i++) f[i] = r[i] * r[i] * dft_gth_beta_r(p, ib, r[i]) * dft_sph_bessel(l, g * r[i]);
                num = 4 * M_PI * dft_radial_simpson(n, f, rab);
                LS_CHECK_OK(dft_pseudo_beta_q(p, ib, 1, &g, &a));
                LS_CHECK_MSG(fabs(a - num) < 1e-8 * fmax(1.0, fabs(a)), "%s beta %d (%g): analytic %.12g numeric %.12g", el[e], ib, g, a, num);
                worst = fmax(worst, fabs(a - num) / fmax(1.0, fabs(a)));
                if (k == 0) { /* normalisation int r^2 p^2 = 1 */
                    for (int i = 0; i < n; i++) f[i] = pow(r[i] * dft_gth_beta_r(p, ib, r[i]), 2);
                    LS_CHECK_NEAR(dft_radial_simpson(n, f, rab), 1.0, 1e-10);
                }
            }
        }
        printf("  %s %s: analytic vs numerical form factors, worst %.2g\n", el[e], nm[e], worst);
        check_derivatives(p, nm[e], 1e-6);
        dft_pseudo_destroy(p);
    }
    free(r);
    free(rab);
    free(f);
}

int main(void)
{
    LS_RUN(test_simpson);
    LS_RUN(test_bessel);
    LS_RUN(test_read_all);
    LS_RUN(test_v1_equals_v2);
    LS_RUN(test_vloc);
    LS_RUN(test_beta_decay);
    LS_RUN(test_derivatives);
    LS_RUN(test_table);
    LS_RUN(test_upf_errors);
    LS_RUN(test_upf_untidy);
    LS_RUN(test_qe_ignored_points);
    LS_RUN(test_gth_read);
    LS_RUN(test_gth_errors);
    LS_RUN(test_gth_numeric);
    return ls_test_summary("test_pseudo");
}
