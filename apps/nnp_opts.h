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

/* "--repeat NX,NY,NZ" (NULL: 1,1,1) and the supercell it asks for (LS_ERR_USAGE beyond
 * NNP_REPEAT_MAX_ATOMS atoms, before anything is allocated). */
int nnp_parse_repeat(const char *text, int rep[3]);
int nnp_structure_repeat(const ls_structure *s, const int rep[3], ls_structure **out);

#endif
