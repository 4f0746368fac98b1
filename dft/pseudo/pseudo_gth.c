/* Goedecker-Teter-Hutter / Hartwigsen-Goedecker-Hutter pseudopotentials: reader for CP2K's
 * GTH_POTENTIALS file and analytic plane-wave form factors.
 *
 * Real space (Hartree units; S. Goedecker, M. Teter, J. Hutter, Phys. Rev. B 54, 1703 (1996),
 * doi:10.1103/PhysRevB.54.1703; C. Hartwigsen, S. Goedecker, J. Hutter, Phys. Rev. B 58, 3641
 * (1998), doi:10.1103/PhysRevB.58.3641, eqs. 1-3):
 *   V_loc(r) = -Z/r erf(r/(sqrt2 r_loc)) + exp(-x^2/2) (C1 + C2 x^2 + C3 x^4 + C4 x^6),  x = r/r_loc
 *   p_i^l(r) = sqrt2 r^{l+2(i-1)} exp(-r^2/(2 r_l^2)) / (r_l^{l+(4i-1)/2} sqrt(Gamma(l+(4i-1)/2)))
 *   V_nl     = sum_l sum_ij sum_m |p_i^l Y_lm> h^l_ij <p_j^l Y_lm|
 * Fourier space, with the conventions of pseudo.h (t = (q r_loc)^2):
 *   V(q) = -4 pi Z exp(-t/2)/q^2 + (2 pi)^{3/2} r_loc^3 exp(-t/2) [C1 + C2 (3 - t)
 *          + C3 (15 - 10 t + t^2) + C4 (105 - 105 t + 21 t^2 - t^3)]
 *   V(0) = 2 pi Z r_loc^2 + (2 pi)^{3/2} r_loc^3 (C1 + 3 C2 + 15 C3 + 105 C4)
 * V(0) is the limit with the divergent -4 pi Z/q^2 removed, the same "alpha Z" convention as
 * for numerical potentials, so both kinds plug into the same engine.  Projectors:
 *   int_0^inf r^{l+2+2k} e^{-a r^2} j_l(qr) dr = (-d/da)^k [sqrt(pi)/2^{l+2} q^l a^{-s} e^{-q^2/(4a)}]
 *     = sqrt(pi)/2^{l+2} q^l a^{-(s+k)} e^{-u} P_k(u),  s = l + 3/2, u = q^2/(4a),
 *   P_0 = 1, P_1 = s - u, P_2 = (s + 1 - u)(s - u) - u, with a = 1/(2 r_l^2).
 *
 * File format (CP2K data/GTH_POTENTIALS):
 *   Si GTH-PBE-q4 GTH-PBE             element, name, aliases
 *       2    2                        electrons per l (sum = valence charge)
 *        0.44  1  -6.26928833         r_loc, n_c, C1..C_nc
 *       2                             number of nonlocal channels l = 0..n-1
 *        0.43563383  2  8.95174150 -2.70627082   r_l, n_proj, upper triangle of h^l
 *                                    3.49378060   (continues on the next lines)
 * Spin-orbit k^l_ij lines (HGH with SOC) are not read; CP2K's GTH_POTENTIALS has none. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/elements.h"
#include "common/err.h"
#include "common/textio.h"
#include "dft/pseudo/pseudo.h"
#include "dft/pseudo/pseudo_impl.h"

/* ---------------------------------------------------------------------------------------
 * Reader. */

/* The range of the radii r_loc and r_l accepted (bohr). */
#define DFT_GTH_MIN_RADIUS 0.01
#define DFT_GTH_MAX_RADIUS 10.0

/* Read n numbers starting with tokens tok[0..nt) of the current line, continuing on the next
 * lines. */
static int gth_numbers(ls_text_reader *r, char **tok, int nt, int n, const char *what, double *out)
{
    int count = 0;
    char *line, *t[32];
    for (int i = 0; i < nt; i++) {
        if (count >= n) return ls_text_error(r, "too many numbers: expected %d %s", n, what);
        LS_TRY(ls_text_parse_double(r, tok[i], what, &out[count++]));
    }
    while (count < n) {
        LS_TRY(ls_text_expect(r, what, &line));
        int k = ls_text_split(line, t, 32);
        if (k == 0 || t[0][0] == '#' || isalpha((unsigned char)t[0][0]))
            return ls_text_error(r, "expected %d %s, found only %d", n, what, count);
        for (int i = 0; i < k; i++) {
            if (count >= n) return ls_text_error(r, "too many numbers: expected %d %s", n, what);
            LS_TRY(ls_text_parse_double(r, t[i], what, &out[count++]));
        }
    }
    return LS_OK;
}

static int gth_int_token(ls_text_reader *r, const char *tok, const char *what, int lo, int hi, int *v)
{
    LS_TRY(ls_text_parse_int(r, tok, what, v));
    if (*v < lo || *v > hi) return ls_text_error(r, "%s = %d, expected %d..%d", what, *v, lo, hi);
    return LS_OK;
}

/* GTH radii are a fraction of a bohr to about two (CP2K's tables); far outside that range the
 * analytic form factors over- or underflow (r^-(l+2k+3/2)). */
static int check_radius(ls_text_reader *r, const char *what, double v)
{
    if (!(v >= DFT_GTH_MIN_RADIUS && v <= DFT_GTH_MAX_RADIUS))
        return ls_text_error(r, "%s = %g bohr, expected %g to %g (GTH radii are a fraction of a bohr to about 2)",
                             what, v, DFT_GTH_MIN_RADIUS, DFT_GTH_MAX_RADIUS);
    return LS_OK;
}

/* Coefficients (Ha) beyond +-1e6 are no potential's: a misplaced exponent or a shifted column. */
static int check_coefficients(ls_text_reader *r, const char *what, const double *c, int n)
{
    for (int i = 0; i < n; i++)
        if (!(fabs(c[i]) <= 1e6))
            return ls_text_error(r, "%s = %g: expected a coefficient of magnitude below 1e6 Ha", what, c[i]);
    return LS_OK;
}

static int gth_entry(ls_text_reader *r, dft_pseudo *p)
{
    char *line, *tok[32];
    int nt;
    /* electron configuration */
    LS_TRY(ls_text_expect(r, "the electron counts per angular momentum", &line));
    nt = ls_text_split(line, tok, 32);
    if (nt == 0) return ls_text_error(r, "expected the electron counts per angular momentum");
    p->z_valence = 0.0;
    for (int i = 0; i < nt; i++) {
        int ne;
        LS_TRY(gth_int_token(r, tok[i], "electron count", 0, 200, &ne));
        p->z_valence += ne;
    }
    if (p->z_valence <= 0.0) return ls_text_error(r, "the valence charge is zero");
    /* local part */
    LS_TRY(ls_text_expect(r, "'r_loc n_c C1 ... C_nc'", &line));
    nt = ls_text_split(line, tok, 32);
    if (nt < 2) return ls_text_error(r, "expected 'r_loc n_c C1 ... C_nc'");
    LS_TRY(ls_text_parse_double(r, tok[0], "r_loc", &p->gth_rloc));
    LS_TRY(check_radius(r, "r_loc", p->gth_rloc));
    LS_TRY(gth_int_token(r, tok[1], "n_c", 0, 4, &p->gth_n_c));
    LS_TRY(gth_numbers(r, tok + 2, nt - 2, p->gth_n_c, "local coefficients C_i", p->gth_c));
    LS_TRY(check_coefficients(r, "C_i", p->gth_c, p->gth_n_c));
    /* nonlocal channels */
    LS_TRY(ls_text_expect(r, "the number of nonlocal channels", &line));
    nt = ls_text_split(line, tok, 32);
    if (nt < 1) return ls_text_error(r, "expected the number of nonlocal channels");
    if (isalpha((unsigned char)tok[0][0]))
        return ls_error_set(LS_ERR_UNSUPPORTED, __FILE__, __LINE__, "%s:%ld: '%s' (e.g. NLCC) is not supported",
                            r->path, r->line_no, tok[0]);
    LS_TRY(gth_int_token(r, tok[0], "number of nonlocal channels", 0, 4, &p->gth_n_l));
    p->l_max = p->gth_n_l > 0 ? p->gth_n_l - 1 : 0;
    p->n_beta = 0;
    for (int l = 0; l < p->gth_n_l; l++) {
        LS_TRY(ls_text_expect(r, "'r_l n_proj h_11 ...'", &line));
        nt = ls_text_split(line, tok, 32);
        long v;
        if (nt < 2 || ls_parse_long(tok[1], &v) != 0)
            return ls_text_error(r, "expected 'r_l n_proj h^l_11 h^l_12 ...' for channel l = %d", l);
        LS_TRY(ls_text_parse_double(r, tok[0], "r_l", &p->gth_r[l]));
        LS_TRY(check_radius(r, l == 0 ? "r_0" : l == 1 ? "r_1" : l == 2 ? "r_2" : "r_3", p->gth_r[l]));
        int np;
        LS_TRY(gth_int_token(r, tok[1], "n_proj", 0, 3, &np));
        p->gth_n_proj[l] = np;
        double h[6];
        LS_TRY(gth_numbers(r, tok + 2, nt - 2, np * (np + 1) / 2, "coefficients h^l_ij (upper triangle)", h));
        LS_TRY(check_coefficients(r, "h^l_ij", h, np * (np + 1) / 2));
        for (int i = 0, k = 0; i < np; i++)
            for (int j = i; j < np; j++, k++) p->gth_h[l][i][j] = p->gth_h[l][j][i] = h[k];
        p->n_beta += np;
    }
    dft_gth_set_projectors(p);
    return LS_OK;
}

void dft_gth_set_projectors(dft_pseudo *p)
{
    /* projectors and D = h, block diagonal in l */
    int ib = 0, nb = p->n_beta;
    for (int l = 0; l < p->gth_n_l; l++) {
        for (int i = 0; i < p->gth_n_proj[l]; i++) {
            p->beta_l[ib + i] = l;
            for (int j = 0; j < p->gth_n_proj[l]; j++) p->dij[(ib + i) * nb + ib + j] = p->gth_h[l][i][j];
        }
        ib += p->gth_n_proj[l];
    }
}

int dft_pseudo_read_gth(const char *path, const char *element, const char *name, dft_pseudo **out)
{
    *out = NULL;
    dft_pseudo *p = NULL;
    ls_text_reader *r = NULL;
    int status = LS_OK, found = 0;
    char seen[512] = "";
    char *line, *tok[16];
    if (ls_element_z(element) == 0) LS_ERROR(LS_ERR_INPUT, "GTH potential: '%s' is not a chemical element", element);
    LS_TRY(ls_text_open(path, &r));
    LS_TRY_GOTO(status, dft_pseudo_new(DFT_PSEUDO_GTH, path, &p), done);
    while (!found) {
        LS_TRY_GOTO(status, ls_text_next(r, &line), done);
        if (line == NULL) break;
        int nt = ls_text_split(line, tok, 16);
        if (nt < 2 || !isalpha((unsigned char)tok[0][0]) || strcasecmp(tok[0], element) != 0) continue;
        for (int i = 1; i < nt && !found; i++) found = strcasecmp(tok[i], name) == 0;
        if (!found) {
            if (strlen(seen) + strlen(tok[1]) + 3 < sizeof seen) {
                if (*seen) strcat(seen, ", ");
                strcat(seen, tok[1]);
            }
            continue;
        }
        snprintf(p->element, sizeof p->element, "%.3s", element);
        p->element[0] = (char)toupper((unsigned char)p->element[0]);
        for (int i = 1; p->element[i]; i++) p->element[i] = (char)tolower((unsigned char)p->element[i]);
        /* functional from the name: GTH-PBE-q4 -> PBE */
        const char *f = strncasecmp(tok[1], "GTH-", 4) == 0 ? tok[1] + 4 : tok[1];
        const char *e = strstr(f, "-q");
        snprintf(p->functional, sizeof p->functional, "%.*s", (int)(e ? (size_t)(e - f) : strlen(f)), f);
        LS_TRY_GOTO(status, gth_entry(r, p), done);
    }
    if (!found) {
        if (*seen)
            LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "%s: no GTH potential named '%s' for %s (available: %s)", path,
                          name, element, seen);
        LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "%s: no GTH potential for element '%s'", path, element);
    }
    p->z = ls_element_z(p->element);
    *out = p;
    p = NULL;
done:
    ls_text_close(r);
    dft_pseudo_destroy(p);
    return status;
}

/* ---------------------------------------------------------------------------------------
 * Analytic form factors. */
static void beta_channel(const dft_pseudo *p, int ib, int *l, int *k)
{
    *l = p->beta_l[ib];
    *k = 0;
    for (int j = ib - 1; j >= 0 && p->beta_l[j] == *l; j--) (*k)++;
}

/* sqrt2 / (r_l^{s+2k} sqrt Gamma(s+2k)), s = l + 3/2 */
static double beta_norm(double rl, int l, int k)
{
    double e = l + 1.5 + 2.0 * k;
    return sqrt(2.0) / (pow(rl, e) * sqrt(tgamma(e)));
}

double dft_gth_beta_r(const dft_pseudo *p, int ib, double r)
{
    int l, k;
    beta_channel(p, ib, &l, &k);
    double rl = p->gth_r[l];
    return beta_norm(rl, l, k) * pow(r, l + 2 * k) * exp(-0.5 * r * r / (rl * rl));
}

double dft_gth_vloc_r(const dft_pseudo *p, double r)
{
    const double rl = p->gth_rloc, x2 = r * r / (rl * rl), *c = p->gth_c;
    double lr = r > 1e-12 ? -p->z_valence / r * erf(r / (sqrt(2.0) * rl)) : -p->z_valence * sqrt(2.0 / M_PI) / rl;
    return lr + exp(-0.5 * x2) * (c[0] + x2 * (c[1] + x2 * (c[2] + x2 * c[3])));
}

/* P_k(u) and dP_k/du */
static void poly_k(int k, double s, double u, double *pk, double *dpk)
{
    if (k == 0) *pk = 1.0, *dpk = 0.0;
    else if (k == 1) *pk = s - u, *dpk = -1.0;
    else *pk = (s + 1.0 - u) * (s - u) - u, *dpk = 2.0 * u - 2.0 * s - 2.0;
}

static void gth_beta(const dft_pseudo *p, int ib, int deriv, int n_q, const double *q, double *out)
{
    int l, k;
    beta_channel(p, ib, &l, &k);
    const double rl = p->gth_r[l], a = 0.5 / (rl * rl), s = l + 1.5;
    const double pref = 4.0 * M_PI * beta_norm(rl, l, k) * sqrt(M_PI) / pow(2.0, l + 2) * pow(a, -(s + k));
    for (int iq = 0; iq < n_q; iq++) {
        double g = q[iq], u = 0.5 * g * g * rl * rl, pk, dpk, e = exp(-u);
        poly_k(k, s, u, &pk, &dpk);
        double gl = l == 0 ? 1.0 : pow(g, l);
        if (!deriv) {
            out[iq] = pref * gl * e * pk;
        } else {
            double first = l == 0 ? 0.0 : l * pow(g, l - 1) * pk;
            out[iq] = pref * e * (first + gl * (dpk - pk) * g * rl * rl);
        }
    }
}

void dft_gth_beta_q(const dft_pseudo *p, int ib, int n_q, const double *q, double *out)
{
    gth_beta(p, ib, 0, n_q, q, out);
}

void dft_gth_beta_dq(const dft_pseudo *p, int ib, int n_q, const double *q, double *out)
{
    gth_beta(p, ib, 1, n_q, q, out);
}

void dft_gth_vloc_q(const dft_pseudo *p, int n_q, const double *q, double *out)
{
    const double rl = p->gth_rloc, z = p->z_valence, *c = p->gth_c;
    const double k3 = pow(2.0 * M_PI, 1.5) * rl * rl * rl;
    for (int iq = 0; iq < n_q; iq++) {
        double g = q[iq], t = g * g * rl * rl, e = exp(-0.5 * t);
        double poly = c[0] + c[1] * (3.0 - t) + c[2] * (15.0 - 10.0 * t + t * t) +
                      c[3] * (105.0 - 105.0 * t + 21.0 * t * t - t * t * t);
        if (g < DFT_PSEUDO_Q0) out[iq] = 2.0 * M_PI * z * rl * rl + k3 * poly;
        else out[iq] = -4.0 * M_PI * z * e / (g * g) + k3 * e * poly;
    }
}

void dft_gth_vloc_dq(const dft_pseudo *p, int n_q, const double *q, double *out)
{
    const double rl = p->gth_rloc, z = p->z_valence, *c = p->gth_c;
    const double k3 = pow(2.0 * M_PI, 1.5) * rl * rl * rl;
    for (int iq = 0; iq < n_q; iq++) {
        double g = q[iq], t = g * g * rl * rl, e = exp(-0.5 * t);
        if (g < DFT_PSEUDO_Q0) {
            out[iq] = 0.0;
            continue;
        }
        double poly = c[0] + c[1] * (3.0 - t) + c[2] * (15.0 - 10.0 * t + t * t) +
                      c[3] * (105.0 - 105.0 * t + 21.0 * t * t - t * t * t);
        double dpoly = -c[1] + c[2] * (-10.0 + 2.0 * t) + c[3] * (-105.0 + 42.0 * t - 3.0 * t * t);
        double dt = 2.0 * g * rl * rl; /* dt/dq */
        out[iq] = 4.0 * M_PI * z * e * (rl * rl / g + 2.0 / (g * g * g)) + k3 * e * (dpoly - 0.5 * poly) * dt;
    }
}
