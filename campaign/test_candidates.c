/* Tests of the campaign's prototypes, candidates, fingerprints and input file
 * (campaign/prototypes.c, candidates.c, references.c, config.c).
 * Space-group numbers: International Tables for Crystallography A; those of the prototypes as
 * listed by the AFLOW prototype library (Mehl et al., Comput. Mater. Sci. 136, S1 (2017)). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "campaign/candidates.h"
#include "campaign/references.h"
#include "common/elements.h"
#include "common/err.h"
#include "common/structure.h"
#include "common/symmetry.h"
#include "common/test.h"
#include "common/units.h"

static char g_dir[1024];

static void default_config(struct campaign_config *cfg)
{
    LS_CHECK_OK(campaign_config_read("campaign/testdata/space.yaml", cfg));
}

/* The space group spglib finds (the prototypes' table is checked against it). */
static int spglib_group(const ls_structure *s)
{
    ls_symmetry *sym = NULL;
    if (ls_symmetry_analyse(s, 0, &sym) != LS_OK) return -1;
    int g = sym->spacegroup_number;
    ls_symmetry_destroy(sym);
    return g;
}

static void test_prototype_space_groups(void)
{
    struct campaign_config cfg;
    default_config(&cfg);
    struct {
        const char *proto;
        const char *els;
        int sg;
        const char *formula;
    } cases[] = {{"B2", "Fe Co", 221, "FeCo"},   {"L10", "Fe Pt", 123, "FePt"},   {"L12", "Ni Al", 221, "Ni3Al"},
                 {"D03", "Fe Al", 225, "Fe3Al"}, {"D022", "Mn Al", 139, "Mn3Al"}, {"L21", "Co Mn Si", 225, "Co2MnSi"},
                 {"XA", "Mn Co Al", 216, "Mn2CoAl"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct campaign_prototype *p = campaign_prototype_find(cases[i].proto);
        LS_CHECK(p != NULL);
        if (!p) continue;
        int z[4] = {0};
        char buf[32];
        snprintf(buf, sizeof buf, "%s", cases[i].els);
        int k = 0;
        for (char *t = strtok(buf, " "); t; t = strtok(NULL, " ")) z[k++] = ls_element_z(t);
        struct campaign_candidate c;
        LS_CHECK_OK(campaign_candidate_make(&cfg, p, z, 0, &c));
        LS_CHECK_MSG(c.spacegroup == cases[i].sg && spglib_group(c.s) == cases[i].sg,
                     "%s: space group %d (spglib %d), expected %d", cases[i].proto, c.spacegroup, spglib_group(c.s),
                     cases[i].sg);
        LS_CHECK_MSG(!strcmp(c.formula, cases[i].formula), "%s: formula %s, expected %s", cases[i].proto, c.formula,
                     cases[i].formula);
        /* The volume per atom is the estimate, the mean of the elemental volumes. */
        double v = fabs(ls_cell_volume(c.s->cell)) / c.s->n_atom * pow(LS_BOHR_ANGSTROM, 3);
        LS_CHECK_NEAR(v, c.volume_a3, 1e-9);
        /* No two atoms closer than 80 % of the volume's atomic diameter. */
        double dmin = ls_structure_min_distance(c.s, NULL, NULL) * LS_BOHR_ANGSTROM;
        LS_CHECK_MSG(dmin > 0.8 * 2 * cbrt(3 * v / (4 * M_PI)), "%s: shortest distance %g A", cases[i].proto, dmin);
        campaign_candidate_free(&c);
    }
    /* Elemental reference phases. */
    struct {
        int z;
        int sg;
        int n_atom;
        enum campaign_order order;
    } refs[] = { /* space groups of the structures without their moments (AFM Cr is bcc, AFM Mn fcc) */{26, 229, 1, CAMPAIGN_ORDER_FM},    {27, 194, 2, CAMPAIGN_ORDER_FM},  {28, 225, 1, CAMPAIGN_ORDER_FM},
                {13, 225, 1, CAMPAIGN_ORDER_NM},    {14, 227, 2, CAMPAIGN_ORDER_NM},  {31, 64, 4, CAMPAIGN_ORDER_NM},
                {24, 229, 2, CAMPAIGN_ORDER_FERRI}, {25, 225, 2, CAMPAIGN_ORDER_FERRI}};
    for (size_t i = 0; i < sizeof refs / sizeof refs[0]; i++) {
        struct campaign_candidate c;
        LS_CHECK_OK(campaign_reference_make(&cfg, refs[i].z, &c));
        LS_CHECK_MSG(c.spacegroup == refs[i].sg && spglib_group(c.s) == refs[i].sg && c.s->n_atom == refs[i].n_atom &&
                         c.n_start == 1 &&
                         c.starts[0].order == refs[i].order,
                     "reference %s: sg %d, %d atoms, %d starts, order %d", ls_element_symbol(refs[i].z), c.spacegroup,
                     c.s->n_atom, c.n_start, c.starts[0].order);
        campaign_candidate_free(&c);
    }
    /* alpha-Ga keeps its dimer: the shortest Ga-Ga distance of Sharma and Donohue's structure
     * at the estimated volume, 2.44 A at the experimental one (scaled by the volume ratio). */
    struct campaign_candidate ga;
    LS_CHECK_OK(campaign_reference_make(&cfg, 31, &ga));
    double d_ga = ls_structure_min_distance(ga.s, NULL, NULL) * LS_BOHR_ANGSTROM;
    double v_exp = 4.5197 * 7.6633 * 4.5260 / 8;
    LS_CHECK_NEAR(d_ga, 2.44 * cbrt(ga.volume_a3 / v_exp), 0.05);
    campaign_candidate_free(&ga);
}

static void test_fingerprint_invariance(void)
{
    struct campaign_config cfg;
    default_config(&cfg);
    const struct campaign_prototype *l21 = campaign_prototype_find("L21");
    const struct campaign_prototype *xa = campaign_prototype_find("XA");
    struct campaign_candidate a, b, c, d;
    int co_mn_si[3] = {27, 25, 14}, co_si_mn[3] = {27, 14, 25};
    LS_CHECK_OK(campaign_candidate_make(&cfg, l21, co_mn_si, 0, &a));
    LS_CHECK_OK(campaign_candidate_make(&cfg, l21, co_si_mn, 0, &b));
    LS_CHECK(!strcmp(a.fingerprint, b.fingerprint)); /* X2YZ = X2ZY in L2_1 */
    LS_CHECK_OK(campaign_candidate_make(&cfg, xa, co_mn_si, 0, &c));
    LS_CHECK_OK(campaign_candidate_make(&cfg, xa, co_si_mn, 0, &d));
    LS_CHECK(!strcmp(c.fingerprint, d.fingerprint)); /* the two orientations of XA */
    LS_CHECK(strcmp(a.fingerprint, c.fingerprint) != 0);
    /* A rigid translation, and a permutation of the atoms, leave the fingerprint unchanged. */
    char fp[65];
    ls_structure *s = NULL;
    LS_CHECK_OK(ls_structure_copy(a.s, &s));
    for (int ia = 0; ia < s->n_atom; ia++)
        for (int x = 0; x < 3; x++) s->pos[ia][x] += 0.3 * (x + 1);
    LS_CHECK_OK(campaign_fingerprint(s, fp));
    LS_CHECK(!strcmp(fp, a.fingerprint));
    double t[3];
    memcpy(t, s->pos[0], sizeof t);
    memcpy(s->pos[0], s->pos[3], sizeof t);
    memcpy(s->pos[3], t, sizeof t);
    int zt = s->z[0];
    s->z[0] = s->z[3];
    s->z[3] = zt;
    ls_label lt;
    memcpy(lt, s->species[0], sizeof lt);
    memcpy(s->species[0], s->species[3], sizeof lt);
    memcpy(s->species[3], lt, sizeof lt);
    LS_CHECK_OK(campaign_fingerprint(s, fp));
    LS_CHECK(!strcmp(fp, a.fingerprint));
    /* Moments are part of it: a flipped moment is another start. */
    LS_CHECK_OK(ls_structure_alloc_magmom(s));
    s->magmom[0] = 1;
    LS_CHECK_OK(campaign_fingerprint(s, fp));
    LS_CHECK(strcmp(fp, a.fingerprint) != 0);
    ls_structure_destroy(s);
    campaign_candidate_free(&a);
    campaign_candidate_free(&b);
    campaign_candidate_free(&c);
    campaign_candidate_free(&d);
}

static void test_enumeration(void)
{
    struct campaign_config cfg;
    default_config(&cfg);
    struct campaign_candidate_list l;
    LS_CHECK_OK(campaign_candidates_enumerate(&cfg, &l));
    /* Counted by hand for 7 elements: B2 and L1_0 21 pairs each; L1_2, D0_3, D0_22 42 ordered
     * pairs each; L2_1 4 X (site rule) x 15 unordered {Y, Z} of the other 6; XA 4 x 30 ordered
     * (Y, Z), halved by the XA orientation symmetry = 60. */
    LS_CHECK_MSG(l.n == 21 + 21 + 42 + 42 + 42 + 60 + 60, "%d candidates", l.n);
    int n_fm_only = 0, found_co2mnsi = 0;
    for (int i = 0; i < l.n; i++) {
        const struct campaign_candidate *c = &l.items[i];
        for (int j = 0; j < i; j++) LS_CHECK(strcmp(c->fingerprint, l.items[j].fingerprint) != 0);
        LS_CHECK(c->n_start >= 1 && c->n_start <= 2);
        n_fm_only += c->n_start == 1;
        if (!strcmp(c->name, "L21 Co2MnSi")) {
            found_co2mnsi = 1;
            /* Slater-Pauling: Z_t = 29 -> 5 muB per 4 atoms = 1.25 muB/atom. */
            LS_CHECK_NEAR(c->features[7], 1.25, 1e-12);
            LS_CHECK(c->n_start == 2 && c->starts[1].order == CAMPAIGN_ORDER_FERRI);
        }
        if (!strcmp(c->name, "B2 AlSi")) LS_CHECK(c->n_start == 1 && c->starts[0].order == CAMPAIGN_ORDER_NM);
    }
    LS_CHECK(found_co2mnsi && n_fm_only > 0);
    campaign_candidate_list_free(&l);
}

/* Bad campaign files: each an error naming the file and the line. */
static void test_config_errors(void)
{
    struct {
        const char *text;
        const char *expect;
    } cases[] = {
        {"elements: [Fe, Co]\nprototyps: [B2]\n", "did you mean 'prototypes'"},
        {"elements: [Fe, Xx]\n", "'Xx' is not an element"},
        {"elements: [Fe, Nd]\n", "rare earth"},
        {"elements: [Fe, Co]\nprototypes: [B3]\n", "B2"},
        {"elements: [Fe, Co]\nconstraints:\n  - {property: e_above_hull, max: -0.1 eV/atom}\n", "impossible"},
        {"elements: [Fe, Co]\nconstraints:\n  - {property: formation_energy, max: 0.1}\n", "no unit"},
        {"elements: [Fe, Co]\nconstraints:\n  - {property: ms_tesla, min: 2 T, max: 1 T}\n", "impossible"},
        {"elements: [Fe, Co]\nobjectives:\n  - {property: ms_tesla, goal: max}\n  - {property: ms_tesla, goal: min}\n",
         "objective twice"},
        {"elements: [Fe, Co]\nbudget: {dft_evaluations: 0}\n", "dft_evaluations"},
        {"elements: [Fe, Co]\nsites: {X: [Ni]}\n", "not among the elements"},
        {"elements: [Fe, Fe]\n", "listed twice"},
        {"name: x\n", "'elements' is missing"},
        {"elements: [Fe, Co]\nmagnetism: {moments: {Fe: 9}}\n", "0 to 7 muB"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[1100];
        snprintf(path, sizeof path, "%s/bad%zu.yaml", g_dir, i);
        FILE *f = fopen(path, "w");
        fputs(cases[i].text, f);
        fclose(f);
        struct campaign_config cfg;
        int st = campaign_config_read(path, &cfg);
        LS_CHECK_MSG(st == LS_ERR_INPUT && strstr(ls_error_message(), cases[i].expect) &&
                         strstr(ls_error_message(), path),
                     "case %zu: status %d, message '%s'", i, st, ls_error_message());
        /* Every message names a line of the file. */
        LS_CHECK_MSG(strstr(ls_error_message(), ".yaml:"), "case %zu: no line in '%s'", i, ls_error_message());
    }
}

int main(void)
{
    ls_test_fresh_dir(g_dir, sizeof g_dir, "test_candidates");
    LS_RUN(test_prototype_space_groups);
    LS_RUN(test_fingerprint_invariance);
    LS_RUN(test_enumeration);
    LS_RUN(test_config_errors);
    return ls_test_summary("test_candidates");
}
