/* Norm-conserving pseudopotentials: common parts, radial Simpson rule, spherical Bessel
 * functions and the plane-wave form factors of numerical (UPF) potentials.
 *
 * Form factors (Hartree units, per unit volume; see pseudo.h):
 *   V(q)      = 4 pi int_0^R [r V_loc(r) + Z erf(r)] sin(qr)/q dr - 4 pi Z exp(-q^2/4)/q^2
 *   V(0)      = 4 pi int_0^R r [r V_loc(r) + Z] dr                       ("alpha Z")
 *   beta_i(q) = 4 pi int_0^Rb r^2 beta_i(r) j_l(qr) dr
 *   rho_c(q)  = 4 pi int_0^R r^2 rho_c(r) j0(qr) dr,  rho_a(q) likewise
 * and their q-derivatives, obtained by differentiating the integrand (r j_l'(qr)) and the
 * analytic erf term: d/dq[-4 pi Z e^{-q^2/4}/q^2] = 4 pi Z e^{-q^2/4} (1/(2q) + 2/q^3).
 * The erf(r)/r trick: the Fourier transform of erf(r)/r is 4 pi exp(-q^2/4)/q^2, so adding
 * Z erf(r)/r in real space makes the integrand short-ranged and the -Z/r tail is exact.
 *
 * Radial integration follows Quantum ESPRESSO 6.7 (P. Giannozzi et al., J. Phys.: Condens.
 * Matter 21, 395502 (2009), doi:10.1088/0953-8984/21/39/395502) so that energies agree to
 * the last digits: R is r(msh), msh = n_mesh_int (read_pseudo.f90), Rb is r(kkbeta) with
 * kkbeta = max cutoff_radius_index (read_upf_v2), Simpson's rule as in upflib/simpsn.f90 of
 * 6.7 (see dft_radial_simpson), vloc_of_g / dvloc_of_g, drhoc, atomic_rho, init_us_1,
 * init_us_2 and gen_us_dj.  Projectors: L. Kleinman and D. M. Bylander, Phys. Rev. Lett. 48,
 * 1425 (1982), doi:10.1103/PhysRevLett.48.1425.
 */
#include "dft/pseudo/pseudo.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/elements.h"
#include "common/err.h"
#include "common/textio.h"
#include "dft/pseudo/pseudo_impl.h"

#define FOUR_PI (4.0 * M_PI)
#define TAB_DQ 0.01 /* QE's dq (uspp_data / us module), in 1/bohr */

/* ---------------------------------------------------------------------------------------
 * Simpson's rule, as in Quantum ESPRESSO 6.7 (upflib/simpsn.f90, subroutine simpson):
 *   sum = sum_{i=1,3,5,..} (f_i rab_i + 4 f_{i+1} rab_{i+1} + f_{i+2} rab_{i+2}) / 3
 * over the panels (i, i+1, i+2) that fit in the first n points.  For odd n this is the
 * composite rule with weights 1/3, 4/3, 2/3, ..., 4/3, 1/3.  For even n the loop of QE 6.7
 * (DO i = 2, mesh-1, 2) stops at the panel ending at point n-1, so the last point is simply
 * ignored: the result equals the odd rule over n-1 points.  (Later QE releases, 7.x, add
 * an end correction for even n; 6.7 does not.  The trim600 projectors have even kkbeta,
 * and pw.x 6.7 was checked to ignore point kkbeta: see dft/testdata/README.md.)
 * The terms are summed in QE's order so results match to the last bits. */
double dft_radial_simpson(int n, const double *f, const double *rab)
{
    const double r12 = 1.0 / 3.0;
    if (n < 1) return 0.0;
    double sum = 0.0, f3 = f[0] * rab[0] * r12;
    for (int i = 1; i + 1 < n; i += 2) {
        double f1 = f3;
        double f2 = f[i] * rab[i] * r12;
        f3 = f[i + 1] * rab[i + 1] * r12;
        sum = sum + f1 + 4.0 * f2 + f3;
    }
    return sum;
}

/* ---------------------------------------------------------------------------------------
 * Spherical Bessel functions.  Closed forms (sin, cos) lose about (2l+1) log10(1/x) digits
 * at small x; below x_s(l) the power series
 *   j_l(x) = x^l/(2l+1)!! sum_k (-x^2/2)^k / (k! (2l+3)(2l+5)...(2l+2k+1))
 * is used instead.  x_s was chosen by comparing both against mpmath (40 digits): with it the
 * relative error stays below 3e-15 for l <= 4 on 0 < x < 100 (see test_pseudo.c). */
static const double bessel_xs[5] = {0.5, 2.0, 2.5, 3.0, 4.0};

static double bessel_series(int l, double x, double *deriv)
{
    double df = 1.0;
    for (int m = 3; m <= 2 * l + 1; m += 2) df *= m;
    double y = -0.5 * x * x, t = 1.0, s = 1.0, ds = l; /* ds: sum of (l+2k) t_k */
    for (int k = 1; k < 60; k++) {
        t *= y / (k * (2.0 * l + 2.0 * k + 1.0));
        s += t;
        ds += (l + 2.0 * k) * t;
        if (fabs(t) < 1e-18 * fabs(s)) break;
    }
    double xl = 1.0;
    for (int m = 0; m < l; m++) xl *= x;
    if (deriv) {
        /* d/dx x^l s(x) = sum (l+2k) t_k x^{l+2k-1}; for l = 0 the k = 0 term vanishes. */
        double xl1 = 1.0;
        for (int m = 0; m < l - 1; m++) xl1 *= x;
        if (l == 0) *deriv = x == 0.0 ? 0.0 : ds / x;
        else *deriv = xl1 * ds / df;
    }
    return xl * s / df;
}

double dft_sph_bessel(int l, double x)
{
    assert(l >= 0 && l <= 4 && x >= 0.0);
    if (x < bessel_xs[l]) return bessel_series(l, x, NULL);
    double s = sin(x), c = cos(x), ix = 1.0 / x, ix2 = ix * ix;
    switch (l) {
    case 0: return s * ix;
    case 1: return (s * ix - c) * ix;
    case 2: return ((3.0 * ix2 - 1.0) * s - 3.0 * c * ix) * ix;
    case 3: return ((15.0 * ix2 - 6.0) * s * ix - (15.0 * ix2 - 1.0) * c) * ix;
    default: return ((105.0 * ix2 * ix2 - 45.0 * ix2 + 1.0) * s - (105.0 * ix2 - 10.0) * c * ix) * ix;
    }
}

/* j_l'(x) = (l/x) j_l(x) - j_{l+1}(x); the series (differentiated term by term) below the
 * threshold of j_{l+1}. */
double dft_sph_bessel_deriv(int l, double x)
{
    assert(l >= 0 && l <= 3 && x >= 0.0);
    if (x < bessel_xs[l + 1]) {
        double d;
        bessel_series(l, x, &d);
        return d;
    }
    return l / x * dft_sph_bessel(l, x) - dft_sph_bessel(l + 1, x);
}

/* ---------------------------------------------------------------------------------------
 * Object life cycle and dispatch. */
int dft_pseudo_new(enum dft_pseudo_kind kind, const char *path, dft_pseudo **out)
{
    *out = NULL;
    dft_pseudo *p = calloc(1, sizeof *p);
    if (p == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory allocating a pseudopotential");
    p->kind = kind;
    snprintf(p->path, sizeof p->path, "%s", path);
    *out = p;
    return LS_OK;
}

void dft_pseudo_destroy(dft_pseudo *p)
{
    if (p == NULL) return;
    free(p->r);
    free(p->rab);
    free(p->vloc);
    free(p->rho_core);
    free(p->rho_atom);
    for (int i = 0; i < DFT_PSEUDO_MAX_BETA; i++) {
        free(p->beta[i]);
        free(p->beta_tab[i]);
        free(p->chi[i]);
    }
    free(p);
}

int dft_pseudo_set_msh(dft_pseudo *p)
{
    /* QE read_pseudo.f90: msh = first (1-based) index with r > rcut, else mesh; then
     * msh = 2*((msh+1)/2) - 1, i.e. an even count is reduced by one. */
    int msh = p->n_mesh;
    for (int i = 0; i < p->n_mesh; i++)
        if (p->r[i] > DFT_PSEUDO_QE_RCUT) {
            msh = i + 1;
            break;
        }
    p->n_mesh_int = 2 * ((msh + 1) / 2) - 1;
    p->z = ls_element_z_from_label(p->element);
    return LS_OK;
}

int dft_pseudo_read(const char *spec, dft_pseudo **out)
{
    *out = NULL;
    const char *ext = ls_path_extension(spec);
    if (strcmp(ext, "upf") == 0) return dft_pseudo_read_upf(spec, out);
    if (strcmp(ext, "gth") == 0) return dft_pseudo_read_gth_abinit(spec, out);
    FILE *f = fopen(spec, "rb"); /* a UPF file under another name (pw.x reads UPF whatever the name) */
    if (f) {
        char head[4097];
        size_t n = fread(head, 1, sizeof head - 1, f);
        fclose(f);
        head[n] = '\0';
        if (strstr(head, "<UPF") || strstr(head, "<PP_INFO") || strstr(head, "<PP_HEADER")) return dft_pseudo_read_upf(spec, out);
        LS_ERROR(LS_ERR_UNSUPPORTED, "pseudopotential '%s' is neither UPF nor GTH (perhaps one of Quantum ESPRESSO's old "
                 "formats, norm-conserving 'NC' or RRKJ3): not supported by Lodestone; convert it to UPF with QE's "
                 "upfconv.x (upfconv.x -u FILE)", spec);
    }
    /* FILE:ELEMENT:NAME, split at the last two colons (the path may contain colons). */
    const char *c2 = strrchr(spec, ':');
    const char *c1 = NULL;
    for (const char *s = spec; c2 != NULL && s < c2; s++)
        if (*s == ':') c1 = s;
    if (c1 == NULL || c2 == NULL || c1 == spec || c2 == c1 + 1 || c2[1] == '\0')
        LS_ERROR(LS_ERR_INPUT,
                 "pseudopotential '%s': expected a .upf file or FILE:ELEMENT:NAME for a GTH potential "
                 "(e.g. /usr/share/cp2k/GTH_POTENTIALS:Si:GTH-PBE-q4)", spec);
    char path[4096], element[8], name[128];
    size_t np = (size_t)(c1 - spec), ne = (size_t)(c2 - c1 - 1), nn = strlen(c2 + 1);
    if (np >= sizeof path || ne >= sizeof element || nn >= sizeof name)
        LS_ERROR(LS_ERR_INPUT, "pseudopotential '%s': path, element or name too long", spec);
    memcpy(path, spec, np);
    path[np] = '\0';
    memcpy(element, c1 + 1, ne);
    element[ne] = '\0';
    memcpy(name, c2 + 1, nn + 1);
    return dft_pseudo_read_gth(path, element, name, out);
}

int dft_pseudo_n_proj(const dft_pseudo *p)
{
    int n = 0;
    for (int i = 0; i < p->n_beta; i++) n += 2 * p->beta_l[i] + 1;
    return n;
}

/* ---------------------------------------------------------------------------------------
 * Form factors of numerical potentials.  One scratch array per call, none per q. */
static int scratch(int n, double **a, double **b)
{
    *a = malloc((size_t)(n > 0 ? n : 1) * sizeof **a);
    if (b) *b = malloc((size_t)(n > 0 ? n : 1) * sizeof **b);
    if (*a == NULL || (b && *b == NULL)) {
        free(*a);
        if (b) free(*b);
        LS_ERROR(LS_ERR_NOMEM, "out of memory (%d radial points)", n);
    }
    return LS_OK;
}

static int check_q(const dft_pseudo *p, int n_q, const double *q)
{
    for (int iq = 0; iq < n_q; iq++)
        if (!(q[iq] >= 0.0) || !isfinite(q[iq]))
            LS_ERROR(LS_ERR_INTERNAL, "%s: form factor asked at q[%d] = %g (expected a finite q >= 0)",
                     ls_path_basename(p->path), iq, q[iq]);
    return LS_OK;
}

int dft_pseudo_vloc_q(const dft_pseudo *p, int n_q, const double *q, double *out)
{
    LS_TRY(check_q(p, n_q, q));
    if (p->kind == DFT_PSEUDO_GTH) {
        dft_gth_vloc_q(p, n_q, q, out);
        return LS_OK;
    }
    const int n = p->n_mesh_int;
    const double *r = p->r, zv = p->z_valence;
    double *aux1 = NULL, *aux = NULL;
    LS_TRY(scratch(n, &aux1, &aux));
    /* QE vloc_of_g: aux1 = r V(r) + Z e^2 erf(r), e^2 = 1 in Hartree units. */
    for (int i = 0; i < n; i++) aux1[i] = r[i] * p->vloc[i] + zv * erf(r[i]);
    for (int iq = 0; iq < n_q; iq++) {
        const double g = q[iq];
        if (g < DFT_PSEUDO_Q0) {
            for (int i = 0; i < n; i++) aux[i] = r[i] * (r[i] * p->vloc[i] + zv);
            out[iq] = FOUR_PI * dft_radial_simpson(n, aux, p->rab);
        } else {
            for (int i = 0; i < n; i++) aux[i] = aux1[i] * sin(g * r[i]) / g;
            double v = dft_radial_simpson(n, aux, p->rab);
            out[iq] = FOUR_PI * (v - zv * exp(-0.25 * g * g) / (g * g));
        }
    }
    free(aux1);
    free(aux);
    return LS_OK;
}

int dft_pseudo_vloc_dq(const dft_pseudo *p, int n_q, const double *q, double *out)
{
    LS_TRY(check_q(p, n_q, q));
    if (p->kind == DFT_PSEUDO_GTH) {
        dft_gth_vloc_dq(p, n_q, q, out);
        return LS_OK;
    }
    const int n = p->n_mesh_int;
    const double *r = p->r, zv = p->z_valence;
    double *aux1 = NULL, *aux = NULL;
    LS_TRY(scratch(n, &aux1, &aux));
    for (int i = 0; i < n; i++) aux1[i] = r[i] * p->vloc[i] + zv * erf(r[i]);
    for (int iq = 0; iq < n_q; iq++) {
        const double g = q[iq];
        if (g < DFT_PSEUDO_Q0) { /* V is even in q: zero slope (QE sets dvloc(G=0) = 0) */
            out[iq] = 0.0;
            continue;
        }
        /* d/dq sin(qr)/q = r cos(qr)/q - sin(qr)/q^2 (QE dvloc_of_g) */
        for (int i = 0; i < n; i++) aux[i] = aux1[i] * (r[i] * cos(g * r[i]) / g - sin(g * r[i]) / (g * g));
        double v = dft_radial_simpson(n, aux, p->rab);
        out[iq] = FOUR_PI * (v + zv * exp(-0.25 * g * g) * (0.5 / g + 2.0 / (g * g * g)));
    }
    free(aux1);
    free(aux);
    return LS_OK;
}

/* 4 pi int r^2 f(r) j0(qr) dr (deriv = 0) or its q-derivative 4 pi int r^3 f j0'(qr) dr. */
static int radial_j0(const dft_pseudo *p, const double *f, int deriv, int n_q, const double *q, double *out)
{
    const int n = p->n_mesh_int;
    const double *r = p->r;
    double *aux = NULL;
    LS_TRY(scratch(n, &aux, NULL));
    for (int iq = 0; iq < n_q; iq++) {
        const double g = q[iq];
        for (int i = 0; i < n; i++) {
            double r2f = r[i] * r[i] * f[i];
            aux[i] = deriv ? r2f * r[i] * dft_sph_bessel_deriv(0, g * r[i]) : r2f * dft_sph_bessel(0, g * r[i]);
        }
        out[iq] = FOUR_PI * dft_radial_simpson(n, aux, p->rab);
    }
    free(aux);
    return LS_OK;
}

int dft_pseudo_core_q(const dft_pseudo *p, int n_q, const double *q, double *out)
{
    LS_TRY(check_q(p, n_q, q));
    if (!p->has_nlcc || p->rho_core == NULL) { /* no core correction: rho_c = 0 */
        for (int iq = 0; iq < n_q; iq++) out[iq] = 0.0;
        return LS_OK;
    }
    return radial_j0(p, p->rho_core, 0, n_q, q, out);
}

int dft_pseudo_core_dq(const dft_pseudo *p, int n_q, const double *q, double *out)
{
    LS_TRY(check_q(p, n_q, q));
    if (!p->has_nlcc || p->rho_core == NULL) {
        for (int iq = 0; iq < n_q; iq++) out[iq] = 0.0;
        return LS_OK;
    }
    return radial_j0(p, p->rho_core, 1, n_q, q, out);
}

int dft_pseudo_atom_q(const dft_pseudo *p, int n_q, const double *q, double *out)
{
    LS_TRY(check_q(p, n_q, q));
    if (p->rho_atom == NULL)
        LS_ERROR(LS_ERR_UNSUPPORTED, "%s has no atomic density (PP_RHOATOM)%s: start from another guess",
                 ls_path_basename(p->path), p->kind == DFT_PSEUDO_GTH ? "; GTH potentials carry none" : "");
    return radial_j0(p, p->rho_atom, 0, n_q, q, out);
}

int dft_pseudo_chi_q(const dft_pseudo *p, int i_chi, int n_q, const double *q, double *out)
{
    LS_TRY(check_q(p, n_q, q));
    if (i_chi < 0 || i_chi >= p->n_chi)
        LS_ERROR(LS_ERR_INTERNAL, "%s: atomic wavefunction index %d out of range", ls_path_basename(p->path), i_chi);
    const int n = p->n_mesh_int, l = p->chi_l[i_chi];
    const double *r = p->r, *c = p->chi[i_chi];
    double *aux = NULL;
    LS_TRY(scratch(n, &aux, NULL));
    for (int iq = 0; iq < n_q; iq++) {
        for (int i = 0; i < n; i++) aux[i] = r[i] * r[i] * c[i] * dft_sph_bessel(l, q[iq] * r[i]);
        out[iq] = FOUR_PI * dft_radial_simpson(n, aux, p->rab);
    }
    free(aux);
    return LS_OK;
}

static int check_beta(const dft_pseudo *p, int i_beta)
{
    if (i_beta < 0 || i_beta >= p->n_beta)
        LS_ERROR(LS_ERR_INTERNAL, "%s: projector index %d out of range 0..%d", ls_path_basename(p->path), i_beta,
                 p->n_beta - 1);
    return LS_OK;
}

/* Direct integration of beta_i(q) (deriv = 0) or d beta_i/dq (deriv = 1). */
static int beta_direct(const dft_pseudo *p, int ib, int deriv, int n_q, const double *q, double *out)
{
    const int n = p->beta_n_mesh[ib], l = p->beta_l[ib];
    const double *r = p->r, *b = p->beta[ib];
    double *aux = NULL;
    LS_TRY(scratch(n, &aux, NULL));
    for (int iq = 0; iq < n_q; iq++) {
        const double g = q[iq];
        for (int i = 0; i < n; i++) {
            double r2b = r[i] * r[i] * b[i];
            aux[i] = deriv ? r2b * r[i] * dft_sph_bessel_deriv(l, g * r[i]) : r2b * dft_sph_bessel(l, g * r[i]);
        }
        out[iq] = FOUR_PI * dft_radial_simpson(n, aux, p->rab);
    }
    free(aux);
    return LS_OK;
}

/* QE's 4-point Lagrange interpolation on nodes i0..i0+3 with q in [q_i0, q_i0+1)
 * (init_us_2) and its derivative (gen_us_dj).  Returns 0 if q is beyond the table. */
static int beta_interp(const dft_pseudo *p, int ib, double q, double *val, double *der)
{
    double x = q / p->tab_dq;
    int i0 = (int)x;
    if (x >= (double)(p->tab_n - 4) || i0 + 3 >= p->tab_n) return 0;
    const double *t = p->beta_tab[ib] + i0;
    double px = x - i0, ux = 1.0 - px, vx = 2.0 - px, wx = 3.0 - px;
    if (val)
        *val = t[0] * ux * vx * wx / 6.0 + t[1] * px * vx * wx / 2.0 - t[2] * px * ux * wx / 2.0 +
               t[3] * px * ux * vx / 6.0;
    if (der)
        *der = (-t[0] * (ux * vx + vx * wx + ux * wx) / 6.0 + t[1] * (wx * vx - px * wx - px * vx) * 0.5 -
                t[2] * (wx * ux - px * wx - px * ux) * 0.5 + t[3] * (ux * vx - px * ux - px * vx) / 6.0) /
               p->tab_dq;
    return 1;
}

static int beta_eval(const dft_pseudo *p, int ib, int deriv, int n_q, const double *q, double *out)
{
    LS_TRY(check_q(p, n_q, q));
    LS_TRY(check_beta(p, ib));
    if (p->kind == DFT_PSEUDO_GTH) {
        (deriv ? dft_gth_beta_dq : dft_gth_beta_q)(p, ib, n_q, q, out);
        return LS_OK;
    }
    if (p->tab_n == 0) return beta_direct(p, ib, deriv, n_q, q, out);
    for (int iq = 0; iq < n_q; iq++) {
        if (!beta_interp(p, ib, q[iq], deriv ? NULL : &out[iq], deriv ? &out[iq] : NULL))
            LS_TRY(beta_direct(p, ib, deriv, 1, &q[iq], &out[iq]));
    }
    return LS_OK;
}

int dft_pseudo_beta_q(const dft_pseudo *p, int i_beta, int n_q, const double *q, double *out)
{
    return beta_eval(p, i_beta, 0, n_q, q, out);
}

int dft_pseudo_beta_dq(const dft_pseudo *p, int i_beta, int n_q, const double *q, double *out)
{
    return beta_eval(p, i_beta, 1, n_q, q, out);
}

int dft_pseudo_tabulate(dft_pseudo *p, double q_max)
{
    if (p->kind == DFT_PSEUDO_GTH) return LS_OK;
    if (!(q_max >= 0.0) || !isfinite(q_max) || q_max > 1e4)
        LS_ERROR(LS_ERR_INTERNAL, "%s: cannot tabulate projectors up to q = %g", ls_path_basename(p->path), q_max);
    for (int ib = 0; ib < DFT_PSEUDO_MAX_BETA; ib++) {
        free(p->beta_tab[ib]);
        p->beta_tab[ib] = NULL;
    }
    p->tab_n = 0;
    /* QE: nqx = sqrt(ecutwfc)/dq + 4 nodes (iq = 1..nqx); we keep one more for rounding. */
    int n = (int)(q_max / TAB_DQ) + 5;
    double *qs = malloc((size_t)n * sizeof *qs);
    if (qs == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory tabulating projectors");
    for (int iq = 0; iq < n; iq++) qs[iq] = iq * TAB_DQ;
    int status = LS_OK;
    for (int ib = 0; ib < p->n_beta; ib++) {
        p->beta_tab[ib] = malloc((size_t)n * sizeof(double));
        if (p->beta_tab[ib] == NULL) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory tabulating projectors");
        LS_TRY_GOTO(status, beta_direct(p, ib, 0, n, qs, p->beta_tab[ib]), done);
    }
    p->tab_dq = TAB_DQ;
    p->tab_n = n;
done:
    if (status != LS_OK)
        for (int ib = 0; ib < DFT_PSEUDO_MAX_BETA; ib++) {
            free(p->beta_tab[ib]);
            p->beta_tab[ib] = NULL;
        }
    free(qs);
    return status;
}
