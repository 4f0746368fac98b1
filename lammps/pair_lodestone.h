/* pair_style lodestone: a Lodestone neural-network potential (surrogate/) in LAMMPS.
 *
 *   pair_style lodestone
 *   pair_coeff * * MODEL.nnp El1 El2 ...      (one element per LAMMPS atom type)
 *
 * Units: metal (eV, Å).  The model works in Hartree atomic units; positions are converted to
 * bohr and energies/forces back with the constants of common/units.h.  Needs a full
 * neighbour list and newton_pair on (forces on ghost atoms are sent back); the virial is
 * LAMMPS's sum of r.f over owned and ghost atoms (fdotr), valid for many-body potentials.
 * Ensembles: the mean over members.  Per-atom energies are tallied; per-atom virials are not
 * supported (an error).
 */
#ifdef PAIR_CLASS
PairStyle(lodestone, PairLodestone)
#else
#ifndef LMP_PAIR_LODESTONE_H
#define LMP_PAIR_LODESTONE_H

#include "pair.h"

#include <string>
#include <vector>

extern "C" {
#include "surrogate/surrogate.h"
}

namespace LAMMPS_NS {

class PairLodestone : public Pair {
 public:
  PairLodestone(class LAMMPS *);
  ~PairLodestone() override;
  void compute(int, int) override;
  void settings(int, char **) override;
  void coeff(int, char **) override;
  void init_style() override;
  double init_one(int, int) override;

  static int bad_input; /* set before error->all on a user error: the driver exits 2 */

 protected:
  nnp_model *model;
  nnp_atom_work *work;
  std::vector<int> type_elem;   /* LAMMPS type (1..ntypes) -> model element index */
  std::vector<int> nb_elem;
  std::vector<double> nb_d, nb_dE;
  double cut_angstrom;
  void allocate();
  [[noreturn]] void fail(const std::string &msg);
};

}    // namespace LAMMPS_NS

#endif
#endif
