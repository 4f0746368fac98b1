/* The K_POINTS card of pw.x inputs in every form pw.x 6.7 reads (read_cards.f90, setup.f90):
 *
 *   automatic   n1 n2 n3 s1 s2 s3: the Monkhorst-Pack mesh (dft/basis/kpoints.c)
 *   gamma       the Gamma point alone (pw.x then uses real wavefunctions; same result)
 *   tpiba       (also no option) a list "kx ky kz w" in Cartesian units of 2 pi / alat
 *   crystal     a list in fractional coordinates of the reciprocal vectors
 *   tpiba_b, crystal_b   a band path: "k w" vertices, w points from each vertex towards the
 *               next (the last vertex's w is not used), every generated point of weight 1
 *
 * Lists (paths too) of 'scf' and 'nscf' runs are taken as pw.x does: the points are assumed to be in the
 * irreducible wedge of the Bravais lattice's point group, so each is expanded into its star
 * under the lattice's rotations and the star reduced by the crystal's symmetry (pw.x's
 * irreducible_BZ; done by the engine, dft/basis/kpoints_list.c); the weights are normalised
 * to 1.  'bands' runs use the points as given.  With nosym, the list is used as
 * given too (pw.x's nrot = 1).  A path vertex may carry a label after its weight, as a
 * comment ("0.5 0.5 0.5 20 ! L"); without one, (0,0,0) is labelled G (Gamma).
 * tpiba_c/crystal_c (a plane for contour plots) are refused.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/textio.h"
#include "dft/input/input_qe.h"

#define QE_MAX_MESH 1000000L /* Monkhorst-Pack points before reduction (a 100^3 mesh) */

void qe_kcard_free(struct qe_kcard *kc)
{
    free(kc->k);
    free(kc->w);
    free(kc->label);
    kc->k = NULL;
    kc->w = NULL;
    kc->label = NULL;
}

/* A line of numbers; a trailing comment's first word goes into label[16] ("" if none). */
static int kline(struct qe_state *st, const char *what, char **tok, int max, int *n, char label[16])
{
    char *line;
    LS_TRY(ls_text_expect(st->r, what, &line));
    label[0] = '\0';
    for (char *c = line; *c; c++)
        if (*c == '!' || *c == '#') {
            *c++ = '\0';
            while (isspace((unsigned char)*c)) c++;
            size_t k = 0;
            while (c[k] && !isspace((unsigned char)c[k]) && k < 15) {
                label[k] = c[k];
                k++;
            }
            label[k] = '\0';
            break;
        }
    *n = ls_text_split(line, tok, max);
    return LS_OK;
}

static int read_automatic(struct qe_state *st)
{
    struct qe_kcard *kc = &st->kcard;
    char *tok[8], label[16];
    int n;
    LS_TRY(kline(st, "'n1 n2 n3 s1 s2 s3'", tok, 8, &n, label));
    if (n != 6) return ls_text_error(st->r, "K_POINTS automatic: expected 6 whole numbers 'n1 n2 n3 s1 s2 s3'");
    long total = 1;
    for (int k = 0; k < 3; k++) {
        LS_TRY(ls_text_parse_int(st->r, tok[k], "a mesh division", &kc->mesh[k]));
        LS_TRY(ls_text_parse_int(st->r, tok[3 + k], "a shift (0 or 1)", &kc->shift[k]));
        if (kc->mesh[k] < 1 || kc->shift[k] < 0 || kc->shift[k] > 1)
            return ls_text_error(st->r, "K_POINTS automatic: divisions must be >= 1 and shifts 0 or 1");
        if (kc->mesh[k] > QE_MAX_MESH) total = QE_MAX_MESH + 1;
        else total *= kc->mesh[k];
        if (total > QE_MAX_MESH)
            return ls_text_error(st->r, "K_POINTS automatic %s %s %s: more than %ld mesh points (a 100 x 100 x 100 "
                                 "mesh), beyond any calculation Lodestone can hold: use fewer divisions", tok[0],
                                 tok[1], tok[2], QE_MAX_MESH);
    }
    return LS_OK;
}

static int read_list(struct qe_state *st, int path)
{
    struct qe_kcard *kc = &st->kcard;
    char *tok[8], label[16];
    int n;
    LS_TRY(kline(st, "the number of k-points", tok, 8, &n, label));
    int nk;
    if (n != 1) return ls_text_error(st->r, "K_POINTS %s: expected the number of k-points on this line", kc->option);
    LS_TRY(ls_text_parse_int(st->r, tok[0], "the number of k-points", &nk));
    if (nk < 1 || nk > QE_MAX_KPOINTS)
        return ls_text_error(st->r, "K_POINTS %s: %d k-points: expected 1 to %d", kc->option, nk, QE_MAX_KPOINTS);
    if (path && nk < 2) return ls_text_error(st->r, "K_POINTS %s: a path needs at least 2 vertices", kc->option);
    kc->k = calloc((size_t)nk, sizeof *kc->k);
    kc->w = calloc((size_t)nk, sizeof *kc->w);
    kc->label = calloc((size_t)nk, sizeof *kc->label);
    if (!kc->k || !kc->w || !kc->label) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    long generated = 1;
    for (int i = 0; i < nk; i++) {
        char what[64];
        snprintf(what, sizeof what, "k-point %d of %d ('kx ky kz weight')", i + 1, nk);
        LS_TRY(kline(st, what, tok, 8, &n, kc->label[i]));
        if (n != 4)
            return ls_text_error(st->r, "K_POINTS %s: k-point %d: expected 'kx ky kz weight', found %d fields",
                                 kc->option, i + 1, n);
        for (int d = 0; d < 3; d++) LS_TRY(ls_text_parse_double(st->r, tok[d], "a k-point coordinate", &kc->k[i][d]));
        LS_TRY(ls_text_parse_double(st->r, tok[3], "a weight", &kc->w[i]));
        if (path && i < nk - 1) {
            double w = kc->w[i];
            if (!(w >= 1) || w != floor(w) || w > QE_MAX_KPOINTS)
                return ls_text_error(st->r, "K_POINTS %s: vertex %d: the number of points towards the next vertex "
                                     "must be a whole number >= 1, not %s", kc->option, i + 1, tok[3]);
            generated += (long)w;
            if (generated > QE_MAX_KPOINTS)
                return ls_text_error(st->r, "K_POINTS %s: the path has more than %d points", kc->option, QE_MAX_KPOINTS);
        } else if (!path && !(kc->w[i] >= 0)) {
            return ls_text_error(st->r, "K_POINTS %s: k-point %d: the weight must not be negative", kc->option, i + 1);
        }
    }
    if (!path) {
        double sum = 0;
        for (int i = 0; i < nk; i++) sum += kc->w[i];
        if (!(sum > 0)) return ls_text_error(st->r, "K_POINTS %s: the weights add up to 0", kc->option);
    }
    kc->n = nk;
    return LS_OK;
}

int qe_card_kpoints(struct qe_state *st, const char *opt)
{
    struct qe_kcard *kc = &st->kcard;
    if (kc->given)
        return ls_text_error(st->r, "a second K_POINTS card (the first on line %ld): give the k-points once", kc->line);
    kc->given = 1;
    kc->line = st->r->line_no;
    qe_lower_copy(kc->option, sizeof kc->option, opt[0] ? opt : "tpiba");
    const char *o = kc->option;
    if (!strcmp(o, "gamma")) {
        kc->mesh[0] = kc->mesh[1] = kc->mesh[2] = 1;
        return LS_OK;
    }
    if (!strcmp(o, "automatic")) return read_automatic(st);
    if (!strcmp(o, "tpiba") || !strcmp(o, "crystal")) return read_list(st, 0);
    if (!strcmp(o, "tpiba_b") || !strcmp(o, "crystal_b")) return read_list(st, 1);
    if (!strcmp(o, "tpiba_c") || !strcmp(o, "crystal_c"))
        return ls_error_set(LS_ERR_UNSUPPORTED, __FILE__, __LINE__, "%s:%ld: K_POINTS %s (a plane of k-points for "
                            "contour plots) is not supported by Lodestone: give a list or a path (tpiba_b, crystal_b)",
                            st->path, st->r->line_no, opt);
    return ls_text_error(st->r, "K_POINTS %s: expected automatic, gamma, tpiba, crystal, tpiba_b or crystal_b", opt);
}

/* Cartesian (2 pi / alat units) -> fractional reciprocal coordinates: k_i = k . a_i / alat. */
static void tpiba_to_frac(const double cell[3][3], double alat, const double kc[3], double kf[3])
{
    for (int i = 0; i < 3; i++) kf[i] = (kc[0] * cell[i][0] + kc[1] * cell[i][1] + kc[2] * cell[i][2]) / alat;
}

int qe_kpoints_build(struct qe_state *st, const double cell[3][3], double alat)
{
    struct qe_kcard *kc = &st->kcard;
    dft_params *p = st->p;
    if (!kc->given) LS_ERROR(LS_ERR_INPUT, "%s: K_POINTS card missing", st->path);
    const char *o = kc->option;
    if (!strcmp(o, "gamma") || !strcmp(o, "automatic")) {
        if (p->calculation == DFT_CALC_BANDS)
            LS_ERROR(LS_ERR_INPUT, "%s:%ld: calculation = 'bands' needs a list or a path of k-points (K_POINTS tpiba_b "
                     "or crystal_b), not K_POINTS %s", st->path, kc->line, o);
        memcpy(p->kmesh, kc->mesh, sizeof p->kmesh);
        memcpy(p->kshift, kc->shift, sizeof p->kshift);
        return LS_OK;
    }
    if (p->occupations == DFT_OCC_TETRAHEDRA)
        LS_ERROR(LS_ERR_INPUT, "%s:%ld: the tetrahedron method needs an automatic k-point mesh (K_POINTS automatic), "
                 "not a list", st->path, kc->line);
    int crystal = !strncmp(o, "crystal", 7), path = strchr(o, '_') != NULL;
    long n = kc->n;
    if (path) {
        n = 1;
        for (int i = 0; i < kc->n - 1; i++) n += (long)kc->w[i];
    }
    p->klist = calloc((size_t)n, sizeof *p->klist);
    if (!p->klist) LS_ERROR(LS_ERR_NOMEM, "out of memory for %ld k-points", n);
    double (*kf)[3] = malloc((size_t)kc->n * sizeof *kf);
    if (!kf) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    for (int i = 0; i < kc->n; i++) {
        if (crystal) memcpy(kf[i], kc->k[i], sizeof kf[i]);
        else tpiba_to_frac(cell, alat, kc->k[i], kf[i]);
    }
    int m = 0;
    if (!path) {
        for (int i = 0; i < kc->n; i++, m++) {
            memcpy(p->klist[m].k, kf[i], sizeof kf[i]);
            p->klist[m].weight = kc->w[i];
        }
    } else {
        for (int i = 0; i < kc->n; i++) {
            int steps = i < kc->n - 1 ? (int)kc->w[i] : 1;
            for (int j = 0; j < steps; j++, m++) {
                for (int d = 0; d < 3; d++)
                    p->klist[m].k[d] = i < kc->n - 1 ? kf[i][d] + (kf[i + 1][d] - kf[i][d]) * j / kc->w[i] : kf[i][d];
                p->klist[m].weight = 1.0;
                if (j == 0) {
                    const double *k0 = kc->k[i];
                    if (kc->label[i][0]) snprintf(p->klist[m].label, sizeof p->klist[m].label, "%s", kc->label[i]);
                    else if (k0[0] == 0 && k0[1] == 0 && k0[2] == 0) snprintf(p->klist[m].label, 16, "G");
                    else {
                        char b[96];
                        snprintf(b, sizeof b, "%.3g,%.3g,%.3g", k0[0], k0[1], k0[2]);
                        snprintf(p->klist[m].label, sizeof p->klist[m].label, "%.15s", b);
                    }
                }
            }
        }
    }
    free(kf);
    p->n_klist = m;
    /* pw.x: bands runs use the points as given; with nosym, irreducible_BZ runs with the identity only;
     * otherwise even a path's points are expanded and reduced (setup.f90). */
    p->klist_symmetry = p->calculation != DFT_CALC_BANDS && p->use_symmetry;
    return LS_OK;
}
