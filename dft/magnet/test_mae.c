/* Tests of `lodestone mae`'s workflow (dft_mae_run, dft/magnet/mae.c) on bcc Fe, a cubic magnet:
 * - the force theorem gives the same band energy for the moments along [001], [100] and [010]
 *   (directions equivalent by the cubic symmetry, each with its own magnetic group and k-points)
 *   to 1e-8 Ha, and the spin moment of each run points along its direction (the density was
 *   turned: |m_perp| < 1e-6 |m|) with the length of the collinear moment (1e-4 muB);
 * - the self-consistent spin-orbit runs (LDA) likewise give equal free energies for [001] and
 *   [100] (1e-7 Ha: two SCFs to conv_thr 1e-11 Ha) and moments along their directions;
 * - the direction parser and the unit conversion (1 meV per atom of a one-atom cell);
 * - through the program, `mae` and `dos` refuse an output path equal to the input or to a
 *   pseudopotential, and a relaxation input (exit 2, before any SCF).
 * Cheap settings (12 Ha, 2x2x2 k-points, Marzari-Vanderbilt 0.02 Ha) with the shipped fully
 * relativistic file inputs/pseudo/pd04-pbe-fr/Fe.upf; the numbers are self-consistency checks,
 * not physical anisotropies.
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "common/test.h"
#include "common/textio.h"
#include "common/units.h"
#include "dft/dft.h"
#include "dft/magnet/test_fe_bcc.h"

static int fe_params(dft_params *p)
{
    LS_TRY(test_fe_bcc_params(p, 0, 1e-11, "test_mae"));
    p->compute_forces = p->compute_stress = 0;
    return LS_OK;
}

/* The moment m (muB) points along unit d with length len. */
static void check_along(const double m[3], const double d[3], double len, const char *what)
{
    double par = m[0] * d[0] + m[1] * d[1] + m[2] * d[2];
    double perp[3] = {m[0] - par * d[0], m[1] - par * d[1], m[2] - par * d[2]};
    double np = sqrt(perp[0] * perp[0] + perp[1] * perp[1] + perp[2] * perp[2]);
    LS_CHECK_MSG(np < 1e-6 * fabs(par) && fabs(par - len) < 1e-4, "%s: m = (%.6f %.6f %.6f), along (%g %g %g), want %.6f", what,
                 m[0], m[1], m[2], d[0], d[1], d[2], len);
}

static void test_force_theorem_cubic(void)
{
    dft_params p;
    LS_CHECK_OK(fe_params(&p));
    struct dft_mae_options o;
    memset(&o, 0, sizeof o);
    LS_CHECK_OK(dft_mae_parse_directions("001,100,010", &o));
    LS_CHECK(o.n_dir == 3);
    o.force_theorem = 1;
    dft_mae_result *r = NULL;
    LS_CHECK_OK(dft_mae_run(&p, &o, &r));
    if (r) {
        const struct dft_mae_mesh_result *m = &r->m[0];
        printf("  force theorem: collinear M %.6f muB; E_band[001] %.10f Ha, [100] - [001] %.2e Ha, [010] - [001] %.2e Ha\n",
               m->m_collinear, m->d[0].e_band, m->d[1].e_band - m->d[0].e_band, m->d[2].e_band - m->d[0].e_band);
        for (int i = 0; i < 3; i++) LS_CHECK(m->d[i].done_ft && m->d[i].converged_ft);
        LS_CHECK_NEAR(m->d[1].e_band, m->d[0].e_band, 1e-8);
        LS_CHECK_NEAR(m->d[2].e_band, m->d[0].e_band, 1e-8);
        for (int i = 0; i < 3; i++) check_along(m->d[i].m_cell, r->dir[i], m->m_collinear, r->dir_label[i]);
        /* one atom, one formula unit: meV per f.u. = meV per atom = the difference in meV */
        LS_CHECK_NEAR(dft_mae_convert(r, 1e-3 * LS_EV_HARTREE, 0), 1.0, 1e-12);
        LS_CHECK_NEAR(dft_mae_convert(r, 1e-3 * LS_EV_HARTREE, 1), 1.0, 1e-12);
    }
    dft_mae_result_destroy(r);
    dft_params_free(&p);
}

static void test_self_consistent_cubic(void)
{
    dft_params p;
    LS_CHECK_OK(fe_params(&p));
    struct dft_mae_options o;
    memset(&o, 0, sizeof o);
    LS_CHECK_OK(dft_mae_parse_directions("001,100", &o));
    o.self_consistent = 1;
    o.lambda = 0.5; /* 1 Ry, pw.x's default (not used: symmetry fixes these directions) */
    /* LDA: with PBE the spin-orbit SCF stalls near an estimated error of 1e-10 Ry (see
     * dft/scf/test_noncolin.c, fe2_params) and misses conv_thr. */
    snprintf(p.functional, sizeof p.functional, "LDA");
    dft_mae_result *r = NULL;
    LS_CHECK_OK(dft_mae_run(&p, &o, &r));
    if (r) {
        const struct dft_mae_mesh_result *m = &r->m[0];
        printf("  self-consistent: F[001] %.10f Ha, F[100] - F[001] %.2e Ha; M[001] %.6f muB\n", m->d[0].e_scf,
               m->d[1].e_scf - m->d[0].e_scf, m->d[0].m_cell[2]);
        LS_CHECK(m->d[0].done_scf && m->d[0].converged_scf && m->d[1].done_scf && m->d[1].converged_scf);
        LS_CHECK_NEAR(m->d[1].e_scf, m->d[0].e_scf, 1e-7);
        double len = m->d[0].m_cell[2];
        for (int i = 0; i < 2; i++) check_along(m->d[i].m_cell, r->dir[i], len, r->dir_label[i]);
    }
    dft_mae_result_destroy(r);
    dft_params_free(&p);
}

static void test_parse(void)
{
    struct dft_mae_options o;
    memset(&o, 0, sizeof o);
    LS_CHECK_OK(dft_mae_parse_directions("001,1-10,1:1:1", &o));
    LS_CHECK(o.n_dir == 3);
    LS_CHECK(o.dir[1][0] > 0 && o.dir[1][1] < 0 && o.dir[1][2] == 0);
    LS_CHECK(dft_mae_parse_directions("00x", &o) != LS_OK);
    ls_error_clear();
    LS_CHECK_OK(dft_mae_parse_meshes("4x4x4,6x6x6", &o));
    LS_CHECK(o.n_mesh == 2 && o.mesh[1][2] == 6);
}

/* si2.in of dft/testdata/qe with its pseudopotential folder and calculation = `calc`, in the
 * scratch folder as `name`. */
static int write_si2(const char *name, const char *calc, char *path, size_t n)
{
    char *text = NULL, dir[4096], buf[8192];
    LS_TRY(ls_file_read_all("dft/testdata/qe/si2.in", &text, NULL));
    char *pd = strstr(text, "PSEUDO_DIR"), *scf = strstr(text, "'scf'");
    if (!pd || !scf || scf > pd || !realpath("inputs/pseudo/pd04-pbe-sr", dir)) {
        free(text);
        LS_ERROR(LS_ERR_IO, "dft/testdata/qe/si2.in: PSEUDO_DIR or 'scf' not found (run from the project root)");
    }
    snprintf(buf, sizeof buf, "%.*s'%s'%.*s%s%s", (int)(scf - text), text, calc, (int)(pd - scf - 5), scf + 5, dir,
             pd + strlen("PSEUDO_DIR"));
    free(text);
    ls_test_tmp_path(path, n, name);
    ls_test_write_file(path, buf);
    return LS_OK;
}

/* Through the program: an output path equal to the input or to a pseudopotential, or a
 * relaxation input, is refused before anything is computed (exit 2), for mae and dos
 * (apps/dft_opts.c). */
static void test_program_refusals(void)
{
    char in[1024], relax[1024], err[1024], cmd[4096];
    LS_CHECK_OK(write_si2("mae_si2.in", "scf", in, sizeof in));
    LS_CHECK_OK(write_si2("mae_si2_relax.in", "relax", relax, sizeof relax));
    ls_test_tmp_path(err, sizeof err, "mae_refusal.err");
    const char *fmt[] = {"mae '%s' --json '%s'", "dos '%s' --svg '%s'", "dos '%s' --csv '%s'", "mae '%s'"};
    const char *expect[] = {"would overwrite", "would overwrite", "would overwrite", "asks for a relaxation"};
    char upf[4200];
    snprintf(upf, sizeof upf, "%s", in);
    for (int i = 0; i < 4; i++) {
        if (i == 2 && !realpath("inputs/pseudo/pd04-pbe-sr/Si.upf", upf)) LS_CHECK(0);
        snprintf(cmd, sizeof cmd, fmt[i], i == 3 ? relax : in, upf);
        int rc = ls_test_run(NULL, cmd, NULL, err);
        char *msg = NULL;
        LS_CHECK_OK(ls_file_read_all(err, &msg, NULL));
        LS_CHECK_MSG(rc == 2 && msg && strstr(msg, expect[i]), "'%s': exit %d: %s", cmd, rc, msg ? msg : "");
        free(msg);
    }
}

int main(void)
{
    ls_log_set_level(LS_LOG_WARN);
    LS_RUN(test_parse);
    LS_RUN(test_program_refusals);
    LS_RUN(test_force_theorem_cubic);
    LS_RUN(test_self_consistent_cubic);
    return ls_test_summary("test_mae");
}
