/* Tests for surrogate/calibrate.c: the maximum-likelihood scale recovers a known one on
 * synthetic errors, the coverages move to 68/95 %, the factors survive save/load, the plot
 * is written, and a single network is refused. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/textio.h"
#include "common/test.h"
#include "common/units.h"
#include "surrogate/model.h"
#include "surrogate/test_util.h"

/* Normal deviate (Box-Muller) from the splitmix state. */
static double gauss(unsigned long long *rng)
{
    double u = nnp_rand_uniform(rng), v = nnp_rand_uniform(rng);
    return sqrt(-2.0 * log(u + 1e-300)) * cos(2.0 * M_PI * v);
}

static nnp_model *make_ensemble(int n_member)
{
    nnp_model *m = nnp_test_small_model(13, 26, n_member, 31);
    if (m) m->energy_scale = 0.01;
    return m;
}

/* n rattled 8-atom Fe-Al cells whose reference energies and forces are the ensemble mean
 * plus Gaussian errors of s_true times the members' spread. */
static ls_structure_list *make_set(const nnp_model *m, int n, double s_true, unsigned long long seed)
{
    ls_structure_list *set = NULL;
    LS_CHECK_OK(ls_structure_list_create(&set));
    unsigned long long rng = seed;
    for (int q = 0; q < n && set; q++) {
        ls_structure *s = NULL;
        if (ls_structure_create(8, &s) != LS_OK) break;
        double a = 2.9 * LS_ANGSTROM_BOHR * (1.0 + 0.03 * (nnp_rand_uniform(&rng) - 0.5));
        for (int k = 0; k < 3; k++) s->cell[k][k] = 2 * a;
        for (int i = 0; i < 8; i++) {
            ls_structure_set_species(s, i, (i + q) % 3 ? "Fe" : "Al");
            int b[3] = {i & 1, (i >> 1) & 1, (i >> 2) & 1};
            for (int k = 0; k < 3; k++) s->pos[i][k] = a * b[k] + 0.25 * (nnp_rand_uniform(&rng) - 0.5);
        }
        double F[8][3], Fs[8][3];
        struct nnp_result r;
        memset(&r, 0, sizeof r);
        r.forces = F;
        r.force_std = Fs;
        LS_CHECK_OK(nnp_model_predict(m, s, &r));
        s->has_energy = 1;
        s->energy = r.energy + s_true * r.energy_std * gauss(&rng);
        LS_CHECK_OK(ls_structure_alloc_forces(s));
        for (int i = 0; i < 8; i++)
            for (int k = 0; k < 3; k++) s->forces[i][k] = F[i][k] + s_true * Fs[i][k] * gauss(&rng);
        LS_CHECK_OK(ls_structure_list_push(set, s));
    }
    return set;
}

static void test_calibrate(void)
{
    nnp_model *m = make_ensemble(4), *m2 = NULL;
    if (m == NULL) return;
    const double s_true = 2.7; /* an overconfident ensemble, as found on mlearn (issue 17) */
    ls_structure_list *val = make_set(m, 80, s_true, 11), *test = make_set(m, 80, s_true, 12);
    struct nnp_errors before, after, on_test;
    LS_CHECK_OK(nnp_model_calibrate(m, val, &before, &after));
    double se, sf;
    nnp_model_uncertainty_scale(m, &se, &sf);
    /* relative standard error of the estimate ~ 1/sqrt(2 n): 8 % for 80 energies, 1.3 % for 1920 forces */
    LS_CHECK_MSG(fabs(se / s_true - 1) < 0.3, "energy scale %g, true %g", se, s_true);
    LS_CHECK_MSG(fabs(sf / s_true - 1) < 0.06, "force scale %g, true %g", sf, s_true);
    LS_CHECK(before.force_in_1sigma < 0.4 && after.force_in_1sigma > 0.6);
    LS_CHECK_OK(nnp_model_errors(m, test, &on_test));
    LS_CHECK_MSG(fabs(on_test.force_in_1sigma - 0.683) < 0.05 && fabs(on_test.force_in_2sigma - 0.954) < 0.03,
                 "test coverage %g %g", on_test.force_in_1sigma, on_test.force_in_2sigma);
    LS_CHECK(fabs(on_test.force_in_1sigma_raw - before.force_in_1sigma) < 0.1); /* raw = before */
    /* the factors travel with the model file */
    char path[512], svg[512];
    ls_test_tmp_path(path, sizeof path, "test_calibrate.nnp");
    ls_test_tmp_path(svg, sizeof svg, "test_calibrate.svg");
    LS_CHECK_OK(nnp_model_save(m, path));
    LS_CHECK_OK(nnp_model_load(path, &m2));
    if (m2) {
        double se2, sf2;
        nnp_model_uncertainty_scale(m2, &se2, &sf2);
        LS_CHECK(se2 == se && sf2 == sf);
    }
    LS_CHECK_OK(nnp_model_calibration_plot(m, test, "synthetic", svg));
    char *text = NULL;
    size_t n = 0;
    LS_CHECK_OK(ls_file_read_all(svg, &text, &n));
    LS_CHECK(text && strstr(text, "<svg") && strstr(text, "calibrated") && strstr(text, "</svg>"));
    free(text);
    nnp_model_destroy(m2);
    ls_structure_list_destroy(val);
    ls_structure_list_destroy(test);
    nnp_model_destroy(m);
    /* a single network has no spread */
    m = make_ensemble(1);
    val = m ? make_set(m, 2, 1.0, 3) : NULL;
    if (m && val) {
        LS_CHECK(nnp_model_calibrate(m, val, NULL, NULL) == LS_ERR_INPUT);
        LS_CHECK(strstr(ls_error_message(), "ensemble") != NULL);
    }
    ls_structure_list_destroy(val);
    nnp_model_destroy(m);
}

int main(void)
{
    LS_RUN(test_calibrate);
    return ls_test_summary("test_calibrate");
}
