/* `lodestone eos` end to end, through the program ($LODESTONE_BIN, else build/lodestone), on the
 * cheap Si2 input dft/testdata/si2-eos.yaml (12 Ha, 2x2x2 k-points; one volume takes ~0.2 s):
 *
 *   (a) an uninterrupted run: exit 0, one progress line per volume, the JSON keys the validation
 *       drivers read, CSV, extended XYZ, plot (or its script when gnuplot is absent);
 *   (b) a run killed with SIGKILL at a random moment after at least one volume is in the
 *       checkpoint (the seed is printed; LODESTONE_TEST_SEED=S repeats it), then --restart: the
 *       finished volumes are logged as taken from the checkpoint, only the others are computed,
 *       and V0, B0, B1 equal run (a)'s within 1e-6 relative.  Not bit for bit: the first volume
 *       computed after the restart starts its SCF from atomic densities instead of the previous
 *       volume's solution, so its energy differs within the SCF tolerance (conv_thr 1e-12 Ry per
 *       cell, ~1e-11 eV/atom); with the fit's sensitivity (B1 moves by ~1e4 per eV/atom of energy
 *       noise, from its standard error over the rms residual) that is ~1e-8 relative;
 *   (c) truncated and corrupted checkpoints: exit 2, a message naming the file;
 *   (d) a checkpoint of another volume list, (e) of an edited input: exit 2, saying what differs;
 *   (f) SIGTERM: the run stops within the current volume's SCF with exit code 3, a usable
 *       checkpoint and that SCF's state in CKPT.scf; --restart continues that SCF from the state
 *       (the log says so; the file goes once it converged) and gives run (a)'s V0, B0, B1 within
 *       1e-6 relative;
 *   (g) SCFs that do not converge: exit 1, results written, fit null; --restart computes them again;
 *   (h) no gnuplot on PATH: a warning, the .gp script, exit 0.
 * LODESTONE_TEST_QUICK=1 (make asan) uses five volumes instead of seven. */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/checkpoint.h"
#include "common/err.h"
#include "common/log.h"
#include "common/test.h"
#include "common/textio.h"

#define INPUT "dft/testdata/si2-eos.yaml"

static char dir[512];
static const char *volumes = "0.94,0.96,0.98,1.00,1.02,1.04,1.06";
static int n_vol = 7;
/* Results of run (a). */
static double ref_v0, ref_b0, ref_b1, ref_wall;
static int have_ref;

static const char *tmp(const char *name) { return ls_test_in_dir(dir, name); }

static int run(const char *args, const char *err_file)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "eos %s", args);
    return ls_test_run(NULL, cmd, tmp("stdout.txt"), err_file);
}


/* Volumes done in a checkpoint (-1 if it cannot be read). */
static int ckpt_done(const char *path)
{
    ls_ckpt *c = NULL;
    if (ls_ckpt_read(path, &c) != LS_OK) {
        ls_error_clear();
        return -1;
    }
    const int64_t *done;
    size_t n;
    int k = -1;
    if (ls_ckpt_get_ints(c, "eos/done", &done, &n) == LS_OK) {
        k = 0;
        for (size_t i = 0; i < n; i++) k += done[i] != 0;
    }
    ls_error_clear();
    ls_ckpt_destroy(c);
    return k;
}

static void check_no_sanitizer(const char *err, const char *what)
{
    LS_CHECK_MSG(err == NULL || (strstr(err, "Sanitizer") == NULL && strstr(err, "runtime error") == NULL),
                 "%s: sanitizer report: %s", what, err);
}

static int gnuplot_available(void)
{
    return system("command -v gnuplot >/dev/null 2>&1") == 0;
}

/* (a) */
static void test_uninterrupted(void)
{
    char args[2048];
    snprintf(args, sizeof args, "%s --threads 1 --volumes %s --json %s --csv %s --xyz %s --plot %s --checkpoint %s", INPUT,
             volumes, tmp("a.json"), tmp("a.csv"), tmp("a.xyz"), tmp("a.svg"), tmp("a.ckpt"));
    double t0 = ls_wall_time();
    int code = run(args, tmp("a.err"));
    ref_wall = ls_wall_time() - t0;
    char *err = ls_test_slurp(tmp("a.err")), *json = ls_test_slurp(tmp("a.json"));
    LS_CHECK_MSG(code == 0, "exit code %d: %s", code, err ? err : "");
    check_no_sanitizer(err, "run (a)");
    LS_CHECK_MSG(ls_test_count(err, "SCF iterations") == n_vol, "progress lines: %s", err ? err : "");
    LS_CHECK(ls_test_count(err, "from the checkpoint") == 0);
    LS_CHECK(json != NULL);
    if (json) {
        /* Every key of the JSON contract (docs/eos.md). */
        static const char *keys[] = {"program", "version", "git", "input", "n_atom", "formula", "points", "scale",
                                     "volume_A3", "volume_A3_per_atom", "energy_eV", "energy_eV_per_atom",
                                     "pressure_GPa", "converged", "scf_iterations", "wall_s", "from_checkpoint", "fit",
                                     "model", "V0_A3_per_atom", "V0_A3_per_atom_err", "B0_GPa", "B0_GPa_err", "B1",
                                     "B1_err", "E0_eV_per_atom", "a0_A", "rms_residual_meV_per_atom", "n_points"};
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
            char pat[64];
            snprintf(pat, sizeof pat, "\"%s\": ", keys[k]);
            LS_CHECK_MSG(strstr(json, pat) != NULL, "key %s missing", keys[k]);
        }
        LS_CHECK(strstr(json, "\"program\": \"lodestone eos\"") && strstr(json, "\"formula\": \"Si2\""));
        LS_CHECK(strstr(json, "\"model\": \"birch-murnaghan-3\""));
        LS_CHECK(ls_test_count(json, "\"from_checkpoint\": false") == n_vol);
        LS_CHECK(ls_test_count(json, "\"converged\": true") == n_vol + 1);
        ref_v0 = ls_test_json_number(json, "V0_A3_per_atom");
        ref_b0 = ls_test_json_number(json, "B0_GPa");
        ref_b1 = ls_test_json_number(json, "B1");
        have_ref = isfinite(ref_v0) && isfinite(ref_b0) && isfinite(ref_b1);
        /* Plausibility, not accuracy (this is a 12 Ha, 2x2x2 calculation): V0 between the volumes
         * sampled (0.94..1.06 of 21.952 A^3/atom), B0 near silicon's 88 GPa (PBE, ACWF), B1 near 4. */
        LS_CHECK_MSG(ref_v0 > 20.6 && ref_v0 < 23.3, "V0 = %g", ref_v0);
        LS_CHECK_MSG(ref_b0 > 60 && ref_b0 < 110, "B0 = %g", ref_b0);
        LS_CHECK_MSG(ref_b1 > 2 && ref_b1 < 6, "B1 = %g", ref_b1);
        LS_CHECK_MSG(ls_test_json_number(json, "rms_residual_meV_per_atom") < 0.5, "rms %g", ls_test_json_number(json, "rms_residual_meV_per_atom"));
        LS_CHECK(ls_test_json_number(json, "n_points") == n_vol);
        double a0 = ls_test_json_number(json, "a0_A");
        LS_CHECK_NEAR(a0, 2.80 * sqrt(2.0) * cbrt(ref_v0 / 21.952), 1e-9 * a0);
        /* Fixed shape: the lattice at V0 is the input cell scaled, |a_k| = a0 for this fcc cell. */
        const char *lat = strstr(json, "\"lattice_at_V0\": {");
        LS_CHECK(lat && strstr(lat, "\"from\": \"the input cell scaled\""));
        if (lat) {
            LS_CHECK_NEAR(ls_test_json_number(lat, "a_A"), a0, 1e-12 * a0);
            LS_CHECK_NEAR(ls_test_json_number(lat, "c_A"), a0, 1e-12 * a0);
            LS_CHECK_NEAR(ls_test_json_number(lat, "gamma_deg"), 60.0, 1e-9);
        }
    }
    char *csv = ls_test_slurp(tmp("a.csv")), *xyz = ls_test_slurp(tmp("a.xyz")), *gp = ls_test_slurp(tmp("a.gp"));
    LS_CHECK(csv && ls_test_count(csv, "\n") == n_vol + 1 && strncmp(csv, "scale,volume_A3,", 16) == 0);
    LS_CHECK_MSG(xyz && ls_test_count(xyz, "Lattice=") == n_vol && ls_test_count(xyz, "eos_scale=") == n_vol, "xyz frames");
    LS_CHECK(gp && strstr(gp, "$dft << EOD") && strstr(gp, "$fit << EOD"));
    if (gnuplot_available()) {
        char *svg = ls_test_slurp(tmp("a.svg"));
        LS_CHECK_MSG(svg && strstr(svg, "<svg"), "no SVG from gnuplot");
        free(svg);
    }
    free(err);
    free(json);
    free(csv);
    free(xyz);
    free(gp);
}

/* Start `lodestone eos ARGS` in the background with stderr to err_file; pid or -1. */
static pid_t spawn(const char *args, const char *err_file)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "exec %s eos %s >/dev/null 2>%s", ls_test_bin(), args, err_file);
    return ls_test_spawn(cmd);
}

/* Wait until the checkpoint holds at least one volume (or the run ended); 1 if it does. */
static int wait_for_first_volume(pid_t pid, const char *ckpt, int *exited, int *wstatus)
{
    double t0 = ls_wall_time();
    *exited = 0;
    while (ls_wall_time() - t0 < 300) {
        if (ckpt_done(ckpt) >= 1) return 1;
        if (waitpid(pid, wstatus, WNOHANG) == pid) {
            *exited = 1;
            return ckpt_done(ckpt) >= 1;
        }
        ls_test_sleep(0.002);
    }
    return 0;
}

/* (b) */
static void test_kill_and_restart(void)
{
    const char *env = getenv("LODESTONE_TEST_SEED");
    uint64_t seed = env && *env ? strtoull(env, NULL, 10) : (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 20);
    printf("test_eos_restart: kill seed %llu (repeat with LODESTONE_TEST_SEED=%llu)\n", (unsigned long long)seed,
           (unsigned long long)seed);
    uint64_t state = seed;
    /* Kill somewhere in the first half of the time the remaining volumes took in run (a) (the
     * machine's load may change between the runs; if the run ends before the kill anyway, the
     * test says so and checks a restart with nothing left to compute). */
    double window = 0.5 * ref_wall * (n_vol - 1) / n_vol;
    double delay = window * (double)(ls_test_splitmix(&state) >> 11) / 9007199254740992.0;
    printf("test_eos_restart: SIGKILL %.3f s after the first volume is in the checkpoint\n", delay);

    char args[2048];
    /* --restart from the start: batch scripts always pass it; with no checkpoint it starts afresh. */
    snprintf(args, sizeof args, "%s --threads 1 --volumes %s --checkpoint %s --restart", INPUT, volumes, tmp("b.ckpt"));
    pid_t pid = spawn(args, tmp("b1.err"));
    LS_CHECK(pid > 0);
    if (pid <= 0) return;
    int exited, wstatus = 0;
    int ok = wait_for_first_volume(pid, tmp("b.ckpt"), &exited, &wstatus);
    if (!exited) {
        ls_test_sleep(delay);
        kill(pid, SIGKILL);
        waitpid(pid, &wstatus, 0);
    }
    LS_CHECK_MSG(ok, "no volume reached the checkpoint");
    int killed = WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGKILL;
    char *err1 = ls_test_slurp(tmp("b1.err"));
    LS_CHECK_MSG(err1 && strstr(err1, "starting afresh"), "--restart without a checkpoint: %s", err1 ? err1 : "");
    int k = ckpt_done(tmp("b.ckpt"));
    printf("test_eos_restart: %s with %d of %d volumes in the checkpoint\n", killed ? "killed" : "finished before the kill",
           k, n_vol);
    LS_CHECK_MSG(k >= 1 && k <= n_vol, "the checkpoint after SIGKILL is not readable or empty (%d)", k);
    /* Progress lines are logged after the checkpoint is written: at most one behind. */
    int logged = ls_test_count(err1, "SCF iterations");
    LS_CHECK_MSG(logged == k || logged == k - 1, "%d progress lines, %d volumes in the checkpoint", logged, k);

    snprintf(args, sizeof args, "%s --threads 1 --volumes %s --checkpoint %s --restart --json %s", INPUT, volumes,
             tmp("b.ckpt"), tmp("b.json"));
    int code = run(args, tmp("b2.err"));
    char *err2 = ls_test_slurp(tmp("b2.err")), *json = ls_test_slurp(tmp("b.json"));
    LS_CHECK_MSG(code == 0, "restart: exit code %d: %s", code, err2 ? err2 : "");
    check_no_sanitizer(err2, "restart");
    LS_CHECK_MSG(ls_test_count(err2, "from the checkpoint:") == k, "restart log: %s", err2 ? err2 : "");
    LS_CHECK_MSG(ls_test_count(err2, "SCF iterations") == n_vol - k, "restart log: %s", err2 ? err2 : "");
    LS_CHECK(json && ls_test_count(json, "\"from_checkpoint\": true") == k);
    if (json && have_ref) {
        LS_CHECK_NEAR(ls_test_json_number(json, "V0_A3_per_atom"), ref_v0, 1e-6 * ref_v0);
        LS_CHECK_NEAR(ls_test_json_number(json, "B0_GPa"), ref_b0, 1e-6 * ref_b0);
        LS_CHECK_NEAR(ls_test_json_number(json, "B1"), ref_b1, 1e-6 * ref_b1);
    }
    LS_CHECK(ckpt_done(tmp("b.ckpt")) == n_vol);
    free(err1);
    free(err2);
    free(json);
}

/* Copy the first `keep` bytes of src to dst, with byte `flip` (if >= 0) inverted. */
static void copy_damaged(const char *src, const char *dst, long keep, long flip)
{
    size_t len = 0;
    char *data = NULL;
    if (ls_file_read_all(src, &data, &len) != LS_OK) {
        ls_error_clear();
        return;
    }
    if (keep < 0 || (size_t)keep > len) keep = (long)len;
    if (flip >= 0 && flip < keep) data[flip] = (char)~data[flip];
    FILE *f = fopen(dst, "wb");
    if (f) {
        fwrite(data, 1, (size_t)keep, f);
        fclose(f);
    }
    free(data);
}

static void expect_input_error(const char *args, const char *err_name, const char *must_name, const char *what)
{
    int code = run(args, tmp(err_name));
    char *err = ls_test_slurp(tmp(err_name));
    LS_CHECK_MSG(code == 2, "%s: exit code %d, expected 2: %s", err_name, code, err ? err : "");
    LS_CHECK_MSG(err && strstr(err, must_name), "%s: the message does not name %s: %s", err_name, must_name, err ? err : "");
    LS_CHECK_MSG(err && strstr(err, what), "%s: the message lacks '%s': %s", err_name, what, err ? err : "");
    LS_CHECK_MSG(err && ls_test_count(err, "SCF iterations") == 0, "%s: computed volumes before failing", err_name);
    check_no_sanitizer(err, err_name);
    free(err);
}

/* (c), (d), (e) */
static void test_foreign_checkpoints(void)
{
    struct stat st;
    if (stat(tmp("a.ckpt"), &st) != 0) {
        LS_CHECK_MSG(0, "run (a) left no checkpoint");
        return;
    }
    char args[2048];
    copy_damaged(tmp("a.ckpt"), tmp("trunc.ckpt"), (long)st.st_size / 2, -1);
    snprintf(args, sizeof args, "%s --volumes %s --restart --checkpoint %s", INPUT, volumes, tmp("trunc.ckpt"));
    expect_input_error(args, "c1.err", "trunc.ckpt", "corrupt");
    copy_damaged(tmp("a.ckpt"), tmp("flip.ckpt"), -1, (long)st.st_size / 3);
    snprintf(args, sizeof args, "%s --volumes %s --restart --checkpoint %s", INPUT, volumes, tmp("flip.ckpt"));
    expect_input_error(args, "c2.err", "flip.ckpt", "corrupt");
    /* (d) the checkpoint of run (a) with another volume list */
    snprintf(args, sizeof args, "%s --volumes 0.95,0.97,0.99,1.01,1.03 --restart --checkpoint %s", INPUT, tmp("a.ckpt"));
    expect_input_error(args, "d.err", "a.ckpt", "other volumes");
    /* (e) ... with an edited input (a comment added: the content differs) */
    char *text = ls_test_slurp(INPUT), cwd[512], edited[8192];
    if (text && getcwd(cwd, sizeof cwd)) {
        /* The copy lives in the scratch folder: its pseudopotential path must be absolute. */
        char *rel = strstr(text, "../../inputs/");
        if (rel) {
            *rel = '\0';
            snprintf(edited, sizeof edited, "%s%s/%s# edited\n", text, cwd, rel + strlen("../../"));
            FILE *f = fopen(tmp("edited.yaml"), "w");
            if (f) {
                fputs(edited, f);
                fclose(f);
            }
        }
    }
    free(text);
    snprintf(args, sizeof args, "%s --volumes %s --restart --checkpoint %s", tmp("edited.yaml"), volumes, tmp("a.ckpt"));
    expect_input_error(args, "e.err", "a.ckpt", "another input");
    /* None of that touched the checkpoint. */
    LS_CHECK(ckpt_done(tmp("a.ckpt")) == n_vol);
}

/* (f) SIGTERM after the first volume: exit 3 within the volume under way, checkpoint intact, the
 * SCF state saved (unless the signal fell between two volumes); --restart finishes the run. */
static void test_sigterm(void)
{
    char args[2048];
    snprintf(args, sizeof args, "%s --threads 1 --volumes %s --checkpoint %s --json %s", INPUT, volumes, tmp("f.ckpt"),
             tmp("f.json"));
    remove(tmp("f.json"));
    pid_t pid = spawn(args, tmp("f.err"));
    LS_CHECK(pid > 0);
    if (pid <= 0) return;
    int exited, wstatus = 0;
    LS_CHECK(wait_for_first_volume(pid, tmp("f.ckpt"), &exited, &wstatus));
    if (!exited) {
        /* Half a volume's time of run (a) later, most likely within the second volume's SCF (its
         * iterations are most of a volume's time). */
        ls_test_sleep(0.5 * ref_wall / n_vol);
        kill(pid, SIGTERM);
        waitpid(pid, &wstatus, 0);
    }
    char *err = ls_test_slurp(tmp("f.err"));
    int k = ckpt_done(tmp("f.ckpt"));
    LS_CHECK_MSG(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 3, "after SIGTERM: status %d: %s", wstatus, err ? err : "");
    LS_CHECK_MSG(err && strstr(err, "--restart") && strstr(err, "f.ckpt"), "%s", err ? err : "");
    LS_CHECK_MSG(k >= 1 && k < n_vol, "%d volumes in the checkpoint", k);
    LS_CHECK_MSG(ls_test_count(err, "SCF iterations") == k, "progress lines vs %d in the checkpoint: %s", k, err ? err : "");
    struct stat st;
    LS_CHECK_MSG(stat(tmp("f.json"), &st) != 0, "an interrupted run wrote its JSON");
    check_no_sanitizer(err, "SIGTERM");
    /* The SCF under way left its state, and the message names it. */
    int scf_saved = stat(tmp("f.ckpt.scf"), &st) == 0;
    LS_CHECK_MSG(scf_saved == (err && strstr(err, "the SCF state of volume") != NULL), "SCF state %d: %s", scf_saved,
                 err ? err : "");
    printf("test_eos_restart: SIGTERM with %d of %d volumes in the checkpoint, %s\n", k, n_vol,
           scf_saved ? "the SCF under way saved" : "between two volumes");
    free(err);
    char restart[2100];
    snprintf(restart, sizeof restart, "%s --restart", args);
    int code = run(restart, tmp("f2.err"));
    err = ls_test_slurp(tmp("f2.err"));
    char *json = ls_test_slurp(tmp("f.json"));
    LS_CHECK_MSG(code == 0, "restart after SIGTERM: exit code %d: %s", code, err ? err : "");
    check_no_sanitizer(err, "restart after SIGTERM");
    LS_CHECK_MSG(!scf_saved || (err && strstr(err, "restart: from the SCF state of iteration")), "%s", err ? err : "");
    LS_CHECK_MSG(stat(tmp("f.ckpt.scf"), &st) != 0, "the SCF state is left after the run finished");
    LS_CHECK_MSG(ls_test_count(err, "SCF iterations") == n_vol - k, "restart log: %s", err ? err : "");
    if (json && have_ref) {
        LS_CHECK_NEAR(ls_test_json_number(json, "V0_A3_per_atom"), ref_v0, 1e-6 * ref_v0);
        LS_CHECK_NEAR(ls_test_json_number(json, "B0_GPa"), ref_b0, 1e-6 * ref_b0);
        LS_CHECK_NEAR(ls_test_json_number(json, "B1"), ref_b1, 1e-6 * ref_b1);
    }
    free(json);
    free(err);
}

/* (g) SCFs cut off after 3 iterations: every volume is recorded as not converged, exit 1, the JSON is
 * written with fit null; --restart computes the volumes not converged again. */
static void test_not_converged(void)
{
    char *text = ls_test_slurp(INPUT), cwd[512], edited[8192];
    if (text && getcwd(cwd, sizeof cwd)) {
        char *rel = strstr(text, "../../inputs/"), *iter = strstr(text, "max_iter: 60");
        if (rel && iter) {
            memcpy(iter, "max_iter:  3", 12);
            *rel = '\0';
            snprintf(edited, sizeof edited, "%s%s/%s", text, cwd, rel + strlen("../../"));
            FILE *f = fopen(tmp("short.yaml"), "w");
            if (f) {
                fputs(edited, f);
                fclose(f);
            }
        }
    }
    free(text);
    char args[2048];
    const int n = 5;
    snprintf(args, sizeof args, "%s --threads 1 --volumes 0.96,0.98,1.00,1.02,1.04 --checkpoint %s --json %s",
             tmp("short.yaml"), tmp("g.ckpt"), tmp("g.json"));
    int code = run(args, tmp("g.err"));
    char *err = ls_test_slurp(tmp("g.err")), *json = ls_test_slurp(tmp("g.json"));
    LS_CHECK_MSG(code == 1, "exit code %d: %s", code, err ? err : "");
    LS_CHECK_MSG(err && strstr(err, "did not converge") && ls_test_count(err, "NOT converged") == n, "%s", err ? err : "");
    LS_CHECK(json && strstr(json, "\"fit\": null") && ls_test_count(json, "\"converged\": false") == n + 1);
    LS_CHECK(ckpt_done(tmp("g.ckpt")) == n);
    check_no_sanitizer(err, "not converged");
    free(err);
    free(json);
    char restart_args[2200];
    snprintf(restart_args, sizeof restart_args, "%s --restart", args);
    code = run(restart_args, tmp("g2.err"));
    err = ls_test_slurp(tmp("g2.err"));
    LS_CHECK_MSG(code == 1, "restart: exit code %d: %s", code, err ? err : "");
    LS_CHECK_MSG(ls_test_count(err, "computing it again") == n && ls_test_count(err, "NOT converged") == n &&
                     ls_test_count(err, "from the checkpoint:") == 0, "%s", err ? err : "");
    free(err);
}

/* (h) Without gnuplot: a warning naming the script, the script with the data, no image, exit 0.
 * (All volumes come from run (a)'s checkpoint, so nothing is computed.) */
static void test_no_gnuplot(void)
{
    char cmd[4096];
    const char *path = getenv("PATH");
    char saved[8192];
    snprintf(saved, sizeof saved, "%s", path ? path : "/usr/bin:/bin");
    snprintf(cmd, sizeof cmd, "eos %s --volumes %s --restart --checkpoint %s --plot %s", INPUT, volumes, tmp("a.ckpt"),
             tmp("h.svg"));
    setenv("PATH", "/nonexistent", 1); /* the program's environment: no gnuplot (the shell is /bin/sh) */
    int rc = ls_test_run(NULL, cmd, NULL, tmp("h.err"));
    setenv("PATH", saved, 1);
    char *err = ls_test_slurp(tmp("h.err")), *gp = ls_test_slurp(tmp("h.gp"));
    LS_CHECK_MSG(rc == 0, "exit status %d: %s", rc, err ? err : "");
    LS_CHECK_MSG(err && ls_test_count(err, "cannot run gnuplot") == 1 && strstr(err, "h.gp"), "%s", err ? err : "");
    LS_CHECK(ls_test_count(err, "from the checkpoint:") == n_vol && ls_test_count(err, "SCF iterations") == 0);
    LS_CHECK(gp && strstr(gp, "$dft << EOD") && strstr(gp, "set output"));
    struct stat st;
    LS_CHECK(stat(tmp("h.svg"), &st) != 0);
    free(err);
    free(gp);
}

int main(void)
{
    if (getenv("LODESTONE_TEST_QUICK")) {
        volumes = "0.96,0.98,1.00,1.02,1.04";
        n_vol = 5;
    }
    ls_test_fresh_dir(dir, sizeof dir, "eos");
    LS_RUN(test_uninterrupted);
    LS_RUN(test_kill_and_restart);
    LS_RUN(test_foreign_checkpoints);
    LS_RUN(test_sigterm);
    LS_RUN(test_not_converged);
    LS_RUN(test_no_gnuplot);
    return ls_test_summary("test_cmd_eos_restart");
}
