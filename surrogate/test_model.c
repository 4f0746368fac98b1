/* Tests for the model: forces and stress against finite differences of the energy (every
 * descriptor), the training gradient against finite differences of the loss, save/load
 * round trip, reproducible training, and the documented errors. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/io.h"
#include "common/log.h"
#include "common/test.h"
#include "common/units.h"
#include "surrogate/model.h"
#include "surrogate/train_data.h"

/* A small distorted two-element crystal in a triclinic cell: 8 atoms (Cu, Ni). */
static ls_structure *make_crystal(unsigned long long seed, double scale)
{
    ls_structure *s = NULL;
    if (ls_structure_create(8, &s) != LS_OK) return NULL;
    double a = 3.61 * LS_ANGSTROM_BOHR * scale;
    double cell[3][3] = {{a, 0.05 * a, 0.0}, {0.5 * a, 1.0 * a, 0.02 * a}, {0.03 * a, 0.5 * a, 1.02 * a}};
    memcpy(s->cell, cell, sizeof cell);
    double frac[8][3] = {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5},
                         {0.25, 0.25, 0.25}, {0.75, 0.75, 0.25}, {0.75, 0.25, 0.75}, {0.25, 0.75, 0.75}};
    for (int i = 0; i < 8; i++) {
        ls_structure_set_species(s, i, i % 3 == 0 ? "Ni" : "Cu");
        for (int k = 0; k < 3; k++) {
            s->pos[i][k] = frac[i][0] * cell[0][k] + frac[i][1] * cell[1][k] + frac[i][2] * cell[2][k];
            s->pos[i][k] += 0.35 * (nnp_rand_uniform(&seed) - 0.5);
        }
    }
    return s;
}

static nnp_model *make_model(const char *desc, int n_member)
{
    struct nnp_model_config cfg;
    nnp_model_config_default(&cfg);
    snprintf(cfg.desc.type, sizeof cfg.desc.type, "%s", desc);
    cfg.desc.r_cut = 4.3 * LS_ANGSTROM_BOHR;
    cfg.desc.n_radial = 4;
    cfg.desc.n_angular = 3;
    cfg.desc.l_max = 3;
    if (strcmp(desc, "moment") == 0) { /* the defaults' kind: Chebyshev channels and four-body */
        cfg.desc.n_chem = 2;
        cfg.desc.n_radial4 = 2;
        cfg.desc.l_max4 = 2;
    } else {
        cfg.desc.chem = NNP_CHEM_ELEMENT;
        cfg.desc.n_radial4 = 0;
    }
    cfg.hidden[0] = 7;
    cfg.hidden[1] = 5;
    cfg.act = NNP_ACT_SILU;
    int z[2] = {29, 28};
    nnp_model *m = NULL;
    LS_CHECK_OK(nnp_model_create(&cfg, 2, z, n_member, 99, &m));
    if (m == NULL) return NULL;
    /* an untidy normalisation, so that it is exercised */
    for (int f = 0; f < m->n_feat; f++) {
        m->feat_mean[f] = 0.3 + 0.01 * f;
        m->feat_inv_std[f] = 0.7 + 0.05 * (f % 5);
    }
    m->e_ref[0] = -0.123;
    m->e_ref[1] = -0.234;
    m->energy_scale = 0.0123;
    return m;
}

static double energy_of(const nnp_model *m, const ls_structure *s)
{
    struct nnp_result r;
    memset(&r, 0, sizeof r);
    LS_CHECK_OK(nnp_model_predict(m, s, &r));
    return r.energy;
}

/* F = -dE/dr and stress = (1/V) dE/deps by central differences, every descriptor type. */
static void test_forces_stress(void)
{
    for (int it = 0; nnp_descriptor_types[it]; it++) {
        nnp_model *m = make_model(nnp_descriptor_types[it]->name, 2);
        ls_structure *s = make_crystal(11, 1.0);
        if (!m || !s) return;
        double F[8][3], Fs[8][3];
        struct nnp_result r;
        memset(&r, 0, sizeof r);
        r.forces = F;
        r.force_std = Fs;
        LS_CHECK_OK(nnp_model_predict(m, s, &r));
        LS_CHECK(r.has_stress);
        LS_CHECK(r.energy_std > 0.0); /* two members with different seeds disagree */
        const double h = 1e-4;
        double err = 0.0, fmaxv = 0.0, fsum[3] = {0, 0, 0};
        for (int i = 0; i < 8; i++)
            for (int k = 0; k < 3; k++) {
                double keep = s->pos[i][k];
                s->pos[i][k] = keep + h;
                double ep = energy_of(m, s);
                s->pos[i][k] = keep - h;
                double em = energy_of(m, s);
                s->pos[i][k] = keep;
                double fd = -(ep - em) / (2 * h);
                err = fmax(err, fabs(fd - F[i][k]));
                fmaxv = fmax(fmaxv, fabs(fd));
                fsum[k] += F[i][k];
            }
        LS_CHECK_MSG(err < 1e-7 + 1e-6 * fmaxv, "%s forces: max error %g Ha/bohr (max |F| %g)",
                     nnp_descriptor_types[it]->name, err, fmaxv);
        LS_CHECK_MSG(fmaxv > 1e-4, "%s forces are trivially small", nnp_descriptor_types[it]->name);
        for (int k = 0; k < 3; k++) LS_CHECK_NEAR(fsum[k], 0.0, 1e-12);
        /* translation (also across the cell boundary) leaves the energy unchanged */
        {
            ls_structure *t = NULL;
            ls_structure_copy(s, &t);
            for (int i = 0; i < 8; i++) {
                t->pos[i][0] += 0.37;
                t->pos[i][1] -= 11.1;
                t->pos[i][2] += 2.9;
            }
            LS_CHECK_NEAR(energy_of(m, t), r.energy, 1e-10 * fabs(r.energy));
            ls_structure_destroy(t);
        }
        /* strain derivative: positions and cell scaled by (1 + eps) */
        double V = fabs(ls_cell_volume(s->cell)), serr = 0.0, smax = 0.0;
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++) {
                double e2[2];
                for (int sg = 0; sg < 2; sg++) {
                    ls_structure *t = NULL;
                    ls_structure_copy(s, &t);
                    double eps = sg == 0 ? h : -h;
                    for (int i = 0; i < 8; i++) t->pos[i][a] += eps * s->pos[i][b];
                    for (int c = 0; c < 3; c++) t->cell[c][a] += eps * s->cell[c][b];
                    e2[sg] = energy_of(m, t);
                    ls_structure_destroy(t);
                }
                double fd = (e2[0] - e2[1]) / (2 * h) / V;
                serr = fmax(serr, fabs(fd - r.stress[a][b]));
                smax = fmax(smax, fabs(fd));
            }
        LS_CHECK_MSG(serr < 1e-9 + 1e-6 * smax, "%s stress: max error %g (max %g)", nnp_descriptor_types[it]->name,
                     serr, smax);
        ls_structure_destroy(s);
        nnp_model_destroy(m);
    }
}

/* The per-structure training loss: analytic parameter gradient against central differences. */
static void test_training_gradient(void)
{
    for (int it = 0; nnp_descriptor_types[it]; it++) {
        nnp_model *m = make_model(nnp_descriptor_types[it]->name, 1);
        ls_structure *s = make_crystal(3, 0.98);
        if (!m || !s) return;
        ls_structure_alloc_forces(s);
        unsigned long long rng = 8;
        for (int i = 0; i < 8; i++)
            for (int k = 0; k < 3; k++) s->forces[i][k] = 0.01 * (nnp_rand_uniform(&rng) - 0.5);
        s->has_energy = 1;
        s->energy = -1.5;
        s->has_stress = 1;
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++) s->stress[a][b] = 1e-5 * (a + 2 * b - 2.5);
        struct nnp_train_config cfg;
        nnp_train_config_default(&cfg);
        cfg.w_stress = 0.3;
        struct nnp_tdata t;
        struct nnp_tws ws;
        struct nnp_tacc acc;
        LS_CHECK_OK(nnp_tdata_init(m, s, &t));
        LS_CHECK_OK(nnp_tws_init(m, &t, 1, &ws));
        double *g = calloc(m->n_param, sizeof *g);
        double L0 = nnp_tdata_pass(m, m->param, &t, &cfg, &ws, g, &acc);
        LS_CHECK(L0 > 0);
        double err = 0.0, gmax = 0.0;
        const double h = 1e-6;
        for (long i = 0; i < m->n_param; i += 7) {
            double keep = m->param[i];
            m->param[i] = keep + h;
            double Lp = nnp_tdata_pass(m, m->param, &t, &cfg, &ws, NULL, &acc);
            m->param[i] = keep - h;
            double Lm = nnp_tdata_pass(m, m->param, &t, &cfg, &ws, NULL, &acc);
            m->param[i] = keep;
            double fd = (Lp - Lm) / (2 * h);
            err = fmax(err, fabs(fd - g[i]));
            gmax = fmax(gmax, fabs(fd));
        }
        LS_CHECK_MSG(err < 1e-5 * (1 + gmax), "%s training gradient: max error %g (max %g)",
                     nnp_descriptor_types[it]->name, err, gmax);
        free(g);
        nnp_tws_free(&ws);
        nnp_tdata_free(&t);
        ls_structure_destroy(s);
        nnp_model_destroy(m);
    }
}

/* Synthetic data: a smooth pair potential E = sum_{i<j} A exp(-r/rho) (r < 9 bohr, shifted). */
static ls_structure_list *synthetic_set(int n, unsigned long long seed)
{
    ls_structure_list *list = NULL;
    ls_structure_list_create(&list);
    for (int q = 0; q < n; q++) {
        ls_structure *s = make_crystal(seed + q, 0.97 + 0.06 * nnp_rand_uniform(&seed));
        ls_structure_alloc_forces(s);
        double E = 0.0;
        for (int i = 0; i < 8; i++)
            for (int j = 0; j < 8; j++)
                for (int a = -2; a <= 2; a++)
                    for (int b = -2; b <= 2; b++)
                        for (int c = -2; c <= 2; c++) {
                            double d[3];
                            for (int k = 0; k < 3; k++)
                                d[k] = s->pos[j][k] + a * s->cell[0][k] + b * s->cell[1][k] + c * s->cell[2][k] - s->pos[i][k];
                            double r = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
                            if (r < 1e-9 || r > 9.0) continue;
                            double A = (s->z[i] == 28) + (s->z[j] == 28) ? 0.03 : 0.02;
                            E += 0.5 * A * (exp(-r / 1.3) - exp(-9.0 / 1.3));
                            double dE = -A / 1.3 * exp(-r / 1.3); /* dphi/dr */
                            for (int k = 0; k < 3; k++) s->forces[i][k] += dE * d[k] / r;
                        }
        s->has_energy = 1;
        s->energy = E - 0.1 * s->n_atom;
        ls_structure_list_push(list, s);
    }
    return list;
}

static void test_train_save_load(void)
{
    ls_structure_list *train = synthetic_set(8, 1), *test = synthetic_set(3, 100);
    nnp_model *m = make_model("moment", 2), *m2 = make_model("moment", 2), *ml = NULL;
    if (!m || !m2) return;
    struct nnp_train_config cfg;
    nnp_train_config_default(&cfg);
    cfg.n_epoch = 12;
    cfg.verbose = 0;
    cfg.bootstrap = 0.8;
    struct nnp_errors before, after;
    LS_CHECK_OK(nnp_model_errors(m, test, &before));
    LS_CHECK_OK(nnp_model_train(m, train, NULL, &cfg));
    LS_CHECK_OK(nnp_model_errors(m, test, &after));
    LS_CHECK_MSG(after.force_rmse_ev_a < 0.5 * before.force_rmse_ev_a, "training did not reduce force errors: %g -> %g",
                 before.force_rmse_ev_a, after.force_rmse_ev_a);
    LS_CHECK(after.mean_force_std_ev_a > 0.0);
    /* same seed, same model, bit for bit */
    LS_CHECK_OK(nnp_model_train(m2, train, NULL, &cfg));
    LS_CHECK(memcmp(m->param, m2->param, (size_t)m->n_param * m->n_member * sizeof(double)) == 0);
    char path[512];
    ls_test_tmp_path(path, sizeof path, "test_model.nnp");
    LS_CHECK_OK(nnp_model_save(m, path));
    LS_CHECK_OK(nnp_model_load(path, &ml));
    if (ml) {
        for (int q = 0; q < test->n; q++) {
            double F1[8][3], F2[8][3];
            struct nnp_result r1, r2;
            memset(&r1, 0, sizeof r1);
            memset(&r2, 0, sizeof r2);
            r1.forces = F1;
            r2.forces = F2;
            LS_CHECK_OK(nnp_model_predict(m, test->items[q], &r1));
            LS_CHECK_OK(nnp_model_predict(ml, test->items[q], &r2));
            LS_CHECK(r1.energy == r2.energy);
            LS_CHECK(memcmp(F1, F2, sizeof F1) == 0);
            LS_CHECK(memcmp(r1.stress, r2.stress, sizeof r1.stress) == 0);
        }
    }
    nnp_model_destroy(ml);
    nnp_model_destroy(m);
    nnp_model_destroy(m2);
    ls_structure_list_destroy(train);
    ls_structure_list_destroy(test);
}

static void write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    if (fp) {
        fputs(text, fp);
        fclose(fp);
    }
}

/* Documented errors: unknown element, corrupt and truncated model files, extrapolation. */
static void test_errors(void)
{
    nnp_model *m = make_model("moment", 1), *ml = NULL;
    if (m == NULL) return;
    ls_structure *s = make_crystal(4, 1.0);
    ls_structure_set_species(s, 2, "Fe");
    struct nnp_result r;
    memset(&r, 0, sizeof r);
    LS_CHECK(nnp_model_predict(m, s, &r) == LS_ERR_INPUT);
    LS_CHECK(strstr(ls_error_message(), "Fe") && strstr(ls_error_message(), "Cu Ni"));
    char path[512], bad[512];
    static char text[1 << 17];
    ls_test_tmp_path(path, sizeof path, "test_model_err.nnp");
    ls_test_tmp_path(bad, sizeof bad, "test_model_bad.nnp");
    LS_CHECK_OK(nnp_model_save(m, path));
    write_text(bad, "hello world\n");
    LS_CHECK(nnp_model_load(bad, &ml) == LS_ERR_INPUT && ml == NULL);
    LS_CHECK(strstr(ls_error_message(), "not a Lodestone model") != NULL);
    write_text(bad, "lodestone-nnp-model 7\n");
    LS_CHECK(nnp_model_load(bad, &ml) == LS_ERR_UNSUPPORTED);
    LS_CHECK(nnp_model_load("/nonexistent/x.nnp", &ml) == LS_ERR_IO);
    /* truncated and corrupted copies of a valid file */
    FILE *fp = fopen(path, "r");
    size_t len = fp ? fread(text, 1, sizeof text - 1, fp) : 0;
    if (fp) fclose(fp);
    text[len] = '\0';
    char keep = text[len / 2];
    text[len / 2] = '\0';
    write_text(bad, text);
    LS_CHECK(nnp_model_load(bad, &ml) == LS_ERR_INPUT);
    LS_CHECK(strstr(ls_error_message(), "end of the model file") != NULL);
    text[len / 2] = keep;
    char *w = strstr(text, "\nfeature_mean");
    if (w) {
        char *num = strchr(w, '\n') + 1;
        memcpy(num, "nan", 3);
        write_text(bad, text);
        LS_CHECK(nnp_model_load(bad, &ml) == LS_ERR_INPUT);
        LS_CHECK(strstr(ls_error_message(), "feature_mean") != NULL);
    }
    /* extrapolation: a model that has seen only a narrow range flags a compressed cell */
    for (int f = 0; f < m->n_feat; f++) m->feat_min[f] = m->feat_max[f] = 0.0;
    ls_structure_set_species(s, 2, "Cu");
    LS_CHECK_OK(nnp_model_predict(m, s, &r));
    LS_CHECK(r.n_extrapolating == 8);
    ls_structure_destroy(s);
    nnp_model_destroy(m);
}

/* Issue 12's sweep: model-file errors that named neither the file nor its line, and a shape that asks
 * for more numbers than the file holds (4096-wide layers: terabytes) allocated before reading them. */
static void test_file_lines(void)
{
    char path[1024];
    ls_test_tmp_path(path, sizeof path, "test_model_lines.nnp");
    static const char *const head = "lodestone-nnp-model 1\nelements 1 Cu\nreference_energy_ha -0.1\n";
    static const struct {
        const char *body, *what;
    } cases[] = {
        {"descriptor moment r_cut_bohr 8 n_radial 4 n_angular 3 l_max 3\nnetwork 7 4096 4096 4096 4096 4096 4096 4096 "
         "activation tanh\nn_features 40\nenergy_scale_ha 1\nfeature_mean 0\nmembers 64\n",
         "test_model_lines.nnp:6: unexpected end of the model file: 64 member(s) of 1 network(s) with 40 features and 7 "
         "hidden layer(s)"},
        {"descriptor moment r_cut_bohr 8 n_radial 4 n_angular 3 l_max 3\nnetwork 1 4 activation relu\n",
         "test_model_lines.nnp:5: unknown activation"},
        {"descriptor moment r_cut_bohr 8 n_radial 0 n_angular 3 l_max 3\nnetwork 1 4 activation tanh\nn_features 1\n"
         "energy_scale_ha 1\nmembers 1\n0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n",
         "test_model_lines.nnp:4: moment descriptor: n_radial must be"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[2048];
        snprintf(text, sizeof text, "%s%s", head, cases[i].body);
        write_text(path, text);
        nnp_model *m = NULL;
        LS_CHECK(nnp_model_load(path, &m) == LS_ERR_INPUT && m == NULL);
        LS_CHECK_MSG(strstr(ls_error_message(), cases[i].what) != NULL, "'%s' lacks '%s'", ls_error_message(),
                     cases[i].what);
    }
}

/* Found by fuzz/fuzz_model.c: a prediction where no atom has a neighbour within the cutoff indexed a
 * NULL pair array (UBSan: zero offset applied to a null pointer).  The energy is then the reference
 * energies plus the networks' values at the features of an empty environment. */
static void test_no_neighbours(void)
{
    struct nnp_model_config cfg;
    nnp_model_config_default(&cfg);
    cfg.desc.r_cut = 2.0;
    int z[1] = {13};
    nnp_model *m = NULL;
    LS_CHECK_OK(nnp_model_create(&cfg, 1, z, 1, 3, &m));
    ls_structure *s = NULL;
    LS_CHECK_OK(ls_structure_create(2, &s));
    if (!m || !s) return;
    for (int k = 0; k < 3; k++) s->cell[k][k] = 12.0;
    s->pos[1][0] = s->pos[1][1] = 6.0;
    LS_CHECK_OK(ls_structure_set_species(s, 0, "Al"));
    LS_CHECK_OK(ls_structure_set_species(s, 1, "Al"));
    double f[2][3];
    struct nnp_result r = {.forces = f};
    LS_CHECK_OK(nnp_model_predict(m, s, &r));
    LS_CHECK(isfinite(r.energy) && f[0][0] == 0.0 && f[1][2] == 0.0);
    ls_structure_destroy(s);
    nnp_model_destroy(m);
}

/* A model file of format version 1 (written before the chemical channels, the four-body
 * part and the uncertainty scale existed) loads and predicts what the format-1 program
 * predicted (surrogate/testdata/README.md gives the command and commit). */
static void test_format1(void)
{
    nnp_model *m = NULL;
    ls_structure_list *set = NULL;
    LS_CHECK_OK(nnp_model_load("surrogate/testdata/model_v1.nnp", &m));
    LS_CHECK_OK(ls_structures_read("surrogate/testdata/cu16_lj.xyz", LS_FORMAT_AUTO, &set));
    if (!m || !set) goto done;
    double F[16][3];
    struct nnp_result r;
    memset(&r, 0, sizeof r);
    r.forces = F;
    LS_CHECK_OK(nnp_model_predict(m, set->items[0], &r));
    const double fa = LS_HA_BOHR_EV_A, f_ref[3] = {0.929988254774378, -0.08410173403871975, 0.08769290578711911};
    LS_CHECK_NEAR(r.energy * LS_HARTREE_EV, -111.91445270926737, 1e-10);
    for (int c = 0; c < 3; c++) LS_CHECK_NEAR(F[0][c] * fa, f_ref[c], 1e-10);
    LS_CHECK_NEAR(r.stress[0][0] * LS_HA_BOHR3_GPA / LS_EV_PER_A3_GPA, 0.055664934252235766, 1e-12);
    /* saved again it is format 2 and predicts the same */
    char path[512];
    ls_test_tmp_path(path, sizeof path, "test_model_v1_again.nnp");
    nnp_model *m2 = NULL;
    LS_CHECK_OK(nnp_model_save(m, path));
    LS_CHECK_OK(nnp_model_load(path, &m2));
    if (m2) {
        struct nnp_result r2;
        memset(&r2, 0, sizeof r2);
        LS_CHECK_OK(nnp_model_predict(m2, set->items[0], &r2));
        LS_CHECK(r2.energy == r.energy);
    }
    nnp_model_destroy(m2);
done:
    nnp_model_destroy(m);
    ls_structure_list_destroy(set);
}

int main(void)
{
    LS_RUN(test_format1);
    ls_log_set_level(LS_LOG_WARN);
    LS_RUN(test_forces_stress);
    LS_RUN(test_training_gradient);
    LS_RUN(test_train_save_load);
    LS_RUN(test_errors);
    LS_RUN(test_file_lines);
    LS_RUN(test_no_neighbours);
    return ls_test_summary("test_model");
}
