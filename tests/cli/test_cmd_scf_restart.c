/* SCF checkpoints through the program ($LODESTONE_BIN, else build/lodestone):
 * - a run stopped by SIGTERM after its first checkpoint exits 3 and leaves an intact checkpoint;
 *   `--restart` continues from it (the log says so) and reaches the energy of an uninterrupted
 *   run within 1e-7 eV (both converge to conv_thr 1e-12 Ry from different starts, so equal to
 *   the SCF precision, not bit for bit) and removes the checkpoint;
 * - the same after kill -9 at a random moment after the first checkpoint (the seed is printed);
 * - a truncated checkpoint, and one of another structure, are errors (exit 2) naming the file.
 * Input: dft/testdata/si2_restart.yaml (about 1-2 s per SCF). */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/test.h"
#include "common/textio.h"

static char tmp_dir[512];

/* Start the program in the scratch folder with stdout/stderr to files; returns the pid. */
static pid_t start(const char *const *args, const char *log_name)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        char log[1024];
        snprintf(log, sizeof log, "%s/%s", tmp_dir, log_name);
        if (!freopen(log, "w", stderr) || !freopen("/dev/null", "w", stdout)) _exit(127);
        char *argv[32];
        int n = 0;
        argv[n++] = (char *)ls_test_bin();
        for (; args[n - 1] && n < 31; n++) argv[n] = (char *)args[n - 1];
        argv[n] = NULL;
        execv(ls_test_bin(), argv);
        _exit(127);
    }
    return pid;
}

static int finish(pid_t pid)
{
    int st = 0;
    waitpid(pid, &st, 0);
    if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
    return WEXITSTATUS(st);
}

static int run(const char *const *args, const char *log_name)
{
    return finish(start(args, log_name));
}

static int file_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

/* Wait for the first checkpoint (polling every 5 ms, at most 60 s). */
static int wait_for(const char *path, pid_t pid)
{
    for (int i = 0; i < 12000; i++) {
        if (file_exists(path)) return 1;
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid) return 0;
        usleep(5000);
    }
    return 0;
}

static double json_energy(const char *path)
{
    char *text = NULL;
    size_t n = 0;
    if (ls_file_read_all(path, &text, &n) != 0) return NAN;
    const char *p = strstr(text, "\"energy_eV\":");
    double e = p ? strtod(p + 12, NULL) : NAN;
    free(text);
    return e;
}

static int log_contains(const char *log_name, const char *what)
{
    char path[1024], *text = NULL;
    size_t n = 0;
    snprintf(path, sizeof path, "%s/%s", tmp_dir, log_name);
    if (ls_file_read_all(path, &text, &n) != 0) return 0;
    int found = strstr(text, what) != NULL;
    free(text);
    return found;
}

static char input[1024], ckpt[1024], ref_json[1024], json[1024];
static double e_ref = NAN;

static void test_reference(void)
{
    const char *args[] = {"scf", input, "--checkpoint", "none", "--json", ref_json, "--threads", "1", NULL};
    LS_CHECK(run(args, "ref.log") == 0);
    e_ref = json_energy(ref_json);
    LS_CHECK(isfinite(e_ref));
}

static void interrupted_then_restarted(int sig, unsigned seed)
{
    remove(ckpt);
    const char *args[] = {"scf", input, "--checkpoint", ckpt, "--checkpoint-every", "0", "--threads", "1", NULL};
    pid_t pid = start(args, "interrupted.log");
    int seen = wait_for(ckpt, pid);
    LS_CHECK_MSG(seen, "no checkpoint appeared before the run ended");
    if (sig == SIGKILL) usleep((useconds_t)(rand_r(&seed) % 400000)); /* a random moment after it */
    kill(pid, sig);
    int rc = finish(pid);
    if (sig == SIGTERM) {
        LS_CHECK_MSG(rc == 3, "exit code %d after SIGTERM, expected 3", rc);
        LS_CHECK(log_contains("interrupted.log", "--restart"));
    } else {
        LS_CHECK_MSG(rc == 128 + SIGKILL || rc == 0, "exit code %d after SIGKILL", rc);
        if (rc == 0) printf("  (the run finished before the kill landed)\n");
    }
    if (rc == 0) return;
    LS_CHECK(file_exists(ckpt));
    const char *again[] = {"scf", input, "--checkpoint", ckpt, "--restart", "--json", json, "--threads", "1", NULL};
    LS_CHECK(run(again, "restarted.log") == 0);
    LS_CHECK(log_contains("restarted.log", "restart: from the SCF state of iteration"));
    double e = json_energy(json);
    printf("  signal %d: restarted energy %.10f eV, uninterrupted %.10f eV (difference %.2e eV)\n", sig, e, e_ref,
           e - e_ref);
    LS_CHECK_NEAR(e, e_ref, 1e-7);
    LS_CHECK(!file_exists(ckpt)); /* removed after success */
}

static void test_sigterm(void)
{
    interrupted_then_restarted(SIGTERM, 0);
}

static void test_kill9(void)
{
    unsigned seed = (unsigned)time(NULL);
    printf("  kill -9 seed %u\n", seed);
    interrupted_then_restarted(SIGKILL, seed);
}

static void test_bad_checkpoints(void)
{
    /* Make a checkpoint: stop a run with SIGTERM. */
    remove(ckpt);
    const char *args[] = {"scf", input, "--checkpoint", ckpt, "--checkpoint-every", "0", "--threads", "1", NULL};
    pid_t pid = start(args, "bad0.log");
    LS_CHECK(wait_for(ckpt, pid));
    kill(pid, SIGTERM);
    LS_CHECK(finish(pid) == 3);
    char *text = NULL;
    size_t n = 0;
    LS_CHECK(ls_file_read_all(ckpt, &text, &n) == 0);
    if (!text) return;
    /* Another structure with this checkpoint. */
    char al[1024];
    snprintf(al, sizeof al, "dft/testdata/al_restart.yaml");
    const char *other[] = {"scf", al, "--checkpoint", ckpt, "--restart", NULL};
    LS_CHECK(run(other, "bad1.log") == 2);
    LS_CHECK(log_contains("bad1.log", "another structure"));
    /* Truncated. */
    FILE *fp = fopen(ckpt, "wb");
    if (fp) {
        fwrite(text, 1, n / 3, fp);
        fclose(fp);
    }
    const char *again[] = {"scf", input, "--checkpoint", ckpt, "--restart", NULL};
    LS_CHECK(run(again, "bad2.log") == 2);
    LS_CHECK(log_contains("bad2.log", "corrupt checkpoint"));
    LS_CHECK(log_contains("bad2.log", "restart.ckpt"));
    free(text);
    remove(ckpt);
}

int main(void)
{
    ls_test_tmp_path(tmp_dir, sizeof tmp_dir, "scf_restart");
    char mk[1100];
    snprintf(mk, sizeof mk, "mkdir -p %s", tmp_dir);
    if (system(mk) != 0) return 1;
    snprintf(input, sizeof input, "dft/testdata/si2_restart.yaml");
    snprintf(ckpt, sizeof ckpt, "%s/si2_restart.ckpt", tmp_dir);
    snprintf(ref_json, sizeof ref_json, "%s/ref.json", tmp_dir);
    snprintf(json, sizeof json, "%s/restarted.json", tmp_dir);
    LS_RUN(test_reference);
    LS_RUN(test_sigterm);
    LS_RUN(test_kill9);
    LS_RUN(test_bad_checkpoints);
    return ls_test_summary("test_cmd_scf_restart");
}
