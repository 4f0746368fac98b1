/* The calculator contract (see calc.h). */
#include "workflow/calc.h"

#include <string.h>

void ls_calc_last_info(const ls_calc *calc, struct ls_calc_info *info)
{
    memset(info, 0, sizeof *info);
    if (calc && calc->info) calc->info(calc->ctx, info);
}
