/* The library layer in one program, without files in between: the skeleton the discovery
 * campaign fills (issue 14).
 *
 *   structure (Si2, one atom displaced 0.12 Å from its diamond site)
 *   -> dft_params_from_structure (shipped pseudopotential, a tiny cutoff and k-mesh: seconds)
 *   -> relaxation through the calculator contract (dft_calc_bind, ls_relax_run)
 *   -> a labelled frame per relaxation step (dft_result_label)
 *   -> a potential trained on the frames (nnp_model_train)
 *   -> relaxation with the potential (nnp_model_calc)
 *   -> bo_suggest over an in-memory pool of strained cells scored by the potential.
 *
 * What is checked (each a property of the chain, not a reference number): the DFT relaxation
 * converges (the atom returns to its site: the two atoms end a quarter of the cubic diagonal
 * apart) and every step gives a labelled frame with energy, forces and stress; the frames' energies
 * fall below the first; the potential reproduces its training energies to better than half their
 * spread (a constant would miss by the spread); the potential's relaxation lowers its energy; bo_suggest proposes candidates that were
 * neither observed nor pending.  The DFT setting (8 Ha, 2x2x2 k-points) is far from converged:
 * this tests the plumbing, not the physics. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "common/test.h"
#include "common/units.h"
#include "dft/calc.h"
#include "dft/dft.h"
#include "search/search.h"
#include "surrogate/surrogate.h"
#include "workflow/calc.h"
#include "workflow/relax.h"

static const double a_si = 5.43; /* Å */

static ls_structure *si2(double strain)
{
    ls_structure *s = NULL;
    if (ls_structure_create(2, &s) != LS_OK) return NULL;
    const double a = a_si * (1 + strain) * LS_ANGSTROM_BOHR;
    const double cell[3][3] = {{0, a / 2, a / 2}, {a / 2, 0, a / 2}, {a / 2, a / 2, 0}};
    memcpy(s->cell, cell, sizeof cell);
    for (int i = 0; i < 2; i++) {
        ls_structure_set_species(s, i, "Si");
        for (int k = 0; k < 3; k++) s->pos[i][k] = 0.25 * a * i;
    }
    return s;
}

/* The relaxation's observer: a labelled frame of every step (the DFT result of its geometry). */
struct collect {
    const dft_calc *dc;
    ls_structure_list *frames;
    int status;
};

static int collect_frame(void *ctx, const struct ls_relax_step *st)
{
    struct collect *c = ctx;
    ls_structure *frame = NULL;
    int status = dft_result_label(dft_calc_result(c->dc), st->s, &frame);
    if (status == LS_OK) status = ls_structure_list_push(c->frames, frame);
    if (status != LS_OK) c->status = status;
    return status;
}

static double energy_rmse_mev(const nnp_model *m, const ls_structure_list *set)
{
    struct nnp_errors e;
    if (nnp_model_errors(m, set, &e) != LS_OK) return INFINITY;
    return e.energy_rmse_mev_atom;
}

static void test_skeleton(void)
{
    /* 1. A structure and its DFT parameters. */
    ls_structure *s = si2(0.0);
    if (!s) return;
    s->pos[1][0] += 0.12 * LS_ANGSTROM_BOHR;
    struct dft_protocol proto;
    dft_protocol_default(&proto);
    proto.ecut_ha = 8.0;
    proto.kmesh[0] = proto.kmesh[1] = proto.kmesh[2] = 2;
    dft_params p;
    LS_CHECK_OK(dft_params_from_structure(s, &proto, &p));
    if (p.structure == NULL) return;

    /* 2. The DFT relaxation through the calculator contract, a labelled frame per step. */
    dft_calc *dc = NULL;
    LS_CHECK_OK(dft_calc_create(&p, &dc));
    ls_calc calc;
    dft_calc_bind(dc, &calc);
    struct collect col = {dc, NULL, LS_OK};
    LS_CHECK_OK(ls_structure_list_create(&col.frames));
    struct ls_relax_config cfg;
    ls_relax_config_default(&cfg);
    cfg.log_every = 0;
    cfg.fmax_ev_a = 0.02;
    cfg.want_stress = 1;
    cfg.remove_net_force = 1;
    cfg.observer = collect_frame;
    cfg.observer_ctx = &col;
    struct ls_relax_result res;
    const double t0 = ls_wall_time();
    LS_CHECK_OK(ls_relax_run(s, calc.compute, calc.ctx, &cfg, &res));
    const int n_frames = col.frames ? col.frames->n : 0;
    printf("  DFT relaxation: %d steps, %d frames, fmax %.4f eV/A, %.1f s\n", res.n_steps, n_frames, res.fmax_ev_a,
           ls_wall_time() - t0);
    LS_CHECK(res.converged && n_frames == res.n_steps + 1 && n_frames >= 3 && col.status == LS_OK);
    double d[3];
    for (int k = 0; k < 3; k++) d[k] = s->pos[1][k] - s->pos[0][k];
    LS_CHECK_MSG(fabs(sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]) - sqrt(3.0) / 4 * a_si * LS_ANGSTROM_BOHR) < 0.02,
                 "the displaced atom did not return to its site");
    for (int i = 0; i < n_frames; i++) {
        const ls_structure *f = col.frames->items[i];
        LS_CHECK(f->has_energy && f->forces && f->has_stress && ls_structure_info_get(f, "calculator"));
        if (i > 0) LS_CHECK(f->energy <= col.frames->items[0]->energy);
    }
    ls_relax_result_free(&res);
    dft_calc_destroy(dc);

    /* 3. A potential trained on the frames. */
    struct nnp_model_config mc;
    nnp_model_config_default(&mc);
    mc.desc.r_cut = 4.0 * LS_ANGSTROM_BOHR;
    mc.desc.n_radial = 4;
    mc.desc.n_angular = 2;
    mc.desc.l_max = 2;
    mc.n_hidden = 1;
    mc.hidden[0] = 6;
    int z = 14;
    nnp_model *m = NULL;
    LS_CHECK_OK(nnp_model_create(&mc, 1, &z, 1, 7, &m));
    struct nnp_train_config tc;
    nnp_train_config_default(&tc);
    tc.n_epoch = 150;
    tc.batch_size = 2;
    tc.verbose = 0;
    tc.patience = 150;
    if (m && n_frames >= 3) {
        LS_CHECK_OK(nnp_model_train(m, col.frames, col.frames, &tc));
        const double rmse = energy_rmse_mev(m, col.frames);
        /* A constant energy per atom would miss by the frames' standard deviation. */
        double mean = 0, var = 0;
        for (int i = 0; i < n_frames; i++) mean += col.frames->items[i]->energy / 2 / n_frames;
        for (int i = 0; i < n_frames; i++) var += pow(col.frames->items[i]->energy / 2 - mean, 2) / n_frames;
        const double sd_mev = sqrt(var) * LS_HARTREE_EV * 1e3;
        printf("  potential on %d frames: energy RMSE %.4f meV/atom (the frames' spread %.4f meV/atom)\n", n_frames,
               rmse, sd_mev);
        LS_CHECK(rmse < 0.5 * sd_mev);
    }

    /* 4. Relaxation with the potential, from the displaced start. */
    ls_structure *t = si2(0.0);
    nnp_calc *nc = NULL;
    if (m && t) {
        t->pos[1][0] += 0.06 * LS_ANGSTROM_BOHR;
        LS_CHECK_OK(nnp_calc_create(m, &nc));
        double e_start, f[2][3];
        LS_CHECK_OK(nnp_model_calc(nc, t, &e_start, f, NULL));
        ls_relax_config_default(&cfg);
        cfg.log_every = 0;
        cfg.fmax_ev_a = 1e-3;
        cfg.use_symmetry = 0;
        int st = ls_relax_run(t, nnp_model_calc, nc, &cfg, &res);
        LS_CHECK(st == LS_OK || st == LS_ERR_CONVERGENCE);
        LS_CHECK(res.has_step && res.energy <= e_start);
        printf("  relaxation with the potential: %d steps, energy %.6f -> %.6f eV\n", res.n_steps,
               e_start * LS_HARTREE_EV, res.energy * LS_HARTREE_EV);
        ls_relax_result_free(&res);
    }

    /* 5. bo_suggest over strained cells: feature the strain, objective the potential's energy per
     * atom (minimised), three observed and one pending. */
    enum { NP = 21 };
    double x[NP], xo[3], yo[3], xp[1];
    for (int i = 0; i < NP; i++) x[i] = -0.05 + 0.1 * i / (NP - 1);
    const int observed[3] = {0, 10, 20};
    for (int k = 0; k < 3 && nc; k++) {
        ls_structure *c = si2(x[observed[k]]);
        double e;
        if (c && nnp_model_calc(nc, c, &e, NULL, NULL) == LS_OK) yo[k] = e / 2;
        else yo[k] = NAN;
        xo[k] = x[observed[k]];
        ls_structure_destroy(c);
    }
    xp[0] = x[5];
    bo_problem pb = {.dim = 1, .n_obj = 1, .maximise = {0}};
    bo_data data = {.n_cand = NP, .x_cand = x, .n_obs = 3, .x_obs = xo, .y_obs = yo, .n_pending = 1, .x_pending = xp};
    bo_suggest_options opt;
    bo_suggest_options_default(&opt);
    opt.q = 2;
    ls_rng rng;
    ls_rng_seed(&rng, 2026);
    bo_suggest_result sr;
    LS_CHECK_OK(bo_suggest(&pb, &data, &opt, &rng, &sr));
    LS_CHECK(sr.n == 2);
    for (int j = 0; j < sr.n; j++) {
        long i = sr.items[j].index;
        LS_CHECK(i != 0 && i != 10 && i != 20 && i != 5);
        printf("  suggestion %d: strain %+.3f, predicted %.6f eV/atom\n", j + 1, x[i], sr.items[j].mean[0] * LS_HARTREE_EV);
    }
    bo_suggest_result_free(&sr);

    nnp_calc_destroy(nc);
    ls_structure_destroy(t);
    nnp_model_destroy(m);
    ls_structure_list_destroy(col.frames);
    dft_params_free(&p);
    ls_structure_destroy(s);
}

int main(void)
{
    ls_log_set_level(LS_LOG_ERROR);
    LS_RUN(test_skeleton);
    return ls_test_summary("test_skeleton");
}
