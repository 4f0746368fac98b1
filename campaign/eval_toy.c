/* The toy evaluator: an analytic stand-in for the DFT verification with the same outputs, so
 * that the loop, the store and its crash safety are tested in seconds (make test) and the
 * task farm is benchmarked without DFT.  Nothing physical is claimed for its numbers.
 *
 * Energy per atom: sum_i x_i mu(Z_i) + dH, with mu(Z) = -valence(Z) eV (arbitrary elemental
 * energies, cancelled by the formation energy) and, for compounds,
 *   dH = sum_{a<b} 4 x_a x_b [ -0.6 (chi_a - chi_b)^2 - 0.05 + 0.4 (dV/V)^2 ] + 0.06 (u - 0.5)  eV
 * with u a uniform number from the candidate's fingerprint (structure-dependent scatter).
 * Moments (FM start): the Slater-Pauling moment per atom (candidates.c, feature m_sp) carried
 * by the magnetic 3d atoms, at most 3.5 muB each; the 'ferri' start flips its sites and costs
 * +0.04 x_mag eV/atom (ferromagnetism favoured) unless the cell is more than half Mn (then
 * -0.02).  The relaxed cell is the starting one scaled by 1 + 0.02 (u - 0.5) in volume.
 * Delay: cfg->toy.delay_s + delay_spread_s * u'; failure when u'' < fail_fraction (never for the
 * reference phases), where u', u'' come from the input hash, so reruns of one input give
 * identical results.  A crash (the process kills itself with SIGKILL, as the kernel's OOM killer
 * or a segmentation fault would end it) when u''' < crash_fraction, after reporting crash_saves
 * checkpoints written (the recovery's crash-loop guard is tested with both: campaign_store_recover). */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "campaign/evaluator.h"
#include "common/elements.h"
#include "common/err.h"
#include "common/io.h"
#include "common/stop.h"
#include "common/units.h"

/* A uniform number in [0, 1) from 13 hex digits of a hash, at offset k. */
static double hash_uniform(const char *hex, int k)
{
    unsigned long long v = 0;
    for (int i = 0; i < 13; i++) {
        char ch = hex[(k + i) % 64];
        v = v * 16 + (unsigned long long)(ch <= '9' ? ch - '0' : ch - 'a' + 10);
    }
    return (double)v / 4503599627370496.0; /* 16^13 */
}

/* Sleep in slices so that a stop signal is seen within 20 ms. */
static int toy_sleep(double seconds)
{
    double left = seconds;
    while (left > 0) {
        if (ls_stop_requested()) return LS_ERR_INTERRUPTED;
        double dt = left < 0.02 ? left : 0.02;
        struct timespec ts = {(time_t)dt, (long)((dt - (time_t)dt) * 1e9)};
        nanosleep(&ts, NULL);
        left -= dt;
    }
    return ls_stop_requested() ? LS_ERR_INTERRUPTED : LS_OK;
}

static int toy_evaluate(const struct campaign_eval_input *in, struct campaign_eval_output *out)
{
    memset(out, 0, sizeof *out);
    const struct campaign_candidate *c = in->cand;
    const struct campaign_config *cfg = in->cfg;
    const ls_structure *s = c->s;
    int n = s->n_atom;
    double u_fp = hash_uniform(c->fingerprint, 0);
    double u_delay = hash_uniform(in->input_sha256, 7);
    double u_fail = hash_uniform(in->input_sha256, 29);
    LS_TRY(toy_sleep(cfg->toy.delay_s + cfg->toy.delay_spread_s * u_delay));
    int is_reference = strstr(c->name, "(reference)") != NULL;
    if (hash_uniform(in->input_sha256, 43) < cfg->toy.crash_fraction && !is_reference) {
        for (int k = 0; k < cfg->toy.crash_saves; k++)
            if (in->saved) in->saved(in->progress_ctx);
        LS_TRY(toy_sleep(0.2)); /* the heartbeat writes the progress marker within 20 ms */
        raise(SIGKILL);
    }
    out->n_atom = n;
    out->wall_s = cfg->toy.delay_s + cfg->toy.delay_spread_s * u_delay;
    snprintf(out->settings, sizeof out->settings, "toy calculator (campaign/eval_toy.c)");
    snprintf(out->pseudopotentials, sizeof out->pseudopotentials, "{}");
    /* The reference phases never fail: every formation energy needs them. */
    if (u_fail < cfg->toy.fail_fraction && !is_reference) {
        snprintf(out->reason, sizeof out->reason, "toy calculator: simulated SCF failure (u = %.3f < %.3f)", u_fail,
                 cfg->toy.fail_fraction);
        return LS_OK;
    }
    /* Composition. */
    int zs[CAMPAIGN_MAX_ATOMS], cnt[CAMPAIGN_MAX_ATOMS], m = 0, n_mag = 0, n_mn = 0;
    double e_ref = 0;
    for (int ia = 0; ia < n; ia++) {
        const struct campaign_element *e = campaign_element_get(s->z[ia]);
        if (!e) LS_ERROR(LS_ERR_INPUT, "toy calculator: no data for %s", ls_element_symbol(s->z[ia]));
        e_ref -= e->valence;
        n_mag += e->magnetic_3d;
        n_mn += s->z[ia] == 25;
        int k = 0;
        while (k < m && zs[k] != s->z[ia]) k++;
        if (k == m) {
            zs[m] = s->z[ia];
            cnt[m++] = 0;
        }
        cnt[k]++;
    }
    double dh = 0;
    for (int a = 0; a < m; a++)
        for (int b = a + 1; b < m; b++) {
            const struct campaign_element *ea = campaign_element_get(zs[a]), *eb = campaign_element_get(zs[b]);
            double xa = (double)cnt[a] / n, xb = (double)cnt[b] / n;
            double dchi = ea->electronegativity - eb->electronegativity;
            double dv = (ea->volume_a3 - eb->volume_a3) / (0.5 * (ea->volume_a3 + eb->volume_a3));
            dh += 4 * xa * xb * (-0.6 * dchi * dchi - 0.05 + 0.4 * dv * dv);
        }
    if (m > 1) dh += 0.06 * (u_fp - 0.5);
    double x_mag = (double)n_mag / n;
    double e_atom = e_ref / n + dh;
    /* Moments. */
    double m_sp = c->features[7]; /* Slater-Pauling moment per atom */
    double per_mag = n_mag ? fmin(3.5, m_sp * n / n_mag) : 0;
    int ferri = in->start->order == CAMPAIGN_ORDER_FERRI;
    int nm = in->start->order == CAMPAIGN_ORDER_NM;
    for (int ia = 0; ia < n; ia++) {
        const struct campaign_element *e = campaign_element_get(s->z[ia]);
        out->moments_start_mub[ia] = in->start->moment_mub[ia];
        double sign = in->start->moment_mub[ia] < 0 ? -1.0 : 1.0;
        out->moments_mub[ia] = nm ? 0.0 : (e->magnetic_3d ? sign * per_mag : -0.05 * (per_mag > 0));
        out->total_moment_mub += out->moments_mub[ia];
        out->abs_moment_mub += fabs(out->moments_mub[ia]);
    }
    if (ferri) e_atom += 2 * n_mn > n ? -0.02 : 0.04 * x_mag;
    if (nm && per_mag > 0) e_atom += 0.1 * x_mag;
    out->energy_ev = e_atom * n;
    LS_TRY(ls_structure_copy(s, &out->relaxed));
    double scale = cbrt(1 + 0.02 * (u_fp - 0.5));
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) out->relaxed->cell[i][j] *= scale;
    for (int ia = 0; ia < n; ia++)
        for (int j = 0; j < 3; j++) out->relaxed->pos[ia][j] *= scale;
    out->relaxed->has_energy = 1;
    out->relaxed->energy = out->energy_ev * LS_EV_HARTREE;
    LS_TRY(ls_structure_alloc_magmom(out->relaxed));
    for (int ia = 0; ia < n; ia++) out->relaxed->magmom[ia] = out->moments_mub[ia];
    out->n_relax_steps = 1;
    out->relax_converged = 1;
    /* Labelled frames for the surrogate: the relaxed cell and two isotropic strains of it,
     * E(s) = E + 0.5 k n (s - 1)^2 with s the length scale and k = 20 eV per atom; forces vanish
     * (the strain keeps every site's symmetry). */
    snprintf(out->trajectory, sizeof out->trajectory, "%s/trajectory.xyz", in->dir);
    remove(out->trajectory);
    const double scales[3] = {0.99, 1.01, 1.0};
    for (int f = 0; f < 3; f++) {
        ls_structure *fr = NULL;
        LS_TRY(ls_structure_copy(out->relaxed, &fr));
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++) fr->cell[i][j] *= scales[f];
        for (int ia = 0; ia < n; ia++)
            for (int j = 0; j < 3; j++) fr->pos[ia][j] *= scales[f];
        int st = ls_structure_alloc_forces(fr);
        fr->has_energy = 1;
        fr->energy = (out->energy_ev + 0.5 * 20.0 * n * pow(scales[f] - 1, 2)) * LS_EV_HARTREE;
        if (st == LS_OK) st = ls_extxyz_append(out->trajectory, fr);
        ls_structure_destroy(fr);
        if (st != LS_OK) return st;
        out->n_frames++;
    }
    out->ok = 1;
    return LS_OK;
}

const struct campaign_evaluator campaign_eval_toy = {"toy", toy_evaluate};
