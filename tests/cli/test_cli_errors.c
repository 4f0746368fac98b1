/* Malformed inputs through the program: every case must exit with code 2 (bad input), print
 * a message that names the file (and the line where the format has lines), and not crash
 * (under `make asan` the program itself runs with AddressSanitizer/UBSan).  The program is
 * $LODESTONE_BIN (set by `make test` / `make asan`), else build/lodestone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "common/err.h"
#include "common/test.h"
#include "common/textio.h"

struct bad_case {
    const char *file;   /* name in the scratch folder; the extension picks the format */
    const char *cmd;    /* "info" or "scf" */
    const char *text;   /* content; PSEUDO is replaced by the pseudopotential folder */
    const char *expect; /* text the message must contain (besides the file name) */
};

#define SI_CELL "0 2.7155 2.7155\n2.7155 0 2.7155\n2.7155 2.7155 0\n"
#define QE_HEAD "&control\n calculation='scf', pseudo_dir='PSEUDO'\n/\n"
#define QE_SYS(extra) "&system\n ibrav=0, nat=2, ntyp=1, ecutwfc=30, " extra "\n/\n&electrons\n/\n"
#define QE_CARDS "ATOMIC_SPECIES\nSi 28.086 Si.upf\nCELL_PARAMETERS angstrom\n" SI_CELL \
                 "ATOMIC_POSITIONS crystal\nSi 0 0 0\nSi 0.25 0.25 0.25\nK_POINTS automatic\n2 2 2 0 0 0\n"

static const struct bad_case cases[] = {
    /* POSCAR */
    {"trunc.vasp", "info", "Si\n1.0\n" SI_CELL "Si\n2\nDirect\n0 0 0\n", ":10:"},
    {"count.vasp", "info", "Si\n1.0\n" SI_CELL "Si\n3\nDirect\n0 0 0\n0.25 0.25 0.25\n", ":11:"},
    {"element.vasp", "info", "Xq\n1.0\n" SI_CELL "Xq\n2\nDirect\n0 0 0\n0.25 0.25 0.25\n", "Xq"},
    {"number.vasp", "info", "Si\n1.0\n" SI_CELL "Si\n2\nDirect\n0 0 0\n0.25 0.2x5 0.25\n", ":10:"},
    {"overlap.vasp", "info", "Si\n1.0\n" SI_CELL "Si\n2\nDirect\n0 0 0\n0.001 0 0\n", "closer"},
    {"singular.vasp", "info", "Si\n1.0\n1 0 0\n0 1 0\n1 1 0\nSi\n2\nDirect\n0 0 0\n0.5 0.5 0.5\n", "singular"},
    {"scale.vasp", "info", "Si\n0\n" SI_CELL "Si\n2\nDirect\n0 0 0\n0.25 0.25 0.25\n", ":2:"},
    /* extended XYZ */
    {"count.xyz", "info", "3\nLattice=\"5 0 0 0 5 0 0 0 5\" Properties=species:S:1:pos:R:3\nSi 0 0 0\nSi 1.3 1.3 1.3\n", "end of file"},
    {"badcount.xyz", "info", "two\nLattice=\"5 0 0 0 5 0 0 0 5\"\nSi 0 0 0\n", ":1:"},
    {"lattice.xyz", "info", "1\nLattice=\"5 0 0 0 5 0\" Properties=species:S:1:pos:R:3\nSi 0 0 0\n", ":2:"},
    {"columns.xyz", "info", "1\nLattice=\"5 0 0 0 5 0 0 0 5\" Properties=species:S:1:pos:R:3\nSi 0 0\n", ":3:"},
    {"number.xyz", "info", "1\nLattice=\"5 0 0 0 5 0 0 0 5\" Properties=species:S:1:pos:R:3\nSi 0 zero 0\n", ":3:"},
    {"element.xyz", "info", "1\nLattice=\"5 0 0 0 5 0 0 0 5\" Properties=species:S:1:pos:R:3\nQq 0 0 0\n", ":3:"},
    /* XSF */
    {"trunc.xsf", "info", "CRYSTAL\nPRIMVEC\n" SI_CELL "PRIMCOORD\n2 1\n14 0 0 0\n", "end of file"},
    {"number.xsf", "info", "CRYSTAL\nPRIMVEC\n" SI_CELL "PRIMCOORD\n2 1\n14 0 0 0\n14 1.3 1.3 x\n", ":9:"},
    {"atomic.xsf", "info", "CRYSTAL\nPRIMVEC\n" SI_CELL "PRIMCOORD\n1 1\n200 0 0 0\n", ":8:"},
    {"noprim.xsf", "info", "CRYSTAL\nPRIMCOORD\n1 1\n14 0 0 0\n", "PRIMVEC"},
    /* CIF */
    {"nocell.cif", "info", "data_x\n_cell_length_a 5\n_cell_length_b 5\n_cell_angle_alpha 90\n_cell_angle_beta 90\n"
                           "_cell_angle_gamma 90\nloop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n"
                           "_atom_site_fract_z\nSi1 0 0 0\n", "_cell_length_c"},
    {"symop.cif", "info", "data_x\n_cell_length_a 5\n_cell_length_b 5\n_cell_length_c 5\n_cell_angle_alpha 90\n"
                          "_cell_angle_beta 90\n_cell_angle_gamma 90\nloop_\n_symmetry_equiv_pos_as_xyz\n'x,y,q'\n"
                          "loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nSi1 0 0 0\n", ":10:"},
    {"angles.cif", "info", "data_x\n_cell_length_a 5\n_cell_length_b 5\n_cell_length_c 5\n_cell_angle_alpha 100\n"
                           "_cell_angle_beta 100\n_cell_angle_gamma 170\nloop_\n_atom_site_label\n_atom_site_fract_x\n"
                           "_atom_site_fract_y\n_atom_site_fract_z\nSi1 0 0 0\n", "angle"},
    /* pw.x inputs for `lodestone scf` */
    {"nopseudo.in", "scf", QE_HEAD QE_SYS("") "ATOMIC_SPECIES\nSi 28.086 Si.upf\nCELL_PARAMETERS angstrom\n" SI_CELL
                           "ATOMIC_POSITIONS crystal\nSi 0 0 0\nGe 0.25 0.25 0.25\nK_POINTS automatic\n2 2 2 0 0 0\n", "Ge"},
    {"close.in", "scf", QE_HEAD QE_SYS("") "ATOMIC_SPECIES\nSi 28.086 Si.upf\nCELL_PARAMETERS angstrom\n" SI_CELL
                        "ATOMIC_POSITIONS crystal\nSi 0 0 0\nSi 0.05 0.05 0.05\nK_POINTS automatic\n2 2 2 0 0 0\n", "closer than 0.50"},
    {"odd.in", "scf", QE_HEAD QE_SYS("tot_charge=1") QE_CARDS, "smearing"},
    {"key.in", "scf", QE_HEAD QE_SYS("ecutfwc=30") QE_CARDS, ":5:"},
    {"badupf.in", "scf", QE_HEAD QE_SYS("") "ATOMIC_SPECIES\nSi 28.086 bad.upf\nCELL_PARAMETERS angstrom\n" SI_CELL
                         "ATOMIC_POSITIONS crystal\nSi 0 0 0\nSi 0.25 0.25 0.25\nK_POINTS automatic\n2 2 2 0 0 0\n", "bad.upf"},
    {"kpoints.in", "scf", QE_HEAD QE_SYS("") "ATOMIC_SPECIES\nSi 28.086 Si.upf\nCELL_PARAMETERS angstrom\n" SI_CELL
                          "ATOMIC_POSITIONS crystal\nSi 0 0 0\nSi 0.25 0.25 0.25\nK_POINTS automatic\n2 2 0 0 0\n", ":19:"},
};

static void write_case(const struct bad_case *c, const char *dir, const char *pseudo, char *path, size_t n)
{
    snprintf(path, n, "%s/%s", dir, c->file);
    FILE *f = fopen(path, "w");
    if (!f) return;
    for (const char *p = c->text; *p;) {
        const char *hit = strstr(p, "PSEUDO");
        if (!hit) {
            fputs(p, f);
            break;
        }
        fwrite(p, 1, (size_t)(hit - p), f);
        fputs(pseudo, f);
        p = hit + 6;
    }
    fclose(f);
}

static void test_malformed_inputs(void)
{
    char dir[512], pseudo[512], err_path[512];
    ls_test_tmp_path(dir, sizeof dir, "malformed");
    char mk[600];
    snprintf(mk, sizeof mk, "mkdir -p %s", dir);
    LS_CHECK(system(mk) == 0);
    snprintf(pseudo, sizeof pseudo, "inputs/pseudo/pd04-pbe-sr");
    /* A pseudopotential folder where bad.upf is not a pseudopotential. */
    char bad[700];
    snprintf(bad, sizeof bad, "%s/bad.upf", dir);
    FILE *f = fopen(bad, "w");
    if (f) {
        fputs("this is not a UPF file\n", f);
        fclose(f);
    }
    ls_test_tmp_path(err_path, sizeof err_path, "malformed_stderr.txt");
    int n = (int)(sizeof cases / sizeof cases[0]);
    LS_CHECK(n >= 20);
    for (int i = 0; i < n; i++) {
        const struct bad_case *c = &cases[i];
        char path[700], cmd[2048];
        /* badupf.in looks for its pseudopotential in the scratch folder. */
        write_case(c, dir, strcmp(c->file, "badupf.in") == 0 ? dir : pseudo, path, sizeof path);
        snprintf(cmd, sizeof cmd, "%s %s", c->cmd, path);
        int code = ls_test_run(NULL, cmd, NULL, err_path);
        char *msg = NULL;
        ls_file_read_all(err_path, &msg, NULL);
        LS_CHECK_MSG(code == 2, "%s: exit code %d, expected 2; message: %s", c->file, code, msg ? msg : "");
        if (msg) {
            const char *name = strcmp(c->file, "badupf.in") == 0 ? "bad.upf" : c->file;
            LS_CHECK_MSG(strstr(msg, name) != NULL, "%s: the message does not name the file: %s", c->file, msg);
            LS_CHECK_MSG(strstr(msg, c->expect) != NULL, "%s: the message lacks '%s': %s", c->file, c->expect, msg);
            LS_CHECK_MSG(strstr(msg, "Sanitizer") == NULL && strstr(msg, "runtime error") == NULL,
                         "%s: sanitizer report: %s", c->file, msg);
        }
        free(msg);
    }
}

/* An SCF that runs out of iterations exits with 1 (failed computation), says so, still
 * writes its results, and keeps its state in the checkpoint for a --restart. */
static void test_not_converged(void)
{
    char dir[512], pseudo[512], in[700], json[700], ckpt[700], err_path[512], cmd[3072];
    ls_test_tmp_path(dir, sizeof dir, "malformed");
    snprintf(pseudo, sizeof pseudo, "inputs/pseudo/pd04-pbe-sr");
    snprintf(in, sizeof in, "%s/short.in", dir);
    snprintf(json, sizeof json, "%s/short.json", dir);
    snprintf(ckpt, sizeof ckpt, "%s/short.scf.ckpt", dir);
    remove(ckpt);
    ls_test_tmp_path(err_path, sizeof err_path, "short_stderr.txt");
    FILE *f = fopen(in, "w");
    if (!f) return;
    fprintf(f, "&control\n calculation='scf', pseudo_dir='%s'\n/\n&system\n ibrav=0, nat=2, ntyp=1, ecutwfc=20\n/\n"
               "&electrons\n electron_maxstep=2\n/\n" QE_CARDS, pseudo);
    fclose(f);
    remove(json);
    snprintf(cmd, sizeof cmd, "scf %s --json %s --checkpoint %s", in, json, ckpt);
    LS_CHECK(ls_test_run(NULL, cmd, NULL, err_path) == 1);
    char *msg = NULL, *out = NULL;
    LS_CHECK_OK(ls_file_read_all(err_path, &msg, NULL));
    if (msg) LS_CHECK_MSG(strstr(msg, "did not converge") != NULL, "message: %s", msg);
    if (msg) LS_CHECK_MSG(strstr(msg, "continue with --restart") != NULL, "message: %s", msg);
    FILE *ck = fopen(ckpt, "rb");
    LS_CHECK_MSG(ck != NULL, "no checkpoint %s after a non-converged SCF", ckpt);
    if (ck) fclose(ck);
    LS_CHECK_OK(ls_file_read_all(json, &out, NULL));
    if (out) LS_CHECK(strstr(out, "\"converged\": false") != NULL && strstr(out, "\"energy_eV\"") != NULL);
    free(msg);
    free(out);
}

/* --pools beyond the number of MPI processes (here one) is a usage error, before any work. */
static void test_pools_usage(void)
{
    char dir[512], pseudo[512], in[700], err_path[512], cmd[3072];
    ls_test_tmp_path(dir, sizeof dir, "malformed");
    snprintf(pseudo, sizeof pseudo, "inputs/pseudo/pd04-pbe-sr");
    snprintf(in, sizeof in, "%s/pools.in", dir);
    ls_test_tmp_path(err_path, sizeof err_path, "pools_stderr.txt");
    FILE *f = fopen(in, "w");
    if (!f) return;
    fprintf(f, QE_HEAD QE_SYS("") QE_CARDS);
    fclose(f);
    snprintf(cmd, sizeof cmd, "scf %s --pools 2", in);
    LS_CHECK(ls_test_run(NULL, cmd, NULL, err_path) == 2);
    char *msg = NULL;
    LS_CHECK_OK(ls_file_read_all(err_path, &msg, NULL));
    if (msg) LS_CHECK_MSG(strstr(msg, "--pools 2") != NULL && strstr(msg, "mpirun") != NULL, "message: %s", msg);
    free(msg);
}

int main(void)
{
    LS_RUN(test_malformed_inputs);
    LS_RUN(test_not_converged);
    LS_RUN(test_pools_usage);
    return ls_test_summary("test_cli_errors");
}
