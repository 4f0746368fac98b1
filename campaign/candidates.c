/* The candidates of a campaign: enumerated once from the elements, prototypes and site rules,
 * deduplicated by symmetry, each with an isometry-invariant fingerprint, its magnetic starts,
 * and the features the Bayesian search works on.
 *
 * Fingerprint: for every atom, its element (and starting moment, for a magnetic start) with
 * the sorted list of (neighbour element, distance) pairs out to 1.8 atomic diameters of the
 * mean volume; the atoms' strings are sorted and hashed (SHA-256).  This is invariant under
 * every isometry (rotations, reflections, translations, the choice of cell and atom order),
 * so symmetry-equivalent cells (X2YZ and X2ZY of L2_1, the two orientations of XA) get the
 * same fingerprint; different crystals of these small prototypes do not (homometric pairs
 * would need larger cells).  Space groups come from the prototypes (each candidate has
 * distinct elements on its roles, so its group is its prototype's), checked against spglib
 * for every prototype in campaign/test_candidates.c: spglib takes 0.06-0.17 s per cell here
 * (Debian's 2.0.2), too slow for 10^6 candidates at every start.
 *
 * Features (CAMPAIGN_N_FEATURES, all per atom, chosen for the physics of itinerant 3d magnets
 * and justified in docs/campaign.md):
 *   0 x_mag        fraction of magnetic 3d atoms (Cr, Mn, Fe, Co, Ni)
 *   1 vec          mean valence electron count
 *   2 vec_sd       its standard deviation over the atoms
 *   3 chi          mean Pauling electronegativity
 *   4 dchi         largest electronegativity difference (charge transfer, bond strength)
 *   5 vol          mean elemental volume per atom (A^3)
 *   6 vol_mismatch standard deviation of the elemental volumes over their mean
 *   7 m_sp         Slater-Pauling moment per atom: min(vec - 6, 10.6 - vec), clamped to [0, 2.6]
 *                  (the two branches of the Slater-Pauling curve: Z_t - 24 per four atoms for
 *                  Heuslers, Galanakis et al. PRB 66, 174429 (2002); 10.6 - Z for strong
 *                  ferromagnets, Kuebler ch. 7), weighted by x_mag
 *   8 ms_sp        11.654 m_sp / vol: the magnetisation (T) that moment would give
 *   9 z_mean       mean atomic number / 100 (spin-orbit and 4d/5d hybridisation)
 *  10 x_sp         fraction of s-p elements (Al, Ga, Si, Ge, Sn, Mg, Zn, Li)
 *  11 nn_mag       fraction of nearest-neighbour pairs with two magnetic 3d atoms (exchange)
 *  12 uniaxial     1 for tetragonal or hexagonal prototypes (the only ones with K1)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "campaign/candidates.h"
#include "common/elements.h"
#include "common/err.h"
#include "common/sha256.h"
#include "common/units.h"

/* mu0 muB / A^3 in tesla: 4 pi 1e-7 * 9.2740100783e-24 / 1e-30 (CODATA 2018). */
#define CAMPAIGN_MUB_PER_A3_TESLA 11.654064

double campaign_ms_tesla(double moment_mub, double volume_a3)
{
    return volume_a3 > 0 ? CAMPAIGN_MUB_PER_A3_TESLA * fabs(moment_mub) / volume_a3 : 0.0;
}

/* ------------------------------------------------------------------ fingerprints */

struct nb {
    int z;
    double m;
    double d;
};

static int nb_cmp(const void *a, const void *b)
{
    const struct nb *x = a, *y = b;
    if (x->d < y->d - 1e-9) return -1;
    if (x->d > y->d + 1e-9) return 1;
    if (x->z != y->z) return x->z - y->z;
    return (x->m > y->m) - (x->m < y->m);
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Neighbours of atom ia within r_cut (bohr), over periodic images. */
static int neighbours(const ls_structure *s, int ia, double r_cut, struct nb **out, int *n_out)
{
    double recip[3][3];
    LS_TRY(ls_cell_reciprocal(s->cell, recip));
    int nrep[3];
    for (int k = 0; k < 3; k++) {
        double bl = sqrt(recip[k][0] * recip[k][0] + recip[k][1] * recip[k][1] + recip[k][2] * recip[k][2]);
        nrep[k] = (int)ceil(r_cut * bl / (2 * M_PI)) + 1;
    }
    int cap = 64, n = 0;
    struct nb *list = malloc((size_t)cap * sizeof *list);
    if (!list) LS_ERROR(LS_ERR_NOMEM, "out of memory for neighbours");
    for (int ja = 0; ja < s->n_atom; ja++)
        for (int i = -nrep[0]; i <= nrep[0]; i++)
            for (int j = -nrep[1]; j <= nrep[1]; j++)
                for (int k = -nrep[2]; k <= nrep[2]; k++) {
                    double d[3];
                    for (int x = 0; x < 3; x++)
                        d[x] = s->pos[ja][x] - s->pos[ia][x] + i * s->cell[0][x] + j * s->cell[1][x] + k * s->cell[2][x];
                    double r = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
                    if (r < 1e-6 || r > r_cut) continue;
                    if (n == cap) {
                        cap *= 2;
                        struct nb *g = realloc(list, (size_t)cap * sizeof *list);
                        if (!g) {
                            free(list);
                            LS_ERROR(LS_ERR_NOMEM, "out of memory for neighbours");
                        }
                        list = g;
                    }
                    list[n].z = s->z[ja];
                    list[n].m = s->magmom ? s->magmom[ja] : 0.0;
                    list[n].d = r;
                    n++;
                }
    qsort(list, (size_t)n, sizeof *list, nb_cmp);
    *out = list;
    *n_out = n;
    return LS_OK;
}

int campaign_fingerprint(const ls_structure *s, char hex[65])
{
    double vol = fabs(ls_cell_volume(s->cell)) / s->n_atom;
    double r_cut = 1.8 * cbrt(3 * vol / (4 * M_PI)) * 2; /* 1.8 atomic diameters */
    char **env = calloc((size_t)s->n_atom, sizeof *env);
    if (!env) LS_ERROR(LS_ERR_NOMEM, "out of memory for a fingerprint");
    int status = LS_OK;
    for (int ia = 0; ia < s->n_atom; ia++) {
        struct nb *list = NULL;
        int n = 0;
        LS_TRY_GOTO(status, neighbours(s, ia, r_cut, &list, &n), done);
        size_t cap = 64 + (size_t)n * 24;
        env[ia] = malloc(cap);
        if (!env[ia]) {
            free(list);
            LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory for a fingerprint");
        }
        size_t len = (size_t)snprintf(env[ia], cap, "%d(%+.2f):", s->z[ia], s->magmom ? s->magmom[ia] : 0.0);
        for (int k = 0; k < n; k++)
            len += (size_t)snprintf(env[ia] + len, cap - len, "%d(%+.2f)@%.3f,", list[k].z, list[k].m, list[k].d);
        free(list);
    }
    qsort(env, (size_t)s->n_atom, sizeof *env, str_cmp);
    ls_sha256 c;
    ls_sha256_init(&c);
    char head[64];
    snprintf(head, sizeof head, "n %d\n", s->n_atom);
    ls_sha256_update(&c, head, strlen(head));
    for (int ia = 0; ia < s->n_atom; ia++) {
        ls_sha256_update(&c, env[ia], strlen(env[ia]));
        ls_sha256_update(&c, "\n", 1);
    }
    unsigned char d[32];
    ls_sha256_final(&c, d);
    for (int i = 0; i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", d[i]);
done:
    for (int ia = 0; ia < s->n_atom; ia++) free(env[ia]);
    free(env);
    return status;
}

/* ------------------------------------------------------------------ features */

static int is_sp(int z)
{
    return z == 3 || z == 12 || z == 13 || z == 14 || z == 30 || z == 31 || z == 32 || z == 50;
}

int campaign_features(const struct campaign_prototype *p, const ls_structure *s, double *f)
{
    int n = s->n_atom;
    double x_mag = 0, vec = 0, vec2 = 0, chi = 0, chi_min = 1e9, chi_max = -1e9, vol = 0, vol2 = 0, zsum = 0,
           x_sp = 0;
    for (int ia = 0; ia < n; ia++) {
        const struct campaign_element *e = campaign_element_get(s->z[ia]);
        if (!e) LS_ERROR(LS_ERR_INPUT, "no campaign data for %s", ls_element_symbol(s->z[ia]));
        x_mag += e->magnetic_3d;
        vec += e->valence;
        vec2 += e->valence * e->valence;
        chi += e->electronegativity;
        if (e->electronegativity < chi_min) chi_min = e->electronegativity;
        if (e->electronegativity > chi_max) chi_max = e->electronegativity;
        vol += e->volume_a3;
        vol2 += e->volume_a3 * e->volume_a3;
        zsum += s->z[ia];
        x_sp += is_sp(s->z[ia]);
    }
    x_mag /= n;
    vec /= n;
    chi /= n;
    vol /= n;
    double vec_sd = sqrt(fmax(0, vec2 / n - vec * vec));
    double vol_sd = sqrt(fmax(0, vol2 / n - vol * vol));
    double m_sp = fmin(vec - 6.0, 10.6 - vec);
    m_sp = fmin(fmax(m_sp, 0.0), 2.6) * (x_mag > 0 ? 1.0 : 0.0);
    /* Nearest-neighbour pairs: those within 1.1 times the shortest distance of each atom. */
    long pairs = 0, mag_pairs = 0;
    for (int ia = 0; ia < n; ia++) {
        struct nb *list = NULL;
        int nn = 0;
        double r_cut = 2.5 * cbrt(fabs(ls_cell_volume(s->cell)) / n);
        LS_TRY(neighbours(s, ia, r_cut, &list, &nn));
        const struct campaign_element *ei = campaign_element_get(s->z[ia]);
        for (int k = 0; k < nn && list[k].d <= 1.1 * list[0].d; k++) {
            const struct campaign_element *ej = campaign_element_get(list[k].z);
            pairs++;
            mag_pairs += ei->magnetic_3d && ej && ej->magnetic_3d;
        }
        free(list);
    }
    f[0] = x_mag;
    f[1] = vec;
    f[2] = vec_sd;
    f[3] = chi;
    f[4] = chi_max - chi_min;
    f[5] = vol;
    f[6] = vol > 0 ? vol_sd / vol : 0;
    f[7] = m_sp;
    f[8] = campaign_ms_tesla(m_sp, vol);
    f[9] = zsum / n / 100.0;
    f[10] = x_sp / n;
    f[11] = pairs ? (double)mag_pairs / pairs : 0;
    f[12] = p->lattice == CAMPAIGN_LAT_TETRA_P || p->lattice == CAMPAIGN_LAT_TETRA_I || p->lattice == CAMPAIGN_LAT_HEX;
    return LS_OK;
}

const char *const campaign_feature_names[CAMPAIGN_N_FEATURES] = {
    "x_mag", "vec", "vec_sd", "chi", "dchi", "vol_A3", "vol_mismatch", "m_sp_muB", "ms_sp_T", "z_mean",
    "x_sp",  "nn_mag", "uniaxial"};

/* ------------------------------------------------------------------ enumeration */

void campaign_candidate_free(struct campaign_candidate *c)
{
    if (!c) return;
    ls_structure_destroy(c->s);
    c->s = NULL;
}

void campaign_candidate_list_free(struct campaign_candidate_list *l)
{
    if (!l) return;
    for (int i = 0; i < l->n; i++) campaign_candidate_free(&l->items[i]);
    free(l->items);
    l->items = NULL;
    l->n = l->cap = 0;
}

/* The reduced formula in role order with counts: "FeCo", "Co2MnSi", "Mn3Ga". */
static void role_formula(const struct campaign_prototype *p, const int *z_role, char *buf, size_t n)
{
    int count[CAMPAIGN_MAX_SITES] = {0};
    for (int ia = 0; ia < p->n_atom; ia++) count[strchr(p->roles, p->site_roles[ia]) - p->roles]++;
    /* Merge roles that hold the same element (references: Cr on both B2 sites). */
    int zz[CAMPAIGN_MAX_SITES], cc[CAMPAIGN_MAX_SITES], m = 0;
    for (int r = 0; r < p->n_role; r++) {
        int k = 0;
        while (k < m && zz[k] != z_role[r]) k++;
        if (k == m) {
            zz[m] = z_role[r];
            cc[m++] = 0;
        }
        cc[k] += count[r];
    }
    int g = cc[0];
    for (int k = 1; k < m; k++) {
        int a = g, b = cc[k];
        while (b) {
            int t = a % b;
            a = b;
            b = t;
        }
        g = a;
    }
    /* Majority element first (X2YZ, A3B), then role order. */
    int order[CAMPAIGN_MAX_SITES];
    for (int k = 0; k < m; k++) order[k] = k;
    for (int i = 0; i < m; i++)
        for (int j = i + 1; j < m; j++)
            if (cc[order[j]] > cc[order[i]]) {
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
    size_t len = 0;
    buf[0] = 0;
    for (int i = 0; i < m; i++) {
        int k = order[i];
        int c = cc[k] / g;
        if (c == 1) len += (size_t)snprintf(buf + len, n - len, "%s", ls_element_symbol(zz[k]));
        else len += (size_t)snprintf(buf + len, n - len, "%s%d", ls_element_symbol(zz[k]), c);
        if (len >= n) break;
    }
}

/* Volume estimate: the mean of the elements' volumes over the atoms (Vegard-like). */
static double volume_estimate(const struct campaign_prototype *p, const int *z_role)
{
    double v = 0;
    for (int ia = 0; ia < p->n_atom; ia++) {
        int z = z_role[strchr(p->roles, p->site_roles[ia]) - p->roles];
        v += campaign_element_get(z)->volume_a3;
    }
    return v / p->n_atom;
}

int campaign_candidate_make(const struct campaign_config *cfg, const struct campaign_prototype *p, const int *z_role,
                            double c_over_a, struct campaign_candidate *c)
{
    memset(c, 0, sizeof *c);
    c->proto = p;
    for (int r = 0; r < p->n_role; r++) c->z_role[r] = z_role[r];
    c->volume_a3 = volume_estimate(p, z_role);
    c->c_over_a = c_over_a > 0 ? c_over_a : p->c_over_a;
    role_formula(p, z_role, c->formula, sizeof c->formula);
    snprintf(c->name, sizeof c->name, "%s %s", p->name, c->formula);
    LS_TRY(campaign_prototype_build(p, z_role, c->volume_a3, c->c_over_a, &c->s));
    int status = LS_OK;
    LS_TRY_GOTO(status, campaign_fingerprint(c->s, c->fingerprint), fail);
    c->spacegroup = p->spacegroup;
    LS_TRY_GOTO(status, campaign_features(p, c->s, c->features), fail);
    /* Magnetic starts: each order's moments; orders that repeat an earlier pattern (a
     * 'ferri' start whose flipped sites carry no moment is the FM start) are dropped. */
    c->n_start = 0;
    for (int k = 0; k < cfg->n_order; k++) {
        struct campaign_start *st = &c->starts[c->n_start];
        st->order = cfg->orders[k];
        int any_negative = 0, any = 0;
        for (int ia = 0; ia < p->n_atom; ia++) {
            double m = cfg->moment_mub[c->s->z[ia]];
            double sign = st->order == CAMPAIGN_ORDER_FERRI ? p->ferri_sign[ia] : 1.0;
            st->moment_mub[ia] = st->order == CAMPAIGN_ORDER_NM ? 0.0 : sign * m;
            any_negative |= st->moment_mub[ia] < 0;
            any |= st->moment_mub[ia] != 0;
        }
        if (st->order == CAMPAIGN_ORDER_FERRI && !any_negative) continue;
        if (st->order == CAMPAIGN_ORDER_FM && !any) st->order = CAMPAIGN_ORDER_NM; /* nothing magnetic */
        int dup = 0;
        for (int j = 0; j < c->n_start; j++) dup |= !memcmp(c->starts[j].moment_mub, st->moment_mub, sizeof st->moment_mub);
        if (!dup) c->n_start++;
    }
    return LS_OK;
fail:
    campaign_candidate_free(c);
    return status;
}

static int allowed(const struct campaign_config *cfg, const struct campaign_prototype *p, int role, int z)
{
    int letter = p->roles[role] - 'A';
    if (cfg->n_role_elem[letter]) {
        int in = 0;
        for (int i = 0; i < cfg->n_role_elem[letter]; i++) in |= cfg->role_elem[letter][i] == z;
        if (!in) return 0;
    }
    if (cfg->exclude_flagged)
        for (int i = 0; i < cfg->n_flagged; i++)
            if (cfg->flagged[i] == z) return 0;
    return 1;
}

static int list_push(struct campaign_candidate_list *l, struct campaign_candidate *c)
{
    if (l->n == l->cap) {
        int cap = l->cap ? 2 * l->cap : 64;
        struct campaign_candidate *g = realloc(l->items, (size_t)cap * sizeof *g);
        if (!g) LS_ERROR(LS_ERR_NOMEM, "out of memory for the candidates");
        l->items = g;
        l->cap = cap;
    }
    l->items[l->n++] = *c;
    return LS_OK;
}

int campaign_candidates_enumerate(const struct campaign_config *cfg, struct campaign_candidate_list *out)
{
    memset(out, 0, sizeof *out);
    int status = LS_OK;
    for (int ip = 0; ip < cfg->n_proto; ip++) {
        const struct campaign_prototype *p = cfg->protos[ip];
        int nr = p->n_role;
        int idx[CAMPAIGN_MAX_SITES] = {0};
        long total = 1;
        for (int r = 0; r < nr; r++) total *= cfg->n_elem;
        for (long t = 0; t < total; t++) {
            long rest = t;
            int z_role[CAMPAIGN_MAX_SITES];
            for (int r = nr - 1; r >= 0; r--) {
                idx[r] = (int)(rest % cfg->n_elem);
                rest /= cfg->n_elem;
                z_role[r] = cfg->elements[idx[r]];
            }
            int ok = 1;
            for (int r = 0; r < nr && ok; r++) {
                ok = allowed(cfg, p, r, z_role[r]);
                for (int q = 0; q < r && ok; q++) ok = z_role[q] != z_role[r]; /* else a simpler prototype */
            }
            if (!ok) continue;
            struct campaign_candidate c;
            LS_TRY_GOTO(status, campaign_candidate_make(cfg, p, z_role, 0, &c), fail);
            int dup = 0;
            for (int i = 0; i < out->n && !dup; i++) dup = !strcmp(out->items[i].fingerprint, c.fingerprint);
            if (dup) {
                campaign_candidate_free(&c);
                continue;
            }
            LS_TRY_GOTO(status, list_push(out, &c), fail);
        }
    }
    for (int i = 0; i < cfg->n_include; i++) {
        struct campaign_candidate c;
        LS_TRY_GOTO(status, campaign_candidate_make(cfg, cfg->include[i].proto, cfg->include[i].z_role, 0, &c), fail);
        int dup = 0;
        for (int j = 0; j < out->n && !dup; j++) dup = !strcmp(out->items[j].fingerprint, c.fingerprint);
        if (dup) {
            campaign_candidate_free(&c);
            continue;
        }
        LS_TRY_GOTO(status, list_push(out, &c), fail);
    }
    if (out->n == 0)
        LS_ERROR_GOTO(status, LS_ERR_INPUT, fail, "%s: the elements, prototypes and site rules allow no candidate",
                      cfg->path);
    return LS_OK;
fail:
    campaign_candidate_list_free(out);
    return status;
}
