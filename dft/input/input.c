/* The entry points of the DFT input readers (dft/dft.h): the reader by the file's extension, and
 * the relaxation request a pw.x input may carry beside the parameters. */
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "common/textio.h"
#include "dft/dft.h"
#include "dft/input/input_qe_relax.h"

int dft_relax_request_check_single_point(const struct dft_relax_request *req, const char *source, const char *command)
{
    if (req->kind == DFT_RELAX_NONE) return LS_OK;
    char who[256];
    if (command) snprintf(who, sizeof who, "'%s'", command);
    else snprintf(who, sizeof who, "a single-point calculation");
    LS_ERROR(LS_ERR_INPUT, "%s:%d: calculation = '%s' asks for a relaxation, which %s does not do: run "
             "'lodestone relax %s' (or set calculation = 'scf' for the starting geometry only)",
             source, req->line, req->kind == DFT_RELAX_CELL ? "vc-relax" : "relax", who, source);
}

int dft_params_read_qe(const char *path, dft_params *p)
{
    struct dft_relax_request req;
    LS_TRY(dft_params_read_qe_relax(path, p, &req));
    return dft_relax_request_check_single_point(&req, path, NULL);
}

int dft_params_read_relax(const char *path, dft_params *p, struct dft_relax_request *relax)
{
    const char *ext = ls_path_extension(path);
    if (strcmp(ext, "yaml") == 0 || strcmp(ext, "yml") == 0) {
        qe_relax_request_default(relax); /* YAML inputs ask for no relaxation */
        return dft_params_read_yaml(path, p);
    }
    return dft_params_read_qe_relax(path, p, relax);
}

int dft_params_read(const char *path, dft_params *p)
{
    struct dft_relax_request req;
    LS_TRY(dft_params_read_relax(path, p, &req));
    return dft_relax_request_check_single_point(&req, path, NULL);
}
