/* The C interface of the potentials (capi/lodestone.h): ASE units at the boundary, Hartree atomic
 * units inside, converted with the factors the extended-XYZ writer uses (common/extxyz.c), so that a
 * prediction equals what `lodestone predict` writes. */
#include "capi/lodestone.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "common/buildinfo.h"
#include "common/elements.h"
#include "common/err.h"
#include "common/structure.h"
#include "common/units.h"
#include "surrogate/surrogate.h"

/* eV/Å^3 -> Ha/bohr^3, as common/extxyz.c. */
#define STRESS_EV_A3_TO_AU (LS_EV_HARTREE * LS_BOHR_ANGSTROM * LS_BOHR_ANGSTROM * LS_BOHR_ANGSTROM)

struct lodestone_potential {
    nnp_model *model;
    ls_structure *s;           /* scratch structure of the last size */
    int cap;                   /* atoms the scratch arrays hold */
    double (*forces)[3];       /* Ha/bohr */
    double (*force_std)[3];    /* Ha/bohr */
    double *atom_energy;       /* Ha */
    char description[256];
};

const char *lodestone_version(void) { return ls_buildinfo_version(); }
int lodestone_capi_version(void) { return LODESTONE_CAPI_VERSION; }
const char *lodestone_last_error(void) { return ls_error_message(); }

void lodestone_set_threads(int n)
{
    if (n >= 1) omp_set_num_threads(n);
}

int lodestone_potential_load(const char *path, lodestone_potential **out)
{
    ls_error_clear();
    if (out == NULL) return ls_status_exit_code(ls_error_set(LS_ERR_USAGE, __FILE__, __LINE__, "no place for the potential (out is NULL)"));
    *out = NULL;
    if (path == NULL) return ls_status_exit_code(ls_error_set(LS_ERR_USAGE, __FILE__, __LINE__, "no model file given"));
    lodestone_potential *pot = calloc(1, sizeof *pot);
    if (pot == NULL) return ls_status_exit_code(ls_error_set(LS_ERR_NOMEM, __FILE__, __LINE__, "out of memory"));
    int status = nnp_model_load(path, &pot->model);
    if (status != LS_OK) {
        free(pot);
        return ls_status_exit_code(status);
    }
    *out = pot;
    return 0;
}

void lodestone_potential_free(lodestone_potential *pot)
{
    if (pot == NULL) return;
    nnp_model_destroy(pot->model);
    ls_structure_destroy(pot->s);
    free(pot->forces);
    free(pot->force_std);
    free(pot->atom_energy);
    free(pot);
}

int lodestone_potential_n_elements(const lodestone_potential *pot) { return pot ? nnp_model_n_elem(pot->model) : 0; }

int lodestone_potential_element(const lodestone_potential *pot, int i)
{
    if (pot == NULL || i < 0 || i >= nnp_model_n_elem(pot->model)) return 0;
    return nnp_model_element_z(pot->model, i);
}

double lodestone_potential_cutoff_a(const lodestone_potential *pot)
{
    return pot ? nnp_model_cutoff(pot->model) * LS_BOHR_ANGSTROM : 0.0;
}

int lodestone_potential_n_members(const lodestone_potential *pot) { return pot ? nnp_model_n_member(pot->model) : 0; }

const char *lodestone_potential_describe(lodestone_potential *pot)
{
    if (pot == NULL) return "";
    nnp_model_describe(pot->model, pot->description, (int)sizeof pot->description);
    return pot->description;
}

/* The scratch structure and arrays for n atoms (reallocated only when n changes). */
static int ensure_size(lodestone_potential *pot, int n)
{
    if (pot->s && pot->s->n_atom == n) return LS_OK;
    ls_structure_destroy(pot->s);
    pot->s = NULL;
    LS_TRY(ls_structure_create(n, &pot->s));
    if (n > pot->cap) {
        free(pot->forces);
        free(pot->force_std);
        free(pot->atom_energy);
        pot->forces = malloc((size_t)n * sizeof *pot->forces);
        pot->force_std = malloc((size_t)n * sizeof *pot->force_std);
        pot->atom_energy = malloc((size_t)n * sizeof *pot->atom_energy);
        pot->cap = n;
        if (!pot->forces || !pot->force_std || !pot->atom_energy) {
            pot->cap = 0;
            LS_ERROR(LS_ERR_NOMEM, "out of memory for %d atoms", n);
        }
    }
    return LS_OK;
}

/* Fill the scratch structure from the caller's arrays (Å -> bohr), checking them. */
static int set_structure(lodestone_potential *pot, int n, const int *numbers, const double *pos_a,
                         const double *cell_a, const int *pbc)
{
    if (n < 1) LS_ERROR(LS_ERR_INPUT, "no atoms (n_atom = %d)", n);
    if (!numbers || !pos_a || !cell_a || !pbc) LS_ERROR(LS_ERR_USAGE, "numbers, positions, cell and pbc are required");
    LS_TRY(ensure_size(pot, n));
    ls_structure *s = pot->s;
    for (int i = 0; i < 3; i++) {
        s->pbc[i] = pbc[i] ? 1 : 0;
        for (int k = 0; k < 3; k++) {
            double v = cell_a[3 * i + k];
            if (!isfinite(v)) LS_ERROR(LS_ERR_INPUT, "cell vector %d is not finite", i + 1);
            s->cell[i][k] = v * LS_ANGSTROM_BOHR;
        }
    }
    for (int ia = 0; ia < n; ia++) {
        if (s->z[ia] != numbers[ia]) {
            if (numbers[ia] < 1 || numbers[ia] > LS_N_ELEMENTS)
                LS_ERROR(LS_ERR_INPUT, "atom %d: %d is not an atomic number", ia + 1, numbers[ia]);
            LS_TRY(ls_structure_set_species(s, ia, ls_element_symbol(numbers[ia])));
        }
        for (int k = 0; k < 3; k++) {
            double v = pos_a[3 * ia + k];
            if (!isfinite(v)) LS_ERROR(LS_ERR_INPUT, "atom %d: position is not finite", ia + 1);
            s->pos[ia][k] = v * LS_ANGSTROM_BOHR;
        }
    }
    return LS_OK;
}

int lodestone_potential_predict(lodestone_potential *pot, int n_atom, const int *numbers, const double *positions_a,
                                const double *cell_a, const int *pbc, double *energy_ev, double *forces_ev_a,
                                double *stress_ev_a3, double *energies_ev, double *energy_std_ev,
                                double *forces_std_ev_a)
{
    ls_error_clear();
    if (pot == NULL) return ls_status_exit_code(ls_error_set(LS_ERR_USAGE, __FILE__, __LINE__, "no potential (NULL)"));
    int status = set_structure(pot, n_atom, numbers, positions_a, cell_a, pbc);
    if (status != LS_OK) return ls_status_exit_code(status);
    if (stress_ev_a3 && !(pbc[0] && pbc[1] && pbc[2]))
        return ls_status_exit_code(ls_error_set(LS_ERR_INPUT, __FILE__, __LINE__,
                                                "stress needs a cell periodic in all three directions (pbc %d %d %d)",
                                                pbc[0], pbc[1], pbc[2]));
    struct nnp_result r;
    memset(&r, 0, sizeof r);
    r.forces = (forces_ev_a || forces_std_ev_a) ? pot->forces : NULL;
    r.force_std = forces_std_ev_a ? pot->force_std : NULL;
    r.atom_energy = energies_ev ? pot->atom_energy : NULL;
    status = nnp_model_predict(pot->model, pot->s, &r);
    if (status != LS_OK) return ls_status_exit_code(status);
    if (energy_ev) *energy_ev = r.energy * LS_HARTREE_EV;
    if (energy_std_ev) *energy_std_ev = r.energy_std * LS_HARTREE_EV;
    for (int ia = 0; ia < n_atom; ia++) {
        if (energies_ev) energies_ev[ia] = pot->atom_energy[ia] * LS_HARTREE_EV;
        for (int k = 0; k < 3; k++) {
            if (forces_ev_a) forces_ev_a[3 * ia + k] = pot->forces[ia][k] * LS_HA_BOHR_EV_A;
            if (forces_std_ev_a) forces_std_ev_a[3 * ia + k] = pot->force_std[ia][k] * LS_HA_BOHR_EV_A;
        }
    }
    if (stress_ev_a3)
        for (int k = 0; k < 9; k++) stress_ev_a3[k] = r.stress[k / 3][k % 3] * (1.0 / STRESS_EV_A3_TO_AU);
    return 0;
}
