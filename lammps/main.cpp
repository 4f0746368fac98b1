/* lmp_lodestone: LAMMPS (Debian's liblammps, the library interface) with pair_style lodestone
 * registered, and, when built with the LAMMPS source's ML-SNAP files (LODESTONE_WITH_SNAP),
 * pair_style snap as the same-machine peer of validation/mlearn-alloys.
 *
 * Debian's LAMMPS (29 Sep 2021) is built without the PLUGIN package, so 'plugin load' is not
 * available; what 'plugin load' does inside LAMMPS is to add the style's creator to
 * Force::pair_map.  This program does the same before it reads the input, through the C++
 * API that liblammps-dev installs.  Usage as lmp: lmp_lodestone -in in.lammps [lmp options].
 * Exit code 2 when pair_style lodestone refused its input (a model for other elements, an
 * element the model lacks, an unreadable or corrupt model file), 1 for other LAMMPS errors.
 */
#include "error.h"
#include "exceptions.h"
#include "force.h"
#include "input.h"
#include "lammps.h"
#include "pair_lodestone.h"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <exception>
#include <mpi.h>

#ifdef LODESTONE_WITH_SNAP
#include "pair_snap.h"
#endif

using namespace LAMMPS_NS;

static Pair *create_lodestone(LAMMPS *lmp) { return new PairLodestone(lmp); }
#ifdef LODESTONE_WITH_SNAP
static Pair *create_snap(LAMMPS *lmp) { return new PairSNAP(lmp); }
#endif

static void register_styles(LAMMPS *lmp)
{
  (*lmp->force->pair_map)["lodestone"] = &create_lodestone;
#ifdef LODESTONE_WITH_SNAP
  (*lmp->force->pair_map)["snap"] = &create_snap;
#endif
}

/* LODESTONE_LINES=FILE: run FILE one line at a time (no loops or jumps), registering the styles
 * again after every line, so that 'clear' (which rebuilds LAMMPS's style tables) may separate
 * many small calculations in one run (validation/mlearn-alloys/snap.py). */
static void run_lines(LAMMPS *lmp, const char *path)
{
  FILE *fp = fopen(path, "r");
  if (fp == nullptr) lmp->error->one(FLERR, std::string("cannot open ") + path);
  char line[4096];
  while (fgets(line, sizeof line, fp)) {
    lmp->input->one(line);
    register_styles(lmp);
  }
  fclose(fp);
}

int main(int argc, char **argv)
{
  MPI_Init(&argc, &argv);
  int code = 0;
  try {
    LAMMPS *lmp = new LAMMPS(argc, argv, MPI_COMM_WORLD);
    register_styles(lmp);
    const char *lines = getenv("LODESTONE_LINES");
    if (lines) run_lines(lmp, lines);
    else lmp->input->file();
    delete lmp;
  } catch (LAMMPSAbortException &ae) {
    MPI_Abort(ae.universe, PairLodestone::bad_input ? 2 : 1);
  } catch (LAMMPSException &e) {
    code = PairLodestone::bad_input ? 2 : 1;
  }
  MPI_Barrier(MPI_COMM_WORLD);
  MPI_Finalize();
  return code;
}
