/* The density of an SCF run for later non-self-consistent runs (see density_file.h). */
#include "dft/scf/density_file.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/checkpoint.h"
#include "common/err.h"
#include "common/log.h"
#include "common/parallel.h"

#define KIND "lodestone density"

/* mkdir -p of the folder of path. */
static int make_folder(const char *path)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash) return LS_OK;
    *slash = '\0';
    for (char *c = dir + 1; *c; c++) {
        if (*c != '/') continue;
        *c = '\0';
        if (mkdir(dir, 0777) != 0 && errno != EEXIST) LS_ERROR(LS_ERR_IO, "cannot create the folder %s: %s", dir, strerror(errno));
        *c = '/';
    }
    if (dir[0] && mkdir(dir, 0777) != 0 && errno != EEXIST)
        LS_ERROR(LS_ERR_IO, "cannot create the folder %s: %s", dir, strerror(errno));
    return LS_OK;
}

static int put_all(ls_ckpt *c, const dft_system *sys, const dft_start *st)
{
    int n = sys->n_atom;
    LS_TRY(ls_ckpt_put_string(c, "kind", KIND));
    LS_TRY(ls_ckpt_put_int(c, "density/format", 1));
    int64_t id[2] = {n, sys->n_spin};
    LS_TRY(ls_ckpt_put_ints(c, "density/atoms_spin", id, 2));
    int64_t *z = malloc((size_t)n * sizeof *z);
    if (!z) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    for (int a = 0; a < n; a++) z[a] = sys->params->structure->z[a];
    int status = ls_ckpt_put_ints(c, "density/z", z, (size_t)n);
    free(z);
    LS_TRY(status);
    LS_TRY(ls_ckpt_put_doubles(c, "density/cell_bohr", &sys->cell[0][0], 9));
    LS_TRY(ls_ckpt_put_doubles(c, "density/positions_bohr", &sys->tau[0][0], (size_t)3 * n));
    LS_TRY(ls_ckpt_put_double(c, "density/fermi_Ha", sys->fermi));
    LS_TRY(ls_ckpt_put_double(c, "density/n_electrons", sys->n_electrons));
    return dft_start_to_ckpt(st, c);
}

int dft_density_file_write(const dft_system *sys, const char *path)
{
    dft_start *st = NULL;
    LS_TRY(dft_start_save(sys, &st)); /* collective: every rank */
    /* the density only: drop the wavefunctions */
    for (int i = 0; st->psi && i < st->n_spin * st->n_kpt; i++) free(st->psi[i]);
    for (int ik = 0; st->miller_k && ik < st->n_kpt; ik++) free(st->miller_k[ik]);
    st->n_kpt = 0;
    int status = LS_OK;
    if (ls_par_rank() == 0) {
        ls_ckpt *c = NULL;
        status = make_folder(path);
        if (status == LS_OK) status = ls_ckpt_create(&c);
        if (status == LS_OK) status = put_all(c, sys, st);
        if (status == LS_OK) status = ls_ckpt_write(c, path);
        ls_ckpt_destroy(c);
    }
    dft_start_destroy(st);
    return ls_comm_agree(ls_comm_world(), status);
}

static int check(const ls_ckpt *c, const char *path, const dft_params *p)
{
    const char *kind;
    const int64_t *id, *z;
    const double *cell, *pos;
    size_t n_id, n_z, n_cell, n_pos;
    LS_TRY(ls_ckpt_get_string(c, "kind", &kind));
    if (strcmp(kind, KIND) != 0) LS_ERROR(LS_ERR_INPUT, "%s is a '%s' file, not a Lodestone density", path, kind);
    LS_TRY(ls_ckpt_get_ints(c, "density/atoms_spin", &id, &n_id));
    LS_TRY(ls_ckpt_get_ints(c, "density/z", &z, &n_z));
    LS_TRY(ls_ckpt_get_doubles(c, "density/cell_bohr", &cell, &n_cell));
    LS_TRY(ls_ckpt_get_doubles(c, "density/positions_bohr", &pos, &n_pos));
    const ls_structure *s = p->structure;
    int n = s->n_atom, ns = p->n_spin == 2 ? 2 : 1;
    if (n_id != 2 || id[0] != n || n_z != (size_t)n || n_cell != 9 || n_pos != (size_t)3 * n)
        LS_ERROR(LS_ERR_INPUT, "%s holds the density of %ld atoms, this input has %d: run the scf of this structure "
                 "first (same outdir and prefix)", path, (long)(n_id == 2 ? id[0] : -1), n);
    double dmax = 0;
    for (int a = 0; a < n; a++) {
        if (z[a] != s->z[a])
            LS_ERROR(LS_ERR_INPUT, "%s: atom %d is another element in the scf run that wrote it", path, a + 1);
        for (int k = 0; k < 3; k++) dmax = fmax(dmax, fabs(pos[3 * a + k] - s->pos[a][k]));
    }
    for (int i = 0; i < 9; i++) dmax = fmax(dmax, fabs(cell[i] - s->cell[i / 3][i % 3]));
    if (dmax > 1e-5)
        LS_ERROR(LS_ERR_INPUT, "%s: the scf run that wrote it had another cell or other positions (by up to %.3g bohr): "
                 "nscf and bands runs need the structure of their scf run", path, dmax);
    if (id[1] != ns)
        LS_ERROR(LS_ERR_INPUT, "%s: the scf run had %ld spin channel(s), this input %d (nspin)", path, (long)id[1], ns);
    return LS_OK;
}

int dft_density_file_read(const char *path, const dft_params *p, dft_start **out, double *fermi)
{
    *out = NULL;
    if (path == NULL || path[0] == '\0')
        LS_ERROR(LS_ERR_INPUT, "%s: a non-self-consistent run needs the density of an scf run (no density file named)",
                 p->source);
    if (access(path, R_OK) != 0)
        LS_ERROR(LS_ERR_INPUT, "%s: no density of an scf run in %s: run 'lodestone scf' on the scf input first, with "
                 "the same outdir and prefix (Lodestone reads its own density file, not pw.x's charge-density.dat)",
                 p->source, path);
    ls_ckpt *c = NULL;
    LS_TRY(ls_ckpt_read(path, &c));
    int status = check(c, path, p);
    if (status == LS_OK) status = ls_ckpt_get_double(c, "density/fermi_Ha", fermi);
    if (status == LS_OK) status = dft_start_from_ckpt(c, out);
    if (status != LS_OK && strstr(ls_error_message(), path) == NULL) ls_error_prefix("%s: ", path);
    ls_ckpt_destroy(c);
    return status;
}
