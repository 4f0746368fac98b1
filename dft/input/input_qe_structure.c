/* The end of a pw.x input: the cell, the atoms, the k-points, given occupations and the
 * pseudopotentials, assembled once the whole file is read (cards come in any order).
 *
 * Cell (pw.x 6.7's cell_base_init): with ibrav = 0 the CELL_PARAMETERS card, in alat units
 * (needs celldm(1) or A), bohr or angstrom (then celldm(1) and A must not be given), or with
 * no option alat if celldm(1) or A is given, else bohr; alat is celldm(1), A, or |a1|.
 * Otherwise ibrav with celldm(1..6) or A, B, C, cosAB, cosAC, cosBC (not both; no
 * CELL_PARAMETERS), input_qe_lattice.c.  Positions: alat (the default), bohr, angstrom (pw.x's
 * bohr radius, QE_BOHR_ANGSTROM) or crystal.
 *
 * Pseudopotentials: FILE in pseudo_dir, else $ESPRESSO_PSEUDO, else $HOME/espresso/pseudo
 * (pw.x's order), then, as a convenience, the input's folder and the current folder.  Each is
 * read here once, so that a missing file, an ultrasoft or PAW potential, or an unreadable one
 * is an error naming the ATOMIC_SPECIES line; the valence charges then check nbnd and the
 * OCCUPATIONS card against the number of electrons, as pw.x's setup does.
 *
 * The density of an 'scf' run goes to OUTDIR/PREFIX.save/lodestone-density.ckpt (outdir:
 * the key, else $ESPRESSO_TMPDIR, else the current folder; prefix: the key, else 'pwscf', as
 * pw.x); 'nscf' and 'bands' runs read it from there (dft_params.density_file).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/err.h"
#include "common/log.h"
#include "common/textio.h"
#include "dft/input/input_qe.h"
#include "dft/pseudo/pseudo.h"

static int build_cell(struct qe_state *st, double cell[3][3], double *alat)
{
    const char *src = st->path;
    int celldm1 = (st->celldm_given >> 1) & 1, a_given = st->abc_given & 1;
    if (celldm1 && a_given)
        LS_ERROR(LS_ERR_INPUT, "%s:%ld: give celldm or A, B, C, cosAB, cosAC, cosBC, not both", src,
                 st->abc_line > st->celldm_line ? st->abc_line : st->celldm_line);
    if (st->ibrav == 0) {
        if (!st->have_cell)
            LS_ERROR(LS_ERR_INPUT, "%s:%ld: ibrav = 0 needs the CELL_PARAMETERS card (or give the lattice by ibrav "
                     "and celldm)", src, st->ibrav_line);
        double a_bohr = celldm1 ? st->celldm[1] : a_given ? st->abc[0] / QE_BOHR_ANGSTROM : 0;
        if ((celldm1 && !(st->celldm[1] > 0)) || (a_given && !(st->abc[0] > 0)))
            LS_ERROR(LS_ERR_INPUT, "%s:%ld: the lattice parameter (celldm(1) or A) must be positive", src,
                     celldm1 ? st->celldm_line : st->abc_line);
        double f;
        const char *u = st->cell_unit;
        if (!strcmp(u, "bohr") || !strcmp(u, "angstrom")) {
            if (a_bohr > 0)
                LS_ERROR(LS_ERR_INPUT, "%s:%ld: CELL_PARAMETERS %s gives the lattice parameter, and so does %s: "
                         "remove %s, or use CELL_PARAMETERS alat", src, st->cell_line, u, celldm1 ? "celldm(1)" : "A",
                         celldm1 ? "celldm(1)" : "A");
            f = !strcmp(u, "bohr") ? 1.0 : 1.0 / QE_BOHR_ANGSTROM;
        } else if (!strcmp(u, "alat")) {
            if (!(a_bohr > 0))
                LS_ERROR(LS_ERR_INPUT, "%s:%ld: CELL_PARAMETERS alat needs celldm(1) or A in &system", src, st->cell_line);
            f = a_bohr;
        } else { /* no option: alat when the lattice parameter is given, else bohr (deprecated in pw.x) */
            f = a_bohr > 0 ? a_bohr : 1.0;
        }
        for (int i = 0; i < 3; i++)
            for (int k = 0; k < 3; k++) cell[i][k] = st->cell[i][k] * f;
        *alat = a_bohr > 0 ? a_bohr : sqrt(cell[0][0] * cell[0][0] + cell[0][1] * cell[0][1] + cell[0][2] * cell[0][2]);
        if (st->abc_given & ~1 || st->celldm_given & ~3)
            ls_log_info("%s: with ibrav = 0 only celldm(1) or A is used (as in pw.x): the cell is CELL_PARAMETERS", src);
        return LS_OK;
    }
    if (st->have_cell)
        LS_ERROR(LS_ERR_INPUT, "%s:%ld: CELL_PARAMETERS with ibrav = %d: give the cell once, either by ibrav and "
                 "celldm (or A, B, C, ...) or by ibrav = 0 and CELL_PARAMETERS", src, st->cell_line, st->ibrav);
    double celldm[7];
    char err[256];
    long line = st->celldm_line;
    if (a_given) {
        line = st->abc_line;
        if (qe_lattice_abc_to_celldm(st->ibrav, st->abc, celldm, err, sizeof err) != 0)
            LS_ERROR(LS_ERR_INPUT, "%s:%ld: %s", src, line, err);
    } else if (celldm1) {
        memcpy(celldm, st->celldm, sizeof celldm);
    } else {
        LS_ERROR(LS_ERR_INPUT, "%s:%ld: ibrav = %d needs the lattice parameter: celldm(1) (bohr) or A (Å)", src,
                 st->ibrav_line, st->ibrav);
    }
    if (qe_lattice_vectors(st->ibrav, celldm, cell, err, sizeof err) != 0)
        LS_ERROR(LS_ERR_INPUT, "%s:%ld: %s", src, line, err);
    *alat = celldm[1];
    return LS_OK;
}

/* pw.x's search for a pseudopotential file; the path found into out[n], or "" if none. */
static void find_pseudo(const struct qe_state *st, const char *name, char *out, size_t n)
{
    out[0] = '\0';
    struct stat sb;
    if (name[0] == '/') {
        if (stat(name, &sb) == 0) snprintf(out, n, "%s", name);
        return;
    }
    char dirs[4][4096];
    int nd = 0;
    const char *env = getenv("ESPRESSO_PSEUDO"), *home = getenv("HOME");
    if (st->pseudo_dir_given) snprintf(dirs[nd++], sizeof dirs[0], "%s", st->pseudo_dir);
    else if (env && *env) snprintf(dirs[nd++], sizeof dirs[0], "%s", env);
    else if (home && *home) snprintf(dirs[nd++], sizeof dirs[0], "%s/espresso/pseudo", home);
    const char *slash = strrchr(st->path, '/');
    if (slash) snprintf(dirs[nd++], sizeof dirs[0], "%.*s", (int)(slash - st->path), st->path);
    snprintf(dirs[nd++], sizeof dirs[0], ".");
    for (int i = 0; i < nd; i++) {
        char path[16400];
        snprintf(path, sizeof path, "%s/%s", dirs[i], name);
        size_t len = strlen(path);
        if (len < n && stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
            memcpy(out, path, len + 1);
            return;
        }
    }
}

/* "ultrasoft", "PAW" or NULL (norm-conserving, or not a UPF file) from the file's first 64 kB. */
static const char *augmented_kind(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 65536;
    char *buf = malloc(cap + 1);
    if (!buf) {
        fclose(f);
        return NULL;
    }
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    buf[n] = '\0';
    const char *kind = NULL;
    if (strstr(buf, "<PP_PAW") || strstr(buf, "pseudo_type=\"PAW\"") || strstr(buf, "is_paw=\"T\"") ||
        strstr(buf, "is_paw=\"true\"") || strstr(buf, "is_paw=\".true.\""))
        kind = "PAW";
    else if (strstr(buf, "pseudo_type=\"US\"") || strstr(buf, "pseudo_type=\"USPP\"") ||
             strstr(buf, "is_ultrasoft=\"T\"") || strstr(buf, "is_ultrasoft=\"true\"") ||
             strstr(buf, "is_ultrasoft=\".true.\"") || strstr(buf, "<PP_QIJ>"))
        kind = "ultrasoft";
    const char *h = strstr(buf, "<PP_HEADER>"); /* UPF v1: version, element, then the type line */
    const char *l = h;
    for (int i = 0; l && i < 3; i++) l = strchr(l + 1, '\n');
    char word[8];
    if (!kind && l && sscanf(l + 1, " %7s", word) == 1) {
        if (!strcmp(word, "US")) kind = "ultrasoft";
        else if (!strcmp(word, "PAW")) kind = "PAW";
    }
    free(buf);
    return kind;
}

static int check_pseudos(struct qe_state *st, double *n_electrons)
{
    dft_params *p = st->p;
    double ne = -p->total_charge;
    for (int s = 0; s < p->n_species; s++) {
        struct dft_species *sp = &p->species[s];
        char found[4096];
        find_pseudo(st, sp->pseudo, found, sizeof found);
        if (!found[0]) {
            const char *env = getenv("ESPRESSO_PSEUDO");
            LS_ERROR(LS_ERR_INPUT, "%s:%ld: species '%s': the pseudopotential file '%s' is not in %s%s (nor in the "
                     "input's folder or the current one): set pseudo_dir in &control, or $ESPRESSO_PSEUDO", st->path,
                     st->species_line[s], sp->label, sp->pseudo,
                     st->pseudo_dir_given ? st->pseudo_dir : env && *env ? env : "$HOME/espresso/pseudo",
                     st->pseudo_dir_given ? " (pseudo_dir)" : env && *env ? " ($ESPRESSO_PSEUDO)" : "");
        }
        const char *kind = augmented_kind(found);
        if (kind)
            return ls_error_set(LS_ERR_UNSUPPORTED, __FILE__, __LINE__, "%s:%ld: species '%s': %s is %s "
                                "pseudopotential: %s pseudopotentials are not supported by Lodestone (norm-conserving "
                                "only; e.g. PseudoDojo's, inputs/pseudo/pd04-pbe-sr/)", st->path, st->species_line[s],
                                sp->label, sp->pseudo, kind[0] == 'P' ? "a PAW" : "an ultrasoft", kind);
        snprintf(sp->pseudo, sizeof sp->pseudo, "%s", found);
        dft_pseudo *ps = NULL;
        int status = dft_pseudo_read(found, &ps);
        if (status != LS_OK) {
            ls_error_prefix("%s:%ld: species '%s': ", st->path, st->species_line[s], sp->label);
            return status;
        }
        for (int a = 0; a < st->nat; a++)
            if (!strcmp(st->labels[a], sp->label)) ne += ps->z_valence;
        dft_pseudo_destroy(ps);
    }
    *n_electrons = ne;
    return LS_OK;
}

/* nbnd and the OCCUPATIONS card against the electron count, as pw.x's setup checks them. */
static int check_bands(struct qe_state *st, double ne)
{
    dft_params *p = st->p;
    int ns = p->n_spin == 2 ? 2 : 1;
    if (!(ne > 0))
        LS_ERROR(LS_ERR_INPUT, "%s: %g electrons (valence charges minus tot_charge): nothing to compute", st->path, ne);
    if (p->n_bands > 0 && p->calculation == DFT_CALC_SCF && p->n_bands < (int)lround(ne / 2))
        LS_ERROR(LS_ERR_INPUT, "%s:%ld: nbnd = %d is too few bands for %g electrons: at least %ld are occupied", st->path,
                 st->nbnd_line, p->n_bands, ne, lround(ne / 2));
    if (p->occupations != DFT_OCC_FROM_INPUT) {
        if (st->have_occupations)
            LS_ERROR(LS_ERR_INPUT, "%s:%ld: the OCCUPATIONS card needs occupations = 'from_input' in &system", st->path,
                     st->occ_card_line);
        return LS_OK;
    }
    if (!st->have_occupations)
        LS_ERROR(LS_ERR_INPUT, "%s:%ld: occupations = 'from_input' needs the OCCUPATIONS card", st->path,
                 st->occupations_line);
    if (st->occ_card_n != ns * p->n_bands)
        LS_ERROR(LS_ERR_INPUT, "%s:%ld: OCCUPATIONS: %d values for nbnd = %d and nspin = %d (set nspin before the card)",
                 st->path, st->occ_card_line, st->occ_card_n, p->n_bands, ns);
    double sum = 0, max = 2.0 / ns;
    for (int i = 0; i < st->occ_card_n; i++) {
        if (st->occ_card[i] < 0 || st->occ_card[i] > max)
            LS_ERROR(LS_ERR_INPUT, "%s:%ld: OCCUPATIONS: value %d is %g, expected 0 to %g%s", st->path, st->occ_card_line,
                     i + 1, st->occ_card[i], max, ns == 2 ? " per spin channel" : "");
        sum += st->occ_card[i];
    }
    if (fabs(sum - ne) > 1e-5)
        LS_ERROR(LS_ERR_INPUT, "%s:%ld: OCCUPATIONS add up to %g electrons, but the system has %g", st->path,
                 st->occ_card_line, sum, ne);
    p->occ_input = st->occ_card;
    st->occ_card = NULL;
    return LS_OK;
}

static int set_density_file(struct qe_state *st)
{
    dft_params *p = st->p;
    if (p->calculation == DFT_CALC_SCF && st->relax->kind != DFT_RELAX_NONE) return LS_OK;
    const char *env = getenv("ESPRESSO_TMPDIR");
    const char *dir = st->outdir[0] ? st->outdir : env && *env ? env : ".";
    const char *prefix = st->prefix[0] ? st->prefix : "pwscf";
    size_t len = strlen(dir);
    if (snprintf(p->density_file, sizeof p->density_file, "%s%s%s.save/lodestone-density.ckpt", dir,
                 len && dir[len - 1] == '/' ? "" : "/", prefix) >= (int)sizeof p->density_file)
        LS_ERROR(LS_ERR_INPUT, "%s: outdir and prefix make too long a path", st->path);
    return LS_OK;
}

int qe_build(struct qe_state *st)
{
    dft_params *p = st->p;
    const char *src = st->path;
    if (!st->have_ibrav) LS_ERROR(LS_ERR_INPUT, "%s: &system has no ibrav (0 with CELL_PARAMETERS, or 1 to 14)", src);
    if (st->nat < 1) LS_ERROR(LS_ERR_INPUT, "%s: &system has no nat (the number of atoms)", src);
    if (st->ntyp < 1) LS_ERROR(LS_ERR_INPUT, "%s: &system has no ntyp (the number of species)", src);
    if (!(p->ecut_wfc > 0)) LS_ERROR(LS_ERR_INPUT, "%s: &system has no ecutwfc (the wavefunction cutoff, Ry)", src);
    if (!st->have_species) LS_ERROR(LS_ERR_INPUT, "%s: ATOMIC_SPECIES card missing", src);
    if (!st->have_positions) LS_ERROR(LS_ERR_INPUT, "%s: ATOMIC_POSITIONS card missing", src);
    double cell[3][3], alat = 0;
    LS_TRY(build_cell(st, cell, &alat));
    ls_structure *s = NULL;
    LS_TRY(ls_structure_create(st->nat, &s));
    memcpy(s->cell, cell, sizeof cell);
    p->structure = s;
    for (int a = 0; a < st->nat; a++) {
        int known = 0;
        for (int sp = 0; sp < p->n_species; sp++) known |= !strcmp(p->species[sp].label, st->labels[a]);
        if (!known)
            LS_ERROR(LS_ERR_INPUT, "%s:%ld: atom %d is '%s', which is not a species of ATOMIC_SPECIES", src,
                     st->positions_line + a + 1, a + 1, st->labels[a]);
        int status = ls_structure_set_species(s, a, st->labels[a]);
        if (status != LS_OK) {
            ls_error_prefix("%s:%ld: ", src, st->positions_line + a + 1);
            return status;
        }
        const double *c = st->coords[a];
        if (!strcmp(st->pos_unit, "crystal")) {
            for (int k = 0; k < 3; k++) s->pos[a][k] = c[0] * cell[0][k] + c[1] * cell[1][k] + c[2] * cell[2][k];
        } else {
            double g = !strcmp(st->pos_unit, "angstrom") ? 1.0 / QE_BOHR_ANGSTROM
                     : !strcmp(st->pos_unit, "bohr")     ? 1.0
                                                         : alat;
            for (int k = 0; k < 3; k++) s->pos[a][k] = c[k] * g;
        }
    }
    /* pw.x's if_pos multiplies the force component (0 = fixed); Lodestone's flag is the
     * opposite (1 = fixed, common/structure.h).  No array when nothing is fixed. */
    if (st->any_fixed) {
        LS_TRY(ls_structure_alloc_fixed(s));
        for (int a = 0; a < st->nat; a++)
            for (int k = 0; k < 3; k++) s->fixed[a][k] = st->if_pos[a][k] == 0;
    }
    for (int sp = 0; sp < p->n_species; sp++) p->species[sp].starting_magnetization = st->smag[sp + 1];
    /* vc-relax as pw.x: the plane waves of the starting cell throughout, then (after bfgs, not after
     * damped dynamics) a final SCF with the cutoff's own plane waves (apps/cmd_relax.c);
     * treinit_gvecs = .true.: new ones at every step */
    if (st->relax->kind == DFT_RELAX_CELL && !st->relax_keys.treinit_gvecs) {
        p->basis_ref_given = 1;
        memcpy(p->basis_ref_cell, cell, sizeof cell);
        p->basis_ref_final_scf = !st->relax_keys.damped_cell; /* pw.x's damped dynamics have none */
    }
    LS_TRY(qe_kpoints_build(st, cell, alat));
    double ne;
    LS_TRY(check_pseudos(st, &ne));
    LS_TRY(check_bands(st, ne));
    return set_density_file(st);
}
