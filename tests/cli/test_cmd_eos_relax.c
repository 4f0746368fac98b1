/* `lodestone eos --relax` end to end, through the program ($LODESTONE_BIN, else build/lodestone), on
 * dft/testdata/si2-eos-relax.yaml: Si2 (12 Ha, 2x2x2 Gamma-centred k-points, a = 5.60 Å) with atom 1
 * displaced by 0.048 Å, five volumes (0.96 ... 1.04):
 *
 *   (b) fixed positions of the same input with the atom put back: E_diamond(V).  The reference for
 *       the relaxation: with this k-mesh the crystal keeps the full cubic symmetry, so the relaxed
 *       positions at every volume are the diamond ones and E_relaxed(V) = E_diamond(V), to the
 *       relaxation's tolerance (fmax 0.01 eV/Å and force constants of ~10 eV/Å^2: < 1e-5 eV/atom);
 *   (c) --relax --relax-steps 0: every volume is computed at its starting geometry only, the scaled
 *       input with fixed fractional positions, so its energy is the fixed-position one E_fixed(V);
 *       none converges: exit 1, a warning per volume, the results written, the relaxation
 *       checkpoints kept; then --relax --restart, killed with SIGKILL at a random moment after a
 *       volume has converged (the seed is printed; LODESTONE_TEST_SEED=S repeats it), and --restart
 *       again: the finished volumes come from the checkpoint, the others continue their
 *       relaxations from their own checkpoints (from step 1 or later, never from step 0), every
 *       point converges with fmax < 0.01 eV/Å, lies below E_fixed(V) and equals E_diamond(V); the
 *       --xyz frames carry the diamond positions; the relaxation checkpoints are gone at the end;
 *   (d) checkpoints of another mode or threshold: exit 2, saying which setting differs; a checkpoint
 *       of format 1 (before --relax) is still read for fixed positions and refused for --relax;
 *   (e) the option errors;
 *   (f) --relax-shape on the crystal without the displacement but strained tetragonally (c/a 1.03 at
 *       constant volume): back to cubic at every volume, at exactly the volume asked for, with the
 *       diamond energies;
 *   (g) SIGTERM during the first volume's relaxation: exit 3, a message naming its checkpoint. */
#include <dirent.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/checkpoint.h"
#include "common/err.h"
#include "common/io.h"
#include "common/log.h"
#include "common/test.h"
#include "dft/scf/test_diamond.h"
#include "common/textio.h"
#include "common/units.h"

#define INPUT "dft/testdata/si2-eos-relax.yaml"
#define VOLUMES "0.96,0.98,1.00,1.02,1.04"
#define N_VOL 5
#define FMAX 0.01 /* eV/Å, the default of --fmax */

static char dir[512];
static double e_fixed[N_VOL], e_diamond[N_VOL];
static int have_fixed, have_diamond;

static const char *tmp(const char *name) { return ls_test_in_dir(dir, name); }

/* `lodestone eos ARGS`, stdout to OUT-NAME.out and stderr to ERR-NAME; the exit code. */
static int run(const char *args, const char *err_name)
{
    char cmd[4096], out[1200];
    snprintf(cmd, sizeof cmd, "eos %s --threads 1", args);
    snprintf(out, sizeof out, "%s.out", tmp(err_name));
    return ls_test_run(NULL, cmd, out, tmp(err_name));
}


/* Every number after "KEY": in a JSON text, in order; the count. */
static int json_numbers(const char *text, const char *key, double *v, int max)
{
    char pat[128];
    snprintf(pat, sizeof pat, "\"%s\": ", key);
    int n = 0;
    for (const char *p = text; p && n < max && (p = strstr(p, pat)) != NULL; p += strlen(pat)) v[n++] = strtod(p + strlen(pat), NULL);
    return n;
}

/* How many volumes of a checkpoint have `record` (eos/done, eos/converged) set; -1 if unreadable. */
static int ckpt_count(const char *path, const char *record)
{
    ls_ckpt *c = NULL;
    if (ls_ckpt_read(path, &c) != LS_OK) {
        ls_error_clear();
        return -1;
    }
    const int64_t *v;
    size_t n;
    int k = -1;
    if (ls_ckpt_get_ints(c, record, &v, &n) == LS_OK) {
        k = 0;
        for (size_t i = 0; i < n; i++) k += v[i] != 0;
    }
    ls_error_clear();
    ls_ckpt_destroy(c);
    return k;
}

static int relax_ckpt_exists(const char *ckpt, int i)
{
    char path[800];
    snprintf(path, sizeof path, "%s.v%02d.relax", ckpt, i + 1);
    return access(path, F_OK) == 0;
}

/* Replace the first `from` in text (of capacity size) by `to`; 1 if found. */
static int replace_in(char *text, size_t size, const char *from, const char *to)
{
    char *hit = strstr(text, from);
    if (hit == NULL || strlen(text) - strlen(from) + strlen(to) >= size) return 0;
    memmove(hit + strlen(to), hit + strlen(from), strlen(hit + strlen(from)) + 1);
    memcpy(hit, to, strlen(to));
    return 1;
}

/* A copy of the input in the scratch folder (the pseudopotential path made absolute) with the n
 * replacements from[k] -> to[k]. */
static int edited_input(const char *name, int n, const char *const *from, const char *const *to)
{
    char *text = ls_test_slurp(INPUT), cwd[512], buf[8192], abs_path[700];
    int ok = text && getcwd(cwd, sizeof cwd) && strlen(text) < sizeof buf;
    if (ok) {
        strcpy(buf, text);
        snprintf(abs_path, sizeof abs_path, "%s/inputs/", cwd);
        ok = replace_in(buf, sizeof buf, "../../inputs/", abs_path);
        for (int k = 0; k < n && ok; k++) ok = replace_in(buf, sizeof buf, from[k], to[k]);
    }
    FILE *f = ok ? fopen(tmp(name), "w") : NULL;
    if (f) {
        ok = fputs(buf, f) >= 0;
        fclose(f);
    }
    free(text);
    return ok && f;
}

/* (b); its checkpoint, of a fixed-position run, serves (d). */
static void test_diamond_reference(void)
{
    char args[2048];
    const char *from[] = {"[0.012, -0.007, 0.004]"}, *to[] = {"[0.0, 0.0, 0.0]"};
    LS_CHECK(edited_input("diamond.yaml", 1, from, to));
    snprintf(args, sizeof args, "%s --volumes " VOLUMES " --json %s --checkpoint %s", tmp("diamond.yaml"), tmp("b.json"),
             tmp("b.ckpt"));
    int code = run(args, "b.err");
    char *json = ls_test_slurp(tmp("b.json"));
    LS_CHECK_MSG(code == 0, "diamond: exit code %d", code);
    have_diamond = json_numbers(json, "energy_eV_per_atom", e_diamond, N_VOL) == N_VOL;
    LS_CHECK(have_diamond && strstr(json, "\"relax\": \"fixed\"") && !strstr(json, "relax_steps"));
    free(json);
}

/* (c) */
static void test_relax_kill_restart(void)
{
    char ck[700], args[2048];
    snprintf(ck, sizeof ck, "%s", tmp("c.ckpt"));
    /* c1: the starting geometry only, nothing converges. */
    snprintf(args, sizeof args, INPUT " --volumes " VOLUMES " --relax --relax-steps 0 --json %s --checkpoint %s",
             tmp("c1.json"), ck);
    double t0 = ls_wall_time();
    int code = run(args, "c1.err");
    const double c1_wall = ls_wall_time() - t0;
    char *err = ls_test_slurp(tmp("c1.err")), *json = ls_test_slurp(tmp("c1.json"));
    LS_CHECK_MSG(code == 1, "--relax-steps 1: exit code %d: %s", code, err ? err : "");
    LS_CHECK_MSG(ls_test_count(err, "relaxation NOT converged in 0 steps") == N_VOL, "%s", err ? err : "");
    LS_CHECK(err && strstr(err, "the relaxation did not converge within --relax-steps 0 at 5 of 5 volumes"));
    LS_CHECK(json && ls_test_count(json, "\"relax_converged\": false") == N_VOL && strstr(json, "\"fit\": null"));
    have_fixed = json_numbers(json, "energy_eV_per_atom", e_fixed, N_VOL) == N_VOL;
    LS_CHECK(have_fixed);
    LS_CHECK(ckpt_count(ck, "eos/done") == N_VOL && ckpt_count(ck, "eos/converged") == 0);
    for (int i = 0; i < N_VOL; i++) LS_CHECK_MSG(relax_ckpt_exists(ck, i), "volume %d: relaxation checkpoint missing", i + 1);
    free(err);
    free(json);

    /* c2: continue, SIGKILL once a volume has converged. */
    const char *env = getenv("LODESTONE_TEST_SEED");
    uint64_t seed = env && *env ? strtoull(env, NULL, 10) : (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 20);
    uint64_t state = seed;
    const double delay = 0.4 * c1_wall * (double)(ls_test_splitmix(&state) >> 11) / 9007199254740992.0;
    printf("test_eos_relax: kill seed %llu (repeat with LODESTONE_TEST_SEED=%llu), SIGKILL %.3f s after the first "
           "converged volume\n", (unsigned long long)seed, (unsigned long long)seed, delay);
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "exec %s eos " INPUT " --threads 1 --volumes " VOLUMES " --relax --restart --checkpoint %s "
             ">/dev/null 2>%s", ls_test_bin(), ck, tmp("c2.err"));
    pid_t pid = ls_test_spawn(cmd);
    LS_CHECK(pid > 0);
    if (pid <= 0) return;
    int wstatus = 0, exited = 0;
    for (double t1 = ls_wall_time(); ls_wall_time() - t1 < 300;) {
        if (ckpt_count(ck, "eos/converged") >= 1) break;
        if (waitpid(pid, &wstatus, WNOHANG) == pid) {
            exited = 1;
            break;
        }
        ls_test_sleep(0.002);
    }
    if (!exited) {
        ls_test_sleep(delay);
        kill(pid, SIGKILL);
        waitpid(pid, &wstatus, 0);
    }
    const int k = ckpt_count(ck, "eos/converged");
    int pending = 0;
    for (int i = 0; i < N_VOL; i++) pending += relax_ckpt_exists(ck, i);
    printf("test_eos_relax: %s with %d of %d volumes converged in the checkpoint, %d relaxation checkpoints left\n",
           WIFSIGNALED(wstatus) ? "killed" : "finished before the kill", k, N_VOL, pending);
    LS_CHECK_MSG(k >= 1 && k <= N_VOL, "converged volumes in the checkpoint after SIGKILL: %d", k);
    /* A converged volume's relaxation checkpoint is removed after the EOS checkpoint has it (a kill in
     * between leaves it, and the restart removes it): at most one too many. */
    LS_CHECK_MSG(pending >= N_VOL - k && pending <= N_VOL - k + 1, "%d relaxation checkpoints, %d volumes to go", pending,
                 N_VOL - k);

    /* c3: restart to the end. */
    snprintf(args, sizeof args,
             INPUT " --volumes " VOLUMES " --relax --restart --checkpoint %s --json %s --csv %s --xyz %s", ck,
             tmp("c3.json"), tmp("c3.csv"), tmp("c3.xyz"));
    code = run(args, "c3.err");
    err = ls_test_slurp(tmp("c3.err"));
    json = ls_test_slurp(tmp("c3.json"));
    LS_CHECK_MSG(code == 0, "restart: exit code %d: %s", code, err ? err : "");
    LS_CHECK_MSG(ls_test_count(err, "from the checkpoint:") == k, "%s", err ? err : "");
    LS_CHECK_MSG(ls_test_count(err, "computing it again") == N_VOL - k, "%s", err ? err : "");
    LS_CHECK_MSG(ls_test_count(err, "SCF iterations") == N_VOL - k, "%s", err ? err : "");
    /* No finished relaxation step is repeated: each volume computed continues at step 1 or later. */
    LS_CHECK_MSG(ls_test_count(err, "continued from step") == N_VOL - k && ls_test_count(err, "continued from step 0 ") == 0,
                 "%s", err ? err : "");
    for (int i = 0; i < N_VOL; i++) LS_CHECK_MSG(!relax_ckpt_exists(ck, i), "volume %d: relaxation checkpoint left", i + 1);
    double e[N_VOL], fmax[N_VOL], steps[N_VOL];
    LS_CHECK(json_numbers(json, "energy_eV_per_atom", e, N_VOL) == N_VOL);
    LS_CHECK(json_numbers(json, "relax_fmax_eV_per_A", fmax, N_VOL) == N_VOL);
    LS_CHECK(json_numbers(json, "relax_steps", steps, N_VOL) == N_VOL);
    LS_CHECK(json && strstr(json, "\"relax\": \"positions\"") && strstr(json, "\"fmax_threshold_eV_per_A\": 0.01") &&
             strstr(json, "\"relax_max_steps\": 200") && ls_test_count(json, "\"relax_converged\": true") == N_VOL &&
             ls_test_count(json, "\"converged\": true") == N_VOL + 1 && ls_test_count(json, "\"from_checkpoint\": true") == k);
    printf("  V/V_in   E fixed (eV/atom)   E relaxed (eV/atom)   relaxed - fixed   relaxed - diamond   fmax (eV/A)  steps\n");
    const double scales[N_VOL] = {0.96, 0.98, 1.00, 1.02, 1.04};
    for (int i = 0; i < N_VOL && json; i++) {
        printf("  %5.2f %19.8f %21.8f %14.3f meV %15.1e eV %13.2e %6.0f\n", scales[i], e_fixed[i], e[i],
               (e[i] - e_fixed[i]) * 1e3, e[i] - e_diamond[i], fmax[i], steps[i]);
        LS_CHECK_MSG(fmax[i] < FMAX, "volume %d: fmax %g", i + 1, fmax[i]);
        if (have_fixed) LS_CHECK_MSG(e[i] < e_fixed[i] - 1e-3, "volume %d: relaxed %.8f, fixed %.8f", i + 1, e[i], e_fixed[i]);
        if (have_diamond) LS_CHECK_NEAR(e[i], e_diamond[i], 1e-5);
    }
    char *csv = ls_test_slurp(tmp("c3.csv"));
    LS_CHECK(csv && strstr(csv, ",relax_steps,relax_converged,relax_fmax_eV_per_A\n") && ls_test_count(csv, "\n") == N_VOL + 1);
    ls_structure_list *frames = NULL;
    LS_CHECK_OK(ls_structures_read(tmp("c3.xyz"), LS_FORMAT_EXTXYZ, &frames));
    if (frames) {
        LS_CHECK(frames->n == N_VOL);
        for (int i = 0; i < frames->n; i++) {
            const char *rx = ls_structure_info_get(frames->items[i], "eos_relax");
            LS_CHECK(rx && strcmp(rx, "positions") == 0);
            /* Forces below 0.01 eV/Å and force constants of ~10 eV/Å^2: within 1e-3 Å. */
            LS_CHECK_MSG(dft_test_diamond_error(frames->items[i]) < 1e-3, "frame %d: %.3g A from diamond", i,
                         dft_test_diamond_error(frames->items[i]));
        }
        ls_structure_list_destroy(frames);
    }
    free(err);
    free(json);
    free(csv);
}

/* (f) --relax-shape: the undisplaced crystal strained tetragonally (c/a 1.03 along z, volume kept)
 * relaxes back to cubic at every volume, at the volume asked for, with the diamond energies. */
static void test_relax_shape(void)
{
    const double f = pow(1.03, -1.0 / 3.0), a = 2.80 * f, c = 2.80 * f * 1.03;
    char rows[3][96];
    snprintf(rows[0], sizeof rows[0], "[0.0, %.12f, %.12f]", a, c);
    snprintf(rows[1], sizeof rows[1], "[%.12f, 0.0, %.12f]", a, c);
    snprintf(rows[2], sizeof rows[2], "[%.12f, %.12f, 0.0]", a, a);
    const char *from[] = {"[0.00, 2.80, 2.80]", "[2.80, 0.00, 2.80]", "[2.80, 2.80, 0.00]", "[0.012, -0.007, 0.004]"};
    const char *to[] = {rows[0], rows[1], rows[2], "[0.0, 0.0, 0.0]"};
    LS_CHECK(edited_input("tetragonal.yaml", 4, from, to));
    char args[2048];
    snprintf(args, sizeof args, "%s --volumes " VOLUMES " --relax-shape --json %s --csv %s --checkpoint %s",
             tmp("tetragonal.yaml"), tmp("f.json"), tmp("f.csv"), tmp("f.ckpt"));
    int code = run(args, "f.err");
    char *err = ls_test_slurp(tmp("f.err")), *json = ls_test_slurp(tmp("f.json")), *csv = ls_test_slurp(tmp("f.csv"));
    char *out = ls_test_slurp(tmp("f.err.out"));
    LS_CHECK_MSG(code == 0, "--relax-shape: exit code %d: %s", code, err ? err : "");
    LS_CHECK(json && strstr(json, "\"relax\": \"shape\"") && strstr(json, "\"stress_threshold_GPa\": 0.05") &&
             ls_test_count(json, "\"relax_converged\": true") == N_VOL);
    LS_CHECK(out && strstr(out, "positions and cell shape relaxed at each volume") && strstr(out, "c/a"));
    LS_CHECK(csv && strstr(csv, ",relax_stress_deviation_GPa,a_A,b_A,c_A,alpha_deg,beta_deg,gamma_deg\n"));
    double e[N_VOL], v[N_VOL], dev[N_VOL], la[N_VOL], lb[N_VOL], lc[N_VOL];
    LS_CHECK(json_numbers(json, "energy_eV_per_atom", e, N_VOL) == N_VOL);
    LS_CHECK(json_numbers(json, "volume_A3_per_atom", v, N_VOL) == N_VOL);
    LS_CHECK(json_numbers(json, "relax_stress_deviation_GPa", dev, N_VOL) == N_VOL);
    LS_CHECK(json_numbers(json, "a_A", la, N_VOL) == N_VOL && json_numbers(json, "b_A", lb, N_VOL) == N_VOL &&
             json_numbers(json, "c_A", lc, N_VOL) == N_VOL);
    const double scales[N_VOL] = {0.96, 0.98, 1.00, 1.02, 1.04};
    printf("  --relax-shape from c/a 1.03: V/V_in, |a1| |a2| |a3| (A), |dev stress| (GPa), E - E_diamond (eV/atom)\n");
    for (int i = 0; i < N_VOL && json; i++) {
        printf("  %5.2f %10.6f %10.6f %10.6f %10.2e %10.1e\n", scales[i], la[i], lb[i], lc[i], dev[i], e[i] - e_diamond[i]);
        /* The volume is the one asked for: 2 (2.80 A)^3 / 2 atoms x V/V_in. */
        LS_CHECK_NEAR(v[i], scales[i] * 2.80 * 2.80 * 2.80 * 2.0 / 2.0, 1e-9 * v[i]);
        LS_CHECK(dev[i] < 0.05);
        /* Cubic again: |dev sigma| < 0.05 GPa over a tetragonal shear stiffness C11 - C12 ~ 100 GPa
         * leaves strains of ~5e-4 (started at 3e-2). */
        const double mean = (la[i] + lb[i] + lc[i]) / 3;
        LS_CHECK_MSG(fabs(la[i] / mean - 1) < 1e-3 && fabs(lb[i] / mean - 1) < 1e-3 && fabs(lc[i] / mean - 1) < 1e-3,
                     "volume %d: |a_k| = %g %g %g", i + 1, la[i], lb[i], lc[i]);
        if (have_diamond) LS_CHECK_NEAR(e[i], e_diamond[i], 1e-5);
    }
    /* The lattice at V0, from the relaxed cells: cubic (fcc rows, |a_k| = (8 V0 per atom)^(1/3) / sqrt 2
     * and 60 degrees, within the strain the stress threshold leaves, 1e-3), not the input's c/a 1.03. */
    const char *lat = json ? strstr(json, "\"lattice_at_V0\": {") : NULL;
    double l6[6], v0 = 0;
    LS_CHECK_MSG(lat && json_numbers(json, "V0_A3_per_atom", &v0, 1) == 1, "lattice_at_V0 in %s", tmp("f.json"));
    if (lat) {
        static const char *const keys[6] = {"a_A", "b_A", "c_A", "alpha_deg", "beta_deg", "gamma_deg"};
        for (int k = 0; k < 6; k++) LS_CHECK(json_numbers(lat, keys[k], &l6[k], 1) == 1);
        LS_CHECK(strstr(lat, "\"from\": \"quadratic fit in V of the relaxed cells\"") &&
                 strstr(lat, "\"n_volumes\": 5"));
        const double a_cubic = cbrt(8.0 * v0) / sqrt(2.0);
        printf("  lattice at V0 = %.4f A^3/atom: %.6f %.6f %.6f A (cubic %.6f), %.3f %.3f %.3f deg\n", v0, l6[0], l6[1],
               l6[2], a_cubic, l6[3], l6[4], l6[5]);
        for (int k = 0; k < 3; k++) {
            LS_CHECK_NEAR(l6[k], a_cubic, 1e-3 * a_cubic);
            LS_CHECK_NEAR(l6[3 + k], 60.0, 0.1);
        }
    }
    LS_CHECK(out && strstr(out, "(quadratic fit in V of the 5 relaxed cells)"));
    free(err);
    free(json);
    free(csv);
    free(out);
}

/* (g) SIGTERM once the first volume's relaxation has a step in its checkpoint: exit 3, the message
 * names both checkpoints and --restart. */
static void test_sigterm(void)
{
    char ck[700], relax_ck[800], cmd[4096];
    snprintf(ck, sizeof ck, "%s", tmp("g.ckpt"));
    snprintf(relax_ck, sizeof relax_ck, "%s.v01.relax", ck);
    snprintf(cmd, sizeof cmd, "exec %s eos " INPUT " --threads 1 --volumes " VOLUMES " --relax --checkpoint %s "
             ">/dev/null 2>%s", ls_test_bin(), ck, tmp("g.err"));
    pid_t pid = ls_test_spawn(cmd);
    LS_CHECK(pid > 0);
    if (pid <= 0) return;
    int wstatus = 0, exited = 0;
    for (double t1 = ls_wall_time(); ls_wall_time() - t1 < 300 && access(relax_ck, F_OK) != 0;) {
        if (waitpid(pid, &wstatus, WNOHANG) == pid) {
            exited = 1;
            break;
        }
        ls_test_sleep(0.002);
    }
    if (!exited) {
        kill(pid, SIGTERM);
        waitpid(pid, &wstatus, 0);
    }
    char *err = ls_test_slurp(tmp("g.err"));
    LS_CHECK_MSG(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 3, "after SIGTERM: status %d: %s", wstatus, err ? err : "");
    LS_CHECK_MSG(err && strstr(err, "the finished relaxation steps of volume 1/5 are in") && strstr(err, "g.ckpt.v01.relax") &&
                     strstr(err, "--restart"), "%s", err ? err : "");
    LS_CHECK(access(relax_ck, F_OK) == 0 && ckpt_count(ck, "eos/done") == 0);
    free(err);
}

/* Copy a format-2 checkpoint of a fixed-position run as format 1 (the records of before --relax). */
static int write_format1(const char *src, const char *dst)
{
    ls_ckpt *in = NULL, *out = NULL;
    int status = ls_ckpt_read(src, &in);
    if (status == LS_OK) status = ls_ckpt_create(&out);
    const char *strings[] = {"kind", "eos/input", "eos/input_hash"};
    for (int i = 0; i < 3 && status == LS_OK; i++) {
        const char *s = NULL;
        status = ls_ckpt_get_string(in, strings[i], &s);
        if (status == LS_OK) status = ls_ckpt_put_string(out, strings[i], s);
    }
    if (status == LS_OK) status = ls_ckpt_put_int(out, "eos/format", 1);
    const char *ints[] = {"eos/n_atom", "eos/done", "eos/converged", "eos/scf_iterations"};
    for (int i = 0; i < 4 && status == LS_OK; i++) {
        const int64_t *v = NULL;
        size_t n = 0;
        status = ls_ckpt_get_ints(in, ints[i], &v, &n);
        if (status == LS_OK) status = ls_ckpt_put_ints(out, ints[i], v, n);
    }
    const char *doubles[] = {"eos/scales", "eos/volume_bohr3", "eos/energy_Ha", "eos/pressure_Ha_per_bohr3", "eos/wall_s",
                             "eos/stress_Ha_per_bohr3", "eos/forces_Ha_per_bohr"};
    for (int i = 0; i < 7 && status == LS_OK; i++) {
        const double *v = NULL;
        size_t n = 0;
        status = ls_ckpt_get_doubles(in, doubles[i], &v, &n);
        if (status == LS_OK) status = ls_ckpt_put_doubles(out, doubles[i], v, n);
    }
    if (status == LS_OK) status = ls_ckpt_write(out, dst);
    ls_ckpt_destroy(in);
    ls_ckpt_destroy(out);
    return status;
}

static void expect_error(const char *args, const char *err_name, const char *what1, const char *what2)
{
    int code = run(args, err_name);
    char *err = ls_test_slurp(tmp(err_name));
    LS_CHECK_MSG(code == 2, "%s: exit code %d, expected 2: %s", err_name, code, err ? err : "");
    LS_CHECK_MSG(err && strstr(err, what1) && (!what2 || strstr(err, what2)), "%s: expected '%s' and '%s' in: %s",
                 err_name, what1, what2 ? what2 : "", err ? err : "");
    LS_CHECK_MSG(ls_test_count(err, "SCF iterations") == 0, "%s: computed volumes before failing", err_name);
    free(err);
}

/* (d) */
static void test_foreign_checkpoints(void)
{
    char args[2048];
    snprintf(args, sizeof args, "%s --volumes " VOLUMES " --relax --restart --checkpoint %s", tmp("diamond.yaml"),
             tmp("b.ckpt"));
    expect_error(args, "d1.err", "written by a run with fixed positions", "this run has relaxed positions (--relax)");
    snprintf(args, sizeof args, INPUT " --volumes " VOLUMES " --relax --fmax 0.02 --restart --checkpoint %s", tmp("c.ckpt"));
    expect_error(args, "d2.err", "written with --fmax 0.01 eV/A, this run has --fmax 0.02", "c.ckpt");
    snprintf(args, sizeof args, INPUT " --volumes " VOLUMES " --relax-shape --restart --checkpoint %s", tmp("c.ckpt"));
    expect_error(args, "d3.err", "relaxed positions (--relax)", "--relax-shape");
    /* Format 1: read for fixed positions (every volume from it, the frames at the scaled input cell)... */
    LS_CHECK_OK(write_format1(tmp("b.ckpt"), tmp("f1.ckpt")));
    snprintf(args, sizeof args, "%s --volumes " VOLUMES " --restart --checkpoint %s --xyz %s", tmp("diamond.yaml"),
             tmp("f1.ckpt"), tmp("f1.xyz"));
    int code = run(args, "d4.err");
    char *err = ls_test_slurp(tmp("d4.err"));
    LS_CHECK_MSG(code == 0 && ls_test_count(err, "from the checkpoint:") == N_VOL && ls_test_count(err, "SCF iterations") == 0,
                 "format 1: exit code %d: %s", code, err ? err : "");
    free(err);
    ls_structure_list *frames = NULL;
    LS_CHECK_OK(ls_structures_read(tmp("f1.xyz"), LS_FORMAT_EXTXYZ, &frames));
    if (frames) {
        LS_CHECK(frames->n == N_VOL);
        for (int i = 0; i < frames->n; i++) {
            double V = fabs(ls_cell_volume(frames->items[i]->cell)) * LS_BOHR_ANGSTROM * LS_BOHR_ANGSTROM * LS_BOHR_ANGSTROM;
            LS_CHECK_NEAR(V, 2 * 2.80 * 2.80 * 2.80 * (0.96 + 0.02 * i), 1e-9 * V); /* the scaled input cell */
            LS_CHECK(dft_test_diamond_error(frames->items[i]) < 1e-9);
        }
        ls_structure_list_destroy(frames);
    }
    /* ... and refused for --relax, naming the format. */
    LS_CHECK_OK(write_format1(tmp("b.ckpt"), tmp("f1.ckpt")));
    snprintf(args, sizeof args, "%s --volumes " VOLUMES " --relax --restart --checkpoint %s", tmp("diamond.yaml"),
             tmp("f1.ckpt"));
    expect_error(args, "d5.err", "f1.ckpt (an EOS checkpoint of format 1, from before --relax) was written by a run with fixed positions",
                 "this run has relaxed positions (--relax)");
}

/* (e) */
static void test_options(void)
{
    expect_error(INPUT " --fmax 0.02", "e1.err", "--fmax needs --relax or --relax-shape", NULL);
    expect_error(INPUT " --relax-steps 10", "e2.err", "--relax-steps needs --relax or --relax-shape", NULL);
    expect_error(INPUT " --relax --stress-tol 0.1", "e3.err", "--stress-tol needs --relax-shape", NULL);
    expect_error(INPUT " --relax --fmax 0", "e4.err", "--fmax must be positive", NULL);
    expect_error(INPUT " --relax-shape --stress-tol -1", "e5.err", "--stress-tol must be positive", NULL);
    expect_error(INPUT " --relax --relax-steps -1", "e6.err", "--relax-steps must be between 0 and 1000000", NULL);
    expect_error(INPUT " --relax --fmax abc", "e7.err", "--fmax", NULL);
}

/* No AddressSanitizer / UBSan report in any log of the runs above (make asan). */
static void test_no_sanitizer_reports(void)
{
    DIR *d = opendir(dir);
    LS_CHECK(d != NULL);
    if (d == NULL) return;
    int n_logs = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        size_t len = strlen(e->d_name);
        if (len < 4 || (strcmp(e->d_name + len - 4, ".err") != 0 && strcmp(e->d_name + len - 4, ".out") != 0)) continue;
        char *text = ls_test_slurp(tmp(e->d_name));
        LS_CHECK_MSG(text == NULL || (!strstr(text, "Sanitizer") && !strstr(text, "runtime error")), "%s: %s", e->d_name,
                     text);
        n_logs++;
        free(text);
    }
    closedir(d);
    LS_CHECK(n_logs > 20);
}

int main(void)
{
    ls_test_fresh_dir(dir, sizeof dir, "eos_relax");
    LS_RUN(test_diamond_reference);
    LS_RUN(test_relax_kill_restart);
    LS_RUN(test_relax_shape);
    LS_RUN(test_sigterm);
    LS_RUN(test_foreign_checkpoints);
    LS_RUN(test_options);
    LS_RUN(test_no_sanitizer_reports);
    return ls_test_summary("test_cmd_eos_relax");
}
