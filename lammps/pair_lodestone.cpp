/* pair_style lodestone; see pair_lodestone.h.
 *
 * For each owned atom i the full neighbour list gives its environment d_j = x_j - x_i (owned
 * and ghost j); nnp_model_atom_energy (surrogate/atom_eval.c) returns e_i and dE/dd_j, and
 *   f_i += dE/dd_j,  f_j -= dE/dd_j   (ghost j: sent back by reverse communication)
 * which is exactly how nnp_model_predict assembles the forces (surrogate/model.c).
 */
#include "pair_lodestone.h"

#include "atom.h"
#include "comm.h"
#include "error.h"
#include "force.h"
#include "memory.h"
#include "neigh_list.h"
#include "neigh_request.h"
#include "neighbor.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mpi.h>

extern "C" {
#include "common/elements.h"
#include "common/err.h"
#include "common/units.h"
}

using namespace LAMMPS_NS;

int PairLodestone::bad_input = 0;

PairLodestone::PairLodestone(LAMMPS *lmp) : Pair(lmp), model(nullptr), work(nullptr), cut_angstrom(0.0)
{
  single_enable = 0;
  restartinfo = 0;
  one_coeff = 1;
  manybody_flag = 1;
}

PairLodestone::~PairLodestone()
{
  nnp_atom_work_destroy(work);
  nnp_model_destroy(model);
  if (allocated) {
    memory->destroy(setflag);
    memory->destroy(cutsq);
  }
}

/* A user error in the pair style's input: LAMMPS's own error->all would print the message and
 * exit with status 1; Lodestone's convention for bad input is 2, so the same is done here with
 * 2 (every rank reaches this: the checks see the same input everywhere). */
void PairLodestone::fail(const std::string &msg)
{
  bad_input = 1;
  if (comm->me == 0) {
    std::string text = "ERROR: " + msg + "\n";
    if (screen) fputs(text.c_str(), screen);
    if (logfile) fputs(text.c_str(), logfile);
    if (screen && screen != stdout) fputs(text.c_str(), stderr);
  }
  if (screen) fflush(screen);
  if (logfile) fflush(logfile);
  MPI_Barrier(world);
  MPI_Finalize();
  exit(2);
}

void PairLodestone::allocate()
{
  allocated = 1;
  int n = atom->ntypes;
  memory->create(setflag, n + 1, n + 1, "pair:setflag");
  memory->create(cutsq, n + 1, n + 1, "pair:cutsq");
  for (int i = 1; i <= n; i++)
    for (int j = i; j <= n; j++) setflag[i][j] = 0;
}

void PairLodestone::settings(int narg, char **)
{
  if (narg != 0) fail("pair_style lodestone takes no arguments (the model is given by pair_coeff * * MODEL El ...)");
}

void PairLodestone::coeff(int narg, char **arg)
{
  if (!allocated) allocate();
  int ntypes = atom->ntypes;
  if (narg != 3 + ntypes)
    fail(fmt::format("pair_coeff * * MODEL El1 .. El{}: one element per atom type ({} types), got {} words", ntypes,
                     ntypes, narg - 3));
  if (strcmp(arg[0], "*") != 0 || strcmp(arg[1], "*") != 0) fail("pair_coeff for lodestone must be 'pair_coeff * * MODEL El ...'");
  nnp_model_destroy(model);
  model = nullptr;
  if (nnp_model_load(arg[2], &model) != LS_OK) fail(std::string("pair_style lodestone: ") + ls_error_message());
  nnp_atom_work_destroy(work);
  work = nullptr;
  if (nnp_atom_work_create(model, &work) != LS_OK) error->one(FLERR, ls_error_message());
  type_elem.assign(ntypes + 1, -1);
  for (int t = 1; t <= ntypes; t++) {
    const char *sym = arg[2 + t];
    int z = ls_element_z(sym);
    if (z == 0) fail(fmt::format("pair_coeff: '{}' (type {}) is not an element symbol", sym, t));
    int e = nnp_model_element_index(model, z);
    if (e < 0) {
      std::string known;
      for (int k = 0; k < nnp_model_n_elem(model); k++) known += std::string(" ") + ls_element_symbol(nnp_model_element_z(model, k));
      fail(fmt::format("pair_coeff: element {} (type {}) is not in the model {} (its elements:{})", sym, t, arg[2], known));
    }
    type_elem[t] = e;
  }
  cut_angstrom = nnp_model_cutoff(model) * LS_BOHR_ANGSTROM;
  for (int i = 1; i <= ntypes; i++)
    for (int j = i; j <= ntypes; j++) setflag[i][j] = 1;
}

void PairLodestone::init_style()
{
  if (model == nullptr) fail("pair_style lodestone: no model (pair_coeff * * MODEL El ...)");
  if (force->newton_pair == 0) fail("pair_style lodestone needs newton_pair on (the default 'newton on')");
  int irequest = neighbor->request(this, instance_me);
  neighbor->requests[irequest]->half = 0;
  neighbor->requests[irequest]->full = 1;
}

double PairLodestone::init_one(int, int) { return cut_angstrom; }

void PairLodestone::compute(int eflag, int vflag)
{
  ev_init(eflag, vflag);
  if (vflag_atom) fail("pair_style lodestone does not compute per-atom virials");
  double **x = atom->x, **f = atom->f;
  int *type = atom->type;
  const int inum = list->inum;
  int *ilist = list->ilist, *numneigh = list->numneigh, **firstneigh = list->firstneigh;
  const double ang = LS_ANGSTROM_BOHR, ev = LS_HARTREE_EV, fconv = LS_HA_BOHR_EV_A;
  const double cutsq_a = cut_angstrom * cut_angstrom;
  for (int ii = 0; ii < inum; ii++) {
    int i = ilist[ii], jnum = numneigh[i], *jlist = firstneigh[i];
    nb_elem.resize(jnum + 1);
    nb_d.resize(3 * (jnum + 1));
    nb_dE.resize(3 * (jnum + 1));
    std::vector<int> js;
    js.reserve(jnum);
    int n = 0;
    for (int jj = 0; jj < jnum; jj++) {
      int j = jlist[jj] & NEIGHMASK;
      double dx = x[j][0] - x[i][0], dy = x[j][1] - x[i][1], dz = x[j][2] - x[i][2];
      if (dx * dx + dy * dy + dz * dz >= cutsq_a) continue;
      nb_elem[n] = type_elem[type[j]];
      nb_d[3 * n] = dx * ang;
      nb_d[3 * n + 1] = dy * ang;
      nb_d[3 * n + 2] = dz * ang;
      js.push_back(j);
      n++;
    }
    double e = 0.0;
    if (nnp_model_atom_energy(model, type_elem[type[i]], n, nb_elem.data(), (const double(*)[3])nb_d.data(), &e,
                              (double(*)[3])nb_dE.data(), work) != LS_OK)
      error->one(FLERR, ls_error_message());
    for (int k = 0; k < n; k++) {
      int j = js[k];
      for (int a = 0; a < 3; a++) {
        double g = nb_dE[3 * k + a] * fconv;
        f[i][a] += g;
        f[j][a] -= g;
      }
    }
    if (eflag_global) eng_vdwl += e * ev;
    if (eflag_atom) eatom[i] += e * ev;
  }
  if (vflag_fdotr) virial_fdotr_compute();
}
