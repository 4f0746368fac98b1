/* Exchange-correlation energy density and its derivatives through libxc, point by point:
 *
 *   E_xc = int e_xc(rho, sigma) dr,   e_xc = rho eps_xc,   v_s = d e_xc / d rho_s,
 *   vsigma_k = d e_xc / d sigma_k    (sigma = |grad rho|^2, or up.up, up.down, down.down).
 *
 * References: S. Lehtola, C. Steigemann, M. J. T. Oliveira, M. A. L. Marques, SoftwareX 7, 1
 * (2018), doi:10.1016/j.softx.2017.11.002 (libxc); J. P. Perdew, Y. Wang, Phys. Rev. B 45,
 * 13244 (1992), doi:10.1103/PhysRevB.45.13244 (PW92); J. P. Perdew, A. Zunger, Phys. Rev. B
 * 23, 5048 (1981), doi:10.1103/PhysRevB.23.5048; J. P. Perdew, K. Burke, M. Ernzerhof, Phys.
 * Rev. Lett. 77, 3865 (1996), doi:10.1103/PhysRevLett.77.3865 (PBE).
 *
 * Agreement with Quantum ESPRESSO 6.7 (its own functionals; Debian's pw.x does not use libxc):
 * - QE's "PBE" is SLA PW PBX PBC: Slater exchange + PW92 correlation with QE's pw() constants
 *   (a = 0.031091, the original paper's values) on every point with |rho| > 1e-10, plus the
 *   gradient corrections PBX (PBE exchange minus Slater) and PBC (PBE's H term, built on the
 *   same a = 0.031091 PW92) only where |rho| > 1e-6 and |grad rho|^2 > 1e-10
 *   (rho_threshold_lda, rho_threshold_gga, grho_threshold_gga of QE's XClib).
 * - libxc's LDA_C_PW has those constants; libxc's GGA_C_PBE contains LDA_C_PW_MOD instead
 *   (a = 0.0310907, more digits in f''(0)): checked numerically, GGA_C_PBE at sigma = 0
 *   equals LDA_C_PW_MOD to 1e-16.  PW and PW_MOD differ by about 2e-6 relative in eps_c.
 * - So the named GGAs here are composed as QE's are:
 *     LDA_X + LDA_C_PW                                  where rho > 1e-10
 *   + (GGA_X_PBE - LDA_X) + (GGA_C_PBE - LDA_C_PW_MOD)  where rho > 1e-6 and sigma > 1e-10
 *   which reproduces QE except that libxc's H term sees the PW_MOD eps_c (QE: PW); H depends
 *   on eps_c through exp(-eps_c/gamma), so this residual is up to 2.4e-7 relative pointwise
 *   and 1.2e-8 relative in E_xc (3.5e-8 Ha for a model Si2 density; test_xc.c).  Plain libxc
 *   PBE (PW_MOD also in the LDA part, no gradient thresholds) differs from QE by 1e-6 Ha
 *   for the same density: the composition removes 97% of the difference.
 * - One difference is kept on purpose: QE 6.7's spin-polarised H term (pbec_spin) uses
 *   gamma = 0.031091, its spin-unpolarised one (pbec) and libxc the exact (1 - ln 2)/pi^2.
 *   pbe_h below uses the exact value for both, so that a spin-polarised run of a non-magnetic
 *   crystal gives the unpolarised energy.  That is the whole of fe-bcc's -0.027 meV/atom
 *   against pw.x (validation/qe/README.md: with 0.031091 it becomes +2e-6 meV/atom).
 * - Negative densities (spin-unpolarised): as QE, eps_xc is evaluated at |rho| and
 *   e_xc = rho * eps_xc(|rho|) (so such points subtract), an odd function of rho: v_rho is
 *   the value at |rho| and v_sigma carries the sign of rho (QE 6.7 omits that sign in its
 *   gradient correction, so there its potential is not the derivative of its energy).
 *   Spin-polarised: each spin density is clamped at zero (with no potential where it is
 *   negative, as the energy does not depend on it there); thresholds apply to the total
 *   density and sigma_tot = up.up + 2 up.down + down.down.
 * Functionals given as libxc names ("GGA_X_PBE+GGA_C_PBE") are evaluated as libxc defines
 * them, on every point with rho > 1e-10 (no separate gradient threshold).
 */
#include "dft/terms/xc.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xc.h>

#include "common/err.h"

#define XC_MAX_PART 6
#define XC_CHUNK 256
#define XC_RHO_MIN 1e-10      /* QE rho_threshold_lda */
#define XC_RHO_MIN_GC 1e-6    /* QE rho_threshold_gga */
#define XC_SIGMA_MIN_GC 1e-10 /* QE grho_threshold_gga */

enum xc_region { XC_REGION_ALL = 0, XC_REGION_GC = 1 };

struct xc_part {
    xc_func_type func;
    int initialised;
    int is_gga;
    double coef;
    enum xc_region region;
    double pbe_h_beta; /* > 0: this part is the PBE correlation gradient term H (own code, see
                          pbe_h below) built on the PW92 correlation that func (LDA_C_PW) gives */
};

struct dft_xc {
    char name[128];
    int n_spin;
    int is_gga;
    int has_gc_region; /* some part applies only where the gradient correction is on */
    int n_part;
    struct xc_part part[XC_MAX_PART];
};

/* A named functional: LDA parts on every point, GGA corrections (GGA minus its LDA limit)
 * only where the gradient correction is on.  gc_lda_c is the LDA correlation inside the
 * libxc GGA correlation. */
struct xc_named {
    const char *names[6]; /* accepted spellings (case-insensitive, blanks/underscores ignored) */
    int lda_x, lda_c, gga_x, gga_c, gc_lda_c;
};

static const struct xc_named xc_named_table[] = {
    {{"LDA", "PW", "SLA PW", "SLA PW NOGX NOGC", "PW92", NULL}, XC_LDA_X, XC_LDA_C_PW, 0, 0, 0},
    {{"PZ", "SLA PZ", "SLA PZ NOGX NOGC", "PZ81", NULL}, XC_LDA_X, XC_LDA_C_PZ, 0, 0, 0},
    {{"PBE", "SLA PW PBX PBC", "SLA PW PBE PBE", NULL}, XC_LDA_X, XC_LDA_C_PW, XC_GGA_X_PBE, XC_GGA_C_PBE, XC_LDA_C_PW_MOD},
    {{"PBEsol", "SLA PW PSX PSC", NULL}, XC_LDA_X, XC_LDA_C_PW, XC_GGA_X_PBE_SOL, XC_GGA_C_PBE_SOL, XC_LDA_C_PW_MOD},
};
#define XC_N_NAMED (sizeof xc_named_table / sizeof xc_named_table[0])

/* Compare ignoring case, blanks, '-' and '_' ("SLA  PW PBX PBC" == "sla-pw-pbx-pbc"). */
static int name_equal(const char *a, const char *b)
{
    for (;;) {
        while (*a == ' ' || *a == '-' || *a == '_' || *a == '\t') a++;
        while (*b == ' ' || *b == '-' || *b == '_' || *b == '\t') b++;
        if (!*a || !*b) return !*a && !*b;
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b)) return 0;
        a++, b++;
    }
}

static int add_part(dft_xc *xc, int id, double coef, enum xc_region region)
{
    if (xc->n_part >= XC_MAX_PART)
        LS_ERROR(LS_ERR_INPUT, "functional '%s': more than %d components", xc->name, XC_MAX_PART);
    struct xc_part *p = &xc->part[xc->n_part];
    if (xc_func_init(&p->func, id, xc->n_spin == 2 ? XC_POLARIZED : XC_UNPOLARIZED) != 0)
        LS_ERROR(LS_ERR_LIBRARY, "libxc cannot initialise functional %d (%s)", id,
                 xc_functional_get_name(id) ? xc_functional_get_name(id) : "?");
    p->initialised = 1;
    xc->n_part++;
    int family = p->func.info->family;
    if (family != XC_FAMILY_LDA && family != XC_FAMILY_GGA)
        LS_ERROR(LS_ERR_UNSUPPORTED, "functional '%s': %s is neither an LDA nor a GGA (meta-GGAs and "
                 "hybrids are not supported)", xc->name, p->func.info->name);
    if (!(p->func.info->flags & XC_FLAGS_HAVE_VXC))
        LS_ERROR(LS_ERR_UNSUPPORTED, "functional '%s': libxc has no potential for %s", xc->name, p->func.info->name);
    p->is_gga = family == XC_FAMILY_GGA;
    p->coef = coef;
    p->region = region;
    if (p->is_gga) xc->is_gga = 1;
    if (region == XC_REGION_GC) xc->has_gc_region = 1;
    return LS_OK;
}

static int build_named(dft_xc *xc, const struct xc_named *nf)
{
    LS_TRY(add_part(xc, nf->lda_x, 1.0, XC_REGION_ALL));
    LS_TRY(add_part(xc, nf->lda_c, 1.0, XC_REGION_ALL));
    if (nf->gga_x) {
        LS_TRY(add_part(xc, nf->gga_x, 1.0, XC_REGION_GC));
        LS_TRY(add_part(xc, nf->lda_x, -1.0, XC_REGION_GC));
        if (nf->gga_c == XC_GGA_C_PBE || nf->gga_c == XC_GGA_C_PBE_SOL) {
            /* QE's PBE correlation: H evaluated with PW92's eps_c (libxc's GGA_C_PBE uses
             * PW_MOD inside H, 2e-6 relative apart; visible in spin-polarised transition
             * metals).  The part evaluates LDA_C_PW and adds rho H from pbe_h. */
            LS_TRY(add_part(xc, XC_LDA_C_PW, 1.0, XC_REGION_GC));
            xc->part[xc->n_part - 1].pbe_h_beta = nf->gga_c == XC_GGA_C_PBE ? 0.06672455060314922 : 0.046;
            xc->is_gga = 1;
            return LS_OK;
        }
        LS_TRY(add_part(xc, nf->gga_c, 1.0, XC_REGION_GC));
        LS_TRY(add_part(xc, nf->gc_lda_c, -1.0, XC_REGION_GC));
    }
    return LS_OK;
}

/* "GGA_X_PBE+GGA_C_PBE" (optionally XC_-prefixed, any case). */
static int build_libxc(dft_xc *xc, const char *name, int *unknown)
{
    char buf[128], *save = NULL;
    snprintf(buf, sizeof buf, "%s", name);
    *unknown = 0;
    for (char *tok = strtok_r(buf, "+", &save); tok; tok = strtok_r(NULL, "+", &save)) {
        while (isspace((unsigned char)*tok)) tok++;
        for (char *e = tok + strlen(tok); e > tok && isspace((unsigned char)e[-1]);) *--e = '\0';
        int id = xc_functional_get_number(tok);
        if (id <= 0) {
            *unknown = 1;
            return LS_ERR_INPUT;
        }
        LS_TRY(add_part(xc, id, 1.0, XC_REGION_ALL));
    }
    if (xc->n_part == 0) *unknown = 1;
    return *unknown ? LS_ERR_INPUT : LS_OK;
}

int dft_xc_create(const char *name, int n_spin, dft_xc **out)
{
    int status = LS_OK, unknown = 0;
    dft_xc *xc = NULL;
    *out = NULL;
    if (!name || !*name) LS_ERROR(LS_ERR_INPUT, "no exchange-correlation functional given");
    if (n_spin != 1 && n_spin != 2) LS_ERROR(LS_ERR_INPUT, "n_spin must be 1 or 2 (got %d)", n_spin);
    if (strlen(name) >= sizeof xc->name) LS_ERROR(LS_ERR_INPUT, "functional name too long: '%.40s...'", name);
    xc = calloc(1, sizeof *xc);
    if (!xc) LS_ERROR(LS_ERR_NOMEM, "out of memory for the functional");
    snprintf(xc->name, sizeof xc->name, "%s", name);
    xc->n_spin = n_spin;
    for (size_t i = 0; i < XC_N_NAMED; i++)
        for (int k = 0; xc_named_table[i].names[k]; k++)
            if (name_equal(name, xc_named_table[i].names[k])) {
                LS_TRY_GOTO(status, build_named(xc, &xc_named_table[i]), cleanup);
                *out = xc;
                return LS_OK;
            }
    status = build_libxc(xc, name, &unknown);
    if (unknown)
        LS_ERROR_GOTO(status, LS_ERR_INPUT, cleanup,
                      "unknown exchange-correlation functional '%s': use LDA (= SLA PW), PZ (= SLA PZ), "
                      "PBE (= SLA PW PBX PBC), PBEsol (= SLA PW PSX PSC), or libxc names joined by '+' "
                      "(e.g. GGA_X_PBE+GGA_C_PBE)", name);
    if (status != LS_OK) goto cleanup;
    *out = xc;
    return LS_OK;
cleanup:
    dft_xc_destroy(xc);
    return status;
}

void dft_xc_destroy(dft_xc *xc)
{
    if (!xc) return;
    for (int i = 0; i < xc->n_part; i++)
        if (xc->part[i].initialised) xc_func_end(&xc->part[i].func);
    free(xc);
}

int dft_xc_is_gga(const dft_xc *xc) { return xc->is_gga; }
const char *dft_xc_name(const dft_xc *xc) { return xc->name; }

/* The PBE correlation gradient term (J. P. Perdew, K. Burke, M. Ernzerhof, PRL 77, 3865 (1996)):
 *   e = rho H,  H = gamma phi^3 ln[1 + (beta/gamma) y (1 + A y) / (1 + A y + A^2 y^2)],
 *   A = (beta/gamma) / (exp(-eps_c / (gamma phi^3)) - 1),  y = t^2 = sigma / (4 phi^2 k_s^2 rho^2),
 *   k_s^2 = 4 k_F / pi,  k_F = (3 pi^2 rho)^(1/3),  phi = [(1+z)^(2/3) + (1-z)^(2/3)] / 2,
 * with eps_c the PW92 correlation per electron and its derivatives deps[s] = d eps_c / d rho_s.
 * Outputs e, de/drho_s (ns of them) and de/dsigma (sigma = |grad rho|^2 of the total density). */
static void pbe_h(double beta, int ns, double rho, double z, double sigma, double eps, const double *deps, double *e,
                  double *de_drho, double *de_dsigma)
{
    const double gamma = (1.0 - M_LN2) / (M_PI * M_PI), c = beta / gamma;
    if (z > 1.0 - 1e-12) z = 1.0 - 1e-12;
    if (z < -1.0 + 1e-12) z = -1.0 + 1e-12;
    double phi = ns == 1 ? 1.0 : 0.5 * (cbrt((1 + z) * (1 + z)) + cbrt((1 - z) * (1 - z)));
    double dphi_dz = ns == 1 ? 0.0 : (1.0 / 3.0) * (1.0 / cbrt(1 + z) - 1.0 / cbrt(1 - z));
    double kf = cbrt(3.0 * M_PI * M_PI * rho), ks2 = 4.0 * kf / M_PI;
    double dy_dsigma = 1.0 / (4.0 * phi * phi * ks2 * rho * rho), y = sigma * dy_dsigma;
    double g3 = gamma * phi * phi * phi;
    double u = exp(-eps / g3), a = c / (u - 1.0);
    double n_ = 1.0 + a * y, d_ = 1.0 + a * y + a * a * y * y;
    double x = c * y * n_ / d_;
    double lg = log1p(x), h = g3 * lg;
    double dh_dx = g3 / (1.0 + x);
    double dx_dy = c * (n_ / d_ + y * (a * d_ - n_ * (a + 2.0 * a * a * y)) / (d_ * d_));
    double dx_da = c * y * (y * d_ - n_ * (y + 2.0 * a * y * y)) / (d_ * d_);
    double da_deps = c * u / (g3 * (u - 1.0) * (u - 1.0));
    double da_dphi = -c * u * (3.0 * eps / (gamma * phi * phi * phi * phi)) / ((u - 1.0) * (u - 1.0));
    double dh_dphi = 3.0 * gamma * phi * phi * lg;
    *e = rho * h;
    *de_dsigma = rho * dh_dx * dx_dy * dy_dsigma;
    for (int s = 0; s < ns; s++) {
        double dz = ns == 1 ? 0.0 : (s == 0 ? (1.0 - z) / rho : -(1.0 + z) / rho);
        double dphi = dphi_dz * dz;
        double dy = -7.0 / 3.0 * y / rho - 2.0 * y / phi * dphi;
        double da = da_deps * deps[s] + da_dphi * dphi;
        double dh = dh_dx * (dx_dy * dy + dx_da * da) + dh_dphi * dphi;
        de_drho[s] = h + rho * dh;
    }
}

/* Per-thread scratch for one chunk in libxc's interleaved layout. */
struct xc_scratch {
    double rho[2 * XC_CHUNK], sigma[3 * XC_CHUNK], zk[XC_CHUNK], vrho[2 * XC_CHUNK], vsigma[3 * XC_CHUNK];
    double rho_tot[XC_CHUNK], sign[XC_CHUNK];
    long idx[XC_CHUNK];
};

/* Evaluate points [i0, i1) of the caller's arrays. */
static void eval_chunk(const dft_xc *xc, long n, long i0, long i1, const double *rho, const double *sigma,
                       double *exc, double *vrho, double *vsigma, struct xc_scratch *w)
{
    const int ns = xc->n_spin, nsig = 2 * ns - 1;
    for (long ir = i0; ir < i1; ir++) {
        exc[ir] = 0.0;
        for (int s = 0; s < ns; s++) vrho[s * n + ir] = 0.0;
        if (vsigma)
            for (int k = 0; k < nsig; k++) vsigma[k * n + ir] = 0.0;
    }
    for (int region = XC_REGION_ALL; region <= XC_REGION_GC; region++) {
        if (region == XC_REGION_GC && !xc->has_gc_region) break;
        /* Gather the points of this region. */
        long m = 0;
        for (long ir = i0; ir < i1; ir++) {
            double r[2], rt, sg = 1.0;
            if (ns == 1) {
                r[0] = fabs(rho[ir]);
                sg = rho[ir] < 0 ? -1.0 : 1.0;
                rt = r[0];
            } else {
                r[0] = fmax(rho[ir], 0.0);
                r[1] = fmax(rho[n + ir], 0.0);
                rt = r[0] + r[1];
            }
            if (!(rt > XC_RHO_MIN)) continue;
            if (region == XC_REGION_GC) {
                double st = ns == 1 ? sigma[ir] : sigma[ir] + 2 * sigma[n + ir] + sigma[2 * n + ir];
                if (!(rt > XC_RHO_MIN_GC && st > XC_SIGMA_MIN_GC)) continue;
            }
            for (int s = 0; s < ns; s++) w->rho[ns * m + s] = r[s];
            if (sigma)
                for (int k = 0; k < nsig; k++) w->sigma[nsig * m + k] = sigma[k * n + ir];
            w->rho_tot[m] = rt;
            w->sign[m] = sg;
            w->idx[m] = ir;
            m++;
        }
        if (m == 0) continue;
        for (int ip = 0; ip < xc->n_part; ip++) {
            const struct xc_part *p = &xc->part[ip];
            if ((int)p->region != region) continue;
            if (p->pbe_h_beta > 0) {
                xc_lda_exc_vxc(&p->func, (size_t)m, w->rho, w->zk, w->vrho);
                for (long j = 0; j < m; j++) {
                    long ir = w->idx[j];
                    double rt = w->rho_tot[j], eps = w->zk[j], deps[2], de_drho[2], de_ds, e;
                    for (int s = 0; s < ns; s++) deps[s] = (w->vrho[ns * j + s] - eps) / rt;
                    double z = ns == 1 ? 0.0 : (w->rho[2 * j] - w->rho[2 * j + 1]) / rt;
                    double st = ns == 1 ? w->sigma[j] : w->sigma[3 * j] + 2 * w->sigma[3 * j + 1] + w->sigma[3 * j + 2];
                    pbe_h(p->pbe_h_beta, ns, rt, z, st, eps, deps, &e, de_drho, &de_ds);
                    exc[ir] += p->coef * w->sign[j] * e;
                    for (int s = 0; s < ns; s++)
                        if (ns == 1 || rho[s * n + ir] >= 0) vrho[s * n + ir] += p->coef * de_drho[s];
                    if (ns == 1) {
                        vsigma[ir] += p->coef * w->sign[j] * de_ds;
                    } else {
                        vsigma[ir] += p->coef * de_ds;
                        vsigma[n + ir] += p->coef * 2.0 * de_ds;
                        vsigma[2 * n + ir] += p->coef * de_ds;
                    }
                }
                continue;
            }
            if (p->is_gga) xc_gga_exc_vxc(&p->func, (size_t)m, w->rho, w->sigma, w->zk, w->vrho, w->vsigma);
            else xc_lda_exc_vxc(&p->func, (size_t)m, w->rho, w->zk, w->vrho);
            for (long j = 0; j < m; j++) {
                long ir = w->idx[j];
                exc[ir] += p->coef * w->sign[j] * w->rho_tot[j] * w->zk[j];
                /* A clamped spin density (negative input) does not change the energy: no potential. */
                for (int s = 0; s < ns; s++)
                    if (ns == 1 || rho[s * n + ir] >= 0) vrho[s * n + ir] += p->coef * w->vrho[ns * j + s];
                if (p->is_gga)
                    for (int k = 0; k < nsig; k++) vsigma[k * n + ir] += p->coef * w->sign[j] * w->vsigma[nsig * j + k];
            }
        }
    }
}

int dft_xc_eval(const dft_xc *xc, long n, const double *rho, const double *sigma, double *exc,
                double *vrho, double *vsigma)
{
    if (n < 0) LS_ERROR(LS_ERR_INPUT, "dft_xc_eval: negative point count %ld", n);
    if (!rho || !exc || !vrho) LS_ERROR(LS_ERR_INPUT, "dft_xc_eval: rho, exc and vrho are required");
    if (xc->is_gga && (!sigma || !vsigma))
        LS_ERROR(LS_ERR_INPUT, "functional '%s' is a GGA: sigma and vsigma are required", xc->name);
    int failed = 0;
    long n_chunk = (n + XC_CHUNK - 1) / XC_CHUNK;
#pragma omp parallel
    {
        struct xc_scratch *w = malloc(sizeof *w);
        if (!w) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(static)
        for (long ic = 0; ic < n_chunk; ic++) {
            if (!w) continue;
            long i0 = ic * XC_CHUNK, i1 = i0 + XC_CHUNK < n ? i0 + XC_CHUNK : n;
            eval_chunk(xc, n, i0, i1, rho, xc->is_gga ? sigma : NULL, exc, vrho, vsigma, w);
        }
        free(w);
    }
    if (failed) LS_ERROR(LS_ERR_NOMEM, "dft_xc_eval: out of memory for per-thread scratch");
    return LS_OK;
}
