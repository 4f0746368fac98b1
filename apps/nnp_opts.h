/* Helpers shared by the surrogate-potential commands (train, predict, md, relax). */
#ifndef LS_APPS_NNP_OPTS_H
#define LS_APPS_NNP_OPTS_H

#include "common/structure.h"
#include "surrogate/surrogate.h"

/* Print the errors of a model on a set (stdout) and optionally write them as JSON. */
int nnp_report_errors(const char *label, const struct nnp_errors *e, int n_member, const char *json_path);

/* The largest supercell --repeat makes (atoms): ten million, about 3 GB of MD state and
 * neighbour lists for the potentials. */
#define NNP_REPEAT_MAX_ATOMS 10000000L

/* The labels of a training (or validation) set within the range of atomistic data: every energy
 * per atom, force component and stress component finite and at most NNP_FRAME_MAX_ENERGY_EV per
 * atom, NNP_FRAME_MAX_FORCE_EV_A, NNP_FRAME_MAX_STRESS_GPA in magnitude (such values are a unit or
 * file error, and would make the training diverge).  LS_ERR_INPUT naming the file, the frame and
 * the value. */
#define NNP_FRAME_MAX_ENERGY_EV 1e5
#define NNP_FRAME_MAX_FORCE_EV_A 1e4
#define NNP_FRAME_MAX_STRESS_GPA 1e5
int nnp_check_frames(const ls_structure_list *set, const char *path);

/* "--repeat NX,NY,NZ" (NULL: 1,1,1) and the supercell it asks for (LS_ERR_USAGE beyond
 * NNP_REPEAT_MAX_ATOMS atoms, before anything is allocated). */
int nnp_parse_repeat(const char *text, int rep[3]);
int nnp_structure_repeat(const ls_structure *s, const int rep[3], ls_structure **out);

#endif
