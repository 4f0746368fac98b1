/* The SCF loop on a set-up system (see scf.c).  Internal to dft/. */
#ifndef LS_DFT_SCF_H
#define LS_DFT_SCF_H

#include "dft/scf/system.h"

struct dft_scf_report {
    int converged, n_iter;
    double energy_free, energy;     /* Ha, Harris-Foulkes estimate of the last iteration */
    double energy_ks;               /* Ha, Kohn-Sham functional at the final output density */
    double e_kinetic, e_nonlocal, e_local, e_hartree, e_xc, e_band;
    double scf_error;               /* Ha */
    double homo, lumo;
    double wall_s;
};

/* Returns LS_OK when converged, LS_ERR_CONVERGENCE (report filled) when not. */
int dft_scf_solve(dft_system *sys, struct dft_scf_report *rep);

#endif
