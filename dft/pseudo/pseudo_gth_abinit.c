/* GTH/HGH pseudopotentials in the single-file format Quantum ESPRESSO ships and ABINIT reads
 * (pspcod = 10, files named *.gth, e.g. QE's test-suite C-q4.gth), into the same analytic
 * GTH representation as CP2K's GTH_POTENTIALS (pseudo_gth.c; the formulas are there).
 *
 *   line 1   a title
 *   line 2   zatom zion pspdat
 *   line 3   pspcod pspxc lmax lloc mmax r2well     (pspcod 10; pspxc 11 = PBE)
 *   line 4   r_loc n_c C1 ... C_nc                   (Ha)
 *   line 5   n_l: the number of nonlocal channels l = 0 .. n_l - 1
 *   then per channel: "r_l n_proj h_11 h_12 h_13", "h_22 h_23", "h_33" (the upper triangle
 *   of h^l, Ha, one row per line), and for l > 0 as many rows of the spin-orbit k^l, not used
 *   (scalar-relativistic calculations, as pw.x without lspinorb)
 * Words after the numbers of a line (ABINIT's labels "rloc nloc c1 c2") are ignored.
 * References: C. Hartwigsen, S. Goedecker, J. Hutter, Phys. Rev. B 58, 3641 (1998),
 * doi:10.1103/PhysRevB.58.3641; ABINIT's documentation of pspcod = 10.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/elements.h"
#include "common/err.h"
#include "common/textio.h"
#include "dft/pseudo/pseudo.h"
#include "dft/pseudo/pseudo_impl.h"

/* The leading numbers of the next line (at most max), their count in *n. */
static int numbers(ls_text_reader *r, const char *what, double *v, int max, int *n)
{
    char *line, *tok[32];
    LS_TRY(ls_text_expect(r, what, &line));
    int nt = ls_text_split(line, tok, 32);
    *n = 0;
    for (int i = 0; i < nt && *n < max; i++) {
        if (ls_parse_double(tok[i], &v[*n]) != 0) break;
        (*n)++;
    }
    if (*n == 0) return ls_text_error(r, "expected %s", what);
    return LS_OK;
}

static int whole(ls_text_reader *r, double x, const char *what, int lo, int hi, int *out)
{
    if (x != floor(x) || x < lo || x > hi) return ls_text_error(r, "%s = %g: expected a whole number %d..%d", what, x, lo, hi);
    *out = (int)x;
    return LS_OK;
}

static int read_body(ls_text_reader *r, dft_pseudo *p)
{
    double v[32];
    int n, code = 0, ixc, z = 0;
    char *line;
    LS_TRY(ls_text_expect(r, "a title line", &line));
    LS_TRY(numbers(r, "'zatom zion pspdat'", v, 32, &n));
    if (n < 2) return ls_text_error(r, "expected 'zatom zion pspdat'");
    LS_TRY(whole(r, v[0], "zatom", 1, 118, &z));
    p->z = z;
    snprintf(p->element, sizeof p->element, "%s", ls_element_symbol(z));
    p->z_valence = v[1];
    if (!(p->z_valence > 0) || p->z_valence > z) return ls_text_error(r, "zion = %g: expected 0 < zion <= zatom", v[1]);
    LS_TRY(numbers(r, "'pspcod pspxc lmax lloc mmax r2well'", v, 32, &n));
    if (n < 2) return ls_text_error(r, "expected 'pspcod pspxc lmax lloc mmax r2well'");
    LS_TRY(whole(r, v[0], "pspcod", 0, 100, &code));
    if (code != 10)
        return ls_error_set(LS_ERR_UNSUPPORTED, __FILE__, __LINE__, "%s:%ld: pspcod = %d: only GTH/HGH potentials "
                            "(pspcod = 10) are read from this format", r->path, r->line_no, code);
    ixc = (int)v[1];
    if (ixc == 11 || ixc == -101130) snprintf(p->functional, sizeof p->functional, "PBE");
    else
        return ls_error_set(LS_ERR_UNSUPPORTED, __FILE__, __LINE__, "%s:%ld: pspxc = %d: only PBE (11) GTH files are "
                            "supported; give the functional's CP2K file (GTH_POTENTIALS) instead", r->path,
                            r->line_no, ixc);
    LS_TRY(numbers(r, "'r_loc n_c C1 ... C_nc'", v, 32, &n));
    if (n < 2) return ls_text_error(r, "expected 'r_loc n_c C1 ... C_nc'");
    p->gth_rloc = v[0];
    if (!(p->gth_rloc > 0)) return ls_text_error(r, "r_loc = %g, expected > 0", v[0]);
    LS_TRY(whole(r, v[1], "n_c", 0, 4, &p->gth_n_c));
    if (n - 2 < p->gth_n_c) return ls_text_error(r, "expected %d coefficients C_i after r_loc and n_c", p->gth_n_c);
    for (int i = 0; i < p->gth_n_c; i++) p->gth_c[i] = v[2 + i];
    LS_TRY(numbers(r, "the number of nonlocal channels", v, 32, &n));
    LS_TRY(whole(r, v[0], "the number of nonlocal channels", 0, 4, &p->gth_n_l));
    p->l_max = p->gth_n_l > 0 ? p->gth_n_l - 1 : 0;
    p->n_beta = 0;
    for (int l = 0; l < p->gth_n_l; l++) {
        int np = 0;
        LS_TRY(numbers(r, "'r_l n_proj h_11 ...'", v, 32, &n));
        if (n < 2) return ls_text_error(r, "expected 'r_l n_proj h_11 ...' for channel l = %d", l);
        p->gth_r[l] = v[0];
        if (!(p->gth_r[l] > 0) && v[1] > 0) return ls_text_error(r, "r_%d = %g, expected > 0", l, v[0]);
        LS_TRY(whole(r, v[1], "n_proj", 0, 3, &np));
        p->gth_n_proj[l] = np;
        for (int i = 0; i < np; i++) {
            double *row = v + (i == 0 ? 2 : 0);
            if (i > 0) LS_TRY(numbers(r, "a row of h^l", v, 32, &n));
            int have = i == 0 ? n - 2 : n;
            if (have < np - i) return ls_text_error(r, "expected %d coefficients h^%d_%d%d ...", np - i, l, i + 1, i + 1);
            for (int j = i; j < np; j++) p->gth_h[l][i][j] = p->gth_h[l][j][i] = row[j - i];
        }
        for (int i = 0; l > 0 && i < np; i++) LS_TRY(numbers(r, "a row of the spin-orbit k^l", v, 32, &n));
        p->n_beta += np;
    }
    dft_gth_set_projectors(p);
    return LS_OK;
}

int dft_pseudo_read_gth_abinit(const char *path, dft_pseudo **out)
{
    *out = NULL;
    dft_pseudo *p = NULL;
    ls_text_reader *r = NULL;
    LS_TRY(ls_text_open(path, &r));
    int status = dft_pseudo_new(DFT_PSEUDO_GTH, path, &p);
    if (status == LS_OK) status = read_body(r, p);
    ls_text_close(r);
    if (status != LS_OK) {
        dft_pseudo_destroy(p);
        return status;
    }
    *out = p;
    return LS_OK;
}
