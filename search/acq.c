/* Registry of acquisition functions: a new one is a file with its table and one line here. */
#include <string.h>

#include "common/err.h"
#include "search/search.h"

extern const bo_acquisition bo_acq_ei, bo_acq_pi, bo_acq_ucb, bo_acq_lcb, bo_acq_ts, bo_acq_ehvi;

const bo_acquisition *const bo_acquisitions[] = {&bo_acq_ei, &bo_acq_pi, &bo_acq_ucb, &bo_acq_lcb,
                                                 &bo_acq_ts, &bo_acq_ehvi, NULL};

int bo_acquisition_find(const char *name, const bo_acquisition **out)
{
    *out = NULL;
    for (int i = 0; bo_acquisitions[i]; i++)
        if (strcmp(bo_acquisitions[i]->name, name) == 0) {
            *out = bo_acquisitions[i];
            return LS_OK;
        }
    LS_ERROR(LS_ERR_INPUT, "unknown acquisition function '%s' (fix: use one of ei, pi, ucb, lcb, ts, ehvi)", name);
}
